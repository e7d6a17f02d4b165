from __future__ import annotations

import pytest

from oncoguide.retrieve.priors import (
    DocMeta,
    allowed,
    content_terms,
    is_hub_page,
    is_research_news,
    page_type_match,
    patient_version_url,
    patient_versions,
    population_conflict,
    title_core,
    title_match,
)
from oncoguide.retrieve.rerank import Candidate, RerankWeights, rerank

pytestmark = pytest.mark.unit


def test_content_terms_drop_question_scaffolding_and_fold_plurals() -> None:
    assert content_terms("What are the symptoms of Adult Acute Leukemias ?") == {
        "symptom",
        "adult",
        "acute",
        "leukemia",
    }


def test_title_match_prefers_the_named_page() -> None:
    q = content_terms("What is (are) Adult Acute Lymphoblastic Leukemia ?")
    adult = title_match(q, content_terms("Adult Acute Lymphoblastic Leukemia Treatment"))
    child = title_match(q, content_terms("Childhood Acute Lymphoblastic Leukemia Treatment"))
    assert adult > child > 0
    assert title_match(q, content_terms("Nausea and Vomiting")) == 0.0
    assert title_match(set(), {"x"}) == 0.0


def _meta(**kw: object) -> DocMeta:
    values: dict[str, object] = {
        "doc_id": "d",
        "title": "t",
        "url": "u",
        "audience": "patient",
        "language": "en",
        "source_type": "02_nci_core",
        "status": "active",
        "cancer_types": ("breast",),
    }
    values.update(kw)
    return DocMeta(**values)  # type: ignore[arg-type]


def test_allowed_applies_every_filter() -> None:
    assert allowed(_meta(), status="active", cancer_type="breast", language="en")
    assert not allowed(_meta(status="retired"), status="active")
    assert not allowed(_meta(), status="active", cancer_type="lung")
    assert not allowed(_meta(), status="active", audience="technical")
    assert not allowed(_meta(), status="active", source_type="other")


def test_rerank_hp_penalty_depends_on_who_asks() -> None:
    cands = [
        Candidate("hp", "Breast Cancer Treatment", "technical", rrf=1.0, dense_score=0.5),
        Candidate("pt", "Breast Cancer Treatment", "patient", rrf=0.9, dense_score=0.5),
    ]
    kw = {"query": "breast cancer treatment", "added_terms": (), "rrf_max": 1.0}
    weights = RerankWeights(hp_penalty=0.3)
    assert rerank(cands, audience=None, weights=weights, **kw)[0].doc_id == "pt"  # type: ignore[arg-type]
    assert rerank(cands, audience="technical", weights=weights, **kw)[0].doc_id == "hp"  # type: ignore[arg-type]


def test_rerank_title_match_via_expansion_terms() -> None:
    cands = [
        Candidate("other", "Fatigue", "patient", rrf=1.0),
        Candidate("neuro", "Peripheral Neuropathy", "patient", rrf=0.8),
    ]
    ranked = rerank(
        cands,
        query="pins and needles",
        added_terms=("peripheral neuropathy",),
        audience=None,
        rrf_max=1.0,
        weights=RerankWeights(title=0.5, dense=0.0),
    )
    assert [s.doc_id for s in ranked] == ["neuro", "other"]
    assert dict(ranked[0].signals)["title_match"] == pytest.approx(1.0)


def test_population_conflict_between_child_and_adult_pages() -> None:
    assert population_conflict(
        "GIST tumor in the stomach", "Childhood Gastrointestinal Stromal Tumors"
    )
    assert not population_conflict("my son has a GIST", "Childhood Gastrointestinal Stromal Tumors")
    assert population_conflict("my daughter has ALL", "Adult Acute Lymphoblastic Leukemia")
    assert not population_conflict("adult ALL", "Acute Lymphoblastic Leukemia Treatment")


