"""Small hand-written hits for the answer stage (passages paraphrased in our own words)."""

from __future__ import annotations

from datetime import date

import pytest

from oncoguide.types import Hit, Passage

NEUROPATHY_SYMPTOMS = """Some cancer drugs can harm the nerves in your hands and feet. \
This is called peripheral neuropathy.

**Harm to the nerves that sense touch and temperature can cause:**

- tingling or a [pins-and-needles](https://example.org/def/pins) feeling in your toes and fingers
- numbness that makes it hard to feel heat or cold
- burning pain in the feet

These include:

Tell your nurse about any new feelings in your hands or feet."""

NEUROPATHY_CARE = """### When to call your care team

Call your doctor or nurse right away if you cannot feel the floor under your feet or you fall.

### Questions to ask

Write down questions before your visit. Some questions to ask your doctor:

- Which of my medicines can cause nerve damage?
- How long will the tingling last?"""

NEUROPATHY_MANAGE = """\
Peripheral neuropathy from chemotherapy often gets better slowly after treatment ends.
Wearing shoes with soft soles at home helps protect numb feet from cuts.
[Learn more about falls](https://example.org/falls)

Enlarge"""

COLON_OVERVIEW = """Colon cancer starts in the inner lining of the large intestine. \
Most colon cancers begin as a small growth called a polyp.
Colon cancer starts in the inner lining of the large intestine and most begin as polyps.
Screening tests can find polyps before they turn into cancer."""


def make_hit(
    rank: int,
    doc_id: str,
    title: str,
    passages: list[tuple[str, str]],
    *,
    review_due: date | None = date(2030, 1, 1),
    score: float = 1.0,
) -> Hit:
    return Hit(
        rank=rank,
        doc_id=doc_id,
        url=f"https://www.example.gov/{doc_id}",
        title=title,
        heading=passages[0][0],
        score=score,
        audience="patient",
        source_type="02_nci_core",
        snippet="",
        source="NCI",
        last_reviewed=date(2024, 5, 1),
        review_due=review_due,
        passages=tuple(
            Passage(f"{doc_id}#{i}", doc_id, heading, text, score)
            for i, (heading, text) in enumerate(passages)
        ),
    )


@pytest.fixture
def neuropathy_hits() -> list[Hit]:
    return [
        make_hit(
            1,
            "nerve-problems",
            "Nerve Problems and Cancer Treatment",
            [
                ("Nerve Problems › Symptoms", NEUROPATHY_SYMPTOMS),
                ("Nerve Problems › Talking with your care team", NEUROPATHY_CARE),
            ],
        ),
        make_hit(
            2,
            "neuropathy-pdq",
            "Chemotherapy and Peripheral Neuropathy",
            [("Neuropathy › Managing it", NEUROPATHY_MANAGE)],
            review_due=date(2020, 1, 1),
        ),
    ]


@pytest.fixture
def colon_hits() -> list[Hit]:
    return [make_hit(1, "colon", "Colon Cancer", [("Colon Cancer › Overview", COLON_OVERVIEW)])]


@pytest.fixture
def hit_maker():  # type: ignore[no-untyped-def]
    return make_hit
