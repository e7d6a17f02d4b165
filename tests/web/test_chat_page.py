"""The patient chat in a real browser: consent, a streamed cited answer, feedback stored, safety."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.integration


def consent(
    page: Page, region: str = "United States", audience: str = "I am asking for myself"
) -> None:
    page.goto("/")
    page.get_by_label(region, exact=True).check()
    page.get_by_label(audience).check()
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_label("Your question")).to_be_focused()


def ask(page: Page, question: str) -> None:
    page.get_by_label("Your question").fill(question)
    page.get_by_role("button", name="Send").click()


def test_consent_question_cited_answer_and_feedback_stored(
    page: Page, web_db: Path, screenshots: Path
) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    expect(page.locator("#consent-emergency")).to_have_text("In an emergency, call 911 now.")
    page.get_by_label("United Kingdom").check()
    expect(page.locator("#consent-emergency")).to_have_text("In an emergency, call 999 now.")
    page.screenshot(path=str(screenshots / "consent.png"), full_page=True)
    page.get_by_role("button", name="Start").click()  # not ticked: a kind error, no session
    expect(page.get_by_role("alert")).to_contain_text("tick the box")

    page.get_by_label("I understand").check()
    page.get_by_label("I am asking for someone I care for").check()
    page.get_by_role("button", name="Start").click()
    ask(page, "What are the side effects of chemotherapy?")
    answer = page.locator("article.msg.bot").last
    expect(answer.locator(".sources li").first).to_be_visible()
    expect(answer.locator("a.cite").first).to_have_attribute("href", "#c-" + _mid(page) + "-1")
    first_source = answer.locator(".sources li").first
    expect(first_source).to_contain_text("last reviewed")
    expect(answer.get_by_role("heading", name="When to contact your care team")).to_be_visible()
    term = answer.locator(".term").first  # a glossary offer, defined by the KB's own sentence
    expect(term.locator(".definition")).to_be_hidden()
    term.hover()
    expect(term.locator(".definition")).to_be_visible()
    page.screenshot(path=str(screenshots / "chat-answer.png"), full_page=True)

    answer.get_by_role("button", name="Not helpful").click()
    expect(answer.get_by_role("status").last).to_have_text("Thank you, your rating was saved.")
    answer.get_by_label("What was wrong? (optional)").select_option("Hard to understand")
    answer.get_by_role("button", name="Send").click()
    expect(answer.get_by_role("status").last).to_have_text("Thank you for telling us more.")

    with sqlite3.connect(web_db) as db:
        rows = db.execute(
            "SELECT f.rating, f.reason, s.region, s.audience, s.consent FROM feedback f "
            "JOIN messages m ON m.message_id = f.message_id "
            "JOIN sessions s ON s.session_id = m.session_id WHERE f.message_id = ?",
            (_mid(page),),
        ).fetchall()
    assert rows == [("down", "Hard to understand", "UK", "caregiver", 1)]


def _mid(page: Page) -> str:
    href = page.locator("article.msg.bot .sources li").last.get_attribute("id") or ""
    return href.split("-")[1]


def test_emergency_shows_the_banner_with_the_regions_number_and_nothing_else(
    page: Page, screenshots: Path
) -> None:
    consent(page, region="India")
    ask(page, "I have crushing chest pain and can't breathe")
    banner = page.locator(".banner.emergency")
    expect(banner).to_be_visible()
    expect(banner.get_by_role("link", name="Call 112 now")).to_have_attribute("href", "tel:112")
    expect(banner).to_be_focused()
    reply = page.locator("article.msg.bot").last
    expect(reply.locator(".sources, .feedback, .callout")).to_have_count(0)
    expect(page.locator("#suggestions")).to_be_hidden()
    page.screenshot(path=str(screenshots / "emergency.png"), full_page=True)


def test_chat_and_consent_have_no_serious_accessibility_violations(page: Page, axe: Any) -> None:
    page.goto("/")
    assert axe(page) == []
    consent(page)
    ask(page, "What is radiation therapy?")
    expect(page.locator("article.msg.bot .feedback")).to_be_visible()
    assert axe(page) == []
