from __future__ import annotations

from datetime import date

import pytest

from oncoguide.answer.compose import abstain, compose_answer
from oncoguide.answer.quotable import drop_document_notes
from oncoguide.answer.verify import is_contained, verify_answer
from oncoguide.testing.builders import make_section_hit
from oncoguide.text import is_dangling
from oncoguide.types import Answer, Hit, SafetyDecision

pytestmark = pytest.mark.unit

AS_OF = date(2025, 6, 1)


def _passage_text(hits: list[Hit], answer_citation_chunk: str) -> str:
    return next(p.text for h in hits for p in h.passages if p.chunk_id == answer_citation_chunk)


MOUTH = """Mouth sores are common during radiation to the head and neck.

## Causes of mouth sores

Mouth sores after radiation happen because radiation damages the cells lining the mouth. \
Mouth sores are also caused by infections.

## Ways to manage mouth sores

But first, talk with your care team. Mouth sores heal faster with good care.
Ways to manage mouth sores include:

- Rinse your mouth with a mix of salt and baking soda.
- Eat soft, moist foods.
- Suck on ice chips to numb the pain.

## When to call your care team

Call your doctor if you have a fever or cannot eat or drink.
"""

HER2 = """## HER2 status

Some breast cancers have too much of a protein called HER2. HER2 is a protein that helps \
control how breast cells grow.

## Subtypes

Your doctor may assign your cancer to a subtype:

| Subtype | Defining features | Treatment options |
| --- | --- | --- |
| **HER2-low** | - some HER2 protein - ER positive or negative | - HER2-targeted therapy |
"""

HP_MOUTH = """## Management of oral mucositis

Management of oral mucositis includes cryotherapy and photobiomodulation, per level 1 evidence.
"""

BREAST_TREATMENT = """## Surgery

Surgery for breast cancer removes the tumor. Lymph nodes may be removed during surgery.
"""

LYMPHEDEMA = """## Ways to manage lymphedema

Lymphedema can be managed with care. Ways to manage swelling include:

- Wear a compression sleeve.
- Do gentle exercises your therapist shows you.
"""

RISK = """## Risk factors

Anything that raises your chance of getting a disease is a risk factor.

### Tobacco use

Smoking raises the risk of bladder cancer.

### Workplace chemicals

Some chemicals used in dye making raise the risk.
"""


def _texts(answer: Answer) -> list[str]:
    return [s.text for s in answer.sentences]


def _verified_whole(answer: Answer, hits: list[Hit]) -> None:
    assert verify_answer(answer, hits) == answer


def test_what_helps_is_answered_by_the_manage_section_not_the_causes_section() -> None:
    hits = [make_section_hit(0, "mouth", "Mouth Sores", MOUTH)]
    answer = compose_answer("my dad has mouth sores after radiation what helps", hits, as_of=AS_OF)
    assert "Rinse your mouth with a mix of salt and baking soda." in _texts(answer)
    assert not any("radiation damages" in t for t in _texts(answer))
    assert answer.citations[0].heading == "Mouth Sores › Ways to manage mouth sores"
    _verified_whole(answer, hits)


def test_the_section_list_is_quoted_whole_after_its_lead_in_and_no_sentence_opens_on_but() -> None:
    hits = [make_section_hit(0, "mouth", "Mouth Sores", MOUTH)]
    answer = compose_answer("How can I manage mouth sores?", hits, as_of=AS_OF)
    texts = _texts(answer)
    assert texts[:2] == [
        "Mouth sores heal faster with good care.",
        "Ways to manage mouth sores include:",
    ]
    items = [s.text for s in answer.sentences if s.list_item and s.section == "answer"]
    assert len(items) == 3 and items[-1] == "Suck on ice chips to numb the pain."
    assert not any(t.startswith("But") for t in texts)
    assert "- Eat soft, moist foods. [1]" in answer.text


