from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import partial
from pathlib import Path

import pytest

from oncoguide.answer.verify import is_contained
from oncoguide.chat.turn import TurnOptions, run_turn
from oncoguide.index.sqlite import SqliteStore
from oncoguide.retrieve.context import (
    chunk_score,
    expand_context,
    kinds_of,
    question_cues,
    section_heads,
)
from oncoguide.retrieve.hybrid import Retriever
from oncoguide.safety.policy import SafetyPolicy
from oncoguide.testing.builders import make_chunk, make_document
from oncoguide.types import Chunk, Hit, Passage

pytestmark = pytest.mark.unit

TITLE = "Plasma Cell Neoplasms Treatment"
# Our own wording, shaped like a PDQ page: a symptom list that runs over a chunk boundary, then a
# second list (another condition's signs) under the same heading, then unrelated sections.
SECTIONS: list[tuple[tuple[str, ...], str]] = [
    (("Overview",), "Plasma cells are white blood cells that make antibodies."),
    (
        ("Overview", "Multiple myeloma"),
        "Multiple myeloma cells build up in the bone marrow.\n\n"
        "Signs and symptoms may be caused by multiple myeloma. Check with your doctor if you have "
        "any of the following:\n\n- Aching bones in the back.\n- Bones that snap easily.",
    ),
    (
        ("Overview", "Multiple myeloma"),
        "- Feeling worn out.\n\nToo much calcium in the blood may cause these signs:\n\n"
        "- Thirst.\n- Muddled thinking.",
    ),
    (("Risk factors",), "Older age raises the risk of plasma cell neoplasms."),
    (("Treatment options",), "Treatment may include drugs that target the marrow."),
]


def _chunks(doc_id: str = "myeloma") -> list[Chunk]:
    doc = make_document(doc_id, title=TITLE)
    return [make_chunk(doc, i, text, (TITLE, *path)) for i, (path, text) in enumerate(SECTIONS)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "ctx.db")
    s.migrate()
    body = "\n\n".join(text for _, text in SECTIONS)
    s.apply_changes([(make_document("myeloma", title=TITLE, body=body), _chunks())], [])
    yield s
    s.close()


def _hit(chunk_ids: list[int], doc_id: str = "myeloma", rank: int = 1) -> Hit:
    chunks = _chunks(doc_id)
    passages = tuple(
        Passage(chunks[i].chunk_id, doc_id, chunks[i].heading, chunks[i].text, 1.0)
        for i in chunk_ids
    )
    return Hit(
        rank, doc_id, "https://x/" + doc_id, TITLE, "", 1.0, "patient", "nci", "", passages=passages
    )


def test_symptom_question_adds_the_symptom_chunk_and_joins_the_list_over_the_boundary(
    store: SqliteStore,
) -> None:
    (hit,) = expand_context(store, "What are the symptoms of multiple myeloma?", [_hit([0])])
    joined = next(p for p in hit.passages if p.chunk_id == "myeloma#1")
    assert "Bones that snap easily." in joined.text and "Feeling worn out." in joined.text
    assert joined.heading == f"{TITLE} › Overview › Multiple myeloma"
    # The retriever's own passage stays, first; nothing unrelated is added.
    assert hit.passages[0].chunk_id == "myeloma#0"
    assert all("drugs that target" not in p.text for p in hit.passages)


def test_a_joined_passage_holds_each_chunk_text_so_citations_still_verify(
    store: SqliteStore,
) -> None:
    (hit,) = expand_context(store, "symptoms of multiple myeloma", [_hit([2])])
    (passage,) = [p for p in hit.passages if "Feeling worn out." in p.text]
    assert passage.chunk_id == "myeloma#1"  # the list started in the chunk before
    for _, text in SECTIONS[1:3]:
        assert is_contained(text.splitlines()[-1], passage.text)


def test_original_passages_are_not_duplicated(store: SqliteStore) -> None:
    (hit,) = expand_context(store, "What are the symptoms of multiple myeloma?", [_hit([1, 2])])
    ids = [p.chunk_id for p in hit.passages]
    assert len(ids) == len(set(ids))
    assert sum("Feeling worn out." in p.text for p in hit.passages) == 1


