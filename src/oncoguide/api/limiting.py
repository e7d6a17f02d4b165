"""Rate limits per client address and per session (the `limits` library, moving windows).

Each process counts in its own memory: behind a load balancer with N processes a client gets up
to N times the limit. `RateLimited` carries the seconds until the window frees a slot.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from oncoguide.api.errors import RateLimited

__all__ = ["RateLimits"]


class RateLimits:
    def __init__(self, per_client: str, per_session: str) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._client = parse_many(per_client)
        self._session = parse_many(per_session)

    def hit_client(self, client: str) -> None:
        self._hit(self._client, "client", client)

    def hit_session(self, session_id: str) -> None:
        self._hit(self._session, "session", session_id)

    def _hit(self, items: list[RateLimitItem], scope: str, key: str) -> None:
        for item in items:
            if not self._limiter.hit(item, scope, key):
                stats = self._limiter.get_window_stats(item, scope, key)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                raise RateLimited(scope, wait)