def test_hub_and_research_pages_are_recognised() -> None:
    assert is_hub_page("Anal Cancer—Patient Version")
    assert not is_hub_page("Anal Cancer Treatment")
    assert is_research_news("https://www.cancer.gov/types/leukemia/research")
    assert not is_research_news("https://www.cancer.gov/types/leukemia/patient/cml-treatment-pdq")


def test_rerank_population_penalty_reorders_a_near_tie() -> None:
    cands = [
        Candidate("child", "Childhood Soft Tissue Sarcoma", "patient", rrf=1.0),
        Candidate("adult", "Soft Tissue Sarcoma Treatment", "patient", rrf=0.95),
    ]
    kw = {"query": "symptoms of soft tissue sarcoma", "added_terms": (), "audience": None}
    off = RerankWeights(population_penalty=0.0, dense=0.0, lexical=0.0, title=0.0)
    on = RerankWeights(population_penalty=0.2, dense=0.0, lexical=0.0, title=0.0)
    assert rerank(cands, rrf_max=1.0, weights=off, **kw)[0].doc_id == "child"  # type: ignore[arg-type]
    assert rerank(cands, rrf_max=1.0, weights=on, **kw)[0].doc_id == "adult"  # type: ignore[arg-type]


def test_patient_version_url_follows_the_nci_layout() -> None:
    assert (
        patient_version_url("https://c.gov/types/x/hp/y-pdq")
        == "https://c.gov/types/x/patient/y-pdq"
    )
    assert patient_version_url("https://c.gov/types/x/hp/") == "https://c.gov/types/x"
    assert patient_version_url("https://c.gov/types/x/patient/y-pdq") is None


def test_patient_versions_lists_only_hp_pages_with_an_active_patient_page() -> None:
    metas = [
        _meta(doc_id="pt", title="A", url="https://c.gov/t/patient/a-pdq"),
        _meta(doc_id="hp", title="A (PDQ®)", url="https://c.gov/t/hp/a-pdq", audience="technical"),
        _meta(doc_id="orphan", title="B", url="https://c.gov/t/hp/b-pdq", audience="technical"),
        _meta(doc_id="old", title="C", url="https://c.gov/t/patient/c-pdq", status="retired"),
        _meta(doc_id="hp-c", title="C", url="https://c.gov/t/hp/c-pdq", audience="technical"),
    ]
    assert patient_versions(metas) == frozenset({"hp"})


def test_title_core_drops_pdq_marker_and_version_suffix() -> None:
    assert title_core("Childhood CNS Tumors Treatment (PDQ®)") == "Childhood CNS Tumors Treatment"
    assert title_core("Anal Cancer—Patient Version") == "Anal Cancer"


def test_hp_page_without_patient_version_gets_the_orphan_penalty() -> None:
    kw = {"query": "ependymoma", "added_terms": (), "rrf_max": 1.0, "audience": None}
    weights = RerankWeights(hp_penalty=0.3, hp_orphan_penalty=0.05)
    cands = [
        Candidate("hp", "Ependymoma", "technical", rrf=1.0, has_patient_version=False),
        Candidate("hp2", "Ependymoma", "technical", rrf=1.0, has_patient_version=True),
    ]
    signals = {s.doc_id: dict(s.signals) for s in rerank(cands, weights=weights, **kw)}  # type: ignore[arg-type]
    assert signals["hp"]["hp_penalty"] == pytest.approx(-0.05)
    assert signals["hp2"]["hp_penalty"] == pytest.approx(-0.3)


