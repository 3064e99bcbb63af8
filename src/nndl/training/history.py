"""What a training run records: the cost of every epoch, and the rest per epoch."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class History(list[float]):
    """The cost of every epoch (the list itself), with the rest of the training record.

    ``history["cost"]``, ``history["accuracy"]``, ``history["val_cost"]``,
    ``history["val_accuracy"]`` and ``history["learning_rate"]`` hold one value per
    epoch (the keys that apply); ``epochs`` their epoch numbers.  ``interrupted``
    is True after Ctrl-C, ``stopped_early`` after early stopping (``best_epoch`` is
    the epoch whose parameters were restored), ``seed`` the seed of the shuffles
    and dropout masks.

    An epoch's ``cost`` is the mean over its mini-batches of the data cost, each taken
    before that batch's step, plus ``(λ / 2m) Σ ||W[l]||²`` (m: the training examples),
    the same L2 term as ``Network.cost``; it differs from ``net.cost(X, Y)`` after the
    epoch only by the steps taken during the epoch.  ``history.plot()`` draws it.

    Parameters
    ----------
    costs : sequence of float, default ()
        The costs of the first epochs, if any.
    """

    def __init__(self, costs: Sequence[float] = ()) -> None:
        super().__init__(costs)
        self.history: dict[str, list[float]] = {"cost": list(costs)}
        self.epochs: list[int] = list(range(len(costs)))
        self.interrupted = False
        self.stopped_early = False
        self.best_epoch: int | None = None
        self.seed: int | None = None
        self.optimizer_state: Any = None
        """The optimizer's state at the end (its moments and step count), to continue from."""

    def plot(self, path: str | Path | None = None, *, val_label: str = "validation") -> Figure:
        """The cost per epoch (and the held-out cost), beside the accuracy when it was recorded.

        :func:`nndl.plot.history` of this run (Jupyter shows the figure).  Needs matplotlib
        (``pip install "nndl[plot]"``).

        Parameters
        ----------
        path : str or pathlib.Path, optional
            Save the figure there.
        val_label : str, default "validation"
            The name of the held-out data: ``"test"`` when it is the test set.

        Returns
        -------
        matplotlib.figure.Figure
            The figure.
        """
        from nndl import plot  # figures sit below training; matplotlib loads only here

        return plot.history(self, path=path, val_label=val_label)

    def record(self, epoch: int, logs: dict[str, float]) -> None:
        """Append one epoch's values.

        Parameters
        ----------
        epoch : int
            The epoch, from 0.
        logs : dict of str to float
            Its values: ``cost`` and any of ``accuracy``, ``val_cost``, ``val_accuracy``,
            ``learning_rate``.
        """
        self.append(logs["cost"])
        self.epochs.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)

    def record_many(
        self,
        first: int,
        costs: list[float],
        accuracies: list[float] | None,
        learning_rates: list[float],
    ) -> None:
        """Append the records of epochs ``first, first + 1, …`` at once.

        What :meth:`record` would append one epoch at a time.

        Parameters
        ----------
        first : int
            The first epoch.
        costs : list of float
            The cost of each epoch (as many epochs as costs).
        accuracies : list of float or None
            Their accuracies, if measured.
        learning_rates : list of float
            Their learning rates.
        """
        n = len(costs)
        self.extend(costs)
        self.epochs.extend(range(first, first + n))
        self.history.setdefault("cost", []).extend(costs)
        if accuracies is not None:
            self.history.setdefault("accuracy", []).extend(accuracies[:n])
        self.history.setdefault("learning_rate", []).extend(learning_rates[:n])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able copy (used by checkpoints).

        Returns
        -------
        dict
            ``{"history": {...}, "epochs": [...], "seed": ...}``.
        """
        return {
            "history": {k: list(v) for k, v in self.history.items()},
            "epochs": list(self.epochs),
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        """The inverse of :meth:`to_dict`.

        Parameters
        ----------
        data : dict
            What :meth:`to_dict` returned.

        Returns
        -------
        History
            The record.
        """
        history = cls(data["history"].get("cost", []))
        history.history = {k: [float(x) for x in v] for k, v in data["history"].items()}
        history.epochs = [int(e) for e in data["epochs"]]
        history.seed = data.get("seed")
        return history
