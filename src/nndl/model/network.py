"""The L-layer network in the course's notation.

``layer_dims = [n_x, n[1], …, n[L]]``; X is ``(n_x, m)``, one column per example.

Forward, for l = 1 … L (``A[0] = X``)::

    Z[l] = W[l] A[l-1] + b[l]          W[l]: (n[l], n[l-1]),  b[l]: (n[l], 1)
    A[l] = g[l](Z[l])

Backward, from ``dZ[L] = A[L] − Y`` (matched output and loss) or
``dZ[L] = dA[L] * g'[L](Z[L])`` (any other pair), for l = L … 1::

    dW[l]   = (1/m) dZ[l] A[l-1]ᵀ
    db[l]   = (1/m) Σ_i dZ[l]          (sum over the examples, axis 1)
    dA[l-1] = W[l]ᵀ dZ[l]
    dZ[l-1] = dA[l-1] * g'[l-1](Z[l-1])

Logistic regression is the network with no hidden layer: ``[n_x, 1]`` with a
sigmoid output and the logistic loss (see :func:`logistic_regression`).

The math takes its array namespace from its inputs, so the same network trains
on NumPy, CuPy, PyTorch or any array-API library: parameters move to the
library of the data the first time they meet it.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Sequence
from typing import Any

import numpy as np

from nndl.arrays import devices as _devices
from nndl.arrays.backend import (
    Array,
    all_finite,
    dtype_name,
    float_dtype,
    from_numpy,
    move_like,
    namespace,
    same_place,
    to_numpy,
    to_scalar,
)
from nndl.arrays.blocks import is_blocked
from nndl.errors import (
    NNDLValueError,
    check_learning_rate,
    diverged,
)
from nndl.model import init as _init
from nndl.model.activations import Activation
from nndl.model.blocked import accuracy_blocks, predict_blocks
from nndl.model.checks import (
    check_layer_dims,
    check_network_size,
    check_X,
    check_Y,
    param_order,
    resolve_activations,
    resolve_loss,
)
from nndl.model.fitting import Trainable
from nndl.model.layers.dense import LayerCache, linear_backward, linear_forward
from nndl.model.losses import Loss
from nndl.model.outputs import OutputRules
from nndl.model.summary import Summary
from nndl.model.update_rules import descend


class Network(OutputRules, Trainable):
    """A fully connected network of L layers, trained by gradient descent.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n[1], …, n[L]]``: input size, then each layer's number of units.
        ``[n_x, 1]`` is logistic regression.
    activations : str or Activation or sequence of them, default "relu"
        The hidden layers' activation: one name for all (``"relu"``, the course's
        choice for deep networks) or a list, one per hidden layer.  A list of L
        entries also sets the output layer's.
    output : str or Activation, optional
        The output layer's activation.  When neither it nor ``loss`` is given it
        follows from the task: n[L] = 1 → sigmoid + logistic loss,
        n[L] > 1 → softmax + cross-entropy.
    loss : str or Loss, optional
        ``"logistic"``, ``"cross_entropy"`` or ``"mse"`` (or a Loss).  When only
        one of ``output`` and ``loss`` is given, the other is its matched pair.
    init : str or callable, default "random"
        ``"random"`` (N(0, 1) × 0.01, the course's default), ``"zeros"``,
        ``"scaled"``, ``"xavier"``, ``"he"``, or a callable ``(n, n_prev, rng) -> W``.
    seed : int or numpy.random.Generator, optional
        An int (the course's ``numpy.random.seed``), a NumPy Generator, or None.
    dtype : str, default "float32"
        ``"float32"`` (default) or ``"float64"``.
    device : str or torch.device, optional
        Where the parameters live and the data is moved: ``"cpu"``, ``"cuda"``,
        ``"torch"``, ``"cupy"``, … (see :meth:`to`).  None (default): they follow
        the first data they meet.

    Raises
    ------
    NNDLValueError
        When ``layer_dims``, the activations, the loss or the dtype are invalid.

    Examples
    --------
    >>> import nndl
    >>> X, Y = nndl.datasets.load_planar()
    >>> net = nndl.Network([2, 4, 1], activations="tanh", seed=2)
    >>> costs = net.fit(X, Y, learning_rate=1.2, epochs=10_000)
    >>> round(net.accuracy(X, Y), 2) >= 0.9
    True
    """

    def __init__(
        self,
        layer_dims: Sequence[int],
        activations: str | Activation | Sequence[str | Activation] = "relu",
        output: str | Activation | None = None,
        loss: str | Loss | None = None,
        init: str | _init.Initializer = "random",
        seed: _init.RandomSource = None,
        dtype: str = "float32",
        device: Any = None,
    ) -> None:
        self.layer_dims = check_layer_dims(layer_dims)
        self.dtype = dtype_name(dtype)
        check_network_size(self.layer_dims, self.dtype)
        self.activations = resolve_activations(self.L, self.n_y, activations, output, loss)
        self.loss = resolve_loss(self.activations[-1], loss)
        self.init = init
        self.seed = seed
        numpy_params = _init.initialize(self.layer_dims, init, seed)
        self.info: dict[str, Any] = {}
        """JSON-able facts saved with the network: class names, standardization, data source."""
        self.params: dict[str, Array] = {k: v.astype(self.dtype) for k, v in numpy_params.items()}
        if device is not None:
            self.to(device)
        self.l2 = 0.0
        """L2 strength λ: ``cost`` adds ``(λ / 2m) Σ ||W[l]||²`` (set by ``fit(l2=...)``)."""

    # ------------------------------------------------------------------ facts

    @property
    def L(self) -> int:
        """The number of layers with parameters (hidden layers + the output layer)."""
        return len(self.layer_dims) - 1

    @property
    def n_x(self) -> int:
        """The number of input features (rows of X)."""
        return self.layer_dims[0]

    @property
    def n_y(self) -> int:
        """The number of output units (rows of Y)."""
        return self.layer_dims[-1]

    @property
    def output(self) -> Activation:
        """The output layer's activation g[L]."""
        return self.activations[-1]

    example_axis = 1  # X is (n_x, m): one column per example
    stochastic = False  # random numbers only for the dropout fit gives it

    def config(self) -> dict[str, Any]:
        """A JSON-able description of the architecture (not the parameters)."""
        return {
            "layer_dims": list(self.layer_dims),
            "activations": [g.config() for g in self.activations],
            "loss": self.loss.config(),
            "dtype": self.dtype,
        }

    def copy(self, dtype: str | None = None) -> Network:
        """An independent copy (parameters copied to NumPy), optionally in another dtype."""
        clone = copy.copy(self)
        clone.dtype = self.dtype if dtype is None else dtype_name(dtype)
        clone.params = {k: np.array(to_numpy(v), dtype=clone.dtype) for k, v in self.params.items()}
        clone._placement = None
        return clone

    _placement: _devices.Placement | None = None

    @property
    def device(self) -> str:
        """Where the parameters live: ``"numpy"``, ``"torch:cpu"``, ``"cupy:cuda:0"``, ...."""
        return str(_devices.placement_of(self.params["W1"]))

    def to(self, device: Any) -> Network:
        """Move the parameters to ``device`` and keep them there; returns the network.

        ``device``: ``"cpu"``, ``"cuda"`` (``"cuda:1"``), ``"numpy"``, ``"torch"``,
        ``"torch:cuda"``, ``"cupy"`` or a ``torch.device`` (see :mod:`nndl.arrays.devices`).
        Data given to ``fit``, ``predict``, … afterwards is moved there too.  Raises
        :class:`nndl.arrays.devices.DeviceError` when a GPU is asked for and absent.
        """
        placement = _devices.resolve(device, current=_devices.library_of(self.params["W1"]))
        self.params = {k: _devices.move(v, placement) for k, v in self.params.items()}
        self._placement = placement
        return self

    def __repr__(self) -> str:
        layers = " → ".join(
            [str(self.n_x)]
            + [f"{n} {g.name}" for n, g in zip(self.layer_dims[1:], self.activations, strict=True)]
        )
        return f"Network({layers}; loss={self.loss.name}, dtype={self.dtype})"

    def summary(self) -> Summary:
        """A Keras-like table: layer, units, activation, W and b shapes, parameters, total.

        ``print(net.summary())`` in a script; at a prompt or in Jupyter ``net.summary()``
        shows it (as HTML in Jupyter).
        """
        return Summary(self)

    def _repr_html_(self) -> str:
        """Jupyter shows a network as its summary table."""
        return f"<p><code>{html.escape(repr(self))}</code></p>{self.summary()._repr_html_()}"

    # ------------------------------------------------------------- the math

    def forward(self, X: Array) -> tuple[Array, list[LayerCache]]:
        """Forward propagation: ``(A[L], caches)``, caches[l-1] holding layer l's values.

        Parameters
        ----------
        X : array_like of shape (n_x, m)
            The examples, one per column.

        Returns
        -------
        AL : Array of shape (n_y, m)
            The output A[L].
        caches : list of LayerCache
            ``(A_prev, W, b, Z, A)`` of each layer, layer 1 first.
        """
        return self.forward_pass(self.check_X(X))

    def backward(self, AL: Array, Y: Array, caches: list[LayerCache]) -> dict[str, Array]:
        """Backward propagation: ``{"dW1": …, "db1": …, …, "dWL": …, "dbL": …}``.

        Parameters
        ----------
        AL : Array of shape (n_y, m)
            The output of :meth:`forward` on the same examples as ``Y``.
        Y : array_like of shape (n_y, m)
            Their targets.
        caches : list of LayerCache
            The caches of that :meth:`forward`.

        Returns
        -------
        dict of str to Array
            ``dW[l]`` and ``db[l]`` of every layer, each of its parameter's shape.
        """
        if len(caches) != self.L:
            raise NNDLValueError(
                f"backward needs the {self.L} layer caches that forward returned. "
                f"Received: {len(caches)} caches"
            )
        return self.backward_pass(AL, self.check_Y(Y, m=AL.shape[1], like=AL), caches)

    def cost(self, X: Array, Y: Array) -> float:
        """The cost ``J = (1/m) Σ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾)`` on (X, Y)."""
        X, Y = self.check_data(X, Y)
        AL, caches = self.forward_pass(X)
        return to_scalar(self.full_cost(AL, caches, Y))

    def gradients(self, X: Array, Y: Array) -> tuple[float, dict[str, Array]]:
        """``(J, grads)``: one forward and one backward pass over (X, Y)."""
        X, Y = self.check_data(X, Y)
        AL, caches = self.forward_pass(X)
        return to_scalar(self.full_cost(AL, caches, Y)), self.backward_pass(AL, Y, caches)

    def predict_proba(self, X: Array) -> Array:
        """The network's output ``A[L] = ŷ``, shape ``(n_y, m)``."""
        if is_blocked(X):  # lazy, block by block where the blocks live (Dask)
            return predict_blocks(self, X, proba=True)
        AL, _ = self.forward(X)
        return AL

    def predict(self, X: Array) -> Array:
        """Predictions of shape ``(n_y, m)``, or ``(1, m)`` class indices for softmax.

        Binary (sigmoid): 1 where ŷ > 0.5, else 0.  Softmax: argmax over the
        classes.  Regression: ŷ itself.

        Parameters
        ----------
        X : array_like of shape (n_x, m)
            The examples, one per column.

        Returns
        -------
        Array of shape (n_y, m) or (1, m)
            The predictions.

        Examples
        --------
        >>> import numpy as np, nndl
        >>> net = nndl.Network([2, 1], init="zeros")
        >>> net.predict(np.array([[1.0, -1.0], [2.0, 0.5]]))  # σ(0) = 0.5 is not > 0.5
        array([[0, 0]])
        """
        if is_blocked(X):  # lazy, block by block where the blocks live (Dask)
            return predict_blocks(self, X)
        return self.labels(self.predict_proba(X))

    def accuracy(self, X: Array, Y: Array) -> float:
        """The fraction of examples classified correctly (classification networks only)."""
        if self.task == "regression":
            raise NNDLValueError(
                "accuracy is defined for classification networks; this one does regression "
                f"(output {self.output.name}, loss {self.loss.name}): use cost(X, Y) instead"
            )
        X, Y = self.check_data(X, Y)
        if is_blocked(X):  # predicted block by block where the blocks live
            return accuracy_blocks(self, X, Y)
        AL, _ = self.forward_pass(X)  # X is checked already: not predict, which checks again
        return self.count_correct(AL, Y) / int(X.shape[1])

    # ------------------------------------------------------------- a step

    def update(self, grads: dict[str, Array], learning_rate: float) -> None:
        """One gradient-descent step: ``W[l] := W[l] − α dW[l]``, ``b[l] := b[l] − α db[l]``."""
        learning_rate = check_learning_rate(learning_rate)
        new = descend(self.params, grads, learning_rate)  # the one gradient-descent rule
        bad = [k for k, v in new.items() if not all_finite(v)]
        if bad:
            raise diverged(f"the update of {', '.join(bad)} became non-finite", learning_rate)
        self.params = new

    # ------------------------------------------- one layer's linear part

    @staticmethod
    def linear_forward(A_prev: Array, W: Array, b: Array) -> Array:
        """The linear part of layer l: ``Z[l] = W[l] A[l-1] + b[l]``.

        ``A_prev`` is ``(n[l-1], m)``, ``W`` ``(n[l], n[l-1])``, ``b`` ``(n[l], 1)``
        (broadcast over the m columns); Z is ``(n[l], m)``.  The dense layer's
        (:func:`nndl.model.layers.dense.linear_forward`), which ``nndl.course`` calls too.
        """
        return linear_forward(A_prev, W, b)

    @staticmethod
    def linear_backward(
        dZ: Array, A_prev: Array, W: Array, with_dA_prev: bool = True
    ) -> tuple[Array | None, Array, Array]:
        """The linear part of layer l backwards: ``(dA[l-1], dW[l], db[l])`` from ``dZ[l]``.

        ``dW[l] = (1/m) dZ[l] A[l-1]ᵀ`` ``(n[l], n[l-1])``, ``db[l] = (1/m) Σ_i dZ[l]``
        ``(n[l], 1)``, ``dA[l-1] = W[l]ᵀ dZ[l]`` ``(n[l-1], m)`` (None when
        ``with_dA_prev`` is False: layer 1 needs no dA[0]).  No L2 term.  The dense
        layer's (:func:`nndl.model.layers.dense.linear_backward`).
        """
        return linear_backward(dZ, A_prev, W, with_dA_prev)

    # ------------------------------------------------- the training contract
    #
    # All a trainer asks of a model: the data checked once per run (check_data), then per
    # batch forward_pass (with dropout), data_cost, l2_term, full_cost, count_correct and
    # backward_pass, none of which checks its inputs again (forward, backward, cost and
    # gradients above are the checked forms).

    def forward_pass(
        self,
        X: Array,
        keep_probs: Sequence[float] | None = None,
        rng: np.random.Generator | None = None,
        training: bool = True,
    ) -> tuple[Array, list[LayerCache]]:
        """Forward propagation on checked ``X``: ``(A[L], caches)``.

        With ``keep_probs`` (one per hidden layer) and ``rng``, inverted dropout:
        ``D = (U < keep_prob) / keep_prob`` with ``U ~ uniform(rng)``, drawn layer by
        layer, and the next layer sees ``A * D`` (``caches[l-1].D`` keeps it).
        ``training`` changes nothing here but the dropout given (it does for Sequential).
        """
        A = X
        caches: list[LayerCache] = []
        for l in range(1, self.L + 1):
            W, b = self.params[f"W{l}"], self.params[f"b{l}"]
            Z = self.linear_forward(A, W, b)
            A_l = self.activations[l - 1].forward(Z)
            D = None
            if keep_probs is not None and l < self.L and keep_probs[l - 1] < 1.0:
                keep = keep_probs[l - 1]
                if rng is None:
                    raise NNDLValueError("dropout needs a random generator (rng)")
                mask = (rng.random(tuple(Z.shape)) < keep).astype(self.dtype) / keep
                D = from_numpy(mask, Z)  # already in self.dtype
            caches.append(LayerCache(A, W, b, Z, A_l, D))
            A = A_l if D is None else A_l * D
        return A, caches

    def full_cost(self, AL: Array, caches: list[LayerCache], Y: Array) -> Array:
        """``data_cost + (λ / 2m) Σ ||W[l]||²`` with m the columns of ``AL`` (a 0-d array)."""
        J = self.data_cost(AL, caches, Y)
        if self.l2 > 0:
            xp = namespace(AL)
            squares = sum(xp.sum(c.W * c.W) for c in caches)
            J = J + (self.l2 / (2 * AL.shape[1])) * squares
        return J

    def backward_pass(self, AL: Array, Y: Array, caches: list[LayerCache]) -> dict[str, Array]:
        """Backward propagation on checked ``Y``: ``{"dW1", "db1", …}``.

        Under L2, ``(λ/m) W[l]`` is added to ``dW[l]``; each dropout mask is applied to its ``dA``.

        ``dZ[L] = A[L] − Y`` for a matched output and loss, else the loss's ``dA[L]``
        through ``g[L]``; then, layer by layer, :meth:`linear_backward` and
        ``dZ[l-1] = dA[l-1] * g'[l-1](Z[l-1])`` (the activation's ``backward``).
        """
        m = AL.shape[1]
        if self.fused_output:
            dZ = AL - Y
        else:
            dZ = self.output.backward(self.loss.gradient(AL, Y), caches[-1].Z, AL)
        grads: dict[str, Array] = {}
        for l in range(self.L, 0, -1):
            A_prev, W = caches[l - 1].A_prev, caches[l - 1].W
            dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = self.linear_backward(
                dZ, A_prev, W, with_dA_prev=l > 1
            )
            if self.l2 > 0:
                grads[f"dW{l}"] = grads[f"dW{l}"] + (self.l2 / m) * W
            if dA_prev is not None:
                below = caches[l - 2]
                if below.D is not None:
                    dA_prev = dA_prev * below.D
                dZ = self.activations[l - 2].backward(dA_prev, below.Z, below.A)
        return {k: grads[k] for k in sorted(grads, key=param_order)}

    def _to_backend_of(self, X: Array) -> None:
        """Move the parameters to X's array library and device, if they are elsewhere."""
        if not same_place(self.params["W1"], X):
            self.params = {k: move_like(v, X) for k, v in self.params.items()}

    # ------------------------------------------------- checks at the boundary

    def check_X(self, X: Any) -> Array:
        """X checked (``check_X``), moved to the network's device and cast to its dtype.

        The parameters follow X's array library and device when the network is not pinned.
        """
        X = check_X(X, self.n_x)
        if self._placement is not None:
            X = _devices.move(X, self._placement)
        self._to_backend_of(X)
        xp = namespace(X)
        target = float_dtype(xp, self.dtype)
        return X if X.dtype == target else xp.astype(X, target)

    def check_Y(self, Y: Any, m: int, like: Array) -> Array:
        """Y checked against the network and m (``check_Y``), on X's device, in its dtype."""
        return check_Y(Y, m, like, self.n_y, self.output.name, self.loss, self.dtype)

    def check_data(self, X: Any, Y: Any) -> tuple[Array, Array]:
        """X and Y checked against the network and each other, on its device, in its dtype."""
        X = self.check_X(X)
        return X, self.check_Y(Y, m=X.shape[1], like=X)


def logistic_regression(n_x: int, **kwargs: Any) -> Network:
    """Logistic regression as a neural network: ŷ = σ(w·x + b), the logistic loss.

    The network ``[n_x, 1]`` with no hidden layer; its ``W1`` is ``wᵀ`` of shape
    ``(1, n_x)``.  Weights start at zero, as in the course (no hidden units, so no
    symmetry to break).

    Parameters
    ----------
    n_x : int
        The number of input features.
    **kwargs
        Further arguments of :class:`Network` (``seed``, ``dtype``, ``device``, ...).

    Returns
    -------
    Network
        The network ``[n_x, 1]``, sigmoid output, logistic loss.
    """
    kwargs.setdefault("init", "zeros")
    kwargs.setdefault("output", "sigmoid")
    kwargs.setdefault("loss", "logistic")
    return Network([n_x, 1], **kwargs)
