"""The module paths nndl had before its layers became folders, kept working.

``import nndl.network``, ``from nndl import train``, ``nndl.optim.Adam``, … give
the module that now holds that code (the same module object, so patching one
patches the other).  The new homes are the ones to write in new code.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

MOVED = {
    "nndl.activations": "nndl.model.activations",
    "nndl.losses": "nndl.model.losses",
    "nndl.init": "nndl.model.init",
    "nndl.network": "nndl.model.network",
    "nndl.backend": "nndl.arrays.backend",
    "nndl.devices": "nndl.arrays.devices",
    "nndl.fused": "nndl.arrays.fused",
    "nndl.train": "nndl.training",
    "nndl.optim": "nndl.training.optimizers",
    "nndl.callbacks": "nndl.training.callbacks",
    "nndl.distributed": "nndl.training.dask",
}
"""Old module path → where that code lives now."""


class _Alias(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # a placeholder, replaced in exec_module

    def exec_module(self, module: ModuleType) -> None:
        # the import system returns whatever sys.modules holds under the name afterwards
        sys.modules[module.__name__] = importlib.import_module(self.target)


class MovedModules(importlib.abc.MetaPathFinder):
    """Finds the old module paths of :data:`MOVED` and answers with their new modules."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, _Alias(MOVED[fullname]))


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, MovedModules) for f in sys.meta_path):
        sys.meta_path.append(MovedModules())


def module(name: str) -> ModuleType | None:
    """The module now behind ``nndl.<name>``, or None if that name never moved."""
    target = MOVED.get(f"nndl.{name}")
    return None if target is None else importlib.import_module(f"nndl.{name}")
