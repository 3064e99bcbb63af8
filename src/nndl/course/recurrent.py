"""The recurrent-network assignments, step by step, in the sequence course's notation.

*Building your Recurrent Neural Network: Step by Step* and *Dinosaur Island* (the
sequence course, week 1).  Sequences are ``x`` ``(n_x, m, T_x)``: at each time step t a
batch ``x⟨t⟩`` ``(n_x, m)`` in the first course's columns; hidden states ``a``
``(n_a, m, T_x)``; predictions ``y`` ``(n_y, m, T_x)`` (a softmax over the n_y classes).

A basic RNN cell::

    a⟨t⟩ = tanh(Waa a⟨t−1⟩ + Wax x⟨t⟩ + ba)        ŷ⟨t⟩ = softmax(Wya a⟨t⟩ + by)

An LSTM cell, with ``[a⟨t−1⟩, x⟨t⟩]`` the two stacked (``(n_a + n_x, m)``)::

    Γ_f = σ(Wf [a⟨t−1⟩, x⟨t⟩] + bf)       forget gate
    Γ_u = σ(Wi [a⟨t−1⟩, x⟨t⟩] + bi)       update gate
    c̃⟨t⟩ = tanh(Wc [a⟨t−1⟩, x⟨t⟩] + bc)
    c⟨t⟩ = Γ_f * c⟨t−1⟩ + Γ_u * c̃⟨t⟩      the memory cell
    Γ_o = σ(Wo [a⟨t−1⟩, x⟨t⟩] + bo)       output gate
    a⟨t⟩ = Γ_o * tanh(c⟨t⟩)               ŷ⟨t⟩ = softmax(Wy a⟨t⟩ + by)

Backpropagation through time walks the steps from T_x down to 1, adding each step's
gradient of the parameters, and handing ``da_prev`` (and ``dc_prev``) to the step before.
These are the course's loops with its names, signatures and caches, for learning and for
checking; they do no 1/m (the course's ``da`` is given).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nndl.course._common import as_float
from nndl.errors import NNDLValueError

Params = Mapping[str, Any]

RNN_PARAMETERS = ("Waa", "Wax", "Wya", "ba", "by")
LSTM_PARAMETERS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by")


def sigmoid(x: Any) -> np.ndarray:
    """σ(x), computed from e^(−|x|) so it never overflows.

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    numpy.ndarray
        σ(x), of x's shape.
    """
    x = as_float(x)
    e = np.exp(-np.abs(x))
    return np.asarray(np.where(x >= 0, 1 / (1 + e), e / (1 + e)))


def softmax(x: Any) -> np.ndarray:
    """The softmax of each column (the column's maximum subtracted first).

    Parameters
    ----------
    x : array_like of shape (n, m)
        One column per example.

    Returns
    -------
    numpy.ndarray of shape (n, m)
        Each column sums to 1.

    Examples
    --------
    >>> softmax([[1.0, 0.0], [1.0, 0.0]])
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    x = as_float(x)
    e = np.exp(x - np.max(x, axis=0, keepdims=True))
    return np.asarray(e / np.sum(e, axis=0, keepdims=True))


def _need(parameters: Params, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    missing = [n for n in names if n not in parameters]
    if missing:
        raise NNDLValueError(
            f"parameters must hold {', '.join(names)}; missing: {', '.join(missing)}"
        )
    return {n: as_float(parameters[n]) for n in names}


def rnn_cell_forward(
    xt: Any, a_prev: Any, parameters: Params
) -> tuple[np.ndarray, np.ndarray, tuple[Any, ...]]:
    """One step: ``(a_next, yt_pred, cache)``, ``cache = (a_next, a_prev, xt, parameters)``.

    Parameters
    ----------
    xt : array_like of shape (n_x, m)
        x⟨t⟩.
    a_prev : array_like of shape (n_a, m)
        a⟨t−1⟩.
    parameters : mapping of str to array_like
        ``Wax`` ``(n_a, n_x)``, ``Waa`` ``(n_a, n_a)``, ``Wya`` ``(n_y, n_a)``, ``ba``
        ``(n_a, 1)``, ``by`` ``(n_y, 1)``.

    Returns
    -------
    a_next : numpy.ndarray of shape (n_a, m)
        a⟨t⟩.
    yt_pred : numpy.ndarray of shape (n_y, m)
        ŷ⟨t⟩.
    cache : tuple
        For :func:`rnn_cell_backward`.

    Raises
    ------
    NNDLValueError
        When ``parameters`` lacks one of them.
    """
    p = _need(parameters, RNN_PARAMETERS)
    xt, a_prev = as_float(xt), as_float(a_prev)
    a_next = np.tanh(np.dot(p["Waa"], a_prev) + np.dot(p["Wax"], xt) + p["ba"])
    yt_pred = softmax(np.dot(p["Wya"], a_next) + p["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def rnn_forward(
    x: Any, a0: Any, parameters: Params
) -> tuple[np.ndarray, np.ndarray, tuple[list[tuple[Any, ...]], np.ndarray]]:
    """All T_x steps from ``a0``: ``(a, y_pred, (caches, x))``.

    Parameters
    ----------
    x : array_like of shape (n_x, m, T_x)
        The sequences.
    a0 : array_like of shape (n_a, m)
        The initial state.
    parameters : mapping of str to array_like
        ``Wax`` ``(n_a, n_x)``, ``Waa`` ``(n_a, n_a)``, ``Wya`` ``(n_y, n_a)``, ``ba``
        ``(n_a, 1)``, ``by`` ``(n_y, 1)``.

    Returns
    -------
    a : numpy.ndarray of shape (n_a, m, T_x)
        Every hidden state.
    y_pred : numpy.ndarray of shape (n_y, m, T_x)
        Every prediction.
    caches : tuple
        ``(list of the steps' caches, x)``, for :func:`rnn_backward`.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> shapes = {"Wax": (5, 3), "Waa": (5, 5), "Wya": (2, 5), "ba": (5, 1), "by": (2, 1)}
    >>> parameters = {k: rng.standard_normal(s) for k, s in shapes.items()}
    >>> a, y_pred, caches = rnn_forward(np.ones((3, 10, 4)), np.zeros((5, 10)), parameters)
    >>> a.shape, y_pred.shape, len(caches[0])
    ((5, 10, 4), (2, 10, 4), 4)
    """
    p = _need(parameters, RNN_PARAMETERS)
    x = as_float(x)
    _, m, T_x = x.shape
    n_y, n_a = p["Wya"].shape
    a, y_pred = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    caches = []
    a_next = as_float(a0)
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t], y_pred[:, :, t] = a_next, yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def rnn_cell_backward(da_next: Any, cache: tuple[Any, ...]) -> dict[str, np.ndarray]:
    """One step back through the tanh cell.

    ``dtanh = (1 − a_next²) * da_next``; ``dxt = Waxᵀ dtanh``, ``da_prev = Waaᵀ dtanh``,
    ``dWax = dtanh xtᵀ``, ``dWaa = dtanh a_prevᵀ``, ``dba = Σ dtanh``.

    Parameters
    ----------
    da_next : array_like of shape (n_a, m)
        The gradient of the loss with respect to a⟨t⟩.
    cache : tuple
        The step's cache from :func:`rnn_cell_forward`.

    Returns
    -------
    dict of str to numpy.ndarray
        ``dxt``, ``da_prev``, ``dWax``, ``dWaa``, ``dba``.
    """
    a_next, a_prev, xt, parameters = cache
    p = _need(parameters, RNN_PARAMETERS)
    dtanh = (1 - a_next**2) * as_float(da_next)
    return {
        "dxt": np.dot(p["Wax"].T, dtanh),
        "da_prev": np.dot(p["Waa"].T, dtanh),
        "dWax": np.dot(dtanh, xt.T),
        "dWaa": np.dot(dtanh, a_prev.T),
        "dba": np.sum(dtanh, axis=1, keepdims=True),
    }


def rnn_backward(da: Any, caches: tuple[list[tuple[Any, ...]], Any]) -> dict[str, np.ndarray]:
    """Backpropagation through time: ``{"dx", "da0", "dWax", "dWaa", "dba"}``.

    Parameters
    ----------
    da : array_like of shape (n_a, m, T_x)
        The loss's gradient with respect to each a⟨t⟩.
    caches : tuple
        The caches of :func:`rnn_forward`.

    Returns
    -------
    dict of str to numpy.ndarray
        ``dx`` ``(n_x, m, T_x)``, ``da0`` ``(n_a, m)`` and the parameters' gradients.
    """
    steps, x = caches
    da = as_float(da)
    n_a, m, T_x = da.shape
    n_x = as_float(x).shape[0]
    grads = {
        "dx": np.zeros((n_x, m, T_x)),
        "dWax": np.zeros((n_a, n_x)),
        "dWaa": np.zeros((n_a, n_a)),
        "dba": np.zeros((n_a, 1)),
    }
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, :, t] + da_prevt, steps[t])
        grads["dx"][:, :, t] = step["dxt"]
        for k in ("dWax", "dWaa", "dba"):
            grads[k] += step[k]
        da_prevt = step["da_prev"]
    grads["da0"] = da_prevt
    return grads