def test_the_care_team_section_of_the_answering_page_follows_the_answer() -> None:
    hits = [make_section_hit(0, "mouth", "Mouth Sores", MOUTH)]
    answer = compose_answer("How can I manage mouth sores?", hits, as_of=AS_OF)
    contact = [s.text for s in answer.sentences if s.section == "contact_care_team"]
    assert contact == ["Call your doctor if you have a fever or cannot eat or drink."]
    assert "When to contact your care team" in answer.text
    _verified_whole(answer, hits)


def test_what_is_opens_on_the_definition_and_a_table_reads_as_labelled_items() -> None:
    hits = [make_section_hit(0, "her2", "Breast Cancer Biomarkers", HER2)]
    answer = compose_answer("what does HER2 positive mean", hits, as_of=AS_OF)
    assert answer.sentences[0].text.startswith("HER2 is a protein")
    subtypes = compose_answer("What are the subtypes of breast cancer?", hits, as_of=AS_OF)
    assert "|" not in subtypes.text
    assert (
        "HER2-low — Defining features: some HER2 protein; ER positive or negative; "
        "Treatment options: HER2-targeted therapy"
    ) in _texts(subtypes)
    _verified_whole(subtypes, hits)


def test_a_patient_page_supplies_the_answer_before_a_health_professional_page() -> None:
    hp = make_section_hit(0, "hp", "Oral Complications (PDQ) - Health Professional", HP_MOUTH,
                          audience="technical")  # fmt: skip
    patient = make_section_hit(1, "mouth", "Mouth Sores", MOUTH)
    answer = compose_answer("how to manage mouth sores", [hp, patient], as_of=AS_OF)
    assert {c.doc_id for c in answer.citations} == {"mouth"}
    # No patient section matches: the health-professional page answers.
    tech = compose_answer("management of oral mucositis cryotherapy", [hp, patient], as_of=AS_OF)
    assert tech.citations[0].doc_id == "hp"


def test_the_asked_part_weighs_more_than_the_story_before_it() -> None:
    hits = [
        make_section_hit(0, "breast", "Breast Cancer Treatment", BREAST_TREATMENT),
        make_section_hit(1, "lymph", "Lymphedema", LYMPHEDEMA),
    ]
    q = "My mom had breast cancer surgery and lymph nodes removed, what helps with the swelling?"
    answer = compose_answer(q, hits, as_of=AS_OF)
    assert answer.citations[0].doc_id == "lymph"
    assert "Wear a compression sleeve." in _texts(answer)


def test_a_heading_told_in_subsections_gives_labelled_items_that_verify() -> None:
    hits = [make_section_hit(0, "bladder", "Bladder Cancer", RISK)]
    answer = compose_answer("What are the risk factors for bladder cancer?", hits, as_of=AS_OF)
    labels = [s.label for s in answer.sentences if s.label]
    assert labels == ["Tobacco use", "Workplace chemicals"]
    assert "Tobacco use: Smoking raises the risk of bladder cancer. [" in answer.text
    _verified_whole(answer, hits)


def test_without_a_section_tree_the_retrieved_passages_are_quoted(
    neuropathy_hits: list[Hit],
) -> None:
    answer = compose_answer("What are the symptoms of neuropathy?", neuropathy_hits, as_of=AS_OF)
    items = [s.text for s in answer.sentences if s.list_item and s.section == "answer"]
    assert items[0].startswith("tingling or a pins-and-needles feeling")
    assert all(not is_dangling(t) or t.endswith(":") for t in _texts(answer))
    _verified_whole(answer, neuropathy_hits)


def test_citations_are_numbered_by_first_use_and_match_their_passage(
    neuropathy_hits: list[Hit],
) -> None:
    answer = compose_answer("What are the symptoms of neuropathy?", neuropathy_hits, as_of=AS_OF)
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    first_use = []
    for s in answer.sentences:
        if s.citation not in first_use:
            first_use.append(s.citation)
    assert first_use == sorted(first_use)
    by_n = {c.n: c for c in answer.citations}
    for s in answer.sentences:
        cite = by_n[s.citation]
        assert is_contained(s.text, _passage_text(neuropathy_hits, cite.chunk_id)), s.text
        assert f"{s.text} [{s.citation}]" in answer.text