def test_only_the_top_docs_are_expanded_and_max_passages_holds(store: SqliteStore) -> None:
    first, second = _hit([4]), _hit([4], rank=2)
    out = expand_context(store, "symptoms of myeloma", [first, second], top_docs=1, max_passages=2)
    assert out[1] is second
    assert len(out[0].passages) == 2


def test_without_a_question_type_only_a_cut_list_is_completed(store: SqliteStore) -> None:
    (hit,) = expand_context(store, "multiple myeloma", [_hit([0])])
    assert [p.chunk_id for p in hit.passages] == ["myeloma#0"]
    (hit,) = expand_context(store, "multiple myeloma", [_hit([2])])
    assert [p.chunk_id for p in hit.passages] == ["myeloma#1"]


def test_unknown_document_is_left_as_it_was(store: SqliteStore) -> None:
    hit = _hit([0], doc_id="gone")
    assert expand_context(store, "symptoms of myeloma", [hit]) == (hit,)


def test_heading_that_names_the_question_type_scores_higher() -> None:
    chunks = _chunks()
    q = frozenset({"risk", "myeloma"})
    cues = question_cues("What is the risk of myeloma?")
    assert chunk_score(chunks[3], q, cues) > chunk_score(chunks[4], q, cues)
    assert question_cues("how is it treated")  # treatment words map to treatment headings
    assert question_cues("hello there") == ()


def test_turn_runs_the_context_stage_and_answers_from_the_whole_list(store: SqliteStore) -> None:
    result = run_turn(
        "What are the symptoms of multiple myeloma?",
        policy=SafetyPolicy.load(),
        retriever=Retriever(store, None),
        options=TurnOptions(as_of=date(2025, 1, 1)),
        context=partial(expand_context, store),
    )
    stages = [name for name, _ in result.timings_ms]
    assert stages.index("gate") < stages.index("context") < stages.index("compose")
    items = [s.text for s in result.answer.sentences if s.list_item]
    assert items == ["Aching bones in the back.", "Bones that snap easily.", "Feeling worn out."]
    assert not result.answer.abstained


SUB_TITLE = "Gut Cancer Treatment"
# Our own wording: a treatment page told in subsections, then a section of another kind.
SUBSECTIONS: list[tuple[tuple[str, ...], str]] = [
    ((), "Several kinds of treatment are used for gut cancer."),
    (("Surgery",), "Surgery removes the tumor."),
    (("Surgery", "Partial removal"), "Part of the gut is removed."),
    (("Radiation therapy",), "Radiation kills cancer cells."),
    (("Drug therapy",), "Drugs reach cancer cells all over the body."),
    (("Drug therapy",), "More about drugs."),
]


@pytest.fixture
def sub_store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "sub.db")
    s.migrate()
    doc = make_document("gut", title=SUB_TITLE, body="x")
    chunks = [
        make_chunk(doc, i, text, (SUB_TITLE, *path)) for i, (path, text) in enumerate(SUBSECTIONS)
    ]
    s.apply_changes([(doc, chunks)], [])
    yield s
    s.close()


def _sub_hit(chunk_ids: list[int], rank: int = 1) -> Hit:
    texts = {i: (SUBSECTIONS[i][1], " › ".join((SUB_TITLE, *SUBSECTIONS[i][0]))) for i in chunk_ids}
    passages = tuple(Passage(f"gut#{i}", "gut", h, t, 1.0) for i, (t, h) in texts.items())
    return Hit(
        rank, "gut", "https://x/gut", SUB_TITLE, "", 1.0, "patient", "nci", "", passages=passages
    )


def test_a_section_in_subsections_brings_each_subsections_first_chunk_in_order(
    sub_store: SqliteStore,
) -> None:
    (hit,) = expand_context(
        sub_store, "What are the treatment options for gut cancer?", [_sub_hit([3])]
    )
    ids = [p.chunk_id for p in hit.passages]
    # The section's own chunk and each subsection's first chunk, in document order.
    assert ids == ["gut#0", "gut#1", "gut#2", "gut#3", "gut#4"]


