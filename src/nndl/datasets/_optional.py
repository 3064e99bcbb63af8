"""Optional dependencies of the data loaders, imported on first use.

h5py, Pillow and pandas come with the ``data`` extra, scikit-learn with the
``sklearn`` extra; nndl's core needs none of them.
"""

from __future__ import annotations

from nndl.errors import MissingDependencyError, require

__all__ = ["MissingDependencyError", "require"]
