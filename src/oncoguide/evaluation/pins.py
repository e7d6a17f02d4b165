"""Pinned expected values (`evaluation/expected/*.yaml`) and their check against a report.

Each file holds a list of pins:

    - command: oncoguide eval all --quick
      kb_fingerprint: kb-0123456789abcdef
      metric: retrieval.medquad.full.recall@1
      expected: 0.912
      tolerance: 0.01
      direction: higher      # higher: fail below expected - tolerance
                             # lower:  fail above expected + tolerance
                             # both:   fail when |value - expected| > tolerance

A pin is checked only against a report of the same command and KB fingerprint; otherwise it is SKIP
with the reason. A pinned metric the report lacks (or reports as not available) is a FAIL: a metric
cannot disappear silently. A pinned value moves only in the commit that explains why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from oncoguide.errors import EvaluationError

__all__ = ["DIRECTIONS", "EXPECTED_DIR", "Pin", "PinResult", "check_pins", "load_pins"]

EXPECTED_DIR = Path(__file__).with_name("expected")
DIRECTIONS = ("higher", "lower", "both")
_FIELDS = ("command", "kb_fingerprint", "metric", "expected", "tolerance", "direction")


@dataclass(frozen=True)
class Pin:
    command: str
    kb_fingerprint: str
    metric: str
    expected: float
    tolerance: float
    direction: str
    source: str = ""


@dataclass(frozen=True)
class PinResult:
    pin: Pin
    status: str  # OK, FAIL or SKIP
    value: float | None
    reason: str

    def line(self) -> str:
        p = self.pin
        got = "-" if self.value is None else f"{self.value:g}"
        sign = {"higher": ">=", "lower": "<=", "both": "=="}[p.direction]
        return f"{self.status:<4} {p.metric}  {got} {sign} {p.expected:g} ±{p.tolerance:g}" + (
            f"  ({self.reason})" if self.reason else ""
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.pin.metric,
            "status": self.status,
            "value": self.value,
            "expected": self.pin.expected,
            "tolerance": self.pin.tolerance,
            "direction": self.pin.direction,
            "reason": self.reason,
            "source": self.pin.source,
        }


def _pin(path: Path, i: int, row: Any) -> Pin:
    where = f"{path.name} pin {i}"
    if not isinstance(row, dict):
        raise EvaluationError(f"{where}: a pin must be a mapping")
    missing = [f for f in _FIELDS if row.get(f) is None]
    if missing:
        raise EvaluationError(f"{where}: missing {', '.join(missing)}")
    if row["direction"] not in DIRECTIONS:
        raise EvaluationError(f"{where}: direction must be one of {', '.join(DIRECTIONS)}")
    try:
        expected, tolerance = float(row["expected"]), float(row["tolerance"])
    except (TypeError, ValueError) as exc:
        raise EvaluationError(f"{where}: expected and tolerance must be numbers") from exc
    if tolerance < 0:
        raise EvaluationError(f"{where}: tolerance must not be negative")
    return Pin(
        str(row["command"]),
        str(row["kb_fingerprint"]),
        str(row["metric"]),
        expected,
        tolerance,
        str(row["direction"]),
        path.name,
    )


def load_pins(folder: Path | None = None) -> list[Pin]:
    """Every pin in `folder` (default `evaluation/expected/`), file by file."""
    pins: list[Pin] = []
    for path in sorted((folder or EXPECTED_DIR).glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except (OSError, yaml.YAMLError) as exc:
            raise EvaluationError(f"cannot read pins {path}: {exc}") from exc
        if not isinstance(data, list):
            raise EvaluationError(f"{path}: pins must be a list")
        pins += [_pin(path, i, row) for i, row in enumerate(data, 1)]
    return pins


def _within(pin: Pin, value: float) -> bool:
    eps = 1e-9
    if pin.direction == "higher":
        return value >= pin.expected - pin.tolerance - eps
    if pin.direction == "lower":
        return value <= pin.expected + pin.tolerance + eps
    return abs(value - pin.expected) <= pin.tolerance + eps


def check_pins(pins: list[Pin], report: dict[str, Any]) -> list[PinResult]:
    out: list[PinResult] = []
    metrics = report.get("metrics", {})
    for pin in pins:
        if pin.command != report.get("command"):
            out.append(PinResult(pin, "SKIP", None, f"pinned for `{pin.command}`"))
            continue
        if pin.kb_fingerprint != report.get("kb_fingerprint"):
            reason = f"KB fingerprint {report.get('kb_fingerprint')} != pinned {pin.kb_fingerprint}"
            out.append(PinResult(pin, "SKIP", None, reason))
            continue
        value = metrics.get(pin.metric)
        if not isinstance(value, int | float) or isinstance(value, bool):
            out.append(PinResult(pin, "FAIL", None, "metric not available in this run"))
            continue
        ok = _within(pin, float(value))
        out.append(PinResult(pin, "OK" if ok else "FAIL", float(value), ""))
    return out
