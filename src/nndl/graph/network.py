"""A network's forward pass and cost rebuilt as a graph (to check ``Network.backward``),
and losses written in graph primitives for a network to train with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nndl.arrays.backend import Array, to_numpy
from nndl.errors import NNDLValueError
from nndl.graph.functions import constant, exp, log, maximum, relu, sigmoid, tanh
from nndl.graph.node import Node, _xp, sum
from nndl.model.losses import Loss


def _activation(name: str, Z: Node, slope: float = 0.01) -> Node:
    if name == "sigmoid":
        return sigmoid(Z)
    if name == "tanh":
        return tanh(Z)
    if name == "relu":
        return relu(Z)
    if name == "leaky_relu":  # relu(Z) + slope·(Z − relu(Z)): g'(0) = slope, as activations
        positive = relu(Z)
        return positive + slope * (Z - positive)
    if name == "linear":
        return Z
    if name == "softmax":
        E = exp(Z - constant(_xp(Z.value).max(Z.value, axis=0, keepdims=True)))
        return E / sum(E, axis=0, keepdims=True)
    raise NNDLValueError(f"the graph has no activation {name!r}")


def _abs(Z: Node) -> Node:
    return maximum(Z, -Z)


def _softplus(Z: Node) -> Node:
    """log(1 + e^z) = max(z, 0) + log(1 + e^(−|z|)), stable for any z."""
    return maximum(Z, 0.0) + log(1.0 + exp(-_abs(Z)))


def network_cost(network: Any, X: Array, Y: Array) -> tuple[Node, dict[str, Node]]:
    """A Network's forward pass and cost J as a graph, from its current parameters.

    After ``J.backward()`` the leaves' ``grad`` is what ``network.backward`` should give.

    Parameters
    ----------
    network : Network
        The network.
    X : Array of shape (n_x, m)
        The examples.
    Y : Array of shape (n_y, m)
        Their targets, in the network's shape (one-hot for softmax).

    Returns
    -------
    J : Node
        The cost.
    params : dict of str to Node
        The leaf nodes of the parameters, ``params["W1"]`` ….
    """
    params = {k: Node(v, label=k) for k, v in network.params.items()}
    m = X.shape[1]
    A = Node(X, label="X")
    Z = A
    for l, g in enumerate(network.activations, start=1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        A = _activation(g.name, Z, getattr(g, "slope", 0.01))
    Yn = Node(Y, label="Y")
    loss, output = network.loss.name, network.output.name
    if loss == "logistic" and output == "sigmoid":  # from Z: softplus(z) − y z
        J = sum(_softplus(Z) - Yn * Z) / float(m)
    elif loss == "cross_entropy" and output == "softmax":  # logsumexp(z) − Σ y z
        shift = constant(_xp(Z.value).max(Z.value, axis=0, keepdims=True))
        lse = log(sum(exp(Z - shift), axis=0, keepdims=True)) + shift
        J = sum(sum(Yn, axis=0, keepdims=True) * lse - sum(Yn * Z, axis=0, keepdims=True)) / float(
            m
        )
    elif loss == "logistic":
        J = -sum(Yn * log(A) + (1.0 - Yn) * log(1.0 - A)) / float(m)
    elif loss == "cross_entropy":
        J = -sum(Yn * log(A)) / float(m)
    elif loss == "mse":
        D = A - Yn
        J = 0.5 * sum(D * D) / float(m)
    elif isinstance(network.loss, GraphLoss):
        J = sum(network.loss.fn(A, Yn)) / float(m)
    else:
        raise NNDLValueError(f"the graph has no loss {loss!r}")
    l2 = float(getattr(network, "l2", 0.0) or 0.0)
    if l2 > 0:
        squares = [sum(params[f"W{l}"] * params[f"W{l}"]) for l in range(1, network.L + 1)]
        total = squares[0]
        for s in squares[1:]:
            total = total + s
        J = J + (l2 / (2.0 * m)) * total
    J.label = "J"
    return J, params


def network_gradients(network: Any, X: Array, Y: Array) -> tuple[float, dict[str, Array]]:
    """``(J, grads)`` of a Network computed by the graph, in ``Network.gradients``' format.

    Parameters
    ----------
    network : Network
        The network.
    X : array_like of shape (n_x, m)
        The examples.
    Y : array_like of shape (n_y, m)
        Their targets.

    Returns
    -------
    J : float
        The cost.
    grads : dict of str to Array
        ``dW1``, ``db1``, … from the graph.

    Examples
    --------
    >>> import numpy as np, nndl
    >>> net = nndl.Network([2, 3, 1], activations="tanh", seed=0, dtype="float64")
    >>> X, Y = np.array([[0.5, -1.0], [2.0, 0.1]]), np.array([[1, 0]])
    >>> J, grads = network_gradients(net, X, Y)
    >>> J_net, grads_net = net.gradients(X, Y)
    >>> bool(np.isclose(J, J_net)), bool(np.allclose(grads["dW1"], grads_net["dW1"]))
    (True, True)
    """
    X, Y = network.check_data(X, Y)
    J, params = network_cost(network, X, Y)
    J.backward()
    return float(to_numpy(J.value).reshape(())), {"d" + k: p.grad for k, p in params.items()}


class GraphLoss(Loss):
    """A loss written with graph primitives; its gradient comes from the graph.

    The cost is J = (1/m) Σ_i L⁽ⁱ⁾.  Give the network the output activation to use with
    it, e.g. ``Network([2, 8, 1], output="linear", loss=hinge())``.

    Parameters
    ----------
    fn : callable
        ``fn(A, Y)`` takes the output node A ``(n_y, m)`` and the targets Y and returns the
        loss of each example (any shape whose sum is Σ_i L⁽ⁱ⁾).
    name : str, default "custom"
        The loss's name.
    """

    def __init__(self, fn: Callable[[Node, Node], Node], name: str = "custom") -> None:
        self.fn = fn
        self.name = name

    def value(self, A: Array, Y: Array) -> Array:
        return sum(self.fn(Node(A), Node(Y))).value / A.shape[1]

    def gradient(self, A: Array, Y: Array) -> Array:
        A_node = Node(A, label="A")
        sum(self.fn(A_node, Node(Y))).backward()
        return A_node.grad

    def config(self) -> dict[str, Any]:
        return {"name": self.name}

    def __repr__(self) -> str:
        return f"GraphLoss({self.name!r})"


def hinge(margin: float = 1.0) -> GraphLoss:
    """The hinge loss max(0, margin − t·a) with t = 2y − 1 ∈ {−1, +1}; use a linear output.

    Parameters
    ----------
    margin : float, default 1.0
        The margin.

    Returns
    -------
    GraphLoss
        The loss.
    """
    return GraphLoss(lambda A, Y: maximum(margin - (2.0 * Y - 1.0) * A, 0.0), name="hinge")


def focal(gamma: float = 2.0, alpha: float = 0.25, eps: float = 1e-7) -> GraphLoss:
    """The focal loss (Lin et al., 2017) for a sigmoid output p.

    L = −α (1 − p)^γ y log p − (1 − α) p^γ (1 − y) log(1 − p).

    Parameters
    ----------
    gamma : float, default 2.0
        γ, how much the well-classified examples are down-weighted.
    alpha : float, default 0.25
        α, the weight of the positive class.
    eps : float, default 1e-7
        p and 1 − p are kept at least eps inside the logs.

    Returns
    -------
    GraphLoss
        The loss.
    """

    def fn(P: Node, Y: Node) -> Node:
        p = maximum(P, eps)
        q = maximum(1.0 - P, eps)
        return -(alpha * q**gamma * Y * log(p) + (1.0 - alpha) * p**gamma * (1.0 - Y) * log(q))

    return GraphLoss(fn, name="focal")
