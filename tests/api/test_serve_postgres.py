"""Two real `oncoguide serve` processes on one PostgreSQL database (tests/conftest.py starts a
real server): under concurrent chat and feedback on both, no message or rating is lost or doubled,
and each session's turns are numbered 1..n with no gap or repeat."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import pytest

from .test_serve import running_server

pytestmark = pytest.mark.integration

QUESTIONS = [
    "what helps with mouth sores during chemo?",
    "fever during chemo",
    "hair loss",
    "and how is it treated?",
    "what about side effects?",
    "I feel so tired after radiation, is that normal?",
]
SESSIONS = 2  # two sessions for 120 turns: both processes append to the same session at once
CHATS_PER_SERVER = 60


def _turn(bases: list[str], sessions: list[str], i: int) -> tuple[str, str, str]:
    """Chat on one server, then rate the answer on the other; (session, message_id, rating)."""
    here, there = bases[i % 2], bases[(i + 1) % 2]
    session = sessions[i % SESSIONS]
    body = {"session_id": session, "message": QUESTIONS[i % len(QUESTIONS)]}
    reply = httpx.post(f"{here}/v1/chat", json=body, timeout=60)
    assert reply.status_code == 200, reply.text
    message_id = reply.json()["message_id"]
    rating = "up" if i % 3 else "down"
    rated = httpx.post(
        f"{there}/v1/feedback", json={"message_id": message_id, "rating": rating}, timeout=60
    )
    assert rated.status_code == 200, rated.text
    return session, message_id, rating


def _rerate(bases: list[str], i: int, message_id: str) -> None:
    """A second rating from the first server replaces the first (one row per message)."""
    body = {"message_id": message_id, "rating": "up", "comment": f"changed {i}"}
    rated = httpx.post(f"{bases[i % 2]}/v1/feedback", json=body, timeout=60)
    assert rated.status_code == 200, rated.text


def test_two_servers_on_one_postgres_lose_no_message_or_feedback(
    pg_index: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    monkeypatch.setenv("ONCOGUIDE_RATE_LIMIT_SESSION", "100000/minute")
    with ExitStack() as stack:
        bases = [stack.enter_context(running_server(pg_index)) for _ in range(2)]
        sessions = [
            httpx.post(f"{bases[n % 2]}/v1/sessions", json={"consent": True}).json()["session_id"]
            for n in range(SESSIONS)
        ]
        n = 2 * CHATS_PER_SERVER
        with ThreadPoolExecutor(max_workers=16) as pool:
            turns = list(pool.map(lambda i: _turn(bases, sessions, i), range(n)))
            rerated = {mid for i, (_, mid, _) in enumerate(turns) if i % 4 == 0}
            list(pool.map(lambda p: _rerate(bases, *p), enumerate(sorted(rerated))))
        health = [httpx.get(f"{b}/v1/health").json() for b in bases]
        views = {s: httpx.get(f"{bases[1]}/v1/sessions/{s}").json()["turns"] for s in sessions}

    sent = Counter(session for session, _, _ in turns)
    assert len({mid for _, mid, _ in turns}) == n  # every reply has its own message id
    with psycopg.connect(pg_index) as conn:
        messages = conn.execute("SELECT message_id, session_id, ordinal FROM messages").fetchall()
        feedback = conn.execute("SELECT message_id, rating, comment FROM feedback").fetchall()
    assert Counter(m for m, _, _ in messages) == Counter(mid for _, mid, _ in turns)
    assert len(feedback) == n and {m for m, _, _ in feedback} == {mid for _, mid, _ in turns}
    expected = {mid: "up" if mid in rerated else rating for _, mid, rating in turns}
    assert {m: r for m, r, _ in feedback} == expected
    assert {m for m, _, c in feedback if c} == rerated
    for session in sessions:  # turns numbered 1..n per session, as many as were sent
        ordinals = sorted(o for _, s, o in messages if s == session)
        assert ordinals == list(range(1, sent[session] + 1)), session
    assert views == dict(sent)
    assert all(h["messages"] == n and h["feedback"] == n for h in health)
