from __future__ import annotations

import pytest

from oncoguide.retrieve.brands import mine_brand_names
from oncoguide.testing.builders import make_chunk, make_document

pytestmark = pytest.mark.unit

TOREMIFENE = """# Toremifene Citrate

(tor-EH-mih-feen SIH-trayt)

Toremifene is a type of hormone therapy.

US Brand Name(s)

Acapodene
Fareston

FDA Approved

Yes

## Use in Cancer

Toremifene citrate is approved to treat breast cancer.
"""


def test_mines_brands_from_document_body_with_title_as_generic() -> None:
    doc = make_document("tor", title="Toremifene Citrate - NCI", body=TOREMIFENE)
    assert mine_brand_names([doc]) == {
        "acapodene": "Toremifene Citrate",
        "fareston": "Toremifene Citrate",
    }


def test_mines_brands_from_chunks_using_first_heading() -> None:
    doc = make_document("tor", title="Toremifene Citrate - NCI", body=TOREMIFENE)
    chunk = make_chunk(doc, 0, TOREMIFENE, heading_path=("Toremifene Citrate",))
    assert mine_brand_names([chunk])["fareston"] == "Toremifene Citrate"


def test_ignores_pages_without_block_and_prose_blocks() -> None:
    plain = make_document("a", title="Breast Cancer - NCI", body="No brands here. Fareston.")
    prose = make_document(
        "b",
        title="Odd - NCI",
        body="US Brand Name(s)\n\nA sentence, not a brand list, with commas.\n\nFDA Approved",
    )
    assert mine_brand_names([plain, prose]) == {}


def test_brand_claimed_by_two_generics_keeps_both() -> None:
    body = "US Brand Name(s)\n\nCarac\n\nFDA Approved\n"
    a = make_document("a", title="Fluorouracil Topical - NCI", body=body)
    b = make_document("b", title="Fluorouracil Cream - NCI", body=body)
    assert mine_brand_names([a, b]) == {"carac": "Fluorouracil Topical / Fluorouracil Cream"}