def test_citation_fields_and_review_overdue_flag(neuropathy_hits: list[Hit]) -> None:
    answer = compose_answer(
        "Does peripheral neuropathy from chemotherapy get better?", neuropathy_hits, as_of=AS_OF
    )
    by_doc = {c.doc_id: c for c in answer.citations}
    assert by_doc["neuropathy-pdq"].review_overdue is True
    assert by_doc["neuropathy-pdq"].heading == "Neuropathy › Managing it"
    assert by_doc["neuropathy-pdq"].url == "https://www.example.gov/neuropathy-pdq"
    assert by_doc["neuropathy-pdq"].last_reviewed == date(2024, 5, 1)
    if "nerve-problems" in by_doc:
        assert by_doc["nerve-problems"].review_overdue is False


def test_refusal_text_comes_first_and_dosing_drops_amounts(hit_maker) -> None:  # type: ignore[no-untyped-def]
    hits = [
        hit_maker(1, "drug", "Tamoxifen", [("Tamoxifen", (
            "Tamoxifen is a hormone therapy used for some breast cancers. "
            "The usual tamoxifen amount is 20 mg taken by mouth each day. "
            "Tamoxifen can cause hot flashes in some people."
        ))])
    ]  # fmt: skip
    safety = SafetyDecision(
        "dosing",
        "dose-1",
        "how much",
        ("refuse_personal_advice", "withhold_doses"),
        "t",
        "I can't advise on doses.",
    )
    answer = compose_answer("How much tamoxifen should I take?", hits, as_of=AS_OF, safety=safety)
    assert answer.text.startswith("I can't advise on doses.")
    assert "20 mg" not in answer.text
    assert any("hormone therapy" in s.text for s in answer.sentences)


def test_abstain_uses_the_template_and_region_line() -> None:
    answer = abstain("How do I bake bread?", "OFF_TOPIC", region_line="Call 1-800-4-CANCER.")
    assert answer.abstained and answer.abstain_reason == "OFF_TOPIC"
    assert answer.sentences == () and answer.citations == ()
    assert answer.text.endswith("Call 1-800-4-CANCER.")
    assert answer.reading_grade is not None


LAETRILE = """## Questions and answers about laetrile

- What is laetrile?
- Has laetrile been studied in people?

## Overview

Laetrile has shown little anticancer effect in studies in people. Laetrile can cause cyanide \
poisoning.

## Questions to ask your doctor

- Will laetrile affect my treatment?
- What are the risks of laetrile?
"""


def test_a_list_of_questions_answers_only_a_question_that_asks_for_questions() -> None:
    hits = [make_section_hit(0, "laetrile", "Laetrile", LAETRILE)]
    answer = compose_answer("does laetrile actually work for cancer", hits, as_of=AS_OF)
    assert answer.sentences[0].text.startswith("Laetrile has shown little anticancer effect")
    assert not any(s.text == "What is laetrile?" for s in answer.sentences)
    asked = compose_answer("what questions should I ask about laetrile", hits, as_of=AS_OF)
    assert "Will laetrile affect my treatment?" in _texts(asked)


PORT = """## Before treatment

Many people get a port before chemotherapy starts.

## Catheters and ports

A port is a small, round disc that is placed under your skin. A catheter connects the port to a \
large vein. Ports are used to give drugs without a new needle stick each time.
"""


def test_a_definition_from_the_best_sections_opens_a_what_is_answer() -> None:
    hits = [make_section_hit(0, "chemo", "Chemotherapy", PORT)]
    answer = compose_answer("what is a port and why do they put one in", hits, as_of=AS_OF)
    assert answer.sentences[0].text.startswith("A port is a small, round disc")
    assert len([s for s in answer.sentences if s.text.startswith("A port is")]) == 1
    _verified_whole(answer, hits)


