"""Nodes and primitives: reverse-mode automatic differentiation over arrays.

Each primitive computes its value and, right beside it, its *local* derivative:
a function that turns the gradient arriving at the node (dJ/dout) into the
gradients of its parents.  ``backward()`` visits the nodes in reverse
topological order (found iteratively, so a chain of 100,000 nodes is fine) and
adds each contribution with ``+=``: a node used twice receives both.

Values are arrays of any backend of the core (NumPy, array-api-strict, PyTorch,
…) or Python numbers.  Broadcasting follows NumPy's rules; a gradient flowing
back to a broadcast input is summed over the broadcast axes, so it always has
its input's shape.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nndl.arrays.backend import is_array, namespace, to_numpy
from nndl.errors import NNDLTypeError, NNDLValueError, ShapeError

Value = Any  # an array or a Python number
Backward = Callable[[Value], tuple[Value, ...]]


def _shape(v: Value) -> tuple[int, ...]:
    return tuple(v.shape) if is_array(v) else ()


def _xp(*values: Value) -> Any:
    arrays = [v for v in values if is_array(v)]
    return namespace(*arrays) if arrays else namespace(np.asarray(0.0))


def _broadcast_shape(a: tuple[int, ...], b: tuple[int, ...], op: str) -> tuple[int, ...]:
    """NumPy's broadcast of two shapes, or an error naming both."""
    out = []
    for x, y in zip(
        reversed((1,) * (len(b) - len(a)) + a), reversed((1,) * (len(a) - len(b)) + b), strict=True
    ):
        if x != y and 1 not in (x, y):
            raise ShapeError(
                f"{op}: shapes {a} and {b} cannot be broadcast together (each axis must be equal "
                "or 1, counting from the right)"
            )
        out.append(max(x, y))
    return tuple(reversed(out))


def _unbroadcast(g: Value, shape: tuple[int, ...]) -> Value:
    """Sum the gradient ``g`` over the axes along which an input of ``shape`` was broadcast."""
    g_shape = _shape(g)
    if g_shape == shape:
        return g
    xp = _xp(g)
    lead = len(g_shape) - len(shape)
    if lead > 0:
        g = xp.sum(g, axis=tuple(range(lead)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and _shape(g)[i] != 1)
    if axes:
        g = xp.sum(g, axis=axes, keepdims=True)
    return xp.reshape(g, shape) if _shape(g) != shape else g


def _summary(v: Value) -> str:
    if v is None:
        return "—"
    if math.prod(_shape(v)) == 1:
        return f"{float(to_numpy(v).reshape(())):.4g}"
    return f"array{_shape(v)}"


class Node:
    """A value in the graph, with its gradient, its parents and the operation that made it.

    After ``J.backward()``, ``grad`` holds dJ/d(node), of ``value``'s shape (None before).

    Parameters
    ----------
    value : array_like or float
        The array or number (a number is kept as a 0-d NumPy array).
    parents : sequence of Node, default ()
        The nodes it was computed from.
    op : str, default ""
        The operation that made it (``""`` for a leaf).
    label : str, default ""
        Its name in drawings.
    backward : callable, optional
        Its local derivative: the gradient arriving at the node → its parents' gradients.

    Examples
    --------
    >>> a, b, c = Node(5.0, label="a"), Node(3.0, label="b"), Node(2.0, label="c")
    >>> J = 3 * (a + b * c)
    >>> J.backward()
    >>> float(J.value), float(a.grad), float(b.grad), float(c.grad)
    (33.0, 3.0, 6.0, 9.0)
    """

    __slots__ = ("_backward", "grad", "label", "op", "parents", "value")

    def __init__(
        self,
        value: Value,
        parents: Sequence[Node] = (),
        op: str = "",
        label: str = "",
        backward: Backward | None = None,
    ) -> None:
        if isinstance(value, Node):
            raise NNDLTypeError("Node(value) takes an array or a number, not another Node")
        if not is_array(value):
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
                raise NNDLTypeError(
                    f"a Node holds an array or a number. Received: {type(value).__name__}"
                )
            value = np.asarray(float(value))
        self.value = value
        self.grad: Value | None = None
        self.parents = tuple(parents)
        self.op = op
        self.label = label
        self._backward = backward

    @property
    def shape(self) -> tuple[int, ...]:
        """The value's shape (``()`` for a number)."""
        return _shape(self.value)

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Node({name}{_summary(self.value)}, op={self.op or 'leaf'!r})"

    # ------------------------------------------------------------ backward

    def backward(self, seed: Value | None = None) -> None:
        """Fill ``grad`` of every node this one depends on with d(self)/d(node).

        ``self`` must be a scalar (one element) unless ``seed``, the gradient
        dJ/d(self) of some scalar J, is given with ``self``'s shape.  Gradients of
        an earlier call are replaced.
        """
        if seed is None:
            if math.prod(self.shape) != 1:
                raise NNDLValueError(
                    f"backward() on a non-scalar node of shape {self.shape} needs a seed gradient "
                    "of the same shape (dJ/d(node) for the scalar J you differentiate), or reduce "
                    "it to a scalar first, e.g. node.sum().backward()"
                )
            seed = _xp(self.value).ones_like(self.value)
        elif _shape(seed) != self.shape:
            raise ShapeError(f"the seed has shape {_shape(seed)}; expected {self.shape}")
        order = self.topological_order()
        for node in order:
            node.grad = None
        self.grad = seed
        for node in reversed(order):
            if node._backward is None or node.grad is None:
                continue
            for parent, g in zip(node.parents, node._backward(node.grad), strict=True):
                parent.grad = g if parent.grad is None else parent.grad + g

    def topological_order(self) -> list[Node]:
        """Every node this one depends on, parents before children (iterative depth-first)."""
        order: list[Node] = []
        seen: set[int] = set()
        stack: list[tuple[Node, bool]] = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents if id(p) not in seen)
        return order

    # ----------------------------------------------------------- operators

    def __add__(self, other: Any) -> Node:
        return add(self, other)

    def __radd__(self, other: Any) -> Node:
        return add(other, self)

    def __sub__(self, other: Any) -> Node:
        return subtract(self, other)

    def __rsub__(self, other: Any) -> Node:
        return subtract(other, self)

    def __mul__(self, other: Any) -> Node:
        return multiply(self, other)

    def __rmul__(self, other: Any) -> Node:
        return multiply(other, self)

    def __truediv__(self, other: Any) -> Node:
        return divide(self, other)

    def __rtruediv__(self, other: Any) -> Node:
        return divide(other, self)

    def __pow__(self, exponent: Any) -> Node:
        return power(self, exponent)

    def __matmul__(self, other: Any) -> Node:
        return matmul(self, other)

    def __neg__(self) -> Node:
        return multiply(self, -1.0)

    @property
    def T(self) -> Node:
        """The transpose (2-D)."""
        return transpose(self)

    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Node:
        """Σ over ``axis`` (all axes when None): :func:`sum` of this node."""
        return sum(self, axis, keepdims)

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Node:
        """The mean over ``axis`` (all axes when None): :func:`mean` of this node."""
        return mean(self, axis, keepdims)


