"""One way to compare page urls, for every stage that matches a url to a document."""

from __future__ import annotations

__all__ = ["normalize_url"]


def normalize_url(url: str) -> str:
    """Compare URLs without scheme case, `www.`, fragments, queries or a trailing slash."""
    u = url.strip().lower().split("#", 1)[0].split("?", 1)[0].rstrip("/")
    for prefix in ("https://", "http://"):
        if u.startswith(prefix):
            u = u[len(prefix) :]
    return u.removeprefix("www.")
