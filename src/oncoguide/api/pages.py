"""The patient chat page at `/` and its static files at `/static` (templates in `oncoguide.web`).

The page is one HTML document, vanilla JS and CSS: no build step, nothing from other hosts. It talks
to the JSON API (/v1/sessions, /v1/chat/stream, /v1/feedback) like any other client. The regions'
emergency and crisis numbers are rendered into the page from the same `regions.yaml` the safety
policy uses, so the consent screen and the banners can never show a different number.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from oncoguide import __version__
from oncoguide.safety.regions import FALLBACK_REGION, Region, load_regions
from oncoguide.web import STATIC_DIR, TEMPLATES_DIR

__all__ = ["CHOICES", "PAGE_HEADERS", "install_pages", "region_choices", "templates"]

# The consent screen's region choices: (session region code, label). "XX" (ISO's "unknown") maps
# to the GENERIC region, which names no number rather than guess one.
CHOICES = (("US", "United States"), ("UK", "United Kingdom"), ("IN", "India"), ("XX", "Other"))

PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def region_choices(regions: dict[str, Region]) -> list[dict[str, Any]]:
    """What the page needs per choice: numbers to call and the words around them."""
    out = []
    for code, label in CHOICES:
        region = regions.get(code, regions[FALLBACK_REGION])
        out.append({
            "code": code, "label": label,
            "emergency_number": region.emergency_number, "emergency_text": region.emergency_text,
            "crisis_line": region.crisis_line, "crisis_name": region.crisis_name,
            "crisis_text": region.crisis_text, "urgent_text": region.urgent_text,
        })  # fmt: skip
    return out


def install_pages(app: FastAPI) -> None:
    """Add `/` (the chat) and mount `/static`."""
    choices = region_choices(load_regions())
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def chat_page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(
            request, "chat.html", {"regions": choices, "version": __version__},
            headers=PAGE_HEADERS,
        )  # fmt: skip
