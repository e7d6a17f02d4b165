"""Merge the page-question writers' files into `src/oncoguide/kb/data/page_questions.jsonl`.

usage: python scripts/merge_page_questions.py KB_DIR WRITER_FILE...

Each writer file is JSONL `{"question", "url", "section"}` (kb/data/PAGE_QUESTIONS.md says how they
were written); the writer id is taken from the file name (`writer_0.jsonl` -> `pq0`,
`writerB_2.jsonl` -> `pqB2`). Rows whose url is no page of KB_DIR are dropped and counted; the same
question for the same page is kept once. The output is rewritten whole.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from oncoguide.kb.frontmatter import RawFile, read_markdown
from oncoguide.text.urls import normalize_url

OUT = Path(__file__).resolve().parents[1] / "src/oncoguide/kb/data/page_questions.jsonl"


def kb_urls(kb: Path) -> dict[str, str]:
    urls: dict[str, str] = {}
    for path in sorted(kb.rglob("*.md")):
        raw = read_markdown(path, str(path.relative_to(kb)))
        url = raw.meta.get("url") if isinstance(raw, RawFile) else None
        if isinstance(url, str) and url.strip():
            urls.setdefault(normalize_url(url), url.strip())
    return urls


def main(kb: Path, files: list[Path]) -> None:
    urls = kb_urls(kb)
    rows, seen, dropped = [], set(), 0
    for f in files:
        writer = "pq" + re.sub(r"^writer_?", "", f.stem).replace("_", "")
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            url = urls.get(normalize_url(str(r.get("url", ""))))
            question = " ".join(str(r.get("question", "")).split())
            if url is None or not question:
                dropped += 1
                continue
            if (url, question.lower()) in seen:
                continue
            seen.add((url, question.lower()))
            section = str(r.get("section") or "")
            rows.append({"url": url, "question": question, "section": section, "writer": writer})
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    pages = len({r["url"] for r in rows})
    print(f"{len(rows)} questions for {pages} pages written to {OUT}; {dropped} rows dropped")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), [Path(a) for a in sys.argv[2:]])
