"""The private members of scikit-learn's MLPs that code written against them reads.

``_optimizer`` (its ``learning_rate`` now, ``learning_rate_init``, ``t``) after a fit with a
stochastic solver, and ``_loss_grad_lbfgs`` / ``_unpack``, L-BFGS's objective over
scikit-learn's packed parameter vector (the coefficients' rows, then the intercepts, layer
by layer: ``np.hstack([a.ravel() for a in coefs_ + intercepts_])``).  They are private in
scikit-learn, kept here so that such code runs; nothing else in nndl uses them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nndl.estimators._base import params_from_rows, rows_from_params
from nndl.estimators._plan import OUTPUTS
from nndl.model.network import Network
from nndl.training import optimizers as optim
from nndl.training.numpy_engine import NumpyEngine


class OptimizerView:
    """scikit-learn's ``_optimizer`` as far as code reads it, over the estimator's state.

    ``learning_rate`` is the rate of the next step: for ``sgd`` the schedule's α (lowered by
    ``adaptive``, decayed by ``invscaling``; settable, and ``partial_fit`` goes on with it),
    for ``adam`` scikit-learn's bias-corrected ``learning_rate_init · √(1 − β₂ᵗ) / (1 − β₁ᵗ)``
    of the last step (``learning_rate_init`` before the first)."""

    def __init__(self, estimator: Any) -> None:
        self._estimator = estimator

    @property
    def learning_rate_init(self) -> float:
        return float(self._estimator._rate.learning_rate)

    @property
    def t(self) -> int:
        """The steps taken (mini-batches), as Adam counts them."""
        state = self._estimator._optimizer_state
        return 0 if state is None else int(state.t)

    @property
    def learning_rate(self) -> float:
        est = self._estimator
        if est.solver == "adam":
            t = self.t
            if t == 0:
                return self.learning_rate_init
            return float(self.learning_rate_init * np.sqrt(1 - est.beta_2**t) / (1 - est.beta_1**t))
        return float(est._rate.rate)

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        if self._estimator.solver == "adam":
            raise AttributeError(
                "Adam's learning_rate is recomputed from learning_rate_init at every step "
                "(scikit-learn's too), so setting it would change nothing: set the estimator's "
                "learning_rate_init and fit again"
            )
        self._estimator._rate.rate = float(value)

    def __repr__(self) -> str:
        solver = self._estimator.solver
        return f"OptimizerView(solver={solver!r}, learning_rate={self.learning_rate!r})"


def unpack(estimator: Any, packed: np.ndarray) -> None:
    """scikit-learn's ``_unpack``: ``coefs_`` and ``intercepts_`` (and the fitted network)
    from the packed vector."""
    packed = np.asarray(packed)
    coefs, intercepts, start = [], [], 0
    for W in estimator.coefs_:
        coefs.append(packed[start : start + W.size].reshape(W.shape).astype(W.dtype))
        start += W.size
    for b in estimator.intercepts_:
        intercepts.append(packed[start : start + b.size].astype(b.dtype))
        start += b.size
    if start != packed.size:
        raise ValueError(
            f"the packed parameters have {packed.size} numbers; this network has {start}"
        )
    network = estimator.network_
    if isinstance(network, Network):
        network.params = params_from_rows(coefs, intercepts)
        estimator.coefs_, estimator.intercepts_ = rows_from_params(network)
    else:
        estimator.coefs_, estimator.intercepts_ = coefs, intercepts


def loss_grad_lbfgs(
    estimator: Any, packed: np.ndarray, X: Any, y: Any, sample_weight: Any = None
) -> tuple[float, np.ndarray]:
    """scikit-learn's ``_loss_grad_lbfgs``: set the parameters to ``packed`` (as ``_unpack``)
    and return the full-batch cost with the L2 term ``(α/2·Σw) Σ||W||²`` and its gradient,
    packed the same way (float64).  ``y`` is the network's target, as scikit-learn passes it
    (the label-binarized classes of a classifier, the numbers of a regressor).

    The cost is the one whose gradient this is, nndl's L-BFGS objective: for a regressor with
    several outputs, the squared error summed over them (scikit-learn returns their mean with
    the sum's gradient, its issue #8349); for one output the two agree."""
    network = estimator.network_
    if not isinstance(network, Network):
        raise ValueError("_loss_grad_lbfgs computes a dense MLP's cost, not a layers= model's")
    unpack(estimator, packed)
    Y = np.asarray(y, dtype=np.float64)
    Y = Y.reshape(len(Y), -1)
    dims = list(network.layer_dims)
    output, loss = OUTPUTS[estimator.out_activation_]
    hidden = [g.name for g in network.activations[:-1]]
    net = Network(dims, activations=hidden, output=output, loss=loss, dtype="float64")
    net.params = {
        k: np.array(v, dtype=np.float64)
        for k, v in params_from_rows(estimator.coefs_, estimator.intercepts_).items()
    }
    net.l2 = float(estimator.alpha)
    X = X.astype(np.float64) if X.dtype != np.float64 else X
    engine = NumpyEngine(
        net,
        optim.GradientDescent(),
        X.T,
        Y.T,
        X.shape[0],
        False,
        [1.0] * (len(dims) - 2),
        sample_weight=sample_weight,
    )
    J, grad, _ = engine.cost_and_gradient(engine.theta.copy())
    grads = engine.layout.views(grad)
    L = len(dims) - 1
    rows = [grads[f"W{l}"].T.ravel() for l in range(1, L + 1)]
    rows += [grads[f"b{l}"].ravel() for l in range(1, L + 1)]
    return float(J), np.concatenate(rows)
