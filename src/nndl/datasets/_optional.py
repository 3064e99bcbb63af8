"""Optional dependencies of the data loaders, imported on first use.

h5py, Pillow and pandas come with the ``data`` extra, scikit-learn with the
``sklearn`` extra; nndl's core needs none of them.
"""

from __future__ import annotations

import importlib
from typing import Any

from nndl.errors import MissingDependencyError

__all__ = ["MissingDependencyError", "require"]


def require(module: str, extra: str, purpose: str) -> Any:
    """Import ``module`` or raise :class:`MissingDependencyError` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".", 1)[0]
        raise MissingDependencyError(
            f"{purpose} needs the package {top!r}, which is not installed. "
            f'Install it with: pip install "nndl[{extra}]"'
        ) from exc
