"""The admin dashboard in a real browser: sign-in required, metrics and charts, flagged, KB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from .conftest import ADMIN

pytestmark = pytest.mark.integration


def _seed(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as c:
        sid = c.post("/v1/sessions", json={"consent": True, "region": "US"}).json()["session_id"]
        for q in ("What is radiation therapy?", "How do I fix my car?", "I want to end my life"):
            reply = c.post("/v1/chat", json={"session_id": sid, "message": q}).json()
        c.post("/v1/feedback", json={"message_id": reply["message_id"], "rating": "down"})


def test_admin_sign_in_then_metrics_flagged_and_kb(
    page: Page, base_url: str, screenshots: Path, axe: Any
) -> None:
    _seed(base_url)
    page.goto("/admin")
    expect(page).to_have_url(base_url + "/admin/login")
    expect(page.get_by_role("heading", name="Admin sign-in")).to_be_visible()
    assert axe(page) == []
    page.get_by_label("Name").fill(ADMIN[0])
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That name and password do not match.")
    page.get_by_label("Name").fill(ADMIN[0])
    page.get_by_label("Password").fill(ADMIN[1])
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Metrics", exact=True)).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.locator(".tiles")).to_contain_text("Turns")
    assert int(page.locator(".tiles dd").first.inner_text()) >= 3
    page.screenshot(path=str(screenshots / "admin-metrics.png"), full_page=True)
    assert axe(page) == []

    page.get_by_role("link", name="Flagged").click()
    expect(page.locator(".flag").first).to_be_visible()
    expect(page.get_by_text("Safety event: self_harm").first).to_be_visible()
    assert axe(page) == []
    page.get_by_role("link", name="whole conversation").first.click()
    expect(page.get_by_role("heading", name="Conversation", exact=True)).to_be_visible()
    expect(page.locator("article.flag")).to_have_count(3)
    assert axe(page) == []
    page.get_by_role("link", name="Knowledge base").click()
    expect(page.get_by_role("heading", name="Knowledge base audit")).to_be_visible()
    assert axe(page) == []
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(base_url + "/admin/login")
