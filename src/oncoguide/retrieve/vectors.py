"""A per-process cache of query vectors: the same text always embeds to the same vector, so a
question asked again (by another user, or a follow-up repeating the last question) is not sent
through MiniLM twice. Bounded (least recently used out) and thread-safe: the API answers
requests on many threads. The vectors are made read-only, so no caller can change a shared one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import numpy.typing as npt

__all__ = ["QueryVectorCache"]

F32 = npt.NDArray[np.float32]


class QueryVectorCache:
    """text -> vector, at most `maxsize` entries (2,048 MiniLM vectors are 3 MB)."""

    def __init__(self, maxsize: int = 2048) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[str, F32] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> F32 | None:
        with self._lock:
            vector = self._items.get(text)
            if vector is not None:
                self._items.move_to_end(text)
            return vector

    def put(self, text: str, vector: F32) -> F32:
        """Store `vector` (made read-only) for `text`; return it."""
        if self.maxsize <= 0:
            return vector
        vector.setflags(write=False)
        with self._lock:
            self._items[text] = vector
            self._items.move_to_end(text)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return vector

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
