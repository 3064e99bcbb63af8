"""What a front-end asks of :class:`nndl.estimators._core.Core` at each ``fit``: a :class:`Plan`
(its parameters, in the core's terms), and :data:`OUTPUTS`, scikit-learn's output
activations as nndl's output and its matched loss."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OUTPUTS = {
    "softmax": ("softmax", "cross_entropy"),
    "logistic": ("sigmoid", "logistic"),
    "identity": ("linear", "mse"),
    "exp": ("exponential", "poisson"),
}
"""scikit-learn's ``out_activation_`` to nndl's output activation and its matched loss."""


@dataclass(frozen=True)
class Plan:
    """How a front-end's parameters ask the core to train, built at each ``fit``."""

    hidden_sizes: tuple[int, ...] = (100,)
    hidden: tuple[str, ...] = ("relu",)
    """nndl's names of the hidden layers' activations, one per layer."""
    layers: Any = None
    """The layers before the output (a Sequential model), instead of the two above."""
    init: str = "glorot_uniform"
    dtype: str | None = None
    """The network's float dtype; None: X's."""
    device: Any = None
    optimizer: Any = "adam"
    """An optimizer or its name; an ``LBFGS`` trains full batch."""
    learning_rate: float = 0.001
    rate: str = "constant"
    """The kind of :class:`AdaptiveRate`: ``constant``, ``invscaling`` or ``adaptive``."""
    power_t: float = 0.5
    max_iter: int = 200
    batch_size: int | str | None = "auto"
    """``"auto"`` (min(200, m)), an int (clipped to m, with a warning), None (full batch)."""
    shuffle: bool = True
    l2: float = 0.0001
    l2_cost: str = "dataset"
    output_cost: str = "sum"
    """How ``loss_`` reduces the data cost over the outputs: ``sum`` or ``mean`` (scikit-learn's
    squared error); the gradient is the sum's either way."""
    dropout: Any = 0.0
    tol: float = 1e-4
    n_iter_no_change: int | None = 10
    """Epochs without improvement that the rule tolerates; None: it never stops."""
    early_stopping: bool = False
    validation_fraction: float = 0.1
    watch_cost: bool = False
    """With early stopping, watch the validation cost (the course's), not the score."""
    warm_start: bool = False
    progress: int = 0
    """:class:`~nndl.training.options.FitOptions`' ``verbose`` (a bar, or a line per epoch)."""
    report: bool = False
    """Print scikit-learn's lines (the loss of each iteration, the plateaus)."""
    warn_max_iter: bool = True
    """A ``ConvergenceWarning`` when ``max_iter`` ends the run before the rule does."""
