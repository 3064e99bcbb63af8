"""One colour scheme for classes and outputs, in every figure and in the playground's page.

Class 0 is orange and class 1 blue (TensorFlow Playground's pair, told apart by readers with a
red-green colour deficiency), further classes green, purple, red, brown, pink and grey.  A
value over the plane — a unit's activation, the output ŷ — runs from orange (negative, or ŷ
near 0: class 0) through a light grey (0, or ŷ = 0.5) to blue (positive, or ŷ near 1: class 1).
The playground's ``static/draw.js`` holds the same numbers (a test compares them).

matplotlib is imported only by the functions that make colour maps.
"""

from __future__ import annotations

from typing import Any

RGB = tuple[int, int, int]

NEGATIVE: RGB = (245, 147, 34)
"""Orange: class 0, ŷ near 0, a negative value."""
POSITIVE: RGB = (8, 119, 189)
"""Blue: class 1, ŷ near 1, a positive value."""
MIDDLE: RGB = (232, 234, 235)
"""Light grey: 0 on a signed scale, ŷ = 0.5."""
CLASSES: tuple[RGB, ...] = (
    NEGATIVE,
    POSITIVE,
    (51, 160, 44),
    (106, 61, 154),
    (227, 26, 28),
    (177, 89, 40),
    (247, 129, 191),
    (119, 119, 119),
)
"""Class k's colour is ``CLASSES[k % 8]``."""
TRAIN_LINE = "#333333"
"""A cost or accuracy curve on the training data (dark grey; the held-out data's is blue)."""


def hex_colour(rgb: RGB) -> str:
    """``"#rrggbb"`` for an ``(r, g, b)`` of 0…255."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


HELD_OUT_LINE = hex_colour(POSITIVE)
"""A cost or accuracy curve on validation or test data."""


def class_rgb(k: int) -> RGB:
    """Class ``k``'s ``(r, g, b)``, 0…255."""
    return CLASSES[k % len(CLASSES)]


def class_colour(k: int) -> str:
    """Class ``k``'s colour as ``"#rrggbb"``."""
    return hex_colour(CLASSES[k % len(CLASSES)])


def class_colours(n: int) -> list[str]:
    """The colours of classes ``0 … n - 1``."""
    return [class_colour(k) for k in range(n)]


def class_cmap(n: int) -> Any:
    """A matplotlib colour map of ``n`` entries, class k's colour at k (for ``contourf`` with
    levels at the half-integers)."""
    from matplotlib.colors import ListedColormap

    return ListedColormap(class_colours(max(n, 2)), name=f"nndl_classes_{n}")


def signed_cmap() -> Any:
    """Orange (low) → light grey (middle) → blue (high): the unit maps' and ŷ's colour map."""
    from matplotlib.colors import LinearSegmentedColormap

    stops = [tuple(c / 255 for c in rgb) for rgb in (NEGATIVE, MIDDLE, POSITIVE)]
    return LinearSegmentedColormap.from_list("nndl_signed", stops, N=256)


def count_cmap() -> Any:
    """White → blue, for counts (a confusion matrix)."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list(
        "nndl_counts", [(1.0, 1.0, 1.0), tuple(c / 255 for c in POSITIVE)], N=256
    )