CHEMO_TIMES = """## Chemotherapy before surgery

Chemotherapy before surgery can shrink a large tumor.

## Chemotherapy after surgery

Improving Your Results After Surgery

Why is it given after surgery? After surgery, chemotherapy lowers the chance that the cancer \
comes back. For information about the drugs listed below, see the Treatment Option Overview \
section.
"""


def test_a_heading_about_another_time_loses_and_titles_and_pointers_are_not_quoted() -> None:
    hits = [make_section_hit(0, "chemo", "Chemotherapy for Breast Cancer", CHEMO_TIMES)]
    q = "I had my tumor removed, why would I still need chemotherapy after surgery?"
    answer = compose_answer(q, hits, as_of=AS_OF)
    assert answer.citations[0].heading.endswith("Chemotherapy after surgery")
    texts = _texts(answer)
    assert texts[0] == "After surgery, chemotherapy lowers the chance that the cancer comes back."
    assert not any("Improving Your Results" in t or "listed below" in t for t in texts)
    assert not any(t.endswith("?") for t in texts)


BREAST_SIGNS = """## What are the symptoms of breast cancer?

Check with your doctor if you notice:

Breast lump, such as:

- a lump in or near your breast
- a lump under your arm

Nipple changes, such as:

- a nipple turned inward
- fluid from the nipple
"""


def test_a_list_asked_for_is_quoted_in_all_its_parts() -> None:
    hits = [make_section_hit(0, "breast", "Breast Cancer Symptoms", BREAST_SIGNS)]
    answer = compose_answer("What are the signs and symptoms of breast cancer?", hits, as_of=AS_OF)
    texts = _texts(answer)
    assert "Nipple changes, such as:" in texts and "fluid from the nipple" in texts
    assert texts.index("Breast lump, such as:") < texts.index("Nipple changes, such as:")
    _verified_whole(answer, hits)


SYMPTOMS = """Breast changes can be a symptom of breast cancer. Most changes are not cancer.

## What are the symptoms of breast cancer?

Check with your doctor if you notice any of these changes.

Breast lump, such as:

- a lump in or near your breast
- a lump under your arm

Skin changes, such as:

- redness of the skin
- itching or tingling
"""


def test_a_list_question_is_answered_by_the_section_that_holds_the_list_in_all_its_parts() -> None:
    hits = [make_section_hit(0, "sym", "Signs and Symptoms of Breast Cancer", SYMPTOMS)]
    answer = compose_answer("What are the signs and symptoms of breast cancer?", hits, as_of=AS_OF)
    items = [s.text for s in answer.sentences if s.list_item and s.section == "answer"]
    assert items == [
        "a lump in or near your breast", "a lump under your arm",
        "redness of the skin", "itching or tingling",
    ]  # fmt: skip
    _verified_whole(answer, hits)


GIST = """## General information

GISTs are tumors of the digestive tract.

## Very small GISTs are common.

Sometimes GISTs are smaller than the eraser on top of a pencil. Doctors do not agree on whether \
these small tumors should be removed or watched.
"""


def test_a_key_point_heading_is_quoted_first_and_verifies() -> None:
    hits = [
        make_section_hit(0, "gist", "GIST", GIST, sims={"Very small GISTs are common.": (0.9, 0.9)})
    ]
    answer = compose_answer("does a very small GIST have to be removed?", hits, as_of=AS_OF)
    assert answer.sentences[0].text == "Very small GISTs are common."
    assert answer.sentences[1].text.startswith("Sometimes GISTs are smaller")
    _verified_whole(answer, hits)


WORK = """## Your rights at work

Some people with cancer face roadblocks when they try to go back to work. Employers may not \
treat them fairly. Some employers think people with cancer take too many sick days.

It is against the law to discriminate against workers who have cancer. If you apply for a new \
job, you have no legal obligation to tell an employer about your cancer history.
"""


