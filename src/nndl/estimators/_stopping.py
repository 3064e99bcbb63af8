"""scikit-learn's stopping rule and learning-rate schedules, as a callback of nndl's loop.

After every epoch (scikit-learn's ``_fit_stochastic``):

* record ``loss_`` (the mean of the epoch's mini-batch costs, the L2 term included),
  ``n_iter_ += 1``, ``t_ += n`` (examples seen);
* count the epochs without improvement: with ``early_stopping`` the validation score
  (accuracy or R²) ``s`` counts when ``s < best_validation_score_ + tol`` (and the
  parameters of the best score are kept), otherwise the training loss counts when
  ``loss_ > best_loss_ − tol``; anything else resets the count to 0;
* ``solver="sgd"`` with ``learning_rate="invscaling"`` sets ``α = α₀ / (t_ + 1)^power_t``;
* once the count exceeds ``n_iter_no_change``: ``learning_rate="adaptive"`` divides α by 5
  (and resets the count) while α > 1e-6; anything else stops training.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.estimators._base import rows_from_params
from nndl.training.callbacks import Callback
from nndl.training.schedules import Schedule

if TYPE_CHECKING:
    from nndl.training.trainer import Trainer


class EstimatorRate(Schedule):
    """The learning rate the estimator holds in ``_learning_rate`` (the callback changes it)."""

    name = "estimator"

    def __init__(self, estimator: Any) -> None:
        self.estimator = estimator
        self.learning_rate = float(estimator._learning_rate)

    def __call__(self, epoch: int) -> float:
        return float(self.estimator._learning_rate)


class SklearnStopping(Callback):
    """scikit-learn's bookkeeping and stopping rule after each epoch (see the module)."""

    def __init__(
        self,
        estimator: Any,
        n_samples: int,
        validation: tuple[Any, Any, Any] | None,
        incremental: bool,
    ) -> None:
        self.est = estimator
        self.n_samples = n_samples
        self.validation = validation
        self.incremental = incremental
        self.stopped = False

    def on_train_begin(self, trainer: Trainer) -> None:
        # the engine's parameters are now views of its flat buffer: coefs_ follow them
        self.est.coefs_, self.est.intercepts_ = rows_from_params(trainer.network)

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        est = self.est
        est.n_iter_ += 1
        est.loss_ = float(logs["cost"])
        est.t_ += self.n_samples
        est.loss_curve_.append(est.loss_)
        if est.verbose:
            print(f"Iteration {est.n_iter_}, loss = {est.loss_:.8f}")
        self._count(trainer)
        if est.solver == "sgd" and est.learning_rate == "invscaling":
            est._learning_rate = est.learning_rate_init / (est.t_ + 1) ** est.power_t
        if est._no_improvement_count > est.n_iter_no_change:
            what = "Validation score" if self.validation is not None else "Training loss"
            message = (
                f"{what} did not improve more than tol={est.tol:f} for "
                f"{est.n_iter_no_change} consecutive epochs."
            )
            adaptive = est.solver == "sgd" and est.learning_rate == "adaptive"
            if adaptive and est._learning_rate > 1e-6:
                est._learning_rate /= 5.0
                est._no_improvement_count = 0
                if est.verbose:
                    print(f"{message} Setting learning rate to {est._learning_rate:f}")
            else:
                if est.verbose:
                    print(f"{message} Stopping.")
                self.stopped = True
                trainer.stop_training = True

    def _count(self, trainer: Trainer) -> None:
        est = self.est
        if self.validation is not None:
            X_val, y_val, w_val = self.validation
            # views of the NumPy engine's parameters; fresh copies from any other device
            est.coefs_, est.intercepts_ = rows_from_params(trainer.network)
            score = float(est._score(X_val, y_val, sample_weight=w_val))
            est.validation_scores_.append(score)
            if est.verbose:
                print(f"Validation score: {score:f}")
            if score < est.best_validation_score_ + est.tol:
                est._no_improvement_count += 1
            else:
                est._no_improvement_count = 0
            if score > est.best_validation_score_:
                est.best_validation_score_ = score
                est._best_coefs = [np.array(c) for c in est.coefs_]
                est._best_intercepts = [np.array(b) for b in est.intercepts_]
        else:
            if est.loss_curve_[-1] > est.best_loss_ - est.tol:
                est._no_improvement_count += 1
            else:
                est._no_improvement_count = 0
            est.best_loss_ = min(est.best_loss_, est.loss_curve_[-1])
