"""One tab's training: ``Network.fit`` in its own thread, paused and resumed between epochs.

The page's run is a single call of :meth:`nndl.Network.fit` (the one ``nndl train`` makes)
with a callback that, after every epoch, hands a frame to the page and waits while the
page is paused.  Stepping, pausing and playing only decide when the next epoch starts, so
after any sequence of them the parameters after ``e`` epochs are those of
``nndl train --epochs e`` with the same setup.

Flow: the thread waits for the page to acknowledge frames (at most ``WINDOW`` in flight)
and keeps at most ``max_fps`` frames a second, so a slow or hidden tab slows only its own
training.  :meth:`Session.close` stops the thread at the next epoch's end.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from nndl import training
from nndl.errors import DivergenceError, NNDLError
from nndl.model.network import Network
from nndl.training.callbacks import Callback

from .frames import GRID, FrameBuilder, pack
from .spec import EPOCH_CAP, Problem

log = logging.getLogger("nndl.playground")
WINDOW = 4  # frames sent and not yet acknowledged by the page
MAX_STEPS = 1000  # epochs one can queue by pressing "step"


class _Stopped(Exception):
    """Raised inside fit's callback to end the run (the tab closed or was reset)."""


class _Hook(Callback):
    def __init__(self, session: Session) -> None:
        self.session = session

    def on_train_begin(self, trainer: Any) -> None:
        self.session._between_epochs(0, None)

    def on_epoch_end(self, trainer: Any, epoch: int, logs: dict[str, float]) -> None:
        self.session._between_epochs(epoch + 1, logs)


class Session:
    """The training of one problem for one tab.

    ``send(message)`` is called from the training thread with each binary message (it
    must be thread-safe and quick: hand the bytes to the event loop).  ``run_id`` tags
    the frames, so acknowledgements of an earlier run are told apart.
    """

    def __init__(
        self,
        problem: Problem,
        send: Callable[[bytes], None],
        run_id: int,
        max_fps: float | None = 60.0,
        speed: int = 1,
        grid: int = GRID,
    ) -> None:
        self.problem = problem
        self.net: Network = problem.network
        self.frames = FrameBuilder(problem, grid)
        self.send = send
        self.run_id = run_id
        self.max_fps = max_fps
        self.speed = speed
        self.cv = threading.Condition()
        self.budget: int | None = 0  # epochs the thread may still start; None: playing
        self.stopped = False
        self.in_flight = 0
        self.shown = -1  # the epoch of the last frame sent
        self.state = "paused"  # paused, playing, diverged, finished
        self.error: str | None = None
        self.curve: list[list[float | None]] = []  # (epoch, cost, test cost) since last frame
        self.last_logs: dict[str, float] | None = None
        self.snapshot: tuple[int, Network] = (0, self.net.copy())
        self.thread: threading.Thread | None = None
        self.last_frame_at = 0.0
        self.done = 0  # epochs trained so far

    # ------------------------------------------------------------ from the page

    def first_frame(self) -> bytes:
        """The frame of the untrained network (epoch 0); call before the thread starts."""
        frame = self._frame(0, None)
        with self.cv:
            self.shown = 0
        return frame

    def play(self) -> None:
        self._command(None)

    def pause(self) -> None:
        self._command(0)

    def step(self) -> None:
        with self.cv:
            current = self.budget
        self._command(1 if current is None else min(current + 1, MAX_STEPS))

    def set_speed(self, epochs_per_frame: int) -> None:
        with self.cv:
            self.speed = epochs_per_frame
            self.cv.notify_all()

    def ack(self, run_id: int) -> None:
        if run_id != self.run_id:
            return
        with self.cv:
            self.in_flight = max(0, self.in_flight - 1)
            self.cv.notify_all()

    def close(self, wait: float | None = 5.0) -> None:
        """Stop training at the end of the current epoch (and wait for the thread)."""
        with self.cv:
            self.stopped = True
            self.cv.notify_all()
        thread = self.thread
        if wait is not None and thread is not None and thread is not threading.current_thread():
            thread.join(wait)

    def _command(self, budget: int | None) -> None:
        with self.cv:
            if self.stopped or self.state in ("diverged", "finished"):
                return
            self.budget = budget
            self.state = "playing" if budget is None else "paused"
            self.cv.notify_all()
            start = self.thread is None and budget != 0
            if start:
                self.thread = threading.Thread(
                    target=self._train, name=f"nndl-playground-{self.run_id}", daemon=True
                )
        if start:
            assert self.thread is not None
            self.thread.start()

    # ---------------------------------------------------------- on the thread

    def _train(self) -> None:
        try:
            options = self.problem.fit_options(EPOCH_CAP).replace(callbacks=[_Hook(self)])
            training.fit(self.net, self.problem.X, self.problem.Y, options=options)
            end, message = "finished", None
        except _Stopped:
            return
        except DivergenceError as exc:
            end, message = "diverged", str(exc)
        except NNDLError as exc:  # a setup nndl refuses (reported, not a crash)
            end, message = "diverged", str(exc)
        except Exception:  # a bug: the tab hears of it, the server carries on
            log.exception("playground: training failed")
            end, message = "failed", "training failed with an internal error; see the server's log"
        with self.cv:
            self.state, self.error = end, message
            if self.stopped:
                return
        epoch = self.done
        self.send(pack({"type": "stopped", "run": self.run_id, "state": end, "message": message}))
        if epoch != self.shown:
            self._emit(epoch, self.last_logs, wait=False)

    def _between_epochs(self, epochs_done: int, logs: dict[str, float] | None) -> None:
        """After ``epochs_done`` epochs: record, maybe send a frame, wait while paused."""
        if logs is not None:
            self.last_logs = logs
            self.curve.append([epochs_done, logs.get("cost"), logs.get("val_cost")])
        self.done = epochs_done
        if epochs_done > 0 and epochs_done % max(self.speed, 1) == 0:
            self._emit(epochs_done, logs)
        while True:
            with self.cv:
                if self.stopped:
                    raise _Stopped
                if self.budget is None or self.budget > 0:
                    if self.budget is not None:
                        self.budget -= 1
                        if self.budget == 0:
                            self.state = "paused"
                    return
                if self.shown == epochs_done:
                    self.cv.wait()
                    continue
            self._emit(epochs_done, logs)  # paused: the page shows this very epoch

    def _emit(self, epoch: int, logs: dict[str, float] | None, wait: bool = True) -> None:
        with self.cv:  # flow control: the page has drawn all but WINDOW - 1 frames
            while wait and self.in_flight >= WINDOW and not self.stopped:
                self.cv.wait()
            if self.max_fps:
                pause = self.last_frame_at + 1.0 / self.max_fps - time.perf_counter()
                while wait and pause > 0 and not self.stopped:
                    self.cv.wait(pause)
                    pause = self.last_frame_at + 1.0 / self.max_fps - time.perf_counter()
            if self.stopped:
                raise _Stopped
        frame = self._frame(epoch, logs)
        with self.cv:
            self.in_flight += 1
            self.shown = epoch
            self.last_frame_at = time.perf_counter()
        self.send(frame)

    def _frame(self, epoch: int, logs: dict[str, float] | None) -> bytes:
        curve, self.curve = self.curve, []
        self.snapshot = (epoch, self.net.copy())
        with self.cv:
            state = self.state
        extra = {"run": self.run_id, "state": state}
        return self.frames.build(self.net, epoch, logs, curve, extra)
