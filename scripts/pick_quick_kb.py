"""Pick the fixed slice of ../shared/kb that `oncoguide eval all --quick` indexes (run once).

    python scripts/pick_quick_kb.py --shared ../shared > src/oncoguide/evaluation/data/quick_kb.txt

The rule is mechanical, so nobody picks pages a change happens to do well on: the primary gold page
of every 60th MedQuAD row, every 16th plain-language row and every 8th list row (in file order),
plus every 150th manifest entry as distractors. Changing the list changes the quick run's KB
fingerprint, so every quick pin is then reported as SKIP until it is re-measured.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "oncoguide" / "evaluation" / "data"


def _primary(path: Path, step: int) -> list[str]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [r["gold_urls"][0] for i, r in enumerate(rows) if i % step == 0]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = p.parse_args()
    docs = json.loads((args.shared / "kb" / "manifest.json").read_text("utf-8"))["docs"]
    by_url = {d["url"]: d["path"] for d in docs}
    urls = _primary(args.shared / "eval" / "medquad_cancergov.jsonl", 60)
    urls += _primary(DATA / "lay_questions.jsonl", 16) + _primary(DATA / "list_questions.jsonl", 8)
    picked = [by_url[u] for u in urls if u in by_url]
    picked += [d["path"] for i, d in enumerate(docs) if i % 150 == 0]
    print("\n".join(sorted(set(picked))))


if __name__ == "__main__":
    main()
