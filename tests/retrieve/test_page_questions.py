"""Page questions (kb/questions.py, retrieve/questions.py): read, embedded at ingest, matched."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from oncoguide.errors import KBError
from oncoguide.index.ingest import embed_chunks, embed_page_questions
from oncoguide.index.sqlite import SqliteStore
from oncoguide.kb.questions import (
    DEFAULT_PAGE_QUESTIONS,
    PageQuestion,
    load_page_questions,
    page_questions_for,
    question_hash,
)
from oncoguide.retrieve.hybrid import Retriever
from oncoguide.retrieve.questions import QuestionIndex
from oncoguide.testing.builders import make_chunks, make_document
from oncoguide.testing.fakes import BagOfWordsEmbedder
from oncoguide.types import SearchFilters

pytestmark = pytest.mark.unit


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_question_file_is_read_once_per_question_and_page(tmp_path: Path) -> None:
    f = _write(
        tmp_path / "q.jsonl",
        [
            {"url": "https://x.test/a", "question": "does  it hurt?", "section": "Pain"},
            {"url": "https://x.test/a", "question": "does it hurt?"},  # same, spaces folded
            {"url": "https://x.test/b", "question": "does it hurt?"},
        ],
    )
    qs = load_page_questions(f)
    assert qs == (
        PageQuestion("https://x.test/a", "does it hurt?", "Pain"),
        PageQuestion("https://x.test/b", "does it hurt?", ""),
    )
    assert page_questions_for("none") == ()
    assert page_questions_for(str(f)) == qs


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "2: invalid JSON"),
        (json.dumps({"question": "q"}), "2: a row needs a non-empty string 'url'"),
        (json.dumps({"url": "u", "question": " "}), "2: a row needs a non-empty string 'question'"),
        (json.dumps(["u", "q"]), "2: a row must be a JSON object"),
    ],
)
def test_a_malformed_row_names_its_line(tmp_path: Path, line: str, message: str) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text(json.dumps({"url": "u", "question": "q"}) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(KBError, match=message):
        load_page_questions(f)


def test_the_bundled_questions_load_and_name_their_pages() -> None:
    qs = page_questions_for("bundled")
    assert len(qs) == len(load_page_questions(DEFAULT_PAGE_QUESTIONS)) >= 500
    assert all(q.url.startswith("https://") and q.question for q in qs)


def test_the_question_index_keeps_indexed_pages_with_vectors_and_scores_each_page() -> None:
    qs = [
        PageQuestion("https://x.test/a", "one"),
        PageQuestion("https://X.test/a/", "two"),  # the same page, url written differently
        PageQuestion("https://x.test/b", "three"),
        PageQuestion("https://x.test/gone", "four"),  # not indexed
        PageQuestion("https://x.test/b", "five"),  # no cached vector
    ]
    vec = {
        question_hash("one"): np.array([1.0, 0.0], dtype=np.float32),
        question_hash("two"): np.array([0.0, 1.0], dtype=np.float32),
        question_hash("three"): np.array([0.6, 0.8], dtype=np.float32),
        question_hash("four"): np.array([1.0, 0.0], dtype=np.float32),
    }
    index = QuestionIndex.build(qs, {"x.test/a": "A", "x.test/b": "B"}, vec)
    assert index.doc_ids == ("A", "B") and len(index) == 3
    sims = index.similarities(np.array([0.0, 1.0], dtype=np.float32))
    assert index.best_per_doc(sims).tolist() == pytest.approx([1.0, 0.8])


DOCS = [
    make_document(
        "lymph",
        title="Lymphedema - NCI",
        body="Manual lymphatic drainage is a gentle kind of massage of the arm by a therapist.",
        url="https://x.test/lymphedema",
    ),
    make_document(
        "massage",
        title="Massage Therapy - NCI",
        body="Massage therapy for comfort after surgery.",
        url="https://x.test/massage",
    ),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "t.db")
    s.migrate()
    s.apply_changes([(d, make_chunks(d)) for d in DOCS], [])
    embed_chunks(s, DOCS, BagOfWordsEmbedder())
    yield s
    s.close()


QUESTIONS = (
    PageQuestion("https://x.test/lymphedema", "my arm is puffy since surgery will massage help"),
    PageQuestion("https://x.test/not-indexed", "my arm is puffy since surgery"),
)


def test_ingest_embeds_the_questions_of_indexed_pages_once(store: SqliteStore) -> None:
    emb = BagOfWordsEmbedder()
    assert embed_page_questions(store, QUESTIONS, emb) == (1, 0, 1)  # one names no indexed page
    assert embed_page_questions(store, QUESTIONS, emb) == (0, 1, 1)  # cached by question hash


def test_a_page_question_in_the_users_words_lifts_its_page(store: SqliteStore) -> None:
    ask = "my arm is puffy since surgery, will massage help?"
    before = Retriever(store, BagOfWordsEmbedder()).search(ask, k=2).hits
    assert before[0].doc_id == "massage"
    embed_page_questions(store, QUESTIONS, BagOfWordsEmbedder())
    retriever = Retriever(store, BagOfWordsEmbedder(), questions=QUESTIONS)
    hits = retriever.search(ask, k=2, explain=True).hits
    assert hits[0].doc_id == "lymph"
    signals = dict(hits[0].signals)  # the question matches far better than the page text
    assert signals["question_match"] > 0.5 > signals["dense_doc"]
    # a filter that excludes the page also keeps its questions out
    only_es = retriever.search(ask, k=2, filters=SearchFilters(language="es")).hits
    assert all(h.doc_id != "lymph" for h in only_es)


def test_questions_without_cached_vectors_change_nothing(store: SqliteStore) -> None:
    ask = "my arm is puffy since surgery, will massage help?"
    plain = Retriever(store, BagOfWordsEmbedder()).search(ask, k=2).hits
    unembedded = Retriever(store, BagOfWordsEmbedder(), questions=QUESTIONS).search(ask, k=2).hits
    assert [h.doc_id for h in plain] == [h.doc_id for h in unembedded]
    assert [h.score for h in plain] == pytest.approx([h.score for h in unembedded])


def test_ingest_reports_the_questions_that_name_no_page_of_the_kb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import oncoguide.console.ingest as console_ingest
    from oncoguide.cli import app
    from oncoguide.kb.sample import sample_kb_path

    qfile = _write(
        tmp_path / "q.jsonl",
        [
            {"url": "https://example.org/oncoguide-sample/caregiver-self-care", "question": "q1"},
            {"url": "https://example.org/moved-away", "question": "q2"},
        ],
    )
    monkeypatch.setenv("ONCOGUIDE_PAGE_QUESTIONS", str(qfile))
    monkeypatch.setattr(console_ingest, "_embedder", lambda settings: BagOfWordsEmbedder())
    db = str(tmp_path / "k.db")
    result = CliRunner().invoke(app, ["ingest", str(sample_kb_path()), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["page_questions"] == {"embedded": 1, "cached": 0, "unmatched": 1}
    again = CliRunner().invoke(app, ["ingest", str(sample_kb_path()), "--db", db])
    assert "page questions: 0 embedded (1 cached); 1 name no page of this KB" in again.stdout


def test_without_page_questions_ingest_still_builds_the_vector_index(tmp_path: Path) -> None:
    from oncoguide.kb.sample import sample_kb_path
    from oncoguide.retrieve.build import build_index

    built: list[str] = []

    class Recording(SqliteStore):
        def build_vector_index(self, model: str) -> None:
            built.append(model)

    s = Recording(tmp_path / "v.db")
    s.migrate()
    report = build_index(sample_kb_path(), s, embedder=BagOfWordsEmbedder(), questions=())
    s.close()
    assert built == ["bow-test"] and report.page_questions == {}
