"""scikit-learn's learning rates and stopping rule, as a schedule and a callback of the run.

:class:`AdaptiveRate` is ``MLPClassifier``'s ``learning_rate`` (with ``learning_rate_init``
α₀ and ``power_t``) as a :class:`~nndl.training.schedules.Schedule` that keeps its own α:

| kind           | α of the next epoch                                              |
|----------------|------------------------------------------------------------------|
| ``constant``   | α₀                                                                |
| ``invscaling`` | α₀ / (t + 1)^power_t after every epoch, t the examples seen so far |
| ``adaptive``   | α₀, divided by 5 at every plateau while α > 1e-6                  |

:class:`Plateau` is the rule that watches for plateaus (scikit-learn's ``_fit_stochastic``,
after every epoch), a front-end over :class:`~nndl.training.stopping.StoppingRule`: it records
the epoch's loss (the mean of its mini-batch costs, the L2 term included) and counts the
epochs without improvement, of a validation score ``s`` when it is given a ``score`` function
(an epoch improves when ``s ≥ best + tol``; the parameters of the best score are kept; with
``greater_is_better=False`` the score is a cost, such as the validation cost, and an epoch
improves when ``s ≤ best − tol``), else of the training loss (an epoch improves when
``loss ≤ best − tol``); an improving epoch resets the count, and the best follows every
better value.  A score that is not finite (NaN: the network's outputs overflowed) is recorded,
counted as an epoch without improvement and stops training at once, the best parameters kept
(``diverged`` says so).  Once the count exceeds ``n_iter_no_change`` the rate is lowered
(``adaptive``, and the count starts again) or training stops; ``n_iter_no_change=None``
never stops (the losses and scores are still recorded).  Both estimator families stop by
this one rule: scikit-learn's drop-ins with their ``tol`` and ``n_iter_no_change``, the
course's with ``tol=0``, ``patience`` and the validation cost.

Their state — α, the count, the best loss or score and its epoch, the losses and scores so
far, the best parameters — is the run's: it lives in :class:`PlateauState`, which a caller
may carry from one run to the next (``partial_fit``, ``warm_start``), and it is saved in
checkpoints with the other callbacks' states.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.errors import NNDLValueError, check_int, check_non_negative
from nndl.training.callbacks import Callback
from nndl.training.schedules import Schedule
from nndl.training.stopping import StoppingRule, StoppingState

if TYPE_CHECKING:
    from nndl.model.network import Network
    from nndl.training.trainer import Trainer

KINDS = ("constant", "invscaling", "adaptive")
DIVIDE_BY = 5.0
"""``adaptive``: α is divided by this at a plateau ..."""
SMALLEST = 1e-6
"""... while it is above this; then a plateau stops training."""


class AdaptiveRate(Schedule):
    """scikit-learn's learning rate of ``kind`` (see the module), starting at
    ``learning_rate``; ``rate`` is α now."""

    name = "adaptive"

    def __init__(self, learning_rate: float, kind: str = "adaptive", power_t: float = 0.5) -> None:
        super().__init__(learning_rate)
        if kind not in KINDS:
            raise NNDLValueError(f"kind must be one of {', '.join(KINDS)}. Received: {kind!r}")
        self.kind = kind
        self.power_t = float(power_t)
        self.rate = self.learning_rate

    def __call__(self, epoch: int) -> float:
        return self.rate

    def seen(self, examples: int) -> None:
        """After an epoch, ``examples`` seen in all: ``invscaling`` sets
        α = α₀ / (examples + 1)^power_t."""
        if self.kind == "invscaling":
            self.rate = self.learning_rate / (examples + 1) ** self.power_t

    def lower(self) -> bool:
        """At a plateau: ``adaptive`` divides α by 5 while α > 1e-6 and says True; otherwise
        nothing changes and the answer is False (training should stop)."""
        if self.kind != "adaptive" or self.rate <= SMALLEST:
            return False
        self.rate /= DIVIDE_BY
        return True

    def config(self) -> dict[str, Any]:
        return {**super().config(), "kind": self.kind, "power_t": self.power_t}


@dataclass
class PlateauState:
    """What :class:`Plateau` carries from epoch to epoch (and from one run to the next)."""

    examples_seen: int = 0
    """t: the examples seen, every epoch adding the training set's size."""
    losses: list[float] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    stopping: StoppingState = field(default_factory=StoppingState)
    """The stopping rule's: the best loss or score, its epoch and parameters, the count."""
    watches_score: bool = False
    """Whether ``stopping`` watches the validation score (else the training loss)."""

    @property
    def best_loss(self) -> float:
        """The lowest training loss so far (inf before the first, or when a score is watched)."""
        best = None if self.watches_score else self.stopping.best
        return math.inf if best is None else best

    @property
    def best_score(self) -> float | None:
        """The best score so far (the highest, or the lowest cost); None before the first."""
        return self.stopping.best if self.watches_score else None

    @property
    def best_epoch(self) -> int | None:
        """The epoch (0 for the first, counting every run) of the best loss or score."""
        return self.stopping.best_epoch

    @property
    def no_improvement(self) -> int:
        """Epochs without improvement since the last improvement (or the last lowered rate)."""
        return self.stopping.wait

    @no_improvement.setter
    def no_improvement(self, count: int) -> None:
        self.stopping.wait = count

    @property
    def best_params(self) -> dict[str, np.ndarray]:
        """The parameters (course layout) of the best score, when a score is watched (else
        those the state was made with)."""
        return self.stopping.best_params or {}


