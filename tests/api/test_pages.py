"""The chat page and static files over the ASGI app, and the admin charts' SVG."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from oncoguide.safety.regions import load_regions
from oncoguide.web.charts import bar_chart, column_chart


def test_chat_page_carries_each_choices_numbers_from_regions_yaml(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    data = r'<script type="application/json" id="regions-data">(.*?)</script>'
    found = re.search(data, page.text)
    assert found
    choices = {r["code"]: r for r in json.loads(found.group(1))}
    regions = load_regions()
    assert set(choices) == {"US", "UK", "IN", "XX"}
    for code in ("US", "UK", "IN"):
        assert choices[code]["emergency_number"] == regions[code].emergency_number
        assert choices[code]["crisis_line"] == regions[code].crisis_line
    assert choices["XX"]["emergency_number"] == regions["GENERIC"].emergency_number
    assert 'src="/static/chat.js"' in page.text and "<script>" not in page.text  # no inline JS


def test_static_files_are_served(client: TestClient) -> None:
    for name, kind in (("chat.js", "javascript"), ("chat.css", "text/css"), ("admin.css", "css")):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
    assert client.get("/static/../config.py").status_code == 404


def test_charts_escape_labels_and_state_their_numbers() -> None:
    svg = bar_chart([("<script>", 3.0), ("ok", 1.5)], title="Safety & more")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'role="img"' in svg
    assert "<title>Safety &amp; more: &lt;script&gt;: 3; ok: 1.5</title>" in svg
    assert svg.count("<rect") == 2
    cols = column_chart([("2026-01-01", 0.0), ("2026-01-02", 4.0)], title="Turns per day")
    assert cols.count("<rect") == 2 and "2026-01-01" in cols and "2026-01-02" in cols
    assert bar_chart([], title="Nothing") == '<p class="empty">Nothing: nothing yet.</p>'