def lift(x: Any) -> Node:
    """``x`` as a Node: a Node is returned as is, an array or number becomes a constant leaf.

    A number stays a Python number, so it mixes with arrays of any backend.

    Parameters
    ----------
    x : Node or array_like or float
        The value.

    Returns
    -------
    Node
        ``x`` itself, or a new leaf.
    """
    if isinstance(x, Node):
        return x
    if is_array(x):
        return Node(x)
    node = Node(0.0)
    node.value = float(x)
    return node


def _binary(a: Any, b: Any, op: str) -> tuple[Node, Node]:
    """Both operands as Nodes, after checking that their shapes broadcast (a ShapeError naming
    ``op`` otherwise)."""
    a, b = lift(a), lift(b)
    _broadcast_shape(a.shape, b.shape, op)
    return a, b


# --------------------------------------------------------------- primitives
# Each primitive: the forward value, then its local derivative (upstream g → parents' grads).


def add(a: Any, b: Any) -> Node:
    """a + b;  ∂/∂a = 1, ∂/∂b = 1.

    Parameters
    ----------
    a, b : Node or array_like or float
        The operands, of shapes that broadcast (a ShapeError otherwise).

    Returns
    -------
    Node
        a + b, of the broadcast shape.
    """
    a, b = _binary(a, b, "add")
    return Node(
        a.value + b.value, (a, b), "+",
        backward=lambda g: (_unbroadcast(g, a.shape), _unbroadcast(g, b.shape)),
    )  # fmt: skip


def subtract(a: Any, b: Any) -> Node:
    """a − b;  ∂/∂a = 1, ∂/∂b = −1.

    Parameters
    ----------
    a, b : Node or array_like or float
        The operands, of shapes that broadcast (a ShapeError otherwise).

    Returns
    -------
    Node
        a − b.
    """
    a, b = _binary(a, b, "subtract")
    return Node(
        a.value - b.value, (a, b), "-",
        backward=lambda g: (_unbroadcast(g, a.shape), _unbroadcast(-g, b.shape)),
    )  # fmt: skip


def multiply(a: Any, b: Any) -> Node:
    """a · b (elementwise);  ∂/∂a = b, ∂/∂b = a.

    Parameters
    ----------
    a, b : Node or array_like or float
        The operands, of shapes that broadcast (a ShapeError otherwise).

    Returns
    -------
    Node
        a · b.
    """
    a, b = _binary(a, b, "multiply")
    return Node(
        a.value * b.value, (a, b), "*",
        backward=lambda g: (_unbroadcast(g * b.value, a.shape), _unbroadcast(g * a.value, b.shape)),
    )  # fmt: skip


