"""The layers that feed the recurrent ones: ``Embedding`` (integer tokens to vectors, token 0
optionally padding) and ``Masking`` (padded steps of number sequences).  Both hand the mask
of real steps ``(m, T_x)`` to the layers after them (``Layer.compute_mask``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nndl.arrays.backend import Array, device, namespace
from nndl.errors import NNDLValueError
from nndl.model import init as _init
from nndl.model.layers.base import Layer, Shape, draw_weights, positive_int


class Embedding(Layer):
    """Word embeddings, the sequence course's ``e_j = E o_j``.

    Each integer token j of ``X`` ``(m, T_x)`` becomes column j of ``E``
    ``(n_e, vocab_size)``, giving ``(m, T_x, n_e)`` for a recurrent layer.  Its gradient
    adds each step's ``de`` into the column of its token (``dE = Σ de o_jᵀ``).

    Parameters
    ----------
    vocab_size : int
        The number of distinct tokens, 0 to vocab_size − 1.
    n_e : int
        The size of each embedding vector.
    init : str or callable, default "random"
        A course initializer (``"random"`` ×0.01, ``"scaled"``, ``"xavier"``, ``"he"``,
        ``"zeros"``) or a callable ``(n, fan_in, rng) -> W``.
    mask_zero : bool, default False
        Token 0 is padding: the layer hands on the mask ``X != 0``.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    kind = "embedding"
    takes_tokens = True

    def __init__(
        self,
        vocab_size: int,
        n_e: int,
        init: str | _init.Initializer = "random",
        mask_zero: bool = False,
    ) -> None:
        super().__init__()
        self.vocab_size = positive_int("vocab_size", vocab_size)
        self.n_e = positive_int("n_e", n_e)
        self.init = init
        self.mask_zero = bool(mask_zero)

    @property
    def makes_mask(self) -> bool:
        return self.mask_zero

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array | None:
        """With ``mask_zero=True``, token 0 is padding: the mask is ``X != 0`` ``(m, T_x)``.

        Parameters
        ----------
        A_prev : Array of shape (m, T_x)
            The tokens.
        mask : Array or None
            The input's mask (an embedding is a first layer: None).

        Returns
        -------
        Array of shape (m, T_x) or None
            The mask, or None without ``mask_zero``.
        """
        return A_prev != 0 if self.mask_zero else None

    def output_shape_for(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 1:
            raise NNDLValueError(
                f"an Embedding layer takes sequences of tokens (T_x,). Received: {input_shape}"
            )
        return (input_shape[0], self.n_e)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        return {"E": (self.n_e, self.vocab_size)}

    def build(self, input_shape: Shape, rng: Any, dtype: str) -> Shape:
        shape = super().build(input_shape, rng, dtype)
        E = draw_weights(self.init, self.n_e, self.vocab_size, rng)
        self.params = {"E": E.astype(dtype)}
        return shape

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, Any]:
        xp = namespace(A_prev)
        m, T_x = (int(n) for n in A_prev.shape)
        tokens = xp.reshape(A_prev, (m * T_x,))
        e = xp.take(self.params["E"].T, tokens, axis=0)  # (m·T_x, n_e)
        return xp.reshape(e, (m, T_x, self.n_e)), tokens

    def backward(self, dA: Array, cache: Any) -> tuple[Array, dict[str, Array]]:
        xp = namespace(dA)
        m, T_x, _ = (int(n) for n in dA.shape)
        tokens = cache
        one_hot = xp.astype(
            xp.reshape(tokens, (-1, 1))
            == xp.reshape(xp.arange(self.vocab_size, device=device(dA)), (1, -1)),
            dA.dtype,
        )  # (m·T_x, vocab_size): o_j for every step
        dE = (one_hot.T @ xp.reshape(dA, (m * T_x, self.n_e))).T
        no_input = xp.zeros((m, T_x), dtype=dA.dtype, device=device(dA))  # tokens have no gradient
        return no_input, {"E": dE / m}

    def config(self) -> dict[str, Any]:
        init = self.init if isinstance(self.init, str) else getattr(self.init, "__name__", "custom")
        config = {"kind": self.kind, "vocab_size": self.vocab_size, "n_e": self.n_e, "init": init}
        return {**config, "mask_zero": True} if self.mask_zero else config

    def describe(self) -> str:
        padding = ", 0 pads" if self.mask_zero else ""
        return f"embedding {self.vocab_size} → {self.n_e}{padding}"


class Masking(Layer):
    """Padded sequences: a step whose every feature equals ``mask_value`` is padding.

    The layer passes the real steps of ``X`` ``(m, T_x, n_x)`` on unchanged (the padded
    ones as zeros) with the mask ``(m, T_x)``, True where a step is real, for the recurrent
    layers after it: there a padded step keeps the state, ``a⟨t⟩ = a⟨t−1⟩``, and adds
    nothing to the gradients, so a sequence of length ``T_i`` padded to ``T_x`` ends in its
    own ``a⟨T_i⟩``.

    Parameters
    ----------
    mask_value : float, default 0.0
        The value of every feature of a padded step.

    Raises
    ------
    NNDLValueError
        When ``mask_value`` is not a number.
    """

    kind = "masking"
    passes_mask = True

    @property
    def makes_mask(self) -> bool:
        return True

    def __init__(self, mask_value: float = 0.0) -> None:
        super().__init__()
        if isinstance(mask_value, bool) or not isinstance(mask_value, (int, float, np.number)):
            raise NNDLValueError(
                f"mask_value must be a number. Received: mask_value={mask_value!r}"
            )
        self.mask_value = float(mask_value)

    def output_shape_for(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 2:
            raise NNDLValueError(
                f"a Masking layer takes sequences (T_x, n_x). Received: {input_shape}"
            )
        return input_shape

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array:
        """``(m, T_x)``: True where some feature of the step differs from ``mask_value``.

        Parameters
        ----------
        A_prev : Array of shape (m, T_x, n_x)
            The sequences.
        mask : Array or None
            The input's mask (ignored).

        Returns
        -------
        Array of shape (m, T_x)
            The mask.
        """
        xp = namespace(A_prev)
        return xp.any(A_prev != self.mask_value, axis=2)

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, Any]:
        xp = namespace(A_prev)
        keep = xp.astype(self.compute_mask(A_prev, None)[:, :, None], A_prev.dtype)
        return A_prev * keep, keep

    def backward(self, dA: Array, cache: Any) -> tuple[Array, dict[str, Array]]:
        return dA * cache, {}

    def config(self) -> dict[str, Any]:
        return {"kind": self.kind, "mask_value": self.mask_value}

    def describe(self) -> str:
        return f"masking {self.mask_value:g}"