def test_a_later_paragraph_that_says_more_of_the_question_follows_the_lead() -> None:
    hits = [make_section_hit(0, "work", "Work", WORK)]
    answer = compose_answer(
        "do I have to tell an employer about my cancer history when I apply for a job?",
        hits,
        as_of=AS_OF,
    )
    texts = _texts(answer)
    assert texts[0].startswith("Some people with cancer face roadblocks")
    assert any(t.startswith("If you apply for a new job") for t in texts)
    assert not any("sick days" in t for t in texts)  # the lead is cut to its first sentences
    _verified_whole(answer, hits)


FLASHES = """## Drug treatment

Some drugs may control hot flashes.

## Comfort measures

Comfort measures may help. Doing the following may help control symptoms:

- Wear loose-fitting clothes made of cotton.
- Use fans and open windows.
"""


def test_a_section_tied_with_the_chosen_one_is_quoted_as_fully() -> None:
    sims = {"Drug treatment": (0.8, 0.5), "Comfort measures": (0.79, 0.5)}
    hits = [make_section_hit(0, "hot", "Hot Flashes", FLASHES, sims=sims)]
    answer = compose_answer("hot flashes from tamoxifen", hits, as_of=AS_OF)
    texts = _texts(answer)
    assert "Some drugs may control hot flashes." in texts
    assert "Wear loose-fitting clothes made of cotton." in texts
    _verified_whole(answer, hits)


def test_a_question_that_names_its_cancer_is_not_answered_from_another_cancers_page() -> None:
    from dataclasses import replace

    breast = replace(
        make_section_hit(
            0, "mbc", "Metastatic Breast Cancer",
            "## Survival\n\nMany people live for years with metastatic breast cancer.\n",
            sims={"Survival": (0.62, 0.5)},
        ),
        cancer_types=("breast",),
    )  # fmt: skip
    pancreas = replace(
        make_section_hit(
            1, "panc", "Pancreatic Cancer Treatment",
            "## Prognosis\n\nThe prognosis depends on whether the cancer has spread.\n",
            sims={"Prognosis": (0.58, 0.5)},
        ),
        cancer_types=("pancreatic",),
    )  # fmt: skip
    question = (
        "my husband was just diagnosed with stage 4 pancreatic cancer, how long do people "
        "usually live"
    )
    answer = compose_answer(question, [breast, pancreas], as_of=AS_OF)
    assert answer.citations[0].doc_id == "panc"
    # a question that names no cancer keeps the better match
    answer = compose_answer("how long do people usually live", [breast, pancreas], as_of=AS_OF)
    assert answer.citations[0].doc_id == "mbc"


DRUG = """Toremifene is a type of hormone therapy called a selective estrogen receptor modulator. \
It works by binding to estrogen receptors in breast tissue.

US Brand Name(s)

Fareston

## Use in Cancer

Toremifene citrate is approved to treat:

- Breast cancer that has spread to other parts of the body in postmenopausal women.

## More About Toremifene Citrate

Toremifene is taken by mouth. It works by blocking estrogen.
"""


def test_what_a_medicine_is_for_is_answered_by_its_use_not_by_how_it_works() -> None:
    hits = [
        make_section_hit(
            0, "tore", "Toremifene Citrate", DRUG,
            sims={"Toremifene Citrate": (0.5, 0.4), "Use in Cancer": (0.5, 0.4)},
        )
    ]  # fmt: skip
    answer = compose_answer("what is Fareston for", hits, as_of=AS_OF)
    texts = _texts(answer)
    assert "Toremifene citrate is approved to treat:" in texts
    assert answer.citations[0].heading.endswith("Use in Cancer")
    # what it is remains the answer to "what is toremifene"
    answer = compose_answer("what is toremifene", hits, as_of=AS_OF)
    assert _texts(answer)[0].startswith("Toremifene is a type of hormone therapy")
    _verified_whole(answer, hits)


NEWS = """## Study results

Researchers found that a new rinse lowered mouth sore pain in a trial of 200 people.
"""


