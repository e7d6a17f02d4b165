"""The per-process chat service, opened on first use so a server starts even while its database
is unreachable (health then answers 503 and says why, and the next request tries again)."""

from __future__ import annotations

import threading

from oncoguide.chat.service import ChatService, open_chat_service
from oncoguide.config import Settings

__all__ = ["ServiceHolder"]


class ServiceHolder:
    def __init__(self, settings: Settings, service: ChatService | None = None) -> None:
        self.settings = settings
        self._service = service
        self._lock = threading.Lock()

    def get(self) -> ChatService:
        """The open service; StoreError (-> 503) when the database cannot be opened."""
        with self._lock:
            if self._service is None:
                self._service = open_chat_service(self.settings)
            return self._service

    def close(self) -> None:
        with self._lock:
            if self._service is not None:
                self._service.close()
                self._service = None