def test_subsections_only_for_the_top_page_and_a_matching_section(sub_store: SqliteStore) -> None:
    q = "What are the treatment options for gut cancer?"
    out = expand_context(sub_store, q, [_hit([0]), _sub_hit([3], rank=2)], top_docs=2)
    assert not {"gut#1", "gut#2"} & {p.chunk_id for p in out[1].passages}
    (hit,) = expand_context(sub_store, "What is the prognosis of gut cancer?", [_sub_hit([3])])
    assert "gut#2" not in [p.chunk_id for p in hit.passages]


def test_section_heads_picks_the_deepest_section_naming_the_question() -> None:
    doc = make_document("gut", title=SUB_TITLE, body="x")
    chunks = [
        make_chunk(doc, i, text, (SUB_TITLE, *path)) for i, (path, text) in enumerate(SUBSECTIONS)
    ]
    assert section_heads(chunks, question_cues("how is it treated")) == [0, 1, 2, 3, 4]
    assert section_heads(chunks, question_cues("what are the stages")) == []
    # No question type: a heading made only of the question's words.
    q_terms = frozenset({"gut", "cancer", "treatment", "kind"})
    assert section_heads(chunks, (), q_terms) == [0, 1, 2, 3, 4]


def test_a_time_of_treatment_is_not_a_treatment_cue() -> None:
    assert question_cues("What foods are easy to digest during cancer treatment?") == ()
    assert question_cues("What are the treatment options for gut cancer?") != ()


def test_a_lead_in_without_a_colon_still_names_the_list() -> None:
    doc = make_document("mood", title="Low Mood")
    plain = make_chunk(doc, 0, "Low mood is common.", ("Low Mood", "Is it sadness?"))
    listed = make_chunk(
        doc,
        1,
        "Low mood is more than sadness.\n\nOther symptoms of low mood include\n\n- poor sleep\n"
        "- feeling worthless",
        ("Low Mood", "Is it sadness?"),
    )
    q = frozenset({"symptom", "low", "mood"})
    cues = question_cues("What are the symptoms of low mood?")
    assert chunk_score(listed, q, cues) - chunk_score(plain, q, cues) > 2.0


def test_two_subsections_suffice_under_a_heading_naming_only_the_asked_kind() -> None:
    doc = make_document("find", title="Finding Gut Cancer")
    sections: list[tuple[tuple[str, ...], str]] = [
        (("How gut cancer is diagnosed",), "These tests find gut cancer."),
        (("How gut cancer is diagnosed", "Gut scope"), "A gut scope is a thin lit tube."),
        (("How gut cancer is diagnosed", "Biopsy"), "A biopsy removes a bit of tissue."),
        (("Tests to stage gut cancer",), "These tests show how far it has spread."),
        (("Tests to stage gut cancer", "Scans"), "A scan takes pictures inside the body."),
        (("Tests to stage gut cancer", "Blood tests"), "A blood test checks blood cells."),
        (("Tests to stage gut cancer", "Lymph nodes"), "A node may be removed and checked."),
    ]
    chunks = [
        make_chunk(doc, i, text, ("Finding Gut Cancer", *path))
        for i, (path, text) in enumerate(sections)
    ]
    q = "What tests are used to diagnose gut cancer?"
    # The staging section has more subsections but also names stages: it loses.
    words = frozenset({"gut", "cancer", "diagnose", "test"})
    assert section_heads(chunks, question_cues(q), frozenset(), kinds_of(q), words) == [0, 1, 2]
    staged = "What tests are used to stage gut cancer?"
    cues, kinds = question_cues(staged), kinds_of(staged)
    assert section_heads(chunks, cues, frozenset(), kinds, words) == [3, 4, 5, 6]
    # Without the asked kinds, or without a subject word in the heading, two are too few.
    assert section_heads(chunks[:3], question_cues(q)) == []
    assert section_heads(chunks[:3], question_cues(q), frozenset(), kinds_of(q)) == []


def test_an_untyped_question_in_the_readers_words_gets_the_chunk_that_says_it(
    store: SqliteStore,
) -> None:
    chunks = _chunks()
    described = expand_context(store, "bones that snap easily in my back", [_hit([0])])
    assert any(p.text.startswith(chunks[1].text[:40]) for p in described[0].passages)
    # "What is X?" keeps the retriever's passages: no chunk is added for its words.
    defined = expand_context(store, "what is bones that snap easily in my back", [_hit([0])])
    assert [p.chunk_id for p in defined[0].passages] == [chunks[0].chunk_id]
