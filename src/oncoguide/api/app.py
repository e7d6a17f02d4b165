"""`create_app(settings)`: the FastAPI app. Routes are thin: parse, call `ChatService`, map errors.

OpenAPI is at /openapi.json and the docs at /docs. Message text is never logged unless the
`log_message_text` setting is on (the access log line has the path only, never the query string).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from oncoguide import __version__
from oncoguide.api.errors import ERROR_RESPONSES, error_response, install_error_handlers
from oncoguide.api.limiting import RateLimits
from oncoguide.api.runtime import ServiceHolder
from oncoguide.api.schemas import (
    MAX_MESSAGE_CHARS,
    ChatIn,
    FeedbackIn,
    FeedbackOut,
    SessionIn,
    SessionOut,
    SessionView,
)
from oncoguide.api.turns import TurnLimiter, default_turn_limit
from oncoguide.chat.service import ChatService, NewSession, stream_events
from oncoguide.config import Settings
from oncoguide.errors import StoreError

__all__ = ["EventStreamResponse", "Svc", "app_from_environment", "create_app", "current_service"]

log = logging.getLogger("oncoguide.api")


class EventStreamResponse(StreamingResponse):
    media_type = "text/event-stream"


def current_service(request: Request) -> ChatService:
    """The process's chat service (a FastAPI dependency); StoreError -> 503 while it is down."""
    holder: ServiceHolder = request.app.state.holder
    return holder.get()


Svc = Annotated[ChatService, Depends(current_service)]


def _sse(events: Iterator[tuple[str, dict[str, Any]]]) -> Iterator[str]:
    for name, data in events:
        yield f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def create_app(settings: Settings, *, service: ChatService | None = None) -> FastAPI:
    """The API over the index at `settings.db` (or over `service`, already open)."""
    holder = ServiceHolder(settings, service)
    limits = RateLimits(settings.rate_limit_client, settings.rate_limit_session)
    # Turns and searches run in worker threads, at most this many at once, the rest queued FIFO.
    turns = TurnLimiter(default_turn_limit(settings.turn_concurrency))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:  # open and warm before serving; a database that is down is retried per request
            await asyncio.to_thread(holder.get)
        except StoreError as exc:
            log.error("database unavailable at start-up: %s", exc)
        yield
        holder.close()

    app = FastAPI(
        title="oncoguide", version=__version__, lifespan=lifespan,
        description="Cancer information answered only from a vetted knowledge base, cited.",
    )  # fmt: skip
    app.state.holder = holder
    app.state.turns = turns
    app.state.settings = settings
    install_error_handlers(app)
    _install_middleware(app, settings)

    def client_limit(request: Request) -> None:
        limits.hit_client(request.client.host if request.client else "unknown")

    limited = [Depends(client_limit)]

    @app.post("/v1/sessions", response_model=SessionOut, status_code=201,
              dependencies=limited, responses=ERROR_RESPONSES)  # fmt: skip
    def create_session(body: SessionIn, service: Svc) -> dict[str, str]:
        """Start a session. Chat is refused (403) while consent is false, if the settings say so."""
        if body.cancer_type is not None and body.cancer_type not in service.cancer_types():
            return _unknown_cancer_type(body.cancer_type, service)  # type: ignore[return-value]
        new = NewSession(body.channel, body.locale, body.region, body.audience,
                         body.cancer_type, body.consent)  # fmt: skip
        session = service.create_session(new)
        return {"session_id": session.session_id, "created_at": session.created_at.isoformat()}

    @app.get("/v1/sessions/{session_id}", response_model=SessionView, dependencies=limited,
             responses=ERROR_RESPONSES)  # fmt: skip
    def get_session(session_id: str, service: Svc) -> dict[str, Any]:
        """The session's settings and its number of turns (nothing from other sessions)."""
        return service.session(session_id).to_dict()

    @app.post("/v1/chat", dependencies=limited, responses=ERROR_RESPONSES)
    async def chat(body: ChatIn, service: Svc) -> dict[str, Any]:
        """One turn: the `ask --json` object plus `message_id` (and `suggested_replies`)."""
        limits.hit_session(body.session_id)
        reply = await turns.run(service.chat, body.session_id, body.message)
        _log_turn(settings, body, reply.data)
        return reply.data

    @app.post("/v1/chat/stream", response_class=EventStreamResponse, dependencies=limited,
              responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}},
                               "description": "Server-sent events: safety, answer (pieces),"
                               " citations, final (the whole /v1/chat object)"},
                         **ERROR_RESPONSES})  # fmt: skip
    async def chat_stream(body: ChatIn, service: Svc) -> EventStreamResponse:
        """The same turn as /v1/chat, as server-sent events."""
        limits.hit_session(body.session_id)
        reply = await turns.run(service.chat, body.session_id, body.message)
        _log_turn(settings, body, reply.data)
        return EventStreamResponse(_sse(stream_events(reply)))

    @app.post("/v1/feedback", response_model=FeedbackOut, dependencies=limited,
              responses=ERROR_RESPONSES)  # fmt: skip
    def feedback(body: FeedbackIn, service: Svc) -> dict[str, Any]:
        """Rate an answer up or down; a second rating of the same message replaces the first."""
        record = service.feedback(body.message_id, body.rating, body.reason, body.comment)
        return {"message_id": record.message_id, "rating": record.rating,
                "reason": record.reason, "comment": record.comment,
                "created_at": record.created_at.isoformat()}  # fmt: skip

    @app.get("/v1/search", dependencies=limited, responses=ERROR_RESPONSES)
    async def search(
        service: Svc,
        q: Annotated[str, Query(min_length=1, max_length=MAX_MESSAGE_CHARS)],
        k: Annotated[int, Query(ge=1, le=50)] = 10,
        audience: Annotated[str | None, Query(pattern="^(patient|caregiver|technical)$")] = None,
        cancer_type: Annotated[str | None, Query(max_length=80)] = None,
    ) -> dict[str, Any]:
        """Hybrid search: the `search --json` object."""
        if not q.strip():
            return error_response(422, "invalid_request", "q must contain text")  # type: ignore[return-value]
        query = functools.partial(service.search, k=k, audience=audience, cancer_type=cancer_type)
        return await turns.run(query, q)

    @app.get("/v1/health", responses={503: {"description": "Database unavailable"}})
    def health() -> JSONResponse:
        """Database reachable, documents and chunks indexed, embedder, KB fingerprint, version."""
        try:
            return JSONResponse(holder.get().health())
        except StoreError as exc:
            log.error("health check failed: %s", exc)
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable", "version": __version__},
                status_code=503,
            )

    from oncoguide.api.admin import install_admin_routes

    install_admin_routes(app, settings)
    from oncoguide.api.admin_pages import install_admin_pages
    from oncoguide.api.pages import install_pages

    install_admin_pages(app, settings, limited)
    install_pages(app)
    return app


