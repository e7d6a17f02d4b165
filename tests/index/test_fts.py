"""fts_query turns any user text into a MATCH expression that SQLite accepts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncoguide.index.fts import MAX_TERMS, fts_query, query_terms
from oncoguide.testing.conformance import HOSTILE_QUERIES

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='porter unicode61')")
    conn.executemany(
        "INSERT INTO t VALUES (?, ?)",
        [("NEAR and NOT", "chemo* (therapy) AND title: x"), ("Breast cancer", "hormone therapy")],
    )
    yield conn
    conn.close()


def _match(conn: sqlite3.Connection, expr: str) -> list[tuple[str]]:
    return conn.execute("SELECT title FROM t WHERE t MATCH ? ORDER BY rank", (expr,)).fetchall()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("breast cancer", '"breast" OR "cancer"'),
        ("What is THE cancer?", '"cancer"'),
        ('say "hi"', '"say" OR "hi"'),
        ("her2-positive", '"her2" OR "positive"'),
        ("cancer cancer Cancer", '"cancer"'),
        ("the and of", None),
        ("", None),
        ("*** ()", None),
    ],
)
def test_or_mode(text: str, expected: str | None) -> None:
    assert fts_query(text) == expected


def test_and_mode_keeps_stop_words_and_operators_as_text() -> None:
    assert fts_query("NOT the NEAR", mode="and") == '"not" AND "the" AND "near"'


def test_terms_are_bounded() -> None:
    text = " ".join(f"w{i}" for i in range(500))
    assert len(query_terms(text)) == MAX_TERMS


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_hostile_inputs_run(fts: sqlite3.Connection, text: str) -> None:
    for mode in ("or", "and"):
        expr = fts_query(text, mode=mode)
        if expr is not None:
            _match(fts, expr)


def test_operators_match_as_words(fts: sqlite3.Connection) -> None:
    expr = fts_query("NEAR", mode="and")
    assert expr is not None
    assert _match(fts, expr) == [("NEAR and NOT",)]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_in_match(fts: sqlite3.Connection, text: str) -> None:
    for mode in ("or", "and"):
        expr = fts_query(text, mode=mode)
        if expr is not None:
            _match(fts, expr)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                '"',
                "AND",
                "OR",
                "NOT",
                "NEAR",
                "*",
                "(",
                ")",
                ":",
                "^",
                "-",
                "+",
                "cancer",
                "therapy",
                " ",
                "NEAR/2",
                "{",
                "}",
                "'",
            ]
        )
    )
)
def test_never_raises_on_operator_soup(fts: sqlite3.Connection, parts: list[str]) -> None:
    expr = fts_query("".join(parts))
    if expr is not None:
        _match(fts, expr)
