"""Print the safety numbers for every evaluation set, rules alone and fused, and the check latency.

    python benchmarks/safety_bench.py [--repeat N] [--errors] [--smoke] [--results FILE]

`--smoke` checks each latency message 3 times.

For each `evaluation/data/safety_*.jsonl` set: accuracy, escalation recall (hard stop or concern)
and hard-stop recall for emergency and self_harm, benign false refusals and soft flags, once with
the rules alone and once fused with the learned classifier (when its weights are installed).
Then the first-contact history of the blind-written sets (`evaluation/data/BLIND.md`, the numbers
that count), and the latency of one `check` on 4,000-character messages (p50/p99; wall-clock and
CPU time: on a busy shared machine wall time includes waiting for a core) and on a 100 KB message.
Each timed check starts with the policy's score cache emptied, so the classifier is timed too.
Latency is printed twice: with OpenBLAS's default thread pool (`blas=df`) and with one BLAS thread
(`blas=1`), as `oncoguide serve` runs it (Settings.blas_threads); the served one is the target.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections.abc import Callable

from _results import add_common_args, record
from threadpoolctl import threadpool_limits

from oncoguide.evaluation.safety_eval import DEFAULT_SAFETY_CASES, evaluate_safety
from oncoguide.evaluation.sets import DATA_DIR
from oncoguide.safety.policy import SafetyPolicy

SETS = sorted(DEFAULT_SAFETY_CASES.parent.glob("safety_*.jsonl"))
_FILLER = (
    "My mother has been on treatment for ovarian cancer since March and we have questions about "
    "food, sleep, visitors, travel and the clinical trial paperwork. "
)


_TOPICS = (
    "her appetite", "the night sweats", "the parking at the hospital", "her sister's visit",
    "the wig fitting", "the clinical trial forms", "the mouth rinse", "her walking frame",
    "the dog", "the district nurse", "the pharmacy delivery", "the bathroom rail",
)  # fmt: skip


def _letter(chars: int) -> str:
    """A benign letter of distinct sentences (no two windows alike, unlike the repeated filler)."""
    out, i = [], 0
    while sum(len(s) + 1 for s in out) < chars:
        topic = _TOPICS[i % len(_TOPICS)]
        out.append(f"On day {i + 1} of this cycle we talked with the nurse about {topic} again.")
        i += 1
    return " ".join(out)[:chars]


def _messages() -> dict[str, str]:
    benign_4k = (_FILLER * 40)[:3980] + " Tips?"
    buried_4k = (
        (_FILLER * 20)[:1900] + " Right now she is coughing up blood. " + (_FILLER * 20)[:2000]
    )
    buried_100k = (
        (_FILLER * 400)[:50_000]
        + " Right now she is coughing up blood. "
        + (_FILLER * 400)[:50_000]
    )
    return {
        "4k benign": benign_4k,
        "4k letter, distinct": _letter(4000),
        "4k buried emergency": buried_4k,
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


def _table(policies: dict[str, SafetyPolicy], show_errors: bool) -> None:
    print(
        "| set | policy | cases | accuracy | esc emergency | esc self_harm | hard emergency | "
        "hard self_harm | false refusal | soft flag |"
    )
    print("|" + "---|" * 10)
    errors = []
    for path in SETS:
        for name, policy in policies.items():
            r = evaluate_safety(policy, path)
            esc, hard = r["escalation_recall"], r["hard_stop_recall"]
            print(
                f"| {path.stem} | {name} | {r['cases']} | {r['accuracy']:.3f} | "
                f"{esc['emergency']:.3f} | {esc['self_harm']:.3f} | {hard['emergency']:.3f} | "
                f"{hard['self_harm']:.3f} | {r['false_refusal_rate']:.3f} | "
                f"{r['soft_flag_rate']:.3f} |"
            )
            errors += [(path.stem, name, e) for e in r["errors"]]
    if show_errors:
        for stem, name, e in errors:
            print(f"  {stem} [{name}] {e['id']}: expected {e['expected']}, got {e['got']} "
                  f"(concern {e['concern']}): {e['text'][:90]}")  # fmt: skip


def _first_contact_history() -> None:
    """The safety table of BLIND.md: first contact on every blind-written set, with dates."""
    lines = (DATA_DIR / "BLIND.md").read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("## Safety")), None)
    if start is None:
        return
    print("first contact on the blind-written sets (BLIND.md):")
    table = False
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            table = True
            print(line)
        elif table:
            break


def _check_uncached(policy: SafetyPolicy, text: str) -> object:
    policy.forget_scores()
    return policy.check(text)


def _latency(
    policy: SafetyPolicy, name: str, repeat: int, blas: str, results: dict[str, object]
) -> None:
    for label, text in _messages().items():
        n = repeat if len(text) < 10_000 else max(3, repeat // 10)
        d = policy.check(text)
        run = functools.partial(_check_uncached, policy, text)
        wall = _percentiles(run, n, time.perf_counter)
        cpu = _percentiles(run, n, time.thread_time)
        print(
            f"{name:10s} {blas:7s} {label:24s} ({len(text):>6} chars) -> {d.category:9s} "
            f"concern {d.concern.category if d.concern else '-':9s} "
            f"wall p50 {wall[0]:7.1f} ms p99 {wall[1]:7.1f} ms | "
            f"cpu p50 {cpu[0]:7.1f} ms p99 {cpu[1]:7.1f} ms (n={n})"
        )
        results[f"latency {name} {blas} {label} wall p50 ms"] = round(wall[0], 1)
        results[f"latency {name} {blas} {label} wall p99 ms"] = round(wall[1], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="checks per latency message")
    parser.add_argument("--errors", action="store_true", help="list every misclassified row")
    add_common_args(parser)
    args = parser.parse_args()
    if args.smoke:
        args.repeat = 3
    t0 = time.perf_counter()
    policies = {"rules": SafetyPolicy.load()}
    fused = SafetyPolicy.load(classifier=True)
    if fused.has_classifier:
        policies["fused"] = fused
        fused.check("warm up the classifier")
    print(f"load: {(time.perf_counter() - t0) * 1000:.0f} ms; policies: {', '.join(policies)}\n")
    _table(policies, args.errors)
    print()
    _first_contact_history()
    print()
    # As served (`oncoguide serve` runs one BLAS thread per process, Settings.blas_threads): with
    # OpenBLAS's default pool its threads spin against each other on these small matrices, and on a
    # busy machine one check then takes 10x as long. Both are printed; the served one is the target.
    results: dict[str, object] = {}
    for name, policy in policies.items():
        _latency(policy, name, args.repeat, "blas=df", results)
        with threadpool_limits(limits=1, user_api="blas"):
            _latency(policy, name, args.repeat, "blas=1", results)
    for name, policy in policies.items():
        for path in SETS:
            r = evaluate_safety(policy, path)
            results[f"{path.stem}/{name} accuracy"] = r["accuracy"]
    record("safety_bench", results, args, None)


if __name__ == "__main__":
    main()
