"""Print safety-policy latency (4,000-character and 100 KB messages) and the evaluation numbers.

    python benchmarks/safety_bench.py [--cases FILE.jsonl] [--repeat N] [--smoke] [--results FILE]

`--smoke` repeats each message 3 times.

Wall-clock and CPU (thread) time are both printed: on a busy shared machine wall time includes
waiting for a core, CPU time is the policy's own cost.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from _results import add_common_args, record

from oncoguide.evaluation.safety_eval import DEFAULT_SAFETY_CASES, evaluate_safety
from oncoguide.safety.policy import SafetyPolicy

_FILLER = (
    "My mother has been on treatment for ovarian cancer since March and we have questions about "
    "food, sleep, visitors, travel and the clinical trial paperwork. "
)


def _messages() -> dict[str, str]:
    benign_4k = (_FILLER * 40)[:3980] + " Tips?"
    buried_4k = (
        (_FILLER * 20)[:1900] + " Right now she is coughing up blood. " + (_FILLER * 20)[:2000]
    )
    benign_100k = (_FILLER * 700)[:100_000]
    buried_100k = (
        (_FILLER * 400)[:50_000]
        + " Right now she is coughing up blood. "
        + (_FILLER * 400)[:50_000]
    )
    return {
        "4k benign": benign_4k,
        "4k buried emergency": buried_4k,
        "100KB benign": benign_100k,
        "100KB buried emergency": buried_100k,
    }


def _percentiles(
    fn: Callable[[], object], repeat: int, clock: Callable[[], float]
) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        times.append((clock() - t0) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return statistics.median(times), p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_SAFETY_CASES)
    parser.add_argument("--repeat", type=int, default=200)
    add_common_args(parser)
    args = parser.parse_args()
    if args.smoke:
        args.repeat = 3
    results: dict[str, object] = {}
    t0 = time.perf_counter()
    policy = SafetyPolicy.load()
    print(f"load: {(time.perf_counter() - t0) * 1000:.1f} ms, {len(policy.rules)} rules")
    for name, text in _messages().items():
        repeat = (
            args.repeat if len(text) < 10_000 else max(3 if args.smoke else 10, args.repeat // 10)
        )
        category = policy.check(text).category
        run = functools.partial(policy.check, text)
        wall = _percentiles(run, repeat, time.perf_counter)
        cpu = _percentiles(run, repeat, time.thread_time)
        print(
            f"{name:24s} ({len(text):>6} chars) -> {category:9s} "
            f"wall p50 {wall[0]:6.2f} ms p99 {wall[1]:6.2f} ms | "
            f"cpu p50 {cpu[0]:6.2f} ms p99 {cpu[1]:6.2f} ms"
        )
        results[f"{name} wall_p50_ms"] = round(wall[0], 3)
        results[f"{name} cpu_p50_ms"] = round(cpu[0], 3)
    report = evaluate_safety(policy, args.cases)
    summary = {k: report[k] for k in ("cases", "accuracy", "false_refusal_rate")}
    print(json.dumps(summary))
    for cat, m in report["per_category"].items():
        print(f"  {cat:22s} P {m['precision']:.3f}  R {m['recall']:.3f}  n {m['support']}")
    for err in report["errors"]:
        print(
            f"  ERROR {err['id']}: expected {err['expected']}, got {err['got']}: {err['text'][:80]}"
        )
    record("safety_bench", {**results, **summary}, args, None)


if __name__ == "__main__":
    main()