def lstm_cell_forward(
    xt: Any, a_prev: Any, c_prev: Any, parameters: Params
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[Any, ...]]:
    """One step: ``(a_next, c_next, yt_pred, cache)``.

    ``cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``.

    Parameters
    ----------
    xt : array_like of shape (n_x, m)
        x⟨t⟩.
    a_prev : array_like of shape (n_a, m)
        a⟨t−1⟩.
    c_prev : array_like of shape (n_a, m)
        c⟨t−1⟩, the memory cell.
    parameters : mapping of str to array_like
        ``Wf``, ``Wi``, ``Wc``, ``Wo`` ``(n_a, n_a + n_x)``, their biases ``bf``, ``bi``,
        ``bc``, ``bo`` ``(n_a, 1)``, ``Wy`` ``(n_y, n_a)`` and ``by`` ``(n_y, 1)``.

    Returns
    -------
    a_next : numpy.ndarray of shape (n_a, m)
        a⟨t⟩.
    c_next : numpy.ndarray of shape (n_a, m)
        c⟨t⟩.
    yt_pred : numpy.ndarray of shape (n_y, m)
        ŷ⟨t⟩.
    cache : tuple
        For :func:`lstm_cell_backward`.

    Raises
    ------
    NNDLValueError
        When ``parameters`` lacks one of them.
    """
    p = _need(parameters, LSTM_PARAMETERS)
    xt, a_prev, c_prev = as_float(xt), as_float(a_prev), as_float(c_prev)
    concat = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(np.dot(p["Wf"], concat) + p["bf"])
    it = sigmoid(np.dot(p["Wi"], concat) + p["bi"])
    cct = np.tanh(np.dot(p["Wc"], concat) + p["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(p["Wo"], concat) + p["bo"])
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(np.dot(p["Wy"], a_next) + p["by"])
    return (
        a_next,
        c_next,
        yt_pred,
        (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters),
    )


def lstm_forward(
    x: Any, a0: Any, parameters: Params
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[list[tuple[Any, ...]], np.ndarray]]:
    """All T_x steps from ``a0`` and ``c⟨0⟩ = 0``: ``(a, y, c, (caches, x))``.

    Parameters
    ----------
    x : array_like of shape (n_x, m, T_x)
        The sequences.
    a0 : array_like of shape (n_a, m)
        The initial state.
    parameters : mapping of str to array_like
        ``Wf``, ``Wi``, ``Wc``, ``Wo`` ``(n_a, n_a + n_x)``, their biases ``bf``, ``bi``,
        ``bc``, ``bo`` ``(n_a, 1)``, ``Wy`` ``(n_y, n_a)`` and ``by`` ``(n_y, 1)``.

    Returns
    -------
    a : numpy.ndarray of shape (n_a, m, T_x)
        Every hidden state.
    y : numpy.ndarray of shape (n_y, m, T_x)
        Every prediction.
    c : numpy.ndarray of shape (n_a, m, T_x)
        Every memory cell.
    caches : tuple
        ``(list of the steps' caches, x)``, for :func:`lstm_backward`.
    """
    p = _need(parameters, LSTM_PARAMETERS)
    x = as_float(x)
    _, m, T_x = x.shape
    n_y, n_a = p["Wy"].shape
    a, c, y = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    a_next, c_next = as_float(a0), np.zeros((n_a, m))
    caches = []
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_next, c_next, yt
        caches.append(cache)
    return a, y, c, (caches, x)


def lstm_cell_backward(da_next: Any, dc_next: Any, cache: tuple[Any, ...]) -> dict[str, np.ndarray]:
    """One step back through the gates (σ' = σ(1 − σ), tanh' = 1 − tanh²).

    In the course's names::

        dc = dc_next + da_next * Γ_o * (1 − tanh(c_next)²)
        dΓ_o = da_next * tanh(c_next) * Γ_o (1 − Γ_o)      dc̃ = dc * Γ_u * (1 − c̃²)
        dΓ_u = dc * c̃ * Γ_u (1 − Γ_u)                      dΓ_f = dc * c_prev * Γ_f (1 − Γ_f)
        dW· = dΓ· [a_prev, xt]ᵀ,  db· = Σ dΓ·,  dc_prev = dc * Γ_f
        [da_prev, dxt] = Wfᵀ dΓ_f + Wiᵀ dΓ_u + Wcᵀ dc̃ + Woᵀ dΓ_o

    Parameters
    ----------
    da_next : array_like of shape (n_a, m)
        The gradient with respect to a⟨t⟩.
    dc_next : array_like of shape (n_a, m)
        The gradient with respect to c⟨t⟩.
    cache : tuple
        The step's cache from :func:`lstm_cell_forward`.

    Returns
    -------
    dict of str to numpy.ndarray
        ``dxt``, ``da_prev``, ``dc_prev`` and ``dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo``.
    """
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    p = _need(parameters, LSTM_PARAMETERS)
    da_next, dc_next = as_float(da_next), as_float(dc_next)
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)
    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = dc * it * (1 - cct**2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    concat = np.concatenate([a_prev, xt], axis=0)
    gates = {"f": dft, "i": dit, "c": dcct, "o": dot}
    grads = {f"dW{g}": np.dot(d, concat.T) for g, d in gates.items()}
    grads.update({f"db{g}": np.sum(d, axis=1, keepdims=True) for g, d in gates.items()})
    dconcat = sum(np.dot(p[f"W{g}"].T, d) for g, d in gates.items())
    grads["da_prev"] = dconcat[:n_a]
    grads["dxt"] = dconcat[n_a:]
    grads["dc_prev"] = dc * ft
    return grads


def lstm_backward(da: Any, caches: tuple[list[tuple[Any, ...]], Any]) -> dict[str, np.ndarray]:
    """Backpropagation through time for the LSTM from ``da`` ``(n_a, m, T_x)``.

    Parameters
    ----------
    da : array_like of shape (n_a, m, T_x)
        The loss's gradient with respect to each a⟨t⟩.
    caches : tuple
        The caches of :func:`lstm_forward`.

    Returns
    -------
    dict of str to numpy.ndarray
        ``dx``, ``da0`` and ``dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo``.
    """
    steps, x = caches
    da = as_float(da)
    n_a, m, T_x = da.shape
    n_x = as_float(x).shape[0]
    grads = {f"dW{g}": np.zeros((n_a, n_a + n_x)) for g in "fico"}
    grads.update({f"db{g}": np.zeros((n_a, 1)) for g in "fico"})
    dx = np.zeros((n_x, m, T_x))
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, steps[t])
        for k in list(grads):
            grads[k] += step[k]
        dx[:, :, t] = step["dxt"]
        da_prevt, dc_prevt = step["da_prev"], step["dc_prev"]
    return {"dx": dx, "da0": da_prevt, **grads}


def clip(gradients: dict[str, Any], maxValue: float) -> dict[str, np.ndarray]:
    """Every gradient clipped into ``[−maxValue, maxValue]``, element by element.

    In place, as the course's ``np.clip(..., out=...)``, against exploding gradients.

    Parameters
    ----------
    gradients : dict of str to array_like
        The gradients (``dWax``, ``dWaa``, ...).
    maxValue : float
        The bound, > 0.

    Returns
    -------
    dict of str to numpy.ndarray
        The same dict, clipped.

    Raises
    ------
    NNDLValueError
        When maxValue is not > 0.

    Examples
    --------
    >>> import numpy as np
    >>> clip({"db": np.array([[-12.0], [3.0]])}, 10)["db"].ravel()
    array([-10.,   3.])
    """
    if not maxValue > 0:
        raise NNDLValueError(f"maxValue must be > 0. Received: maxValue={maxValue!r}")
    for key, g in gradients.items():
        g = as_float(g) if not isinstance(g, np.ndarray) else g
        np.clip(g, -maxValue, maxValue, out=g)
        gradients[key] = g
    return gradients


def sample(
    parameters: Params, char_to_ix: Mapping[str, int], seed: int, max_length: int = 50
) -> list[int]:
    """Characters drawn one after another from the trained RNN, as *Dinosaur Island* does.

    Start from x⟨1⟩ = 0 and a⟨0⟩ = 0; at each step ``a = tanh(Wax x + Waa a + b)``,
    ``ŷ = softmax(Wya a + by)``, draw the next character's index from ŷ
    (``np.random.seed(seed + counter)``), feed it back one-hot; stop at the newline
    character or after ``max_length`` characters (then append the newline's index).

    Parameters
    ----------
    parameters : mapping of str to array_like
        ``Waa``, ``Wax``, ``Wya``, ``b``, ``by``.
    char_to_ix : mapping of str to int
        Each character's index (the newline among them).
    seed : int
        The seed of the first draw.
    max_length : int, default 50
        The most characters drawn.

    Returns
    -------
    list of int
        The characters' indices, ending with the newline's.
    """
    p = _need(parameters, ("Waa", "Wax", "Wya", "b", "by"))
    vocab_size, n_a = p["Wya"].shape
    x, a_prev = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))
    newline = char_to_ix["\n"]
    indices: list[int] = []
    idx, counter = -1, 0
    while idx != newline and counter != max_length:
        a = np.tanh(np.dot(p["Wax"], x) + np.dot(p["Waa"], a_prev) + p["b"])
        y = softmax(np.dot(p["Wya"], a) + p["by"])
        # the course seeds NumPy's global generator each step; the same stream, kept local
        idx = int(np.random.RandomState(counter + seed).choice(vocab_size, p=y.ravel()))
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    if counter == max_length:
        indices.append(newline)
    return indices
