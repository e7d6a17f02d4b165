"""Cancer types named by a page (url, title) and by a person's question."""

from __future__ import annotations

import pytest

from oncoguide.kb.labels import (
    cancer_types_for,
    cancers_named_in,
    may_be_about_a_child,
    names_a_child,
    page_age_group,
    sex_named,
)

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


def test_a_page_says_its_age_group_by_title_or_url() -> None:
    kids = "https://www.cancer.gov/types/kidney/patient/child-kidney-treatment-pdq"
    assert page_age_group(kids, "Kidney Cancer in Children") == "children"
    assert page_age_group("https://x.gov/types/bladder", "Childhood Bladder Cancer") == "children"
    assert page_age_group("https://x.gov/pediatric-care", "Care at home") == "children"
    adult = "Adult Acute Myeloid Leukemia"
    assert page_age_group("https://x.gov/types/leukemia", adult) == "adults"
    assert page_age_group("https://x.gov/types/kidney", "Renal Cell Cancer Treatment") is None


@pytest.mark.parametrize(
    ("question", "child", "maybe"),
    [
        ("what raises your chances of getting kidney cancer", False, False),
        ("our 8 year old has leukemia, what happens next", True, True),
        ("my kid is starting chemo", True, True),
        ("how do I support my children when I have cancer", True, True),
        ("my 80 year old mum has a cough", False, False),
        ("my son has lymphoma", False, True),  # a son can be forty
        ("a teenager with bone cancer", False, True),
        ("is this a personal question", False, False),  # "son" inside a word is not a son
    ],
)
def test_a_question_about_a_child(question: str, child: bool, maybe: bool) -> None:
    assert names_a_child(question) is child
    assert may_be_about_a_child(question) is maybe


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("should my dad be getting mammograms?", "male"),
        ("Women with breast implants should continue getting mammograms.", "female"),
        ("my wife's oncologist said he would call", "female"),  # pronouns do not count
        ("my dad's sister and mother both had it", None),  # both named
        ("screening for men and women", None),
        ("what is breast cancer", None),
        ("the mandatory amendment", None),  # "man", "men" inside words are not people
    ],
)
def test_the_sex_of_the_people_a_text_names(text: str, sex: str | None) -> None:
    assert sex_named(text) == sex