def test_a_patient_page_fourth_in_line_answers_before_research_news_above_it() -> None:
    from oncoguide.answer.pick import answer_pages

    def news(rank: int) -> Hit:
        return make_section_hit(rank, f"news{rank}", f"Trial news {rank}", NEWS,
                                url=f"https://www.example.gov/research/news{rank}")  # fmt: skip

    hits = [news(0), news(1), news(2), make_section_hit(3, "mouth", "Mouth Sores", MOUTH)]
    # The patient page is read with its retrieval rank; the technical reader keeps the top three.
    assert [(i, h.doc_id) for i, h in answer_pages(hits)] == [
        (3, "mouth"),
        (0, "news0"),
        (1, "news1"),
    ]
    assert [i for i, _ in answer_pages(hits, "technical")] == [0, 1, 2]
    answer = compose_answer("how to manage mouth sores", hits, as_of=AS_OF)
    assert answer.citations[0].doc_id == "mouth"
    _verified_whole(answer, hits)
    # Among patient pages the retrieval order stands.
    both = [news(0), make_section_hit(1, "a", "A", MOUTH), make_section_hit(2, "b", "B", MOUTH)]
    assert [h.doc_id for _, h in answer_pages(both)] == ["a", "b", "news0"]


GTD = """## Age and a previous molar pregnancy affect the risk of GTD.

Anything that increases your risk of getting a disease is called a risk factor. Risk factors for \
GTD include being pregnant when you are younger than 20 or older than 35 years of age and having \
a personal history of a molar pregnancy.

## Gestational trophoblastic disease (GTD) is a group of rare diseases in which abnormal \
trophoblast cells grow inside the uterus after conception.

In gestational trophoblastic disease, a tumor develops inside the uterus from tissue that forms \
after conception. This tissue is made of trophoblast cells and normally surrounds the fertilized \
egg in the uterus.
"""


def test_a_what_is_question_by_its_abbreviation_opens_on_the_section_defining_it() -> None:
    hits = [make_section_hit(0, "gtd", "Gestational Trophoblastic Disease Treatment", GTD)]
    answer = compose_answer("what is GTD, the molar pregnancy thing?", hits, as_of=AS_OF)
    assert answer.sentences[0].text.startswith("Gestational trophoblastic disease (GTD) is a")
    assert answer.citations[0].heading.endswith("after conception.")
    _verified_whole(answer, hits)


KIDNEY_KIDS = """## Causes and risk factors

Wilms tumor is the most common kidney cancer in children. Some birth defects raise the risk.
"""
KIDNEY = """## Risk factors

Smoking tobacco and misuse of certain pain medicines can affect the risk of renal cell cancer.
"""


def test_an_adults_question_is_answered_from_a_page_not_about_children() -> None:
    from oncoguide.answer.pick import answer_pages

    def page(rank: int, doc_id: str, title: str, body: str) -> Hit:
        return make_section_hit(rank, doc_id, title, body, url=f"https://x.gov/types/{doc_id}")

    hits = [
        page(0, "kids", "Kidney Cancer in Children", KIDNEY_KIDS),
        page(1, "syndromes", "Hereditary Kidney Cancer Syndromes", KIDNEY),
        page(2, "wilms", "Childhood Wilms Tumor", KIDNEY_KIDS),
        page(3, "rcc", "Renal Cell Cancer Treatment", KIDNEY),
    ]
    q = "what raises your chances of getting kidney cancer"
    assert [h.doc_id for _, h in answer_pages(hits, None, q)] == ["syndromes", "rcc", "kids"]
    answer = compose_answer(q, hits, as_of=AS_OF)
    assert answer.citations[0].title != "Kidney Cancer in Children"
    # A question about a child keeps the children's pages where retrieval put them.
    kid_q = "what raises the chances of kidney cancer in my 6 year old"
    assert [h.doc_id for _, h in answer_pages(hits, None, kid_q)] == ["kids", "syndromes", "wilms"]


