"""Brand -> generic drug names mined from the KB's own drug pages.

NCI drug pages list brands in a "US Brand Name(s)" block, one per line, ended by "FDA Approved":

    US Brand Name(s)

    Acapodene
    Fareston

    FDA Approved

The generic name is the page title without its " - NCI" suffix. Mining from the KB (rather than
a shipped list) keeps the map in step with the pages that can actually be cited.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from oncoguide.index.store import Store
from oncoguide.retrieve.meta import read_meta_json
from oncoguide.types import Chunk, Document

__all__ = ["BRAND_MAP_META_KEY", "load_brand_map", "mine_brand_names", "refresh_brand_map"]

BRAND_MAP_META_KEY = "brand_map"

_HEADER = re.compile(r"^\s*US Brand Name\(s\)\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*(FDA Approved|#)", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"\s+-\s+NCI\s*$")
# A brand line is a short name: letters, digits, spaces and a little punctuation.
_BRAND = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .'&+-]{1,39}$")
_MAX_BRANDS = 12  # a block longer than this is not a brand list


def mine_brand_names(items: Iterable[Document | Chunk]) -> dict[str, str]:
    """lower-cased brand -> generic name, from documents or chunks that hold a brand block.

    For a chunk the generic name comes from the first heading of its heading path.
    A brand that two pages claim with different generics maps to both, joined by " / ".
    """
    mined: dict[str, str] = {}
    for item in items:
        generic = _generic_name(item)
        text = item.body if isinstance(item, Document) else item.text
        if not generic or "US Brand Name" not in text:
            continue
        for brand in _brands_in(text):
            key = brand.lower()
            if key == generic.lower():
                continue
            old = mined.get(key)
            if old is None:
                mined[key] = generic
            elif generic.lower() not in old.lower():
                mined[key] = f"{old} / {generic}"
    return dict(sorted(mined.items()))


def _generic_name(item: Document | Chunk) -> str:
    if isinstance(item, Document):
        raw = item.title
    else:
        raw = item.heading_path[0] if item.heading_path else ""
    raw = raw.lstrip("# ").strip()
    return _TITLE_SUFFIX.sub("", raw).strip()


def _brands_in(text: str) -> list[str]:
    brands: list[str] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not _HEADER.match(line):
            continue
        block: list[str] = []
        for nxt in lines[i + 1 :]:
            if _END.match(nxt):
                break
            if nxt.strip():
                block.append(nxt.strip())
        if 0 < len(block) <= _MAX_BRANDS and all(_BRAND.match(b) for b in block):
            brands.extend(block)
    return brands


def refresh_brand_map(store: Store) -> int:
    """Mine the stored documents and persist the map in store meta; return the pair count.

    Call at the end of ingest: the map must follow the KB that was just indexed.
    """
    mapping = mine_brand_names(store.iter_documents())
    store.set_meta(BRAND_MAP_META_KEY, json.dumps(mapping, sort_keys=True))
    return len(mapping)


def load_brand_map(store: Store) -> dict[str, str] | None:
    """The persisted map, or None when ingest has not stored one (or it is unreadable)."""
    data = read_meta_json(store, BRAND_MAP_META_KEY)
    if data is None:
        return None
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}