def test_rerank_matches_titles_through_query_variants_and_title_terms() -> None:
    cands = [
        Candidate("germ", "Childhood CNS Germ Cell Tumors", "patient", rrf=1.0),
        Candidate(
            "embryonal",
            "Childhood CNS Embryonal Tumors",
            "patient",
            rrf=0.95,
            title_terms=frozenset(
                content_terms("Childhood central nervous system embryonal tumors")
            ),
        ),
    ]
    kw = {"query": "childhood central nervous system embryonal tumors", "added_terms": ()}
    weights = RerankWeights(dense=0.0, lexical=0.0, title=0.5)
    ranked = rerank(cands, audience=None, rrf_max=1.0, weights=weights, **kw)  # type: ignore[arg-type]
    assert ranked[0].doc_id == "embryonal"
    plain = [Candidate("a", "Borderline Tumors", "patient", rrf=1.0)]
    kw2 = {"added_terms": (), "audience": None, "rrf_max": 1.0, "weights": weights}
    without = rerank(plain, query="low malignant potential tumors", **kw2)  # type: ignore[arg-type]
    with_variant = rerank(
        plain,
        query="low malignant potential tumors",
        variants=("borderline tumors",),
        **kw2,  # type: ignore[arg-type]
    )
    assert dict(without[0].signals)["title_match"] < dict(with_variant[0].signals)["title_match"]


def test_population_of_an_adult_page_comes_from_its_url_slug() -> None:
    title = "Acute Myeloid Leukemia Treatment"
    url = "https://c.gov/types/leukemia/patient/adult-aml-treatment-pdq"
    assert population_conflict("signs of AML in a child", title, url)
    assert not population_conflict("signs of AML in a child", title, "https://c.gov/t/aml")
    assert not population_conflict("signs of AML", title, url)
    # only a leading slug word names a population, not one inside it
    assert not population_conflict("AML in a child", title, "https://c.gov/t/young-adult-aml")


def test_patient_versions_match_a_moved_patient_page_by_title() -> None:
    metas = [
        _meta(
            doc_id="pt", title="Bladder Cancer Treatment", url="https://c.gov/t/bladder/treatment"
        ),
        _meta(
            doc_id="hp",
            title="Bladder Cancer Treatment (PDQ®)",
            url="https://c.gov/t/bladder/hp/bladder-treatment-pdq",
            audience="technical",
        ),
        _meta(
            doc_id="other",
            title="Bladder Cancer Screening (PDQ®)",
            url="https://c.gov/t/bladder/hp/bladder-screening-pdq",
            audience="technical",
        ),
    ]
    assert patient_versions(metas) == frozenset({"hp"})


def test_page_type_match_pairs_what_is_asked_with_the_page_type() -> None:
    diagnosis = ("Bladder Cancer Diagnosis", "https://c.gov/types/bladder/diagnosis")
    treatment = ("Bladder Cancer Treatment", "https://c.gov/types/bladder/treatment")
    assert page_type_match("Which tests find bladder cancer?", *diagnosis)
    assert not page_type_match("Which tests find bladder cancer?", *treatment)
    assert not page_type_match("How is bladder cancer treated?", *diagnosis)
    effects = "https://c.gov/treatment/types/radiation-therapy/side-effects"
    assert page_type_match("side effects of radiation", "Radiation Therapy Side Effects", effects)
    assert not page_type_match("side effects of radiation", "Radiation", "https://c.gov/r/lymph")


def test_rerank_page_type_bonus_reorders_a_near_tie() -> None:
    cands = [
        Candidate("tx", "Bladder Cancer Treatment", "patient", rrf=1.0, url="https://c/treatment"),
        Candidate("dx", "Bladder Cancer Diagnosis", "patient", rrf=0.95, url="https://c/diagnosis"),
    ]
    kw = {"query": "what tests are done for bladder cancer", "added_terms": (), "audience": None}
    off = RerankWeights(page_type_bonus=0.0, dense=0.0, lexical=0.0, title=0.0)
    on = RerankWeights(page_type_bonus=0.2, dense=0.0, lexical=0.0, title=0.0)
    assert rerank(cands, rrf_max=1.0, weights=off, **kw)[0].doc_id == "tx"  # type: ignore[arg-type]
    assert rerank(cands, rrf_max=1.0, weights=on, **kw)[0].doc_id == "dx"  # type: ignore[arg-type]
