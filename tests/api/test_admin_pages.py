"""The admin dashboard's sign-in, cookie and CSRF rules, and its pages, over the ASGI app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oncoguide.api import create_app
from oncoguide.api.admin import hash_password
from oncoguide.api.admin_pages import SESSION_COOKIE, SessionSigner

from .conftest import api_settings, new_session

PASSWORD = "s3cret-enough"


@pytest.fixture(scope="module")
def admin_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def admin(api_db: Path, admin_hash: str) -> Iterator[TestClient]:
    settings = api_settings(api_db, admin_users={"ana": admin_hash})
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def sign_in(c: TestClient, password: str = PASSWORD) -> object:
    form = c.get("/admin/login")
    assert form.status_code == 200
    return c.post("/admin/login", data={"csrf": _csrf(form.text), "username": "ana",
                                        "password": password})  # fmt: skip


def test_pages_redirect_to_sign_in_and_the_cookie_is_httponly_strict(admin: TestClient) -> None:
    for path in ("/admin", "/admin/flagged", "/admin/kb", "/admin/export.csv"):
        response = admin.get(path)
        assert (response.status_code, response.headers["location"]) == (303, "/admin/login")
    response = sign_in(admin)
    assert response.status_code == 303  # type: ignore[attr-defined]
    cookie = next(h for h in response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
                  if h.startswith(SESSION_COOKIE + "="))  # fmt: skip
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/admin" in cookie
    page = admin.get("/admin")
    assert page.status_code == 200 and "<svg" in page.text and "Signed in as ana" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_wrong_password_and_missing_csrf_are_refused(admin: TestClient) -> None:
    assert sign_in(admin, "wrong").status_code == 401  # type: ignore[attr-defined]
    assert admin.get("/admin").status_code == 303
    admin.get("/admin/login")
    forged = admin.post("/admin/login", data={"csrf": "guess", "username": "ana",
                                              "password": PASSWORD})  # fmt: skip
    assert forged.status_code == 400 and SESSION_COOKIE not in forged.cookies


def test_sign_out_needs_the_sessions_token(admin: TestClient) -> None:
    sign_in(admin)
    assert admin.post("/admin/logout", data={"csrf": "nope"}).status_code == 403
    assert admin.get("/admin").status_code == 200
    token = _csrf(admin.get("/admin").text)
    assert admin.post("/admin/logout", data={"csrf": token}).status_code == 303
    admin.cookies.clear()
    assert admin.get("/admin").status_code == 303


def test_flagged_kb_and_csv_show_stored_turns(admin: TestClient) -> None:
    sid = new_session(admin)
    turn = admin.post("/v1/chat", json={"session_id": sid,
                                        "message": "What are the side effects of chemotherapy?"})
    mid = turn.json()["message_id"]
    admin.post("/v1/chat", json={"session_id": sid, "message": "I want to end my life"})
    admin.post("/v1/feedback", json={"message_id": mid, "rating": "down"})
    sign_in(admin)
    flagged = admin.get("/admin/flagged").text
    assert "What are the side effects of chemotherapy?" in flagged and "Rated down" in flagged
    assert "Safety event: self_harm" in flagged and "Chemotherapy Side Effects" in flagged
    only_safety = admin.get("/admin/flagged?kind=safety").text
    assert "end my life" in only_safety and "side effects of chemotherapy" not in only_safety
    whole = admin.get(f"/admin/conversations/{sid}").text
    assert "1. What are the side effects of chemotherapy?" in whole
    assert "2. I want to end my life" in whole and "Rated down" in whole
    assert admin.get("/admin/conversations/nope").status_code == 404
    assert "Knowledge base audit" in admin.get("/admin/kb").text
    csv = admin.get("/admin/export.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("created_at,session_id,message_id")
    assert len(csv.text.splitlines()) == 3


def test_no_admin_configured_means_no_admin_pages(client: TestClient) -> None:
    assert client.get("/admin", follow_redirects=False).status_code == 404
    assert client.get("/admin/login").status_code == 404


def test_signer_rejects_tampered_foreign_and_expired_tokens() -> None:
    now = [1000.0]
    signer = SessionSigner("key", clock=lambda: now[0])
    token = signer.dumps("ana")
    assert signer.loads(token)["u"] == "ana"  # type: ignore[index]
    body, mac = token.split(".")
    assert signer.loads(body + "." + "0" * len(mac)) is None
    assert SessionSigner("other key").loads(token) is None
    assert signer.loads("garbage") is None and signer.loads(None) is None
    now[0] += 9 * 3600
    assert signer.loads(token) is None


def test_sign_in_attempts_are_rate_limited_per_client(api_db: Path, admin_hash: str) -> None:
    settings = api_settings(api_db, admin_users={"ana": admin_hash},
                            rate_limit_client="3/minute")  # fmt: skip
    with TestClient(create_app(settings), follow_redirects=False) as c:
        codes = [c.post("/admin/login", data={"csrf": "x"}).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
