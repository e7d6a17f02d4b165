"""One progress reporter for every long command (ingest, kb validate, kb audit).

Library code reports `(stage, done, total)`; this turns it into a rich progress bar on a terminal,
or, when stderr is a file or a pipe (CI logs, `> ingest.log 2>&1`), a plain line every `interval`
seconds per stage:

    embed: 1,200/14,700 (8%), 31.6/s, ETA 7m07s

and a closing `embed: 14,700/14,700 done in 7m45s` for any stage that printed a line. Short stages
print nothing, so quick commands stay quiet. The clock is injected so tests need no sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["PlainProgress", "StageProgress", "format_duration", "progress_reporter"]

StageProgress = Callable[[str, int, int], None]
Clock = Callable[[], float]


def format_duration(seconds: float) -> str:
    """12.3 -> '12s', 427 -> '7m07s', 3725 -> '1h02m'."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


@dataclass
class _Stage:
    started: float
    last_line: float
    done: int = 0
    total: int = 0
    printed: bool = False
    finished_at: float | None = None


@dataclass
class PlainProgress:
    """(stage, done, total) -> a plain line on `stream` at most every `interval` seconds.

    `tick()` (called by a timer thread) covers steps that report nothing for a while (one big
    database write, the vocabulary refresh after an ingest): if no line was printed for
    `interval` seconds it prints one saying what is still running and for how long.
    """

    stream: IO[str]
    interval: float = 5.0
    clock: Clock = time.monotonic
    stages: dict[str, _Stage] = field(default_factory=dict)
    current: str | None = None
    last_output: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, stage: str, done: int, total: int) -> None:
        with self._lock:
            self._update(stage, done, total, self.clock())

    def _update(self, stage: str, done: int, total: int, now: float) -> None:
        state = self.stages.get(stage)
        if state is None or (state.finished_at is not None and done < total):
            state = self.stages[stage] = _Stage(started=now, last_line=now)
        self.current = stage
        if self.last_output is None:
            self.last_output = now
        if state.finished_at is not None:
            return
        state.done, state.total = done, total
        if total and done >= total:
            state.finished_at = now
            if state.printed:
                took = format_duration(now - state.started)
                self._write(f"{stage}: {total:,}/{total:,} done in {took}", now)
            return
        if now - state.last_line >= self.interval:
            state.last_line, state.printed = now, True
            self._write(self._line(stage, done, total, now - state.started), now)

    def tick(self) -> None:
        """Print a 'still working' line if nothing was printed for `interval` seconds."""
        with self._lock:
            now = self.clock()
            if self.current is None or self.last_output is None:
                return
            if now - self.last_output < self.interval:
                return
            state = self.stages[self.current]
            if state.finished_at is None:
                state.last_line, state.printed = now, True
                running = f"running {format_duration(now - state.started)}"
                if state.total <= 1:  # a single step (one write): counts say nothing
                    self._write(f"{self.current}: {running}", now)
                else:
                    line = self._line(self.current, state.done, state.total, now - state.started)
                    self._write(f"{line}, {running}", now)
            else:
                since = format_duration(now - state.finished_at)
                self._write(f"still working after {self.current} ({since})", now)

    @staticmethod
    def _line(stage: str, done: int, total: int, elapsed: float) -> str:
        line = f"{stage}: {done:,}/{total:,}"
        if total:
            line += f" ({100 * done // total}%)"
        if done and elapsed > 0:
            rate = done / elapsed
            line += f", {rate:,.1f}/s"
            if total:
                line += f", ETA {format_duration((total - done) / rate)}"
        return line

    def _write(self, line: str, now: float) -> None:
        self.last_output = now
        self.stream.write(line + "\n")
        self.stream.flush()


@dataclass
class _Tracked:
    """Wraps a reporter to remember the last stage seen (an interrupted ingest names it)."""

    inner: StageProgress
    last_stage: str | None = None
    completed: set[str] = field(default_factory=set)

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.last_stage = stage
        if total and done >= total:
            self.completed.add(stage)
        self.inner(stage, done, total)

    def stage(self, name: str) -> Callable[[int, int], None]:
        """A `(done, total)` callback for library calls that report a single stage."""
        return lambda done, total: self(name, done, total)


def _tick_until(plain: PlainProgress, stop: threading.Event, interval: float) -> None:
    while not stop.wait(max(0.2, interval / 5)):
        plain.tick()


@contextmanager
def progress_reporter(
    console: Console,
    *,
    interval: float = 5.0,
    clock: Clock = time.monotonic,
    heartbeat: bool = True,
) -> Iterator[_Tracked]:
    """A progress callback: a rich bar on a terminal, plain timed lines otherwise (with a
    heartbeat thread for silent steps unless `heartbeat` is False)."""
    if not console.is_terminal:
        plain = PlainProgress(console.file, interval=interval, clock=clock)
        if not heartbeat:
            yield _Tracked(plain)
            return
        stop = threading.Event()
        ticker = threading.Thread(
            target=_tick_until, args=(plain, stop, interval), name="og-progress", daemon=True
        )
        ticker.start()
        try:
            yield _Tracked(plain)
        finally:
            stop.set()
            ticker.join()
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield _Tracked(update)
