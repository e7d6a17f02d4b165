"""Cleaning: one test per defect class found in the real KB, plus pathological input."""

from __future__ import annotations

import pytest

from oncoguide.kb.clean import body_text_length, clean_body, is_js_stub
from oncoguide.types import GlossaryTerm

pytestmark = pytest.mark.unit
NCI = "https://www.cancer.gov/types/leukemia/patient/adult-all-treatment-pdq"


def test_placeholder_lines_are_removed_and_counted() -> None:
    out = clean_body("Intro text.\n\nPlaceholder slot\n\nMore text.\n  Placeholder slot  \n", NCI)
    assert "Placeholder" not in out.body
    assert out.counts["placeholder_removed"] == 2


def test_relative_links_resolve_on_the_documents_origin() -> None:
    out = clean_body("See [ALL treatment](/types/leukemia/hp/adult-all-treatment-pdq).", NCI)
    assert (
        "[ALL treatment](https://www.cancer.gov/types/leukemia/hp/adult-all-treatment-pdq)"
        in out.body
    )
    assert out.counts["relative_links_resolved"] == 1


def test_other_origins_are_used_for_other_documents() -> None:
    out = clean_body("See [x](/a/b).", "https://example.org/page")
    assert "[x](https://example.org/a/b)" in out.body


def test_absolute_links_keep_their_text_and_drop_the_title() -> None:
    out = clean_body('Use [search](https://www.cancer.gov/s "https://www.cancer.gov/s") now.', NCI)
    assert out.body.strip() == "Use [search](https://www.cancer.gov/s) now."


def test_glossary_links_become_plain_text_and_are_recorded() -> None:
    body = (
        "The [bone marrow](/Common/PopUps/popDefinition.aspx?id=45622&version=patient"
        "&language=English&dictionary=Cancer.gov) makes **[blood](/Common/PopUps/"
        "popDefinition.aspx?id=270735&version=Patient&language=English)** cells."
    )
    out = clean_body(body, NCI)
    assert out.body.strip() == "The bone marrow makes **blood** cells."
    assert out.glossary_terms == (
        GlossaryTerm("bone marrow", "45622"),
        GlossaryTerm("blood", "270735"),
    )
    assert out.counts["glossary_links"] == 2


def test_navigation_boilerplate_is_dropped() -> None:
    body = (
        "[Go to Health Professional Version](/types/leukemia/hp/adult-all-treatment-pdq)\n\n"
        "Español\n\nPrint\n\nShare\n\nReal content stays.\n"
    )
    out = clean_body(body, NCI)
    assert out.body == "Real content stays.\n"
    assert out.counts["nav_boilerplate_removed"] == 4


def test_images_and_enlarge_links_are_dropped_caption_kept() -> None:
    body = (
        "[Enlarge](https://nci-media.cancer.gov/a.jpg)![Anatomy; drawing (with parts).]"
        '(https://nci-media.cancer.gov/a-750.jpg "Anatomy; drawing (with parts).")\n\n'
        "Anatomy of the bone. The bone has marrow.\n"
    )
    out = clean_body(body, NCI)
    assert out.body == "Anatomy of the bone. The bone has marrow.\n"
    assert out.counts["images_removed"] == 2


def test_citation_markers_are_removed() -> None:
    body = "It is common.[[1](#cit/section_1.1),[2](#cit/section_1.2)] It is rare ([3](#r3)).\n"
    assert clean_body(body, NCI).body == "It is common. It is rare.\n"


def test_soft_wrapped_lines_are_joined_inside_paragraphs_and_list_items() -> None:
    body = (
        "- Acute lymphoblastic leukemia is a type of cancer in which\nthe bone\n"
        "marrow makes too many lymphocytes.\n- Second item.\n\n## Heading\n\n"
        "A paragraph that is\nwrapped.\n"
    )
    out = clean_body(body, NCI).body
    assert (
        "- Acute lymphoblastic leukemia is a type of cancer in which the bone marrow makes "
        "too many lymphocytes.\n- Second item."
    ) in out
    assert "## Heading\n\nA paragraph that is wrapped." in out


def test_short_title_case_lines_stay_separate() -> None:
    out = clean_body("US Brand Name(s)\n\nAcapodene\nFareston\n", NCI).body
    assert "Acapodene\nFareston" in out


def test_link_text_wrapped_over_two_lines_is_still_a_link() -> None:
    body = "to the brain and [spinal\ncord](/Common/PopUps/popDefinition.aspx?id=340937), here.\n"
    out = clean_body(body, NCI)
    assert out.body == "to the brain and spinal cord, here.\n"


def test_leading_h1s_are_taken_out_and_later_h1s_become_sections() -> None:
    body = "# Title - NCI\n\n# Title (PDQ®)–Patient Version\n\nText.\n\n# Deaths\n\nMore.\n"
    out = clean_body(body, NCI)
    assert out.h1s == ("Title - NCI", "Title (PDQ®)–Patient Version")
    assert out.body == "Text.\n\n## Deaths\n\nMore.\n"


def test_js_stub_and_text_length() -> None:
    assert is_js_stub("# Facebook\n\nYou need to enable JavaScript to run this app.\n")
    assert not is_js_stub("Real text.")
    assert body_text_length("## Heading\n\n[abc](https://x.org/long/url)\n") == 3


def test_cleaning_a_1_5_mb_page_with_unclosed_brackets_finishes() -> None:
    """Pathological input (unclosed brackets) must not backtrack; its time is printed by
    benchmarks/kb_audit.py, not asserted here (no unit test is timed)."""
    para = (
        "The [bone marrow](/Common/PopUps/popDefinition.aspx?id=45622) makes\nblood cells "
        "[[1](#r1)] and [more](/types/x). [unclosed bracket ( (( \n\n"
    )
    body = "## Section\n\n" + para * (1_500_000 // len(para))
    out = clean_body(body, NCI)
    assert out.counts["glossary_links"] > 10_000


def test_card_links_spanning_paragraphs_become_plain_text() -> None:
    body = (
        "[![Concept image.](/sites/g/files/a.png?h=1)](/news/x)\n\n[![Art.](/sites/b.png)\n\n"
        "Patients Discuss Genomic Data\n\nWorkshop participants discussed privacy.](/news/y)\n"
    )
    out = clean_body(body, NCI)
    assert out.body == "Patients Discuss Genomic Data\n\nWorkshop participants discussed privacy.\n"
    assert out.counts["card_links_flattened"] == 1


def test_empty_heading_takes_the_short_line_after_it() -> None:
    body = (
        "Intro text here.\n\n##\n\nWhat is the study?\n\nThe study looks at diet.\n\n##\n\n"
        + ("A long paragraph that is plainly body text and not a heading at all, " * 3)
        + "\n"
    )
    cleaned = clean_body(body, "https://www.cancer.gov/x")
    assert "## What is the study?" in cleaned.body
    assert "\n##\n" not in cleaned.body and not cleaned.body.rstrip().endswith("##")
    assert "A long paragraph" in cleaned.body  # never promoted to a heading, never lost
    assert cleaned.counts["empty_headings_repaired"] == 1
    assert cleaned.counts["empty_headings_dropped"] == 1
