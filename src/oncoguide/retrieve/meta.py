"""What ingest mines from the KB is persisted as JSON objects in the store's meta table."""

from __future__ import annotations

import json
from typing import Any

from oncoguide.index.store import Store

__all__ = ["read_meta_json"]


def read_meta_json(store: Store, key: str) -> dict[str, Any] | None:
    """The JSON object stored under `key`, or None when missing or unreadable (then rebuild it)."""
    raw = store.get_meta(key)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None
