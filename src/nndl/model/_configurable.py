"""The base of the objects a ``config()`` dict describes: activations, losses, optimizers.

``config()`` is what saving writes and ``get(config)`` rebuilds from, so it also
gives the object's ``repr``, its equality (within its family: two activations,
two losses or two optimizers) and its hash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from nndl.errors import NNDLValueError, did_you_mean

_T = TypeVar("_T")


def lookup(
    registry: Mapping[str, _T], name: str, kind: str, aliases: Mapping[str, str] | None = None
) -> _T:
    """``registry``'s entry for ``name``, read the forgiving way: case, surrounding space and
    ``-`` for ``_`` do not matter, and ``aliases`` map other spellings to registry keys.  An
    unknown name is an :class:`NNDLValueError` listing the known ones, with the closest as
    "did you mean …?"."""
    key = name.strip().lower().replace("-", "_")
    key = (aliases or {}).get(key, key)
    if key not in registry:
        hint = did_you_mean(name, {**{k: k for k in registry}, **(aliases or {})})
        raise NNDLValueError(
            f"unknown {kind} {name!r}; {hint + ' The known' if hint else 'the known'} ones are: "
            f"{', '.join(registry)}"
        )
    return registry[key]


class Configurable:
    """``repr``, ``==`` and ``hash`` from :meth:`config`; ``name`` identifies the kind."""

    name: str = ""
    _family: ClassVar[type[Configurable]]
    """The direct subclass (``Activation``, ``Loss``, ``Optimizer``) whose members compare."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if Configurable in cls.__bases__:
            cls._family = cls

    def config(self) -> dict[str, Any]:
        """A JSON-able description from which the family's ``get`` rebuilds the object.

        Returns
        -------
        dict of str to object
            ``{"name": ..., **arguments}``.
        """
        return {"name": self.name}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "name")
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self._family) and self.config() == other.config()

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.config().items())))
