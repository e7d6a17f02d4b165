"""Errors become JSON bodies `{"error": {"status", "code", "message"}}`, never stack traces.

| raised | status | code |
|---|---|---|
| request validation | 422 | invalid_request |
| NotFoundError, unknown route | 404 | not_found |
| ConsentError | 403 | consent_required |
| QueryError | 422 | invalid_question |
| RateLimited | 429 (+ Retry-After) | rate_limited |
| body larger than the setting | 413 | body_too_large |
| StoreError | 503 | database_unavailable |
| anything else | 500 | internal_error (logged with its traceback, not sent) |
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from oncoguide.errors import ConsentError, NotFoundError, QueryError, StoreError

__all__ = ["ERROR_RESPONSES", "RateLimited", "error_response", "install_error_handlers"]

log = logging.getLogger("oncoguide.api")


class RateLimited(Exception):
    def __init__(self, scope: str, retry_after: int) -> None:
        super().__init__(f"too many requests for this {scope}: retry in {retry_after} s")
        self.retry_after = retry_after


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "Not found"},
    413: {"description": "Request body too large"},
    422: {"description": "Invalid request"},
    429: {"description": "Rate limited (see Retry-After)"},
    503: {"description": "Database unavailable"},
}


def _details(exc: RequestValidationError) -> list[Any]:
    out = []
    for err in exc.errors():
        # The rejected input may be the user's message: say where and why, not what.
        out.append({"loc": list(err.get("loc", ())), "msg": err.get("msg", ""),
                    "type": err.get("type", "")})  # fmt: skip
    encoded: list[Any] = jsonable_encoder(out)
    return encoded


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", "the request is not valid", _details(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}
        code = codes.get(exc.status_code, "http_error")
        headers = dict(exc.headers) if exc.headers else None
        return error_response(exc.status_code, code, str(exc.detail), headers=headers)

    @app.exception_handler(NotFoundError)
    async def _not_found(_: Request, exc: NotFoundError) -> JSONResponse:
        return error_response(404, "not_found", str(exc))

    @app.exception_handler(ConsentError)
    async def _consent(_: Request, exc: ConsentError) -> JSONResponse:
        return error_response(403, "consent_required", str(exc))

    @app.exception_handler(QueryError)
    async def _query(_: Request, exc: QueryError) -> JSONResponse:
        return error_response(422, "invalid_question", str(exc))

    @app.exception_handler(RateLimited)
    async def _limited(_: Request, exc: RateLimited) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)}
        return error_response(429, "rate_limited", str(exc), headers=headers)

    @app.exception_handler(StoreError)
    async def _store(_: Request, exc: StoreError) -> JSONResponse:
        log.error("database unavailable: %s", exc)
        return error_response(
            503, "database_unavailable", "the database is unavailable; try again shortly",
            headers={"Retry-After": "5"},
        )  # fmt: skip

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error; it has been logged")
