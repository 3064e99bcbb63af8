"""The arrays layer: which array library does the math, and where.

- :mod:`~nndl.arrays.backend`: the array namespace of any input (array-api-compat),
  conversions at the boundaries, dtypes, one flat layout of the parameters;
- :mod:`~nndl.arrays.devices`: devices (CPU, CUDA through CuPy or PyTorch);
- :mod:`~nndl.arrays.fused`: compiled elementwise loops for the NumPy engine (Numba);
- :mod:`~nndl.arrays.blocks`: arrays held in blocks of examples on a cluster (Dask).

It imports nothing from the layers above it (model, training, interfaces).
"""