def divide(a: Any, b: Any) -> Node:
    """a / b;  ∂/∂a = 1/b, ∂/∂b = −a/b².

    Parameters
    ----------
    a, b : Node or array_like or float
        The operands, of shapes that broadcast (a ShapeError otherwise).

    Returns
    -------
    Node
        a / b.
    """
    a, b = _binary(a, b, "divide")
    return Node(
        a.value / b.value, (a, b), "/",
        backward=lambda g: (
            _unbroadcast(g / b.value, a.shape),
            _unbroadcast(-g * a.value / (b.value * b.value), b.shape),
        ),
    )  # fmt: skip


def power(a: Any, p: Any) -> Node:
    """a ** p;  ∂/∂a = p a^(p−1), ∂/∂p = a^p log a (for a > 0).

    Parameters
    ----------
    a : Node or array_like or float
        The base.
    p : Node or array_like or float
        The exponent, of a shape that broadcasts with a's (a ShapeError otherwise).

    Returns
    -------
    Node
        a ** p.
    """
    a, p = _binary(a, p, "power")
    out = a.value**p.value

    def local(g: Value) -> tuple[Value, Value]:
        xp = _xp(a.value, p.value)
        da = g * p.value * a.value ** (p.value - 1.0)
        if is_array(a.value):  # a^p log a where a > 0; 0 elsewhere (log a is undefined there)
            positive = a.value > 0
            dp = g * xp.where(positive, out * xp.log(xp.where(positive, a.value, 1.0)), 0.0)
        else:
            dp = g * (out * math.log(a.value) if a.value > 0 else 0.0)
        return _unbroadcast(da, a.shape), _unbroadcast(dp, p.shape)

    return Node(out, (a, p), "**", backward=local)


def matmul(a: Any, b: Any) -> Node:
    """A @ B for 2-D A ``(n, k)`` and B ``(k, m)``;  ∂/∂A = G Bᵀ, ∂/∂B = Aᵀ G.

    Parameters
    ----------
    a : Node or array_like
        A, of shape ``(n, k)``.
    b : Node or array_like
        B, of shape ``(k, m)``.

    Returns
    -------
    Node
        A @ B, of shape ``(n, m)``.

    Raises
    ------
    ShapeError
        When A and B are not 2-D or their inner sizes differ.
    """
    a, b = lift(a), lift(b)
    if len(a.shape) != 2 or len(b.shape) != 2 or a.shape[1] != b.shape[0]:
        raise ShapeError(
            f"matmul: shapes {a.shape} and {b.shape} do not fit: expected (n, k) @ (k, m), "
            "the columns of the left matching the rows of the right"
        )
    return Node(
        a.value @ b.value, (a, b), "@",
        backward=lambda g: (g @ b.value.T, a.value.T @ g),
    )  # fmt: skip


def _axes(axis: int | tuple[int, ...] | None, ndim: int) -> set[int]:
    """The axes a reduction over ``axis`` covers, as non-negative numbers (all when None)."""
    if axis is None:
        return set(range(ndim))
    return {ax % max(ndim, 1) for ax in (axis if isinstance(axis, tuple) else (axis,))}


def sum(a: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Node:
    """Σ a over ``axis`` (all axes when None);  ∂/∂a = 1, broadcast back to a's shape.

    Parameters
    ----------
    a : Node or array_like
        The operand.
    axis : int or tuple of int, optional
        The axes reduced; all when None.
    keepdims : bool, default False
        Keep the reduced axes with length 1.

    Returns
    -------
    Node
        The sum.
    """
    a = lift(a)
    xp = _xp(a.value)
    out = xp.sum(a.value, axis=axis, keepdims=keepdims)
    summed = _axes(axis, len(a.shape))
    kept = tuple(1 if i in summed else n for i, n in enumerate(a.shape))

    def local(g: Value) -> tuple[Value]:
        return (xp.broadcast_to(xp.reshape(g, kept), a.shape),)

    return Node(out, (a,), "sum", backward=local)


def mean(a: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Node:
    """The mean over ``axis``: Σ a / (number of summed elements).

    Parameters
    ----------
    a : Node or array_like
        The operand.
    axis : int or tuple of int, optional
        The axes reduced; all when None.
    keepdims : bool, default False
        Keep the reduced axes with length 1.

    Returns
    -------
    Node
        The mean.
    """
    a = lift(a)
    count = math.prod(a.shape[ax] for ax in _axes(axis, len(a.shape)))
    return divide(sum(a, axis, keepdims), float(count))


def transpose(a: Any) -> Node:
    """aᵀ of a 2-D a;  the gradient is transposed back.

    Parameters
    ----------
    a : Node or array_like
        A 2-D operand.

    Returns
    -------
    Node
        aᵀ.

    Raises
    ------
    ShapeError
        When a is not 2-D.
    """
    a = lift(a)
    if len(a.shape) != 2:
        raise ShapeError(f"transpose takes a 2-D node. Received: shape {a.shape}")
    return Node(a.value.T, (a,), "ᵀ", backward=lambda g: (g.T,))
