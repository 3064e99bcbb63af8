"""Drop-ins for scikit-learn's ``MLPClassifier`` and ``MLPRegressor``, on nndl's engine.

``from nndl import MLPClassifier`` in place of ``from sklearn.neural_network import
MLPClassifier``: the same parameters with the same defaults and meanings, the same
fitted attributes (``coefs_`` in scikit-learn's layout ``(n_in, n_out)``,
``loss_curve_``, ``best_loss_``, ``validation_scores_``, ``t_``, …), ``partial_fit``,
``warm_start``, ``sample_weight``, multilabel targets, sparse input and the same
stopping rule and learning rates (:mod:`nndl.training.plateau`: a callback and a schedule of
the training run, which hold its state).  These classes only turn scikit-learn's parameters
into a :class:`~nndl.estimators._plan.Plan`; fitting, stopping and prediction are the core's
(:mod:`nndl.estimators._core`), which the course's estimators share.  The weights start as
scikit-learn's do (Glorot-uniform, drawn in the same order from ``random_state``),
so the same seed gives the same initial network.

What nndl adds, as extra parameters: ``dropout`` (one rate or one per hidden layer),
``activation`` per hidden layer (a list) and ``"leaky_relu"``, ``init`` (the course's
``"he"``, ``"xavier"``, ``"scaled"``, ``"random"``, ``"zeros"``), ``class_weight``
(classifier) and ``device`` (``"cuda"`` trains on a GPU through PyTorch). Training runs
in nndl's NumPy engine; float32 input trains in float32.

Differences that remain: the mini-batches are shuffled by nndl's own random stream (not
scikit-learn's), so results agree in distribution, not bit for bit (with
``shuffle=False`` they agree to rounding).  The regressor's ``loss_``, ``loss_curve_`` and
``best_loss_`` average the squared error over the outputs as scikit-learn's do (and ``tol`` is
compared with that mean), while the gradient is the sum's, scikit-learn's too; L-BFGS minimizes
the cost whose gradient it is given, where scikit-learn pairs the mean's value with the sum's
gradient (its issue #8349), so several outputs under L-BFGS stop elsewhere.  The regressor's
``loss="poisson"`` is scikit-learn's: half the Poisson deviance with the exponential output
(``out_activation_ == "exp"``), summed over the outputs; nndl refuses negative targets for it.
A fit that diverges under ``early_stopping`` records a NaN validation score and stops at
once with the best score's weights and a ``ConvergenceWarning`` (scikit-learn records NaN
scores until ``max_iter``); without early stopping it raises ``ValueError`` as scikit-learn
does.
"""

from __future__ import annotations

from numbers import Real
from typing import Any, ClassVar

import numpy as np

try:
    from sklearn.neural_network import MLPClassifier as _SkMLP
    from sklearn.utils._param_validation import Interval, StrOptions
    from sklearn.utils.validation import check_is_fitted
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError('nndl\'s estimators need scikit-learn: pip install "nndl[sklearn]"') from exc

from nndl.errors import NNDLValueError
from nndl.estimators import _privates
from nndl.estimators._base import hidden_activations, layer_sizes
from nndl.estimators._core import Core
from nndl.estimators._plan import Plan
from nndl.model import init as _init
from nndl.training.optimizers import LBFGS, Adam, HeavyBall

ACTIVATIONS = {
    "identity": "linear",
    "logistic": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "leaky_relu": "leaky_relu",
    "linear": "linear",
    "sigmoid": "sigmoid",
}
"""scikit-learn's activation names (and nndl's) to nndl's."""

INITS = ("glorot_uniform", *_init.INITIALIZERS)
SCIPY_FTOL = 2.220446049250313e-09  # SciPy's default for L-BFGS-B, as scikit-learn leaves it


DOCS_SITE = "http://127.0.0.1:8000/"
"""The documentation site's address: where ``make docs-serve`` serves it (a published site's
address goes here).  The estimators' HTML representation links to their entry in its API
reference, ``api/estimators.html#nndl.estimators.MLPClassifier``."""


def _stochastic(est: Any) -> bool:
    if est.solver == "lbfgs":
        raise AttributeError(
            f"partial_fit is only available for stochastic optimizers. {est.solver} is not "
            "stochastic."
        )
    return True


