"""The one stopping rule: epochs without improvement of a watched value, and the best one kept.

After every epoch the rule is given the value it watches, ``v`` (a cost, lower is better; or
a score, higher is better), and compares it with the best value so far, ``best``:

| the rule (``strict``)        | an improvement (lower is better) | (higher is better)  |
|------------------------------|----------------------------------|---------------------|
| Keras' (``True``)            | v < best − δ                     | v > best + δ        |
| scikit-learn's (``False``)   | v ≤ best − δ                     | v ≥ best + δ        |

with δ ≥ 0 the threshold (``min_delta``, ``tol``); before the first value ``best`` is ±∞,
so the first finite value improves.  An improvement sets the count of epochs without one,
``wait``, back to 0; any other epoch adds 1; once ``wait`` exceeds ``patience`` the rule is
exhausted (its user stops training, or lowers the learning rate and calls
:meth:`StoppingRule.reset_count`).  ``best`` becomes ``v`` at every improvement (Keras'
``EarlyStopping``) or, with ``best_of_all=True``, whenever ``v`` is better than it at all
(scikit-learn's ``best_loss_`` and ``best_validation_score_``, which follow every new best
though only a step of ``tol`` counts); the epoch of ``best`` and, when asked, the
parameters of that epoch are kept with it.

A value that is not finite (NaN: the outputs overflowed) is never an improvement nor a best;
it counts as an epoch without improvement, and with ``stop_if_not_finite=True`` it
exhausts the rule at once (``diverged``): no later epoch can be scored either.

:class:`~nndl.training.callbacks.EarlyStopping` (Keras' rule over ``val_cost`` or ``cost``)
and :class:`~nndl.training.plateau.Plateau` (scikit-learn's over the training loss or a
validation score) are front-ends over this rule; its state (:class:`StoppingState`) is what
their checkpoints carry, so a resumed run stops where an uninterrupted one would.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from nndl.arrays.backend import to_numpy
from nndl.errors import check_int, check_non_negative


@dataclass
class StoppingState:
    """What a :class:`StoppingRule` carries from epoch to epoch (and into a checkpoint).

    Parameters
    ----------
    best : float or None, default None
        The best value so far; None before the first finite one.
    best_epoch : int or None, default None
        The epoch of ``best``.
    wait : int, default 0
        The epochs without improvement since the last improvement (or the last reset).
    best_params : dict of str to numpy.ndarray, optional
        The parameters (``W1, b1, …``, the course's layout) of the epoch of ``best``, when the
        rule keeps them.
    """

    best: float | None = None
    best_epoch: int | None = None
    wait: int = 0
    best_params: dict[str, np.ndarray] | None = None


class StoppingRule:
    """Counts the epochs without improvement of a watched value (see the module).

    Parameters
    ----------
    threshold : float, default 0.0
        δ ≥ 0, the change that counts as an improvement (``min_delta``, ``tol``).
    patience : int or None, default None
        The epochs without improvement the rule allows; the rule is exhausted once ``wait``
        exceeds it.  None: never exhausted (the values are still compared and the best kept).
    greater_is_better : bool, default False
        Whether the value is a score (higher is better) rather than a cost.
    strict : bool, default True
        An improvement is a change by more than δ (Keras) or by at least δ (scikit-learn).
    best_of_all : bool, default False
        ``best`` follows every better value (scikit-learn), not only the improvements (Keras).
    keep_params : bool, default True
        Keep a copy of the parameters of the epoch of ``best``.
    stop_if_not_finite : bool, default False
        A value that is not finite exhausts the rule at once.
    state : StoppingState, optional
        The state to go on from (a new one by default); the rule updates it in place.

    Raises
    ------
    NNDLValueError
        When ``threshold`` is negative or not a number, or ``patience`` is not an integer
        >= 0.

    Examples
    --------
    >>> rule = StoppingRule(threshold=0.1, patience=1)
    >>> [rule.update(v, epoch) for epoch, v in enumerate([1.0, 0.95, 0.8, 0.85, 0.75])]
    [True, False, True, False, False]
    >>> rule.state_.best, rule.state_.best_epoch, rule.state_.wait, rule.exhausted
    (0.8, 2, 2, True)
    """

    def __init__(
        self,
        threshold: float = 0.0,
        patience: int | None = None,
        *,
        greater_is_better: bool = False,
        strict: bool = True,
        best_of_all: bool = False,
        keep_params: bool = True,
        stop_if_not_finite: bool = False,
        state: StoppingState | None = None,
    ) -> None:
        self.threshold = check_non_negative("threshold", threshold)
        self.patience = None if patience is None else check_int("patience", patience, minimum=0)
        self.greater_is_better = bool(greater_is_better)
        self.strict = bool(strict)
        self.best_of_all = bool(best_of_all)
        self.keep_params = bool(keep_params)
        self.stop_if_not_finite = bool(stop_if_not_finite)
        self.state_ = StoppingState() if state is None else state
        self.diverged = False

    def improves(self, value: float, best: float | None) -> bool:
        """Whether ``value`` improves on ``best`` by the threshold (see the module).

        Parameters
        ----------
        value : float
            The watched value of an epoch.
        best : float or None
            The best value so far; None before the first.

        Returns
        -------
        bool
            True when ``value`` is finite and better than ``best`` by more than δ (by at
            least δ when not ``strict``).
        """
        return self._beats(value, best, self.threshold, self.strict)

    def _beats(self, value: float, best: float | None, threshold: float, strict: bool) -> bool:
        if not math.isfinite(value):
            return False
        if best is None:
            return True
        # written as the two rules always were (the same floating-point comparisons)
        if self.greater_is_better:
            return value > best + threshold if strict else value >= best + threshold
        return value < best - threshold if strict else value <= best - threshold

    def update(
        self, value: float, epoch: int, params: Callable[[], Mapping[str, Any]] | None = None
    ) -> bool:
        """Take the watched value of ``epoch``: count it, and keep it if it is the best.

        Parameters
        ----------
        value : float
            The watched value after the epoch.
        epoch : int
            The epoch's index (kept as ``best_epoch``).
        params : callable, optional
            ``params()`` gives the network's parameters now; called only when the rule keeps
            parameters and ``value`` is the new best.

        Returns
        -------
        bool
            Whether the epoch improved (``wait`` is then 0).
        """
        st = self.state_
        improved = self.improves(value, st.best)
        # scikit-learn's best follows any strictly better value, with or without the step δ
        better = self._beats(value, st.best, 0.0, True) if self.best_of_all else improved
        if better:
            st.best, st.best_epoch = float(value), epoch
            if self.keep_params and params is not None:
                st.best_params = {k: np.array(to_numpy(v)) for k, v in params().items()}
        st.wait = 0 if improved else st.wait + 1
        if self.stop_if_not_finite and not math.isfinite(value):
            self.diverged = True
        return improved

    @property
    def exhausted(self) -> bool:
        """Whether training should stop (or the rate be lowered).

        True once ``wait`` > ``patience``, or after a value that is not finite under
        ``stop_if_not_finite``.
        """
        if self.diverged:
            return True
        return self.patience is not None and self.state_.wait > self.patience

    def reset_count(self) -> None:
        """Start counting the epochs without improvement again (after a lowered rate)."""
        self.state_.wait = 0

    def reset(self) -> None:
        """Forget everything: no best value, epoch or parameters, no epoch counted."""
        self.state_ = StoppingState()
        self.diverged = False

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """The best value and epoch and the count, and the best parameters, for a checkpoint.

        Returns
        -------
        values : dict
            ``best`` (None before the first finite value), ``best_epoch`` and ``wait``.
        arrays : dict of str to numpy.ndarray
            The parameters of the epoch of ``best`` (empty when none are kept).
        """
        st = self.state_
        values = {"best": st.best, "best_epoch": st.best_epoch, "wait": st.wait}
        return values, dict(st.best_params or {})

    def restore(self, values: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
        """Take back what :meth:`state` gave, so that a resumed run stops where it would have.

        Parameters
        ----------
        values : mapping
            ``best``, ``best_epoch`` and ``wait`` (missing ones start afresh).
        arrays : mapping of str to numpy.ndarray
            The best parameters (kept only when the rule keeps parameters).
        """
        best, best_epoch = values.get("best"), values.get("best_epoch")
        self.state_ = StoppingState(
            best=None if best is None or not math.isfinite(best) else float(best),
            best_epoch=None if best_epoch is None else int(best_epoch),
            wait=int(values.get("wait", 0)),
            best_params=dict(arrays) if self.keep_params and arrays else None,
        )
        self.diverged = False
