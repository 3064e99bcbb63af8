"""The graph's elementwise functions (exp, log, tanh, σ, ReLU, max), reshape and constant.

Each computes its value and, beside it, its local derivative, as the arithmetic of
:mod:`nndl.graph.node` does; they take nodes, arrays or Python numbers.
"""

from __future__ import annotations

from typing import Any

from nndl.arrays.backend import is_array
from nndl.errors import ShapeError
from nndl.graph.node import Node, _binary, _unbroadcast, _xp, lift
from nndl.model.activations import Sigmoid


def exp(a: Any) -> Node:
    """e^a;  ∂/∂a = e^a.

    Parameters
    ----------
    a : Node or array_like or float
        The operand.

    Returns
    -------
    Node
        e^a.
    """
    a = lift(a)
    out = _xp(a.value).exp(a.value)
    return Node(out, (a,), "exp", backward=lambda g: (g * out,))


def log(a: Any) -> Node:
    """log a (natural);  ∂/∂a = 1/a.

    Parameters
    ----------
    a : Node or array_like or float
        The operand.

    Returns
    -------
    Node
        log a.
    """
    a = lift(a)
    return Node(_xp(a.value).log(a.value), (a,), "log", backward=lambda g: (g / a.value,))


def tanh(a: Any) -> Node:
    """tanh a;  ∂/∂a = 1 − tanh²a.

    Parameters
    ----------
    a : Node or array_like or float
        The operand.

    Returns
    -------
    Node
        tanh a.
    """
    a = lift(a)
    out = _xp(a.value).tanh(a.value)
    return Node(out, (a,), "tanh", backward=lambda g: (g * (1.0 - out * out),))


def sigmoid(a: Any) -> Node:
    """σ(a) = 1 / (1 + e^(−a)), computed without overflow;  ∂/∂a = σ(a)(1 − σ(a)).

    Parameters
    ----------
    a : Node or array_like or float
        The operand.

    Returns
    -------
    Node
        σ(a).

    Examples
    --------
    >>> from nndl.graph import Node
    >>> z = Node(0.0)
    >>> a = sigmoid(z)
    >>> a.backward()
    >>> float(a.value), float(z.grad)
    (0.5, 0.25)
    """
    a = lift(a)
    out = Sigmoid().forward(a.value)
    return Node(out, (a,), "σ", backward=lambda g: (g * out * (1.0 - out),))


def relu(a: Any) -> Node:
    """max(0, a);  ∂/∂a = 1 where a > 0, else 0 (0 at a = 0, as in nndl.model.activations).

    Parameters
    ----------
    a : Node or array_like or float
        The operand.

    Returns
    -------
    Node
        max(0, a).
    """
    a = lift(a)
    if is_array(a.value):
        mask = _xp(a.value).astype(a.value > 0, a.value.dtype)
    else:  # a Python number, as lift keeps it
        mask = 1.0 if a.value > 0 else 0.0
    return Node(a.value * mask, (a,), "relu", backward=lambda g: (g * mask,))


def maximum(a: Any, b: Any) -> Node:
    """Elementwise max(a, b);  the gradient goes to the larger input (to a on ties).

    Parameters
    ----------
    a, b : Node or array_like or float
        The operands; their shapes must broadcast.

    Returns
    -------
    Node
        max(a, b).

    Raises
    ------
    ShapeError
        When the shapes do not broadcast.
    """
    a, b = _binary(a, b, "maximum")
    xp = _xp(a.value, b.value)
    pick_a = a.value >= b.value
    out = xp.where(pick_a, a.value, b.value)
    take = xp.astype(pick_a, out.dtype)
    return Node(
        out, (a, b), "max",
        backward=lambda g: (
            _unbroadcast(g * take, a.shape),
            _unbroadcast(g * (1.0 - take), b.shape),
        ),
    )  # fmt: skip


def reshape(a: Any, shape: tuple[int, ...]) -> Node:
    """a with a new shape of the same size;  the gradient is reshaped back.

    Parameters
    ----------
    a : Node or array_like
        The operand.
    shape : tuple of int
        The new shape, of a's size.

    Returns
    -------
    Node
        a reshaped.

    Raises
    ------
    ShapeError
        When the sizes differ.
    """
    a = lift(a)
    xp = _xp(a.value)
    try:
        out = xp.reshape(a.value, shape)
    except (ValueError, RuntimeError) as exc:
        raise ShapeError(f"reshape: cannot reshape {a.shape} to {shape}: {exc}") from None
    return Node(out, (a,), "reshape", backward=lambda g: (xp.reshape(g, a.shape),))


def constant(a: Any) -> Node:
    """A leaf holding ``a``'s value: no gradient flows back through it (a stop-gradient).

    Parameters
    ----------
    a : Node or array_like or float
        The value (a node's value is taken).

    Returns
    -------
    Node
        A new leaf.
    """
    return Node(a.value if isinstance(a, Node) else a, op="", label="const")
