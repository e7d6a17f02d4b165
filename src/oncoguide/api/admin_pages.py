"""The admin dashboard at /admin: sign-in form, metrics with SVG charts, flagged turns, KB audit,
CSV export. Added only when `settings.admin_users` names an admin (otherwise /admin is 404).

Sign-in sets one cookie, `oncoguide_admin`: the admin's name, an expiry and a CSRF token, signed
with HMAC-SHA256 (key: `admin_session_secret`, or a random key per process). It is HttpOnly,
SameSite=Strict, limited to /admin, and Secure over HTTPS. The sign-in form itself is protected
by a double-submit token (a cookie and a hidden field that must match); sign-out needs the
session's token. Every other admin page is a GET that changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from oncoguide.api.admin import Verifier
from oncoguide.api.app import Svc
from oncoguide.api.pages import PAGE_HEADERS, templates
from oncoguide.chat.flagged import FLAG_KINDS, flagged_turns
from oncoguide.chat.operators import (
    conversation_detail,
    conversations_csv,
    kb_summary,
    metrics_between,
)
from oncoguide.config import Settings
from oncoguide.index.conversations import MessageQuery
from oncoguide.web.charts import bar_chart, column_chart

__all__ = ["SESSION_COOKIE", "SessionSigner", "install_admin_pages"]

SESSION_COOKIE = "oncoguide_admin"
_LOGIN_COOKIE = "oncoguide_admin_login"
_SESSION_SECONDS = 8 * 3600
_WINDOWS = (7, 30, 90)


class SessionSigner:
    """Signs and checks the admin cookie: base64url(JSON payload) "." hex HMAC-SHA256."""

    def __init__(self, secret: str | None, clock: Any = time.time) -> None:
        self._key = hashlib.sha256(secret.encode()).digest() if secret else secrets.token_bytes(32)
        self._clock = clock

    def _mac(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()

    def dumps(self, user: str) -> str:
        payload = {"u": user, "exp": int(self._clock()) + _SESSION_SECONDS,
                   "csrf": secrets.token_urlsafe(24)}  # fmt: skip
        body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
        return f"{body}.{self._mac(body)}"

    def loads(self, token: str | None) -> dict[str, Any] | None:
        """The payload of a genuine, unexpired token; None for anything else."""
        if not token or token.count(".") != 1:
            return None
        body, mac = token.split(".")
        if not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            payload = json.loads(base64.urlsafe_b64decode(body.encode()))
        except ValueError:
            return None
        if not isinstance(payload, dict) or int(payload.get("exp", 0)) < self._clock():
            return None
        return payload


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status,
                                      headers=PAGE_HEADERS)  # fmt: skip


def _cookie(response: Response, request: Request, name: str, value: str, age: int) -> None:
    response.set_cookie(name, value, max_age=age, path="/admin", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")  # fmt: skip


async def _form(request: Request) -> dict[str, str]:
    raw = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(raw, max_num_fields=10).items()}


def _metrics_context(service: Any, days: int) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    since = datetime(today.year, today.month, today.day, tzinfo=UTC) - timedelta(days=days - 1)
    m = metrics_between(service.conversations, since, None)
    fb, lat = m["feedback"], m["latency_ms"]
    per_day = [((since + timedelta(days=i)).date().isoformat(), 0.0) for i in range(days)]
    counts = m["turns_per_day"]
    charts = {
        "Turns per day": column_chart([(d, float(counts.get(d, 0))) for d, _ in per_day],
                                      title="Turns per day"),
        "Abstentions by reason": bar_chart(sorted(m["abstention"]["count_by_reason"].items()),
                                           title="Abstentions by reason"),
        "Safety events by category": bar_chart(sorted(m["safety_events"].items()),
                                               title="Safety events by category"),
        "Feedback": bar_chart([("helpful", fb["up"]), ("not helpful", fb["down"])],
                              title="Feedback"),
        "Latency (ms)": bar_chart([("p50", lat["p50"] or 0), ("p95", lat["p95"] or 0)],
                                  title="Latency in milliseconds"),
    }  # fmt: skip
    return {"m": m, "charts": charts, "days": days, "windows": _WINDOWS}


def install_admin_pages(app: FastAPI, settings: Settings, limited: Sequence[Any] = ()) -> None:
    """Add /admin, /admin/login, /admin/logout, /admin/flagged, /admin/conversations/{id},
    /admin/kb, /admin/export.csv;
    `limited` (the per-client rate limit) guards the sign-in form against password guessing."""
    if not settings.admin_users:
        return
    verifier = Verifier(dict(settings.admin_users))
    signer = SessionSigner(settings.admin_session_secret)

    def signed_in(request: Request) -> dict[str, Any] | None:
        return signer.loads(request.cookies.get(SESSION_COOKIE))

    def to_login() -> RedirectResponse:
        return RedirectResponse("/admin/login", status_code=303)

    def login_page(request: Request, error: str | None = None, status: int = 200) -> Response:
        token = secrets.token_urlsafe(24)
        response = _page(request, "admin_login.html", {"csrf": token, "error": error}, status)
        _cookie(response, request, _LOGIN_COOKIE, token, 1800)
        return response

    @app.get("/admin/login", include_in_schema=False)
    def login_form(request: Request) -> Response:
        if signed_in(request):
            return RedirectResponse("/admin", status_code=303)
        return login_page(request)

    @app.post("/admin/login", include_in_schema=False, dependencies=list(limited))
    async def login(request: Request) -> Response:
        form = await _form(request)
        expected = request.cookies.get(_LOGIN_COOKIE, "")
        if not expected or not hmac.compare_digest(expected, form.get("csrf", "")):
            return login_page(request, "Your sign-in form expired. Please try again.", 400)
        name, password = form.get("username", ""), form.get("password", "")
        if not await run_in_threadpool(verifier.check, name, password):
            return login_page(request, "That name and password do not match.", 401)
        response = RedirectResponse("/admin", status_code=303)
        _cookie(response, request, SESSION_COOKIE, signer.dumps(name), _SESSION_SECONDS)
        response.delete_cookie(_LOGIN_COOKIE, path="/admin")
        return response

    @app.post("/admin/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        session = signed_in(request)
        form = await _form(request)
        if session is None or not hmac.compare_digest(session["csrf"], form.get("csrf", "")):
            return Response("Sign-out needs the form from an admin page.", status_code=403)
        response = to_login()
        response.delete_cookie(SESSION_COOKIE, path="/admin")
        return response

    @app.get("/admin", include_in_schema=False)
    def dashboard(request: Request, service: Svc, days: int = 30) -> Response:
        session = signed_in(request)
        if session is None:
            return to_login()
        days = days if days in _WINDOWS else 30
        context = {"session": session, "active": "metrics", **_metrics_context(service, days)}
        return _page(request, "admin_metrics.html", context)

    @app.get("/admin/flagged", include_in_schema=False)
    def flagged(request: Request, service: Svc, kind: str | None = None) -> Response:
        session = signed_in(request)
        if session is None:
            return to_login()
        kind = kind if kind in FLAG_KINDS else None
        since = datetime.now(UTC) - timedelta(days=90)
        turns = flagged_turns(service.conversations, since=since, kind=kind)
        context = {"session": session, "active": "flagged", "turns": turns, "kind": kind,
                   "kinds": FLAG_KINDS}  # fmt: skip
        return _page(request, "admin_flagged.html", context)

    @app.get("/admin/conversations/{session_id}", include_in_schema=False)
    def conversation(request: Request, service: Svc, session_id: str) -> Response:
        session = signed_in(request)
        if session is None:
            return to_login()
        detail = conversation_detail(service.conversations, session_id)
        context = {"session": session, "active": "flagged", "c": detail}
        return _page(request, "admin_conversation.html", context)

    @app.get("/admin/kb", include_in_schema=False)
    def kb(request: Request, service: Svc) -> Response:
        session = signed_in(request)
        if session is None:
            return to_login()
        summary = kb_summary(service.assistant.store, datetime.now(UTC).date())
        return _page(request, "admin_kb.html", {"session": session, "active": "kb", "kb": summary})

    @app.get("/admin/export.csv", include_in_schema=False)
    def export(request: Request, service: Svc) -> Response:
        if signed_in(request) is None:
            return to_login()
        body = conversations_csv(service.conversations.find_messages(MessageQuery(limit=1_000_000)))
        headers = {"Content-Disposition": 'attachment; filename="conversations.csv"',
                   "Cache-Control": "no-store"}  # fmt: skip
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
