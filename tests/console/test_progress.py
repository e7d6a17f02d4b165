"""The one progress reporter: plain timed lines when output is not a terminal (fake clock)."""

from __future__ import annotations

import io
import threading

import pytest
from rich.console import Console

from oncoguide.console.progress import PlainProgress, format_duration, progress_reporter

pytestmark = pytest.mark.unit


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_line_every_interval_with_rate_and_eta_then_done() -> None:
    out, clock = io.StringIO(), FakeClock()
    report = PlainProgress(out, interval=5.0, clock=clock)
    report("embed", 0, 1000)
    for t, done in [(2.0, 100), (5.0, 250), (7.0, 350), (10.0, 500), (20.0, 1000)]:
        clock.now = t
        report("embed", done, 1000)
    assert out.getvalue().splitlines() == [
        "embed: 250/1,000 (25%), 50.0/s, ETA 15s",
        "embed: 500/1,000 (50%), 50.0/s, ETA 10s",
        "embed: 1,000/1,000 done in 20s",
    ]


def test_short_stages_print_nothing() -> None:
    out, clock = io.StringIO(), FakeClock()
    report = PlainProgress(out, interval=5.0, clock=clock)
    for stage in ("load", "chunk", "write"):
        report(stage, 0, 10)
        clock.now += 1.0
        report(stage, 10, 10)
    assert out.getvalue() == ""


def test_stages_are_timed_separately_and_a_restarted_stage_starts_again() -> None:
    out, clock = io.StringIO(), FakeClock()
    report = PlainProgress(out, interval=5.0, clock=clock)
    report("load", 0, 10)
    clock.now = 100.0
    report("embed", 0, 10)  # a new stage: its own start time, no line yet
    assert out.getvalue() == ""
    clock.now = 106.0
    report("embed", 3, 10)
    assert out.getvalue().splitlines() == ["embed: 3/10 (30%), 0.5/s, ETA 14s"]


def test_unknown_total_still_reports_done_count() -> None:
    out, clock = io.StringIO(), FakeClock()
    report = PlainProgress(out, interval=1.0, clock=clock)
    report("read", 0, 0)
    clock.now = 2.0
    report("read", 7, 0)
    assert out.getvalue().splitlines() == ["read: 7/0, 3.5/s"]


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.4, "0s"), (12.3, "12s"), (427, "7m07s"), (3725, "1h02m")]
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_reporter_on_a_file_is_plain_and_tracks_the_stage() -> None:
    out, clock = io.StringIO(), FakeClock()
    console = Console(file=out, force_terminal=False)
    with progress_reporter(console, interval=1.0, clock=clock, heartbeat=False) as progress:
        read = progress.stage("read")
        read(0, 4)
        clock.now = 2.0
        read(2, 4)
        progress("embed", 0, 8)
    assert out.getvalue().splitlines() == ["read: 2/4 (50%), 1.0/s, ETA 2s"]
    assert progress.last_stage == "embed" and progress.completed == set()


def test_heartbeat_covers_silent_steps() -> None:
    out, clock = io.StringIO(), FakeClock()
    report = PlainProgress(out, interval=5.0, clock=clock)
    report.tick()  # nothing started: nothing to say
    report("write", 0, 1)
    for t in (3.0, 6.0, 7.0):
        clock.now = t
        report.tick()
    clock.now = 8.0
    report("write", 1, 1)
    clock.now = 10.0
    report.tick()
    clock.now = 14.0
    report.tick()
    assert out.getvalue().splitlines() == [
        "write: running 6s",
        "write: 1/1 done in 8s",
        "still working after write (6s)",
    ]


def test_heartbeat_thread_stops_with_the_reporter() -> None:
    console = Console(file=io.StringIO(), force_terminal=False)
    with progress_reporter(console, interval=60.0) as progress:
        progress("load", 1, 1)
    assert not any(t.name == "og-progress" for t in threading.enumerate())