MAMMOGRAMS = """## Are mammograms done in people with breast implants?

Women with breast implants should continue getting mammograms.
"""
MEN = """## Screening for male breast cancer

Screening mammograms are not usually recommended for men, even those at increased risk.
"""


def test_a_question_about_a_man_is_not_answered_by_a_section_written_for_women() -> None:
    hits = [
        make_section_hit(0, "mammo", "Mammograms", MAMMOGRAMS),
        make_section_hit(1, "men", "Breast Cancer in Men", MEN),
    ]
    q = "my dad's mother had breast cancer. should my dad be getting mammograms?"
    answer = compose_answer(q, hits, as_of=AS_OF)
    assert answer.sentences[0].text.startswith("Screening mammograms are not usually")
    # the same pages for a question about a woman: the section for women comes first
    her = compose_answer("should my mum with implants be getting mammograms?", hits, as_of=AS_OF)
    assert her.sentences[0].text.startswith("Women with breast implants")


SCREENING = """## Choosing a test

People decide with their doctor which colonoscopy or stool test suits them.

## Methods

A colonoscopy looks at the whole colon. Most people who have a normal one need another every
10 years.
"""


def test_a_how_often_question_opens_on_the_section_that_gives_the_interval() -> None:
    hits = [make_section_hit(0, "screen", "Colorectal Cancer Screening", SCREENING)]
    answer = compose_answer("how often should I get a colonoscopy", hits, as_of=AS_OF)
    assert "every 10 years" in " ".join(s.text for s in answer.sentences[:2])


SAY_IT = """(try-FLOOR-ih-deen … ty-PEER-uh-sil HY-droh-KLOR-ide)

Trifluridine enters cells and gets into their DNA, which keeps it from being copied.

## Use in Cancer

Trifluridine and tipiracil hydrochloride is approved to treat colorectal cancer that has spread.

## Ways to take it

It is taken by mouth twice a day.

### Learn more tips to help with eating problems.

- Clear Liquids
- Full-Liquid Foods and Drinks
- Easy-to-Chew Foods
"""


def test_a_pronunciation_guide_or_a_list_of_links_is_never_the_answer() -> None:
    hits = [
        make_section_hit(
            0, "tri", "Trifluridine and Tipiracil Hydrochloride", SAY_IT,
            sims={
                "Trifluridine and Tipiracil Hydrochloride": (0.9, 0.9),
                "Use in Cancer": (0.5, 0.4),
                "Ways to take it": (0.5, 0.4),
                "Learn more tips to help with eating problems.": (0.95, 0.9),
            },
        )
    ]  # fmt: skip
    answer = compose_answer("what is trifluridine and tipiracil", hits, as_of=AS_OF)
    answer = drop_document_notes(answer)
    texts = _texts(answer)
    assert texts[0].startswith("Trifluridine enters cells")
    assert not any("FLOOR" in t or "Liquids" in t for t in texts)
    _verified_whole(answer, hits)


LIQUIDS = """Clear liquids are see-through drinks and foods that are liquid at room temperature.

## Soups

- Bouillon
- Clear, fat-free broth

## Drinks

- Apple juice
- Clear sports drinks

## Sweets

- Fruit ices without fruit pieces
- Plain gelatin
"""


def test_a_page_told_in_subsections_answers_with_all_of_them() -> None:
    hits = [
        make_section_hit(
            0, "clear", "Clear Liquids", LIQUIDS,
            sims={"Clear Liquids": (0.7, 0.7), "Soups": (0.5, 0.4), "Drinks": (0.5, 0.4),
                  "Sweets": (0.5, 0.4)},
        )
    ]  # fmt: skip
    answer = compose_answer("which foods and drinks count as clear liquids?", hits, as_of=AS_OF)
    texts = _texts(answer)
    assert "Bouillon" in texts and "Apple juice" in texts and "Plain gelatin" in texts
    assert {c.heading.split(" › ")[-1] for c in answer.citations} >= {"Soups", "Drinks"}
    _verified_whole(answer, hits)