class _BaseMLP(Core):
    """What the two drop-ins share (scikit-learn's ``BaseMultilayerPerceptron``): its
    parameters, their checks, and how they ask :class:`~nndl.estimators._core.Core` to train."""

    _doc_link_module = "nndl"  # the "?" of scikit-learn's HTML diagram links to DOCS_SITE
    _doc_link_template = DOCS_SITE + "api/estimators.html#{estimator_module}.{estimator_name}"

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **_SkMLP._parameter_constraints,
        "activation": [StrOptions(set(ACTIVATIONS)), list, tuple],
        "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
        "init": [StrOptions(set(INITS))],
        "device": [str, None, object],
    }

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: Any = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
        max_fun: int = 15000,
        dropout: Any = 0.0,
        init: str = "glorot_uniform",
        device: Any = None,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.init = init
        self.device = device

    def _input_options(self) -> dict[str, Any]:
        return {"accept_sparse": ["csr", "csc"]}

    def _hidden(self, n_hidden: int) -> list[str]:
        """nndl's names of the hidden layers' activations."""
        names = hidden_activations(self.activation, n_hidden)
        unknown = [n for n in names if n not in ACTIVATIONS]
        if unknown:
            raise NNDLValueError(
                f"activation names must be among {', '.join(ACTIVATIONS)}. Received: {unknown}"
            )
        return [ACTIVATIONS[n] for n in names]

    def _plan(self) -> Plan:
        """scikit-learn's parameters as the core's plan: its solvers, rates, stopping rule
        (``tol``, ``n_iter_no_change``, the validation score) and ``loss_`` convention."""
        sizes = layer_sizes(self.hidden_layer_sizes, NNDLValueError, f"{self.hidden_layer_sizes!r}")
        optimizer: LBFGS | Adam | HeavyBall
        if self.solver == "lbfgs":
            optimizer = LBFGS(gtol=self.tol, ftol=SCIPY_FTOL, max_fun=self.max_fun)
        elif self.solver == "adam":
            optimizer = Adam(self.beta_1, self.beta_2, self.epsilon, eps_hat=True)
        else:
            optimizer = HeavyBall(self.momentum, self.nesterovs_momentum)
        return Plan(
            hidden_sizes=tuple(sizes),
            hidden=tuple(self._hidden(len(sizes))),
            init=self.init,
            device=self.device,
            optimizer=optimizer,
            learning_rate=self.learning_rate_init,
            rate=self.learning_rate if self.solver == "sgd" else "constant",
            power_t=self.power_t,
            max_iter=self.max_iter,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            l2=self.alpha,
            l2_cost="batch",  # scikit-learn's loss_: each batch's cost carries (α/2B)Σ||W||²
            # and its squared error is the mean over the outputs (its log losses: the sum)
            output_cost="mean" if getattr(self, "loss", None) == "squared_error" else "sum",
            dropout=self.dropout,
            tol=self.tol,
            # np.inf (scikit-learn allows it): never stop; the rule records without stopping
            n_iter_no_change=None if self.n_iter_no_change == np.inf else self.n_iter_no_change,
            early_stopping=self.early_stopping,
            validation_fraction=self.validation_fraction,
            warm_start=self.warm_start,
            report=bool(self.verbose),
        )

    # scikit-learn's privates that code written against them reads (nndl.estimators._privates)

    @property
    def _optimizer(self) -> _privates.OptimizerView:
        """scikit-learn's ``_optimizer`` after a stochastic fit: its ``learning_rate`` now."""
        if self.solver == "lbfgs" or not hasattr(self, "_rate"):
            raise AttributeError(
                "_optimizer exists after fit or partial_fit with solver='sgd' or 'adam'"
            )
        return _privates.OptimizerView(self)

    @property
    def _no_improvement_count(self) -> int:
        """scikit-learn's count of epochs without improvement (the stopping rule's)."""
        if not hasattr(self, "_plateau"):
            raise AttributeError(
                "_no_improvement_count exists after fit or partial_fit with solver='sgd' or 'adam'"
            )
        return int(self._plateau.no_improvement)

    @_no_improvement_count.setter
    def _no_improvement_count(self, count: int) -> None:
        if not hasattr(self, "_plateau"):
            raise AttributeError(
                "_no_improvement_count can be set after fit or partial_fit with solver='sgd' or "
                "'adam'; the first fit starts it at 0"
            )
        self._plateau.no_improvement = int(count)

    def _unpack(self, packed_parameters: Any) -> None:
        """scikit-learn's ``_unpack``: the weights from its packed vector."""
        _privates.unpack(self, packed_parameters)

    def _loss_grad_lbfgs(
        self, packed_coef_inter: Any, X: Any, y: Any, sample_weight: Any = None, *buffers: Any
    ) -> tuple[float, Any]:
        """scikit-learn's ``_loss_grad_lbfgs`` (its scratch ``activations``, ``deltas``,
        ``coef_grads``, ``intercept_grads`` are accepted and not needed)."""
        check_is_fitted(self, "network_")
        return _privates.loss_grad_lbfgs(self, packed_coef_inter, X, y, sample_weight)

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Any:
        """Fit the model to data matrix X and target(s) y.

        Starts from new weights, or with ``warm_start=True`` from those of the previous fit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data (CSR or CSC matrices stay sparse; float32 trains in float32).

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets: class labels (a label-indicator matrix for multilabel targets) for
            the classifier, numbers for the regressor.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the examples in the loss and its gradient (None: all 1).

        Returns
        -------
        object
            The fitted estimator itself.

        See Also
        --------
        partial_fit : One epoch, continuing the previous ones (stochastic solvers).

        Examples
        --------
        >>> from nndl import MLPClassifier
        >>> MLPClassifier(solver="lbfgs", random_state=0).fit([[0.0], [1.0]], [0, 1]).n_iter_ > 0
        True
        """
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
