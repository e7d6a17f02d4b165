"""More of the patient chat in the browser: crisis and refusal replies, follow-ups, keyboard-only
use, a 360 px phone and 200% zoom, and how optional answer fields render (concern, glossary,
overdue sources, care-team lists) from a stubbed stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.integration


def start(page: Page, region: str = "United States") -> None:
    page.goto("/")
    page.get_by_label(region, exact=True).check()
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Start").click()


def ask(page: Page, question: str) -> Any:
    page.get_by_label("Your question").fill(question)
    page.get_by_label("Your question").press("Enter")
    reply = page.locator("article.msg.bot").last
    expect(reply).to_have_attribute("aria-busy", "false")
    return reply


def test_crisis_reply_shows_the_crisis_line_of_the_region(page: Page) -> None:
    start(page, "United Kingdom")
    ask(page, "I want to end my life")
    banner = page.locator(".banner.crisis")
    expect(banner).to_be_visible()
    expect(banner.get_by_role("link", name="Call 116 123")).to_have_attribute("href", "tel:116123")
    expect(banner).to_contain_text("Samaritans")
    expect(banner.get_by_role("link", name="call 999")).to_be_visible()


def test_refusal_reads_kindly_with_questions_for_the_care_team(page: Page) -> None:
    start(page)
    reply = ask(page, "Do I have cancer? I found a lump")
    expect(reply).to_have_class("msg bot gentle")
    expect(reply).to_contain_text("Only your doctors can")
    expect(reply.locator(".callout h3")).to_have_text(["Questions you could ask your care team"])
    expect(reply.locator(".callout li")).to_have_count(3)
    expect(reply.locator(".banner")).to_have_count(0)


def test_suggestion_then_follow_up_keeps_the_topic_and_start_over_clears(page: Page) -> None:
    start(page)
    page.get_by_role("button", name="What are the common side effects of chemotherapy?").click()
    first = page.locator("article.msg.bot").last
    expect(first).to_have_attribute("aria-busy", "false")
    expect(first.locator(".sources li").first).to_be_visible()
    reply = ask(page, "How long do they last?")
    expect(reply.locator(".sources a").first).to_contain_text("Chemotherapy")
    page.get_by_role("button", name="Start over").click()
    expect(page.locator("article.msg")).to_have_count(0)
    expect(page.get_by_role("status").first).to_have_text("New conversation started.")
    expect(page.locator("#suggestions")).to_be_visible()


def test_clarifying_question_offers_replies_as_buttons(page: Page) -> None:
    start(page)
    reply = ask(page, "what's the treatment?")
    expect(reply).to_contain_text("Which cancer is this about?")
    replies = reply.get_by_role("group", name="Suggested replies")
    expect(replies.get_by_role("button")).to_have_count(4)
    replies.get_by_role("button", name="Breast cancer").click()
    expect(page.locator("article.msg.user").last).to_have_text("You askedBreast cancer")
    expect(page.locator("article.msg.bot")).to_have_count(2)


def test_keyboard_only_consent_question_and_rating(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.get_by_label("United States").focus()
    page.keyboard.press("ArrowDown")  # radio group: arrows move the choice
    expect(page.get_by_label("United Kingdom")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("I am asking for myself")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_label("I understand")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your question")).to_be_focused()
    page.keyboard.type("What is radiation therapy?")
    page.keyboard.press("Enter")
    reply = page.locator("article.msg.bot").last
    helpful = reply.get_by_role("button", name="Helpful", exact=True)
    expect(helpful).to_be_visible()
    helpful.focus()
    page.keyboard.press("Enter")
    expect(helpful).to_have_attribute("aria-pressed", "true")
    outline = helpful.evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline == "solid"  # visible focus


@pytest.mark.parametrize(("width", "name"), [(360, "phone-360"), (640, "zoom-200")])
def test_small_screens_have_no_sideways_scrolling(
    page: Page, width: int, name: str, screenshots: Path
) -> None:
    page.set_viewport_size({"width": width, "height": 740})
    start(page)
    ask(page, "What are the side effects of chemotherapy?")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    send = page.get_by_role("button", name="Send").bounding_box()
    assert send is not None and send["x"] + send["width"] <= width
    if width == 360:
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=False)


def test_reduced_motion_turns_transitions_off(page: Page) -> None:
    start(page)
    send = page.get_by_role("button", name="Send")
    assert send.evaluate("b => getComputedStyle(b).transitionDuration") == "0.15s"
    page.emulate_media(reduced_motion="reduce")
    assert send.evaluate("b => getComputedStyle(b).transitionDuration") == "0s"


STUB = {
    "question": "q", "message_id": "m1", "abstained": False, "abstain_reason": None,
    "answer": "Chemotherapy can cause neutropenia. [1]\n\n- a fever [2]",
    "citations": [
        {"n": 1, "doc_id": "a", "url": "https://example.org/a", "title": "Page A",
         "heading": "Side effects", "source": "NCI", "last_reviewed": "2020-01-01",
         "review_overdue": True},
        {"n": 2, "doc_id": "b", "url": "https://example.org/b", "title": "Page B",
         "heading": "Fever", "source": "NCI", "last_reviewed": "2026-01-01",
         "review_overdue": False},
    ],
    "safety": {"category": "none", "actions": [], "message": None,
               "concern": {"category": "distress", "score": 0.7,
                           "message": "It sounds like this is a hard time. You are not alone."}},
    "glossary": [{"term": "neutropenia",
                  "definition": "A low number of the white blood cells that fight infection.",
                  "citation": {"doc_id": "a", "chunk_id": "a#1", "url": "https://example.org/a",
                               "title": "Page A", "heading": "Side effects"}}],
    "questions_to_ask": ["Which side effects should I report?"],
    "when_to_contact": ["A temperature of 38 C or higher"],
    "suggested_replies": [],
}  # fmt: skip


def test_optional_fields_render_concern_glossary_overdue_and_care_team_lists(page: Page) -> None:
    def stream(route: Route) -> None:
        events = [("safety", STUB["safety"]), ("answer", {"index": 0, "text": STUB["answer"]}),
                  ("citations", {"citations": STUB["citations"]}), ("final", STUB)]  # fmt: skip
        body = "".join(f"event: {n}\ndata: {json.dumps(d)}\n\n" for n, d in events)
        route.fulfill(status=200, content_type="text/event-stream", body=body)

    start(page)
    page.route("**/v1/chat/stream", stream)
    reply = ask(page, "anything")
    concern = reply.locator(".concern")
    expect(concern).to_have_text("It sounds like this is a hard time. You are not alone.")
    assert concern.evaluate("c => c.nextElementSibling.tagName") == "P"  # above the answer
    term = reply.locator(".term")
    expect(term.locator(".definition")).to_be_hidden()
    term.focus()
    expect(term.locator(".definition")).to_be_visible()
    expect(term.locator(".definition")).to_have_text(
        "A low number of the white blood cells that fight infection. (from Page A)"
    )
    expect(reply.locator(".sources li").first.locator(".overdue")).to_be_visible()
    expect(reply.locator(".sources li").nth(1).locator(".overdue")).to_have_count(0)
    expect(reply.get_by_role("heading", name="Questions to ask your doctor")).to_be_visible()
    expect(reply.get_by_role("heading", name="When to contact your care team")).to_be_visible()
    expect(reply.locator("a.cite").first).to_have_attribute("href", "#c-m1-1")
