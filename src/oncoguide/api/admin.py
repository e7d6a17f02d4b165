"""Admin routes: HTTP Basic against argon2 hashes in `Settings.admin_users`.

With no admin configured the routes are not added at all, so every /v1/admin path is 404.
A wrong name or password is 401 (a name that does not exist is checked against a dummy hash, so
both take the same time).
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Annotated, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query
from fastapi.responses import Response
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from oncoguide.api.app import Svc
from oncoguide.api.errors import ERROR_RESPONSES
from oncoguide.chat.operators import (
    conversation_detail,
    conversations_csv,
    kb_summary,
    message_row,
    metrics_between,
)
from oncoguide.config import Settings
from oncoguide.index.conversations import MessageQuery

__all__ = ["Verifier", "hash_password", "install_admin_routes"]

_basic = HTTPBasic(auto_error=False)


def hash_password(password: str) -> str:
    """The argon2id hash to put in ONCOGUIDE_ADMIN_USERS for `password`."""
    return PasswordHasher().hash(password)


class Verifier:
    def __init__(self, users: dict[str, str]) -> None:
        self._users = users
        self._hasher = PasswordHasher()
        self._dummy = self._hasher.hash(secrets.token_hex(16))

    def check(self, name: str, password: str) -> bool:
        """True for a configured admin's right password (an unknown name costs the same time)."""
        stored = self._users.get(name)
        try:
            self._hasher.verify(stored or self._dummy, password)
        except (VerificationError, InvalidHashError):
            return False
        return stored is not None

    def __call__(self, credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)]) -> str:
        if credentials is not None and self.check(credentials.username, credentials.password):
            return credentials.username
        raise HTTPException(
            401, "admin credentials required", headers={"WWW-Authenticate": "Basic"}
        )


def _query(
    since: date | None,
    until: date | None,
    safety_category: str | None,
    abstained: bool | None,
    rated_down: bool | None,
    limit: int = 200,
    offset: int = 0,
) -> MessageQuery:
    return MessageQuery(
        since=_start(since), until=_start(until), safety_category=safety_category,
        abstained=abstained, rated_down=rated_down, limit=limit, offset=offset,
    )  # fmt: skip


def _start(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)


Since = Annotated[date | None, Query(description="First day included (UTC), YYYY-MM-DD")]
Until = Annotated[date | None, Query(description="First day excluded (UTC), YYYY-MM-DD")]
Category = Annotated[str | None, Query(max_length=40, description="Safety category")]


def install_admin_routes(app: FastAPI, settings: Settings) -> None:
    """Add /v1/admin/* when `settings.admin_users` names at least one admin."""
    if not settings.admin_users:
        return
    router = APIRouter(
        prefix="/v1/admin",
        dependencies=[Depends(Verifier(dict(settings.admin_users)))],
        responses={401: {"description": "Admin credentials required"}, **ERROR_RESPONSES},
    )

    @router.get("/conversations")
    def list_conversations(
        service: Svc, since: Since = None, until: Until = None,
        safety_category: Category = None, abstained: bool | None = None,
        rated_down: bool | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:  # fmt: skip
        """Stored turns, oldest first, filtered by date range, safety category, abstention and
        down-rating."""
        query = _query(since, until, safety_category, abstained, rated_down, limit, offset)
        rows = service.conversations.find_messages(query)
        return {"count": len(rows), "turns": [message_row(m) for m in rows]}

    csv_doc: dict[int | str, dict[str, Any]] = {
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
    }

    @router.get("/conversations.csv", response_class=Response, responses=csv_doc)
    def export_conversations(
        service: Svc, since: Since = None, until: Until = None,
        safety_category: Category = None, abstained: bool | None = None,
        rated_down: bool | None = None,
    ) -> Response:  # fmt: skip
        """CSV export of the stored turns (same filters as the list, no row limit)."""
        query = _query(since, until, safety_category, abstained, rated_down, 1_000_000)
        body = conversations_csv(service.conversations.find_messages(query))
        headers = {"Content-Disposition": 'attachment; filename="conversations.csv"'}
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)

    @router.get("/conversations/{session_id}")
    def get_conversation(session_id: str, service: Svc) -> dict[str, Any]:
        """One session with every turn and the whole answer each turn returned."""
        return conversation_detail(service.conversations, session_id)

    @router.get("/metrics")
    def metrics(service: Svc, since: Since = None, until: Until = None) -> dict[str, Any]:
        """Turns per day, abstention by reason, safety events, feedback ratio, latency p50/p95,
        top unanswered questions."""
        return metrics_between(service.conversations, _start(since), _start(until))

    @router.get("/kb")
    def kb(service: Svc) -> dict[str, Any]:
        """The index's documents by audience/source/status, the last ingest, overdue pages."""
        return kb_summary(service.assistant.store, datetime.now(UTC).date())

    app.include_router(router)
