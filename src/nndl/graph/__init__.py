"""The computation graph: reverse-mode automatic differentiation over arrays.

The course explains backpropagation with a graph: the forward pass computes each
node from its parents, the backward pass applies the chain rule from the output
back.  Here that graph is a working engine:

>>> from nndl.graph import Node
>>> a, b, c = Node(5.0, label="a"), Node(3.0, label="b"), Node(2.0, label="c")
>>> J = 3 * (a + b * c)           # the course's J = 3(a + bc) = 33
>>> J.backward()
>>> float(a.grad), float(b.grad), float(c.grad)    # dJ/da, dJ/db, dJ/dc
(3.0, 6.0, 9.0)

- :mod:`~nndl.graph.node`: ``Node`` and its arithmetic (``+ − * / ** @``, sum, mean,
  transpose), each value beside its local derivative;
- :mod:`~nndl.graph.functions`: the elementwise functions (exp, log, tanh, sigmoid, relu,
  maximum), reshape and constant, likewise;
- :mod:`~nndl.graph.dot`: Graphviz DOT text and drawings, the course's example;
- :mod:`~nndl.graph.network`: a ``Network``'s cost rebuilt as a graph, and losses
  written in graph primitives (``hinge``, ``focal``) for a network to train with.
"""

from nndl.graph.dot import GraphvizMissingError, course_example, render, to_dot
from nndl.graph.functions import constant, exp, log, maximum, relu, reshape, sigmoid, tanh
from nndl.graph.network import GraphLoss, focal, hinge, network_cost, network_gradients
from nndl.graph.node import (
    Node,
    add,
    divide,
    lift,
    matmul,
    mean,
    multiply,
    power,
    subtract,
    sum,
    transpose,
)

__all__ = [
    "GraphLoss",
    "GraphvizMissingError",
    "Node",
    "add",
    "constant",
    "course_example",
    "divide",
    "exp",
    "focal",
    "hinge",
    "lift",
    "log",
    "matmul",
    "maximum",
    "mean",
    "multiply",
    "network_cost",
    "network_gradients",
    "power",
    "relu",
    "render",
    "reshape",
    "sigmoid",
    "subtract",
    "sum",
    "tanh",
    "to_dot",
    "transpose",
]
