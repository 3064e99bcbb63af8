"""What one tab may cost the server: how fast it may send (:class:`Bucket`), and how much the
server holds for it while it does not read (:class:`Outbox`).

* A tab may send :data:`BURST` messages at once and :data:`RATE` a second after that (a page
  acknowledges every frame it draws: tens a second), and start :data:`RUN_BURST` new runs
  (``setup``, ``reset``) or downloads at once and :data:`RUN_RATE` a second after that (each
  builds a data set and a network, or saves a model: milliseconds of work; a person clicks a
  few a second).  Past either, the tab is closed with code 1008 and a reason saying which.
* What waits to be sent to a tab is bounded: a new run drops the queued messages of the runs
  before it (the page would ignore them: it draws only the current run), and more than
  :data:`MAX_QUEUED` messages or :data:`MAX_QUEUED_BYTES` bytes waiting (a page that does not
  read what it is sent) close the tab with code 1008.  A page that reads never comes near:
  the training thread sends at most ``session.WINDOW`` frames ahead of the page's
  acknowledgements.

Closing a tab frees its state at once (its queue, its training, its data); the close frame
itself waits up to :data:`CLOSE_TIMEOUT` seconds for a tab that reads nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

BURST = 1000
"""Messages a tab may send at once ..."""
RATE = 1000.0
"""... and a second after that."""
RUN_BURST = 50
"""New runs (setups, resets) and downloads a tab may ask for at once ..."""
RUN_RATE = 10.0
"""... and a second after that."""
MAX_QUEUED = 128
"""Messages waiting to be sent to one tab, at most (a run has one setup, ``WINDOW`` frames
and an end)."""
MAX_QUEUED_BYTES = 8 << 20
"""Bytes waiting to be sent to one tab, at most (a frame of the largest network is 0.5 MB)."""
CLOSE_TIMEOUT = 10.0
"""Seconds a closing tab's close frame waits for the tab to read."""

Message = bytes | str


class Bucket:
    """A token bucket: ``take()`` is true while at most ``burst`` takes came at once and at
    most ``rate`` a second after that."""

    def __init__(self, burst: int, rate: float, clock: Callable[[], float] = time.monotonic):
        self.burst, self.rate, self.clock = float(burst), rate, clock
        self.tokens, self.last = float(burst), clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


class Outbox:
    """The messages waiting to be sent to one tab, bounded (used on the event loop only).

    ``put(message, run)`` queues a message of run ``run`` (``None``: of no run, such as an
    error reply or a downloaded model); ``new_run(run)`` drops the queued messages of earlier
    runs, and those that come later.  A message that would take the queue past
    ``max_messages`` or ``max_bytes`` is not queued: the queue is emptied and closed, and
    ``on_full(reason)`` is called once.  ``peak_messages`` and ``peak_bytes`` record the most
    it ever held.
    """

    def __init__(
        self,
        on_full: Callable[[str], None],
        max_messages: int = MAX_QUEUED,
        max_bytes: int = MAX_QUEUED_BYTES,
    ) -> None:
        self.on_full = on_full
        self.max_messages, self.max_bytes = max_messages, max_bytes
        self.items: deque[tuple[int | None, Message]] = deque()
        self.nbytes = 0
        self.run = 0
        self.closed = False
        self.peak_messages = 0
        self.peak_bytes = 0
        self._ready = asyncio.Event()

    def __len__(self) -> int:
        return len(self.items)

    def put(self, message: Message, run: int | None = None) -> None:
        if self.closed or (run is not None and run < self.run):
            return  # the tab is closing, or the page would ignore it
        size = len(message)  # JSON text is ASCII: characters are bytes
        if len(self.items) + 1 > self.max_messages or self.nbytes + size > self.max_bytes:
            self.close()
            self.on_full(
                f"the page read too slowly: more than {self.max_messages} messages or "
                f"{self.max_bytes >> 20} MiB waited to be sent"
            )
            return
        self.items.append((run, message))
        self.nbytes += size
        self.peak_messages = max(self.peak_messages, len(self.items))
        self.peak_bytes = max(self.peak_bytes, self.nbytes)
        self._ready.set()

    def new_run(self, run: int) -> None:
        """Drop what is queued for runs before ``run`` (and what comes for them later)."""
        self.run = run
        kept = [(r, m) for r, m in self.items if r is None or r >= run]
        self.items = deque(kept)
        self.nbytes = sum(len(m) for _, m in kept)

    async def get(self) -> Message:
        """The oldest message (waiting for one)."""
        while not self.items:
            self._ready.clear()
            await self._ready.wait()
        _, message = self.items.popleft()
        self.nbytes -= len(message)
        return message

    def close(self) -> None:
        """Empty the queue and take nothing more."""
        self.closed = True
        self.items.clear()
        self.nbytes = 0
