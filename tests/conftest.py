"""Shared fixtures: the array backends every core test runs on."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest

BACKENDS = ["numpy", "array_api_strict", "torch"]


class Backend:
    """Moves NumPy test data to one array library and back."""

    def __init__(self, name: str) -> None:
        self.name = name
        if name == "numpy":
            self.xp: ModuleType = np
        else:
            self.xp = pytest.importorskip(name)

    def asarray(self, a: Any) -> Any:
        return np.asarray(a) if self.name == "numpy" else self.xp.asarray(np.asarray(a))

    def __repr__(self) -> str:
        return self.name


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Backend:
    return Backend(request.param)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)