def _unknown_cancer_type(value: str, service: ChatService) -> JSONResponse:
    known = sorted(service.cancer_types())
    return error_response(422, "invalid_request", f"unknown cancer_type {value!r}",
                          [{"loc": ["body", "cancer_type"], "allowed": known}])  # fmt: skip


def _log_turn(settings: Settings, body: ChatIn, data: dict[str, Any]) -> None:
    extra = f" text={body.message!r}" if settings.log_message_text else ""
    log.info(
        "turn session=%s message=%s safety=%s abstained=%s%s", body.session_id,
        data.get("message_id"), data["safety"]["category"], data["abstained"], extra,
    )  # fmt: skip


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    limit = settings.max_body_bytes

    @app.middleware("http")
    async def bound_and_log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        start = time.perf_counter()
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return error_response(413, "body_too_large", f"request body over {limit} bytes")
        if length is None and request.method in ("POST", "PUT", "PATCH"):
            body = await request.body()  # chunked upload: read it once, bounded
            if len(body) > limit:
                return error_response(413, "body_too_large", f"request body over {limit} bytes")
        response = await call_next(request)
        log.info("%s %s %s %.1f ms", request.method, request.url.path, response.status_code,
                 (time.perf_counter() - start) * 1000)  # fmt: skip
        return response


def app_from_environment() -> FastAPI:
    """The uvicorn factory for `oncoguide serve` (each worker reads the ONCOGUIDE_* settings)."""
    from oncoguide.api.server import configure_process
    from oncoguide.config import load_settings

    settings = load_settings()
    configure_process(settings)
    return create_app(settings)
