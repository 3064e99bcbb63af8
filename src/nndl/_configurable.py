"""The base of the objects a ``config()`` dict describes: activations, losses, optimizers.

``config()`` is what saving writes and ``get(config)`` rebuilds from, so it also
gives the object's ``repr``, its equality (within its family: two activations,
two losses or two optimizers) and its hash.
"""

from __future__ import annotations

from typing import Any, ClassVar


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
        """A JSON-able description from which the family's ``get`` rebuilds the object."""
        return {"name": self.name}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "name")
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self._family) and self.config() == other.config()

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.config().items())))
