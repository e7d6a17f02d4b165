"""Cancer types named by a page (url, title) and by a person's question."""

from __future__ import annotations

import pytest

from oncoguide.kb.labels import cancer_types_for, cancers_named_in

pytestmark = pytest.mark.unit


def test_a_page_names_its_cancers_by_url_and_title() -> None:
    url = "https://www.cancer.gov/types/breast/patient/metastatic"
    assert cancer_types_for(url, "Metastatic Breast Cancer") == ("breast",)
    assert cancer_types_for("https://www.cancer.gov/about-cancer/coping", "Coping") == ("general",)


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("my husband has stage 4 pancreatic cancer, how long do people live", {"pancreatic"}),
        ("my son has leukaemia", {"leukemia"}),
        ("what is hodgkin lymphoma", {"lymphoma"}),
        ("a brain tumour in my dad", {"brain"}),
        ("is breast and ovarian cancer linked", {"breast", "ovarian"}),
        ("oesophageal cancer and eating", {"esophageal"}),
        # a body part in a person's words is not a cancer
        ("bone pain after chemo", set()),
        ("skin rash from oral chemo", set()),
        ("my eye is red after treatment", set()),
    ],
)
def test_a_question_names_a_cancer_only_as_a_cancer(question: str, named: set[str]) -> None:
    assert cancers_named_in(question) == named
