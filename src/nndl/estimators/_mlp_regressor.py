"""scikit-learn's ``MLPRegressor`` as an nndl estimator.

Its parameters are :class:`nndl.estimators._mlp._BaseMLP`'s and ``loss``; the targets (numbers
as they are, validation scored by R²) are :class:`nndl.estimators._targets.Numbers`'; fitting,
stopping and prediction are :class:`nndl.estimators._core.Core`'s.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sklearn.base import RegressorMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from nndl.estimators._mlp import _BaseMLP, _stochastic
from nndl.estimators._targets import Numbers


class MLPRegressor(RegressorMixin, Numbers, _BaseMLP):  # type: ignore[misc]
    """Multi-layer perceptron regressor: scikit-learn's ``MLPRegressor`` on nndl's engine.

    The same parameters, defaults, fitted attributes and stopping rule as
    :class:`sklearn.neural_network.MLPRegressor`, so that changing the import is enough;
    the extras (``dropout``, an activation per layer, ``'leaky_relu'``, ``init``, ``device``)
    are off by default.  The output layer is the identity (``loss='squared_error'``) or the
    exponential (``loss='poisson'``).

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default='squared_error'
        ``'squared_error'``: half the squared error, averaged over the outputs in ``loss_``
        as scikit-learn does (the gradient is that of their sum, scikit-learn's too).
        ``'poisson'``: half the Poisson deviance, ``y log(y / ŷ) − y + ŷ`` summed over the
        outputs, with the exponential output (the log link); it needs ``y >= 0`` (negative
        targets are refused with a ``ValueError``).

    hidden_layer_sizes : int or sequence of int, default=(100,)
        The units of each hidden layer: ``(100,)`` is one layer of 100 units, ``(64, 32)``
        two layers, ``()`` none.

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu'} or list of str, \
default='relu'
        The hidden layers' activation: ``'identity'`` (f(x) = x), ``'logistic'``
        (1 / (1 + exp(-x))), ``'tanh'``, ``'relu'`` (max(0, x)) and, an nndl extra,
        ``'leaky_relu'`` (max(0.01 x, x)); nndl's names ``'linear'`` and ``'sigmoid'`` are
        accepted too.  An nndl extra: a list gives one activation per hidden layer.

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        ``'lbfgs'``: the quasi-Newton L-BFGS on the whole batch (good for small data sets);
        ``'sgd'``: mini-batch stochastic gradient descent with momentum; ``'adam'``: Adam.

    alpha : float, default=0.0001
        Strength of the L2 penalty, ``(alpha / 2 n) Σ ||W||²`` added to the loss of a batch of
        n examples (n: the sum of their ``sample_weight``).

    batch_size : int or 'auto', default='auto'
        Mini-batch size of the stochastic solvers; ``'auto'`` is ``min(200, n_samples)``.
        A larger size is clipped to ``n_samples``, with a warning.  L-BFGS ignores it.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        ``sgd``'s schedule: ``'constant'`` keeps ``learning_rate_init``; ``'invscaling'``
        sets ``learning_rate_init / (t + 1)^power_t`` after every epoch, t the examples seen;
        ``'adaptive'`` divides the rate by 5 whenever ``n_iter_no_change`` epochs fail to
        improve by ``tol``, and stops once it is at most 1e-6.

    learning_rate_init : float, default=0.001
        The initial step size of ``sgd`` and ``adam``.

    power_t : float, default=0.5
        The exponent of ``'invscaling'``.

    max_iter : int, default=200
        Epochs of the stochastic solvers (each example seen once an epoch), iterations of
        L-BFGS.

    shuffle : bool, default=True
        Whether the stochastic solvers shuffle the examples every epoch.  nndl draws the
        order from its own random stream (seeded by ``random_state``), not scikit-learn's,
        so shuffled fits agree with scikit-learn's in distribution, not bit for bit.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights (drawn as scikit-learn draws them), the validation split,
        the shuffles and the dropout masks.  An int gives reproducible fits.

    tol : float, default=1e-4
        The improvement the stopping rule asks for: an epoch counts as no improvement when
        the training loss does not fall by ``tol`` (or, with ``early_stopping``, the
        validation score does not rise by ``tol``).  L-BFGS's gradient tolerance.

    verbose : bool, default=False
        Print the loss of each iteration (and the validation score), as scikit-learn does.

    warm_start : bool, default=False
        Continue from the previous fit's weights (and stopping state) instead of starting
        again.  Unlike scikit-learn, which then silently keeps the old network, a changed
        ``hidden_layer_sizes`` is refused with a ``ValueError``; set ``warm_start=False`` to
        train the new sizes.

    momentum : float, default=0.9
        ``sgd``'s momentum, in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether ``sgd`` uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data and stop when its score
        (accuracy, or R² for the regressor) has not improved by ``tol`` for
        ``n_iter_no_change`` epochs; the weights of the best score are kept.  A fit that
        diverges (a NaN score or loss) records the NaN, stops at once with the best weights
        and warns with a ``ConvergenceWarning`` (scikit-learn records NaN until
        ``max_iter``).  Stochastic solvers only.

    validation_fraction : float, default=0.1
        The share of the training data held out with ``early_stopping``, in (0, 1).

    beta_1 : float, default=0.9
        Adam's decay of the first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Adam's decay of the second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's term for numerical stability.

    n_iter_no_change : int or np.inf, default=10
        The epochs without improvement (see ``tol``) after which training stops (or
        ``'adaptive'`` lowers the rate); ``np.inf`` never stops early.

    max_fun : int, default=15000
        L-BFGS's limit on evaluations of the loss.

    dropout : float or sequence of float, default=0.0
        An nndl extra: inverted dropout of the hidden units during training, one rate in
        [0, 1) for every hidden layer or one per hidden layer.  L-BFGS trains full batch
        without dropout: ``solver='lbfgs'`` with a rate is refused with a ``ValueError``.

    init : {'glorot_uniform', 'he', 'xavier', 'scaled', 'random', 'zeros'}, \
default='glorot_uniform'
        An nndl extra: the initial weights.  ``'glorot_uniform'`` is scikit-learn's (uniform
        in ±√(6 / (n_in + n_out)), √2 for the logistic), drawn in scikit-learn's order, so a
        seed gives scikit-learn's initial network; the others are the course's (zero
        biases).

    device : str, torch.device or None, default=None
        An nndl extra: where training computes.  ``None`` or ``'numpy'``: NumPy on the host;
        ``'cpu'``; ``'cuda'`` or ``'gpu'`` (``'cuda:1'``: the second GPU): CuPy when
        installed, else PyTorch; ``'torch'``, ``'torch:cuda'``; ``'cupy'``; or a
        ``torch.device``.  A GPU that is absent raises a ``ValueError`` saying why.
        The fitted attributes are NumPy arrays whatever the device.

    Attributes
    ----------
    loss_ : float
        The loss of the last epoch (mean of its mini-batch losses, the L2 term included), or
        L-BFGS's final loss.

    best_loss_ : float or None
        The smallest ``loss_`` of the stochastic solvers; None with ``early_stopping`` (and
        absent after L-BFGS, as in scikit-learn).

    loss_curve_ : list of float
        The loss of each epoch (stochastic solvers only, as in scikit-learn).

    validation_scores_ : list of float or None
        The validation score of each epoch with ``early_stopping`` (NaN where the network
        diverged), else None.

    best_validation_score_ : float or None
        The best of ``validation_scores_``, else None.

    t_ : int
        The training examples seen by the stochastic solvers.

    coefs_ : list of ndarray of shape (n_in, n_out)
        The weights of each layer, in scikit-learn's layout.

    intercepts_ : list of ndarray of shape (n_out,)
        The biases of each layer.

    n_features_in_ : int
        The number of features seen by ``fit``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        The features' names, when X had string column names (a DataFrame).

    n_iter_ : int
        The epochs (or L-BFGS iterations) run.

    n_layers_ : int
        The layers, input and output included.

    n_outputs_ : int
        The output units.

    network_ : nndl.Network
        An nndl extra: the trained network (in the course's layout, ``W[l]`` of shape
        ``(n[l], n[l-1])``; it shares its weights with ``coefs_`` on the host).

    out_activation_ : str
        ``'identity'``, or ``'exp'`` for the Poisson loss.

    See Also
    --------
    MLPClassifier : The classifier.
    sklearn.neural_network.MLPRegressor : The scikit-learn estimator this one replaces.

    Notes
    -----
    Training runs on nndl's engine (:class:`nndl.estimators._core.Core`); float32 input trains
    in float32 and float64 in float64, and predictions have the promoted dtype of the input and
    the weights.  A network whose products per step are small (under 2²³ multiply-adds each)
    trains on one BLAS thread (``threadpoolctl``; the limit is restored after ``fit``): OpenBLAS's
    threads made such fits up to 8 times slower on busy cores.  Bigger layers keep BLAS's
    thread count.

    Where behaviour differs from scikit-learn (the shuffled order, divergence, L-BFGS on several
    regression outputs, ``warm_start`` with other sizes, which private attributes exist) is
    listed on the documentation site's page for scikit-learn users (docs/sklearn.md).  Of
    scikit-learn's privates, ``_optimizer.learning_rate``, ``_loss_grad_lbfgs``, ``_unpack``
    and ``_no_improvement_count`` are provided.

    With several outputs and ``solver='lbfgs'``, L-BFGS minimizes the squared error summed over
    the outputs, the cost whose gradient it is given; scikit-learn gives it the mean's value
    with the sum's gradient (its issue #8349), so the two stop at different iterations.

    Examples
    --------
    >>> from nndl import MLPRegressor
    >>> from sklearn.datasets import make_regression
    >>> from sklearn.model_selection import train_test_split
    >>> X, y = make_regression(n_samples=200, n_features=20, random_state=1)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=1)
    >>> reg = MLPRegressor(random_state=1, max_iter=2000, tol=0.1).fit(X_train, y_train)
    >>> reg.predict(X_test[:2]).round(1)
    array([  29. , -290.8])
    >>> round(reg.score(X_test, y_test), 2)
    0.98
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **_BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss: str = "squared_error",
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
        super().__init__(
            hidden_layer_sizes,
            activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            init=init,
            device=device,
        )
        self.loss = loss

    @available_if(_stochastic)  # type: ignore[untyped-decorator]
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> MLPRegressor:
        """Train one epoch over (X, y), continuing the previous calls.

        Only for ``solver='sgd'`` and ``'adam'``; ``early_stopping`` is refused.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data (CSR or CSC matrices stay sparse; float32 trains in float32).

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the examples in the loss and its gradient (None: all 1).

        Returns
        -------
        MLPRegressor
            The updated estimator itself.

        See Also
        --------
        fit : Train to convergence or ``max_iter``.

        Examples
        --------
        >>> from nndl import MLPRegressor
        >>> MLPRegressor(random_state=0).partial_fit([[0.0], [1.0]], [0.5, 1.5]).n_iter_
        1
        """
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)  # type: ignore[no-any-return]
