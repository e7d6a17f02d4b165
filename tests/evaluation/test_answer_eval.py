from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from oncoguide.answer.compose import abstain, compose_answer
from oncoguide.errors import EvaluationError
from oncoguide.evaluation.answer_eval import evaluate_answers
from oncoguide.evaluation.metrics import normalize_url as normalise_url
from oncoguide.types import Hit, Passage, SafetyDecision, TurnResult

pytestmark = pytest.mark.unit

SAFE = SafetyDecision("none", None, None, (), None, None)
HIT = Hit(
    rank=1, doc_id="fatigue", url="https://www.example.gov/fatigue/", title="Fatigue",
    heading="Fatigue", score=1.0, audience="patient", source_type="x", snippet="",
    passages=(Passage("fatigue#0", "fatigue", "Fatigue › Causes", (
        "Fatigue is a tired feeling that rest does not fix. Causes include:\n\n"
        "- anemia\n- poor sleep\n- pain that is not controlled"
    ), 1.0),),
)  # fmt: skip


def _run(question: str) -> TurnResult:
    if "bread" in question:
        return TurnResult(question, SAFE, abstain(question, "OFF_TOPIC", region_line="x"))
    answer = compose_answer(question, [HIT], as_of=date(2025, 1, 1))
    if "tamper" in question:  # one sentence that its passage does not contain
        bad = replace(answer.sentences[0], text="Fatigue always ends in a week.")
        answer = replace(answer, sentences=(bad, *answer.sentences[1:]))
    return TurnResult(question, SAFE, answer, hits=(HIT,))


def _write(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_metrics_over_a_small_question_file(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        {"id": "1", "question": "What causes fatigue?", "gold_urls": ["http://example.gov/fatigue"],
         "must_mention_any": ["anemia", "poor sleep", "stress"], "min_terms": 2},
        {"id": "2", "question": "What causes fatigue? tamper", "gold_urls": ["https://other.gov/x"]},
        {"id": "3", "question": "How do I bake bread?", "answerable": False},
        {"id": "4", "question": "Why is fatigue bread-related?", "answerable": True},
    ])  # fmt: skip
    report = evaluate_answers(_run, path)
    assert list(report) == [
        "questions", "answered", "abstained", "verified_sentence_rate", "coverage_rate",
        "cited_gold_rate", "offtopic_abstention_rate", "false_abstention_rate",
        "reading_grade_median", "reading_grade_p90", "reading_grade_le_9_rate",
        "cited_unretrieved", "cited_top_hit_rate", "latency_ms",
    ]  # fmt: skip
    assert (report["questions"], report["answered"], report["abstained"]) == (4, 2, 2)
    sentences = len(_run("What causes fatigue?").answer.sentences)
    assert report["verified_sentence_rate"] == round((2 * sentences - 1) / (2 * sentences), 4)
    assert report["coverage_rate"] == 1.0
    assert report["cited_gold_rate"] == 0.5
    assert report["offtopic_abstention_rate"] == 1.0
    assert report["false_abstention_rate"] == round(1 / 3, 4)
    assert report["reading_grade_median"] is not None
    assert (report["cited_unretrieved"], report["cited_top_hit_rate"]) == (0, 1.0)
    assert set(report["latency_ms"]) == {"p50", "p95"}


def test_reading_grade_median_p90_and_share_at_most_9(tmp_path: Path) -> None:
    grades = {"q1": 6.0, "q2": 8.0, "q3": 9.0, "q4": 12.0, "q5": 14.0}
    path = _write(tmp_path, [{"id": q, "question": f"What causes fatigue? {q}"} for q in grades])

    def run(question: str) -> TurnResult:
        result = _run(question)
        grade = grades[question.split()[-1]]
        return replace(result, answer=replace(result.answer, reading_grade=grade))

    report = evaluate_answers(run, path)
    assert report["reading_grade_median"] == 9.0
    assert report["reading_grade_le_9_rate"] == 0.6
    assert 12.0 < report["reading_grade_p90"] <= 14.0


def test_malformed_rows_raise_evaluation_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(EvaluationError, match="question"):
        evaluate_answers(_run, path)
    with pytest.raises(EvaluationError):
        evaluate_answers(_run, tmp_path / "missing.jsonl")


def test_normalise_url() -> None:
    assert normalise_url("HTTPS://www.Cancer.gov/types/x/?a=1#top") == "cancer.gov/types/x"


def test_citations_to_documents_that_were_not_retrieved_are_counted(tmp_path: Path) -> None:
    other = replace(HIT, doc_id="other", url="https://www.example.gov/other")

    def run(question: str) -> TurnResult:
        answer = compose_answer(question, [HIT], as_of=date(2025, 1, 1))
        return TurnResult(question, SAFE, answer, hits=(other,))  # HIT itself was not retrieved

    report = evaluate_answers(
        run, _write(tmp_path, [{"id": "1", "question": "What causes fatigue?"}])
    )
    assert report["cited_unretrieved"] >= 1 and report["cited_top_hit_rate"] == 0.0


def test_section_hit_rate_and_split(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        {"id": "1", "question": "What causes fatigue?", "section": "causes", "split": "dev",
         "gold_urls": ["http://example.gov/fatigue"]},
        {"id": "2", "question": "What causes fatigue? again", "section": "Managing fatigue",
         "split": "dev"},
        {"id": "3", "question": "What causes fatigue? elsewhere", "section": "Causes",
         "gold_urls": ["https://other.gov/x"], "split": "heldout"},
    ])  # fmt: skip
    dev = evaluate_answers(_run, path, split="dev")
    assert dev["questions"] == 2 and dev["section_hit_rate"] == 0.5
    held = evaluate_answers(_run, path, split="heldout")
    assert held["questions"] == 1 and held["section_hit_rate"] == 0.0  # right heading, wrong page
    assert evaluate_answers(_run, path)["questions"] == 3
