"""The per-process turn limit: concurrent chats never compute more than `turn_concurrency` turns
at once, the rest wait in arrival order, and every answer is the one a lone request gets."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from oncoguide.api import create_app
from oncoguide.api.turns import TurnLimiter, default_turn_limit
from oncoguide.chat.service import ChatService, NewSession, open_chat_service

from .conftest import api_settings

pytestmark = pytest.mark.unit

QUESTIONS = ("what helps with mouth sores during chemo?", "what helps with hair loss during chemo?",
             "what is lymphedema?")  # fmt: skip
# Keys that differ between two asks of one question by design (ids, clocks).
VOLATILE = {"message_id", "timings_ms"}


class InFlight:
    """Counts calls running at once (the highest count seen is `peak`)."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self._lock = threading.Lock()

    def wrap(self, func: Callable[..., Any], hold_s: float) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.now += 1
                self.peak = max(self.peak, self.now)
            try:
                time.sleep(hold_s)  # keep the slot long enough for the others to pile up
                return func(*args, **kwargs)
            finally:
                with self._lock:
                    self.now -= 1

        return counted


def _stable(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in VOLATILE}


async def _chat_all(app: Any, sessions: list[str], n: int) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        calls = [client.post("/v1/chat", json={"session_id": sessions[i],
                                               "message": QUESTIONS[i % len(QUESTIONS)]})
                 for i in range(n)]  # fmt: skip
        return list(await asyncio.gather(*calls))


@pytest.mark.parametrize("limit", [1, 3])
def test_concurrent_chats_never_exceed_the_turn_limit(api_db: Path, limit: int) -> None:
    settings = api_settings(api_db, turn_concurrency=limit)
    service: ChatService = open_chat_service(settings)
    alone = {q: _stable(service.chat(_session(service), q).data) for q in QUESTIONS}
    counter = InFlight()
    service.chat = counter.wrap(service.chat, hold_s=0.05)  # type: ignore[method-assign]
    app = create_app(settings, service=service)
    sessions = [_session(service) for _ in range(12)]
    responses = asyncio.run(_chat_all(app, sessions, 12))
    service.close()
    assert [r.status_code for r in responses] == [200] * 12
    assert counter.peak == limit  # the limit was reached (12 callers) and never passed
    for i, r in enumerate(responses):
        assert _stable(r.json()) == alone[QUESTIONS[i % len(QUESTIONS)]]


def _session(service: ChatService) -> str:
    new = NewSession("web", "en-US", "US", "patient", None, True)
    return service.create_session(new).session_id


def test_waiters_run_in_arrival_order() -> None:
    limiter = TurnLimiter(1)
    started: list[int] = []
    gate = threading.Event()

    def work(i: int) -> int:
        started.append(i)
        if i == 0:
            gate.wait(5)  # hold the only slot while the others queue up
        return i

    async def main() -> list[int]:
        first = asyncio.create_task(limiter.run(work, 0))
        while limiter.in_flight == 0:
            await asyncio.sleep(0.001)
        rest = []
        for i in range(1, 6):  # each starts waiting before the next is created
            rest.append(asyncio.create_task(limiter.run(work, i)))
            while limiter.waiting < i:
                await asyncio.sleep(0.001)
        gate.set()
        return list(await asyncio.gather(first, *rest))

    assert asyncio.run(main()) == [0, 1, 2, 3, 4, 5]
    assert started == [0, 1, 2, 3, 4, 5]


def test_default_limit_is_the_usable_cores() -> None:
    assert default_turn_limit(4) == 4
    assert 1 <= default_turn_limit(0) <= 1024
    with pytest.raises(ValueError, match="at least 1"):
        TurnLimiter(0)