class Plateau(Callback):
    """scikit-learn's plateau rule (see the module) over a run of ``n_samples`` examples per
    epoch, lowering ``rate`` or stopping; ``score(network)`` gives the validation score (None:
    the training loss is watched), higher is better unless ``greater_is_better=False``.
    ``n_iter_no_change=None`` records without ever stopping.  ``epochs`` counts this run's
    epochs; ``stopped`` says whether the rule stopped it, ``diverged`` whether a non-finite
    score did.  The comparisons are :class:`~nndl.training.stopping.StoppingRule`'s, at
    least ``tol`` (``strict=False``), the best following every better value
    (``best_of_all=True``)."""

    def __init__(
        self,
        rate: AdaptiveRate,
        *,
        n_samples: int,
        tol: float,
        n_iter_no_change: int | None,
        score: Callable[[Network], float] | None = None,
        greater_is_better: bool = True,
        state: PlateauState | None = None,
        verbose: bool = False,
    ) -> None:
        self.rate = rate
        self.n_samples = check_int("n_samples", n_samples, minimum=1)
        self.tol = check_non_negative("tol", tol)
        self.n_iter_no_change = (
            None
            if n_iter_no_change is None
            else check_int("n_iter_no_change", n_iter_no_change, minimum=0)
        )
        self.score = score
        self.greater_is_better = bool(greater_is_better)
        self.verbose = verbose
        self.epochs = 0
        self.stopped = False
        self.diverged = False
        self._watch(PlateauState() if state is None else state)

    def _watch(self, state: PlateauState) -> None:
        """Make ``state`` the run's, and the stopping rule over it."""
        watches_score = self.score is not None
        if state.watches_score != watches_score:  # a loss and a score are not compared
            state.stopping.best = state.stopping.best_epoch = None
            state.watches_score = watches_score
        self.state_ = state
        self.rule = StoppingRule(
            self.tol,
            self.n_iter_no_change,
            greater_is_better=watches_score and self.greater_is_better,
            strict=False,
            best_of_all=True,
            keep_params=watches_score,
            stop_if_not_finite=watches_score,
            state=state.stopping,
        )

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        st = self.state_
        self.epochs += 1
        loss = float(logs["cost"])
        st.examples_seen += self.n_samples
        st.losses.append(loss)
        self._print(f"Iteration {self.epochs}, loss = {loss:.8f}")
        if self.score is not None:
            score = self.score(trainer.network)
            st.scores.append(score)
            self._print(f"Validation score: {score:f}")
            self.rule.update(score, len(st.scores) - 1, lambda: trainer.network.params)
            if self.rule.diverged:  # no later epoch can be scored either
                self._print(f"Validation score is {score}: training diverged. Stopping.")
                self.stopped = self.diverged = True
                trainer.stop_training = True
                return
        else:
            self.rule.update(loss, len(st.losses) - 1)
        self.rate.seen(st.examples_seen)
        if self.rule.exhausted:
            what = "Validation score" if self.score is not None else "Training loss"
            message = (
                f"{what} did not improve more than tol={self.tol:f} for "
                f"{self.n_iter_no_change} consecutive epochs."
            )
            if self.rate.lower():
                self.rule.reset_count()
                self._print(f"{message} Setting learning rate to {self.rate.rate:f}")
            else:
                self._print(f"{message} Stopping.")
                self.stopped = True
                trainer.stop_training = True

    def record_divergence(self) -> None:
        """Count the epoch that training raised a divergence in, with a loss and (when a
        score is watched) a score that are not numbers, and stop as a non-finite score does."""
        st = self.state_
        self.epochs += 1
        st.examples_seen += self.n_samples
        st.losses.append(math.nan)
        if self.score is not None:
            st.scores.append(math.nan)
        self.stopped = self.diverged = True

    def _print(self, line: str) -> None:
        if self.verbose:
            print(line)

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """α, the counts, the best loss and score, the losses and scores so far, and the
        parameters of the best score."""
        st = self.state_
        values = {
            "rate": self.rate.rate,
            "epochs": self.epochs,
            "examples_seen": st.examples_seen,
            "losses": list(st.losses),
            "best_loss": None if math.isinf(st.best_loss) else st.best_loss,
            "scores": list(st.scores),
            "best_score": st.best_score,
            "best_epoch": st.best_epoch,
            "no_improvement": st.no_improvement,
        }
        return values, dict(st.best_params)

    def restore(self, values: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        best = values.get("best_score" if self.score is not None else "best_loss")
        self.rate.rate = float(values.get("rate", self.rate.rate))
        self.epochs = int(values.get("epochs", 0))
        state = PlateauState(
            examples_seen=int(values.get("examples_seen", 0)),
            losses=[float(v) for v in values.get("losses", [])],
            scores=[float(v) for v in values.get("scores", [])],
            watches_score=self.score is not None,
        )
        self._watch(state)
        self.rule.restore(
            {
                "best": best,
                "best_epoch": values.get("best_epoch"),
                "wait": values.get("no_improvement", 0),
            },
            arrays,
        )
        state.stopping = self.rule.state_
