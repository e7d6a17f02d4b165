"""How many chat turns (and searches) one server process computes at once.

A turn is CPU work under the GIL (safety classifier, retrieval, composing) plus short database
calls. Run as plain sync endpoints, up to 40 of them (anyio's default thread pool) share a process:
32 concurrent requests then all progress slowly, fighting for the GIL and BLAS, and the slowest
wait seconds. `TurnLimiter` lets `limit` turns run at once and queues the others in arrival order
(anyio's `CapacityLimiter` wakes waiters first-in, first-out), so a request's time is its wait in
the queue plus one turn computed without contention. Measured in README "Chat load".
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

__all__ = ["TurnLimiter", "default_turn_limit"]

T = TypeVar("T")


def default_turn_limit(setting: int) -> int:
    """The setting, or with 0 the number of CPU cores this process may use.

    Per process, not shared out among `--workers`: under the GIL a process computes about one turn
    at a time, and the second slot overlaps one turn's database waits with another's work. With
    one slot per worker PostgreSQL lost a quarter of its throughput (README "Chat load")."""
    if setting > 0:
        return setting
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class TurnLimiter:
    """Runs sync callables in worker threads, at most `limit` at once, waiters FIFO."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"turn limit must be at least 1, got {limit}")
        self.limit = limit
        self._limiter: anyio.CapacityLimiter | None = None

    def _capacity(self) -> anyio.CapacityLimiter:
        # Created on first use, inside the server's event loop (an anyio limiter belongs to one).
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.limit)
        return self._limiter

    async def run(self, func: Callable[..., T], *args: object) -> T:
        """`func(*args)` in a worker thread once one of the `limit` slots is free."""
        return await anyio.to_thread.run_sync(func, *args, limiter=self._capacity())

    @property
    def in_flight(self) -> int:
        return 0 if self._limiter is None else int(self._limiter.borrowed_tokens)

    @property
    def waiting(self) -> int:
        return 0 if self._limiter is None else self._limiter.statistics().tasks_waiting
