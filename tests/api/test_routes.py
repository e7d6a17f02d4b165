"""Every public route of the API and its errors, on a real SQLite copy of the sample index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oncoguide.api import create_app
from oncoguide.index.conversations import MessageQuery
from oncoguide.index.sqlite_conversations import SqliteConversationStore

from .conftest import api_settings, new_session

pytestmark = pytest.mark.unit

ASK_KEYS = {"question", "answer", "sentences", "citations", "safety", "abstained",
            "abstain_reason", "reading_grade", "timings_ms"}  # fmt: skip


def _error(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["error"]["status"] == status and body["error"]["code"] == code
    return body["error"]  # type: ignore[no-any-return]


def test_session_round_trip(client: TestClient) -> None:
    sid = new_session(client, audience="caregiver", locale="es", region="gb")
    view = client.get(f"/v1/sessions/{sid}").json()
    assert view["audience"] == "caregiver" and view["region"] == "GB" and view["turns"] == 0
    assert view["consent"] is True and view["session_id"] == sid
    _error(client.get("/v1/sessions/nope"), 404, "not_found")


@pytest.mark.parametrize(
    "body",
    [
        {"consent": True, "audience": "doctor"},
        {"consent": True, "colour": "red"},  # unknown field
        {"audience": "patient"},  # consent missing
        {"consent": "yes"},
        {"consent": True, "region": "United States"},
        {"consent": True, "cancer_type": "not-a-cancer"},
    ],
)
def test_bad_session_bodies_are_422_with_json(client: TestClient, body: dict[str, object]) -> None:
    _error(client.post("/v1/sessions", json=body), 422, "invalid_request")


def test_chat_returns_the_ask_object_plus_message_id_and_is_stored(client: TestClient) -> None:
    sid = new_session(client)
    data = client.post(
        "/v1/chat", json={"session_id": sid, "message": "what helps with mouth sores during chemo?"}
    )
    assert data.status_code == 200, data.text
    body = data.json()
    assert set(body) >= ASK_KEYS and body["message_id"]
    assert not body["abstained"] and body["citations"]
    assert any("mouth" in c["url"] for c in body["citations"])
    assert client.get(f"/v1/sessions/{sid}").json()["turns"] == 1


def test_chat_errors(client: TestClient) -> None:
    sid = new_session(client)
    _error(client.post("/v1/chat", json={"session_id": sid, "message": ""}), 422, "invalid_request")
    _error(client.post("/v1/chat", json={"session_id": sid, "message": "   "}), 422,
           "invalid_request")  # fmt: skip
    too_long = {"session_id": sid, "message": "a" * 4001}
    _error(client.post("/v1/chat", json=too_long), 422, "invalid_request")
    ok_long = client.post("/v1/chat", json={"session_id": sid, "message": "fever " * 666})
    assert ok_long.status_code == 200
    extra = {"session_id": sid, "message": "fever", "debug": True}
    _error(client.post("/v1/chat", json=extra), 422, "invalid_request")
    _error(client.post("/v1/chat", json={"session_id": "nope", "message": "hi"}), 404, "not_found")
    bad_json = client.post(
        "/v1/chat", content=b"{not json", headers={"content-type": "application/json"}
    )
    _error(bad_json, 422, "invalid_request")


def test_validation_errors_do_not_echo_the_message(client: TestClient) -> None:
    secret = "my email is jo@example.com " + "x" * 4000
    sid = new_session(client)
    response = client.post("/v1/chat", json={"session_id": sid, "message": secret})
    assert response.status_code == 422 and "jo@example.com" not in response.text


def test_chat_without_consent_is_refused_when_required(api_db: Path) -> None:
    with TestClient(create_app(api_settings(api_db))) as c:
        sid = new_session(c, consent=False)
        _error(c.post("/v1/chat", json={"session_id": sid, "message": "fever"}), 403,
               "consent_required")  # fmt: skip
    with TestClient(create_app(api_settings(api_db, consent_required=False))) as c:
        sid = new_session(c, consent=False)
        assert c.post("/v1/chat", json={"session_id": sid, "message": "fever"}).status_code == 200


def test_stream_sends_safety_first_then_pieces_citations_and_final(client: TestClient) -> None:
    sid = new_session(client)
    body = {"session_id": sid, "message": "what helps with nausea during chemo?"}
    with client.stream("POST", "/v1/chat/stream", json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = []
    for block in text.strip().split("\n\n"):
        name_line, data_line = block.split("\n", 1)
        events.append((name_line.removeprefix("event: "), json.loads(data_line[6:])))
    names = [n for n, _ in events]
    assert names[0] == "safety" and names[-2:] == ["citations", "final"]
    assert names.count("answer") >= 1
    final = events[-1][1]
    assert final["answer"] == "\n\n".join(d["text"] for n, d in events if n == "answer")
    assert final["citations"] == events[-2][1]["citations"] and final["message_id"]
    _error(client.post("/v1/chat/stream", json={"session_id": "x", "message": "hi"}), 404,
           "not_found")  # fmt: skip


def test_openapi_documents_the_event_stream(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    content = spec["paths"]["/v1/chat/stream"]["post"]["responses"]["200"]["content"]
    assert "text/event-stream" in content
    assert client.get("/docs").status_code == 200


def test_feedback_one_rating_per_message(client: TestClient, api_db: Path) -> None:
    sid = new_session(client)
    mid = client.post("/v1/chat", json={"session_id": sid, "message": "fever during chemo"}).json()[
        "message_id"
    ]
    first = client.post("/v1/feedback", json={"message_id": mid, "rating": "up"})
    assert first.status_code == 200 and first.json()["rating"] == "up"
    down = {"message_id": mid, "rating": "down", "reason": "unclear", "comment": "too long"}
    second = client.post("/v1/feedback", json=down)
    assert second.json()["rating"] == "down"
    with SqliteConversationStore(api_db) as store:
        assert store.counts().feedback == 1
        feedback = store.get_feedback(mid)
        assert feedback is not None and feedback.rating == "down"
    _error(client.post("/v1/feedback", json={"message_id": "nope", "rating": "up"}), 404,
           "not_found")  # fmt: skip
    _error(client.post("/v1/feedback", json={"message_id": mid, "rating": "meh"}), 422,
           "invalid_request")  # fmt: skip


def test_search_returns_the_search_json(client: TestClient) -> None:
    response = client.get("/v1/search", params={"q": "hair loss", "k": 3})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "hair loss" and 1 <= len(data["results"]) <= 3
    assert set(data["results"][0]) == {"rank", "doc_id", "url", "title", "heading", "score",
                                       "audience", "source_type", "snippet"}  # fmt: skip
    _error(client.get("/v1/search"), 422, "invalid_request")
    _error(client.get("/v1/search", params={"q": "x", "k": 0}), 422, "invalid_request")


def test_health_reports_the_index(client: TestClient) -> None:
    data = client.get("/v1/health").json()
    assert data["status"] == "ok" and data["database"] == "reachable"
    assert data["documents"] == 12 and data["chunks"] > 12 and data["embedder"] == "none"
    assert len(data["kb_fingerprint"]) == 16 and data["version"]


def test_dead_database_gives_503_json_not_a_trace(client: TestClient) -> None:
    sid = new_session(client)
    service = client.app.state.holder.get()  # type: ignore[attr-defined]
    service.assistant.store.close()
    service.conversations.close()
    health = client.get("/v1/health")
    assert health.status_code == 503 and health.json()["database"] == "unreachable"
    chat = client.post("/v1/chat", json={"session_id": sid, "message": "fever"})
    err = _error(chat, 503, "database_unavailable")
    assert "Traceback" not in chat.text and "sqlite" not in str(err["message"]).lower()


def test_missing_database_gives_503_at_health(tmp_path: Path) -> None:
    with TestClient(create_app(api_settings(tmp_path / "absent.db"))) as c:
        assert c.get("/v1/health").status_code == 503
        _error(c.post("/v1/sessions", json={"consent": True}), 503, "database_unavailable")
    assert not (tmp_path / "absent.db").exists()


def test_rate_limits_per_client_and_per_session(api_db: Path) -> None:
    settings = api_settings(api_db, rate_limit_client="6/minute", rate_limit_session="2/minute")
    with TestClient(create_app(settings)) as c:
        sid = new_session(c)
        for _ in range(2):
            assert (
                c.post("/v1/chat", json={"session_id": sid, "message": "fever"}).status_code == 200
            )
        limited = c.post("/v1/chat", json={"session_id": sid, "message": "fever"})
        _error(limited, 429, "rate_limited")
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        other = new_session(c)  # a new session has its own budget, the client's is shared
        assert c.post("/v1/chat", json={"session_id": other, "message": "fever"}).status_code == 200
        blocked = c.get("/v1/search", params={"q": "fever"})
        _error(blocked, 429, "rate_limited")
        assert c.get("/v1/health").status_code == 200  # health is never rate limited


def test_oversized_body_is_413(client: TestClient) -> None:
    response = client.post("/v1/chat", content=b"{" + b" " * 20000 + b"}",
                           headers={"content-type": "application/json"})  # fmt: skip
    _error(response, 413, "body_too_large")


def test_contacts_are_redacted_in_stored_messages_by_default(
    client: TestClient, api_db: Path
) -> None:
    sid = new_session(client)
    text = "I have a fever, email me at jo.smith@example.com or call (212) 555-0100"
    reply = client.post("/v1/chat", json={"session_id": sid, "message": text})
    assert reply.status_code == 200
    with SqliteConversationStore(api_db) as store:
        (stored,) = store.find_messages(MessageQuery(session_id=sid))
    with SqliteConversationStore(api_db) as store:
        session = store.get_session(sid)
    assert session is not None
    assert reply.json()["question"] == text  # the reply echoes what was typed
    for raw in (stored.question, stored.answer_json, session.state):
        assert "jo.smith@example.com" not in raw and "555-0100" not in raw
    assert "[email removed]" in stored.question and "[phone removed]" in stored.question


def test_redaction_can_be_turned_off(api_db: Path) -> None:
    with TestClient(create_app(api_settings(api_db, redact_contacts=False))) as c:
        sid = new_session(c)
        c.post("/v1/chat", json={"session_id": sid, "message": "fever, mail jo@example.com"})
    with SqliteConversationStore(api_db) as store:
        (stored,) = store.find_messages(MessageQuery(session_id=sid))
    assert "jo@example.com" in stored.question


def test_message_text_is_not_logged_by_default(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    sid = new_session(client)
    with caplog.at_level("INFO", logger="oncoguide.api"):
        client.post("/v1/chat", json={"session_id": sid, "message": "zebrafish fever question"})
        client.get("/v1/search", params={"q": "zebrafish fever question"})
    assert caplog.records and "zebrafish" not in caplog.text


def test_data_survives_a_restart(api_db: Path) -> None:
    with TestClient(create_app(api_settings(api_db))) as c:
        sid = new_session(c)
        mid = c.post("/v1/chat", json={"session_id": sid, "message": "hair loss"}).json()[
            "message_id"
        ]
    with TestClient(create_app(api_settings(api_db))) as c:
        assert c.get(f"/v1/sessions/{sid}").json()["turns"] == 1
        assert c.post("/v1/feedback", json={"message_id": mid, "rating": "up"}).status_code == 200


def test_unknown_route_is_json_404(client: TestClient) -> None:
    _error(client.get("/v1/nothing"), 404, "not_found")


def test_follow_up_is_answered_from_the_last_topic(client: TestClient) -> None:
    sid = new_session(client)
    first = client.post(
        "/v1/chat", json={"session_id": sid, "message": "why does chemotherapy cause hair loss?"}
    ).json()
    assert any("hair-loss" in c["url"] for c in first["citations"])
    follow = client.post(
        "/v1/chat", json={"session_id": sid, "message": "will it grow back?"}
    ).json()
    assert "hair" in follow["resolved_question"] and follow["question"] == "will it grow back?"
    assert any("hair-loss" in c["url"] for c in follow["citations"])


def test_clarifying_question_once_then_answer(client: TestClient) -> None:
    sid = new_session(client)
    ask = client.post(
        "/v1/chat", json={"session_id": sid, "message": "what's the treatment?"}
    ).json()
    assert ask["suggested_replies"] and ask["message_id"] and not ask["citations"]
    again = client.post(
        "/v1/chat", json={"session_id": sid, "message": "what's the treatment?"}
    ).json()
    assert again["suggested_replies"] == []


def test_no_clarifying_question_before_an_emergency(client: TestClient) -> None:
    sid = new_session(client)
    text = "what's the treatment? I can't breathe and my chest hurts"
    reply = client.post("/v1/chat", json={"session_id": sid, "message": text}).json()
    assert reply["suggested_replies"] == [] and reply["safety"]["category"] == "emergency"
