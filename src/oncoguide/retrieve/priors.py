"""Document priors: audience, title match, status — pure functions over plain values.

Priors are a trade-off measured on both eval sets (see the benchmark), not a free win: a title
match lifts templated "What is X?" questions, a health-professional penalty lifts patient pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date

from oncoguide.index.fts import STOP_WORDS
from oncoguide.retrieve.vocab import tokenize

__all__ = [
    "DocMeta",
    "allowed",
    "content_terms",
    "is_hub_page",
    "is_research_news",
    "is_technical_for",
    "page_type_match",
    "patient_version_url",
    "patient_versions",
    "population_conflict",
    "title_core",
    "title_match",
]

# Pages for children ("Childhood Soft Tissue Sarcoma") and for adults often share every other
# title word; who the question is about decides between them.
_CHILD_WORDS = frozenset(
    [
        "child",
        "children",
        "childhood",
        "kid",
        "kids",
        "son",
        "daughter",
        "baby",
        "babies",
        "toddler",
        "infant",
        "infants",
        "teen",
        "teens",
        "teenager",
        "teenagers",
        "pediatric",
        "paediatric",
        "adolescent",
        "adolescents",
    ]
)
_ADULT_WORDS = frozenset({"adult", "adults"})

# Question scaffolding and words every title shares: they say nothing about which page is meant.
_SCAFFOLD = STOP_WORDS | frozenset(
    (
        "nci",
        "pdq",
        "version",
        "patient",
        "health",
        "professional",
        "cancer",
        "cancers",
        "treatment",
        "treatments",
    )
)


@dataclass(frozen=True)
class DocMeta:
    """The few document fields that filtering and priors need, kept in memory per retriever."""

    doc_id: str
    title: str
    url: str
    audience: str
    language: str
    source_type: str
    status: str
    cancer_types: tuple[str, ...]
    source: str = ""
    last_reviewed: date | None = None
    review_due: date | None = None


def _fold(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_terms(text: str) -> set[str]:
    """Plural-folded words of `text` without question scaffolding and generic title words."""
    return {_fold(w) for w in tokenize(text) if w not in _SCAFFOLD and len(w) > 1}


def title_core(title: str) -> str:
    """The title without the PDQ marker and version suffix, which name no topic (and must not be
    spelt out as abbreviations: "PDQ" -> "Physician Data Query")."""
    core = re.sub(r"\s*\(PDQ®?\)", "", title)
    for suffix in ("—Patient Version", "—Health Professional Version"):
        core = core.removesuffix(suffix)
    return core.strip()


def title_match(query_terms: AbstractSet[str], title_terms: AbstractSet[str]) -> float:
    """Harmonic mean of how much of the title the query names and how much of the query the
    title covers: "What is Adult ALL?" should prefer "Adult ALL Treatment" over "Childhood ALL
    Treatment", and a short generic title should not win on one shared word."""
    if not query_terms or not title_terms:
        return 0.0
    shared = len(query_terms & title_terms)
    if shared == 0:
        return 0.0
    title_cover = shared / len(title_terms)
    query_cover = shared / len(query_terms)
    return 2 * title_cover * query_cover / (title_cover + query_cover)


def population_conflict(query: str, title: str, url: str = "") -> bool:
    """The page is for children and the question is not (or the reverse for adults).

    The page's population comes from its title and its URL slug: NCI titles some adult
    summaries without "Adult" ("Acute Myeloid Leukemia Treatment") but keeps it in the slug
    ("/patient/adult-aml-treatment-pdq").
    """
    q = set(tokenize(query))
    t = set(tokenize(title)) | _slug_population(url)
    asks_child = bool(q & _CHILD_WORDS)
    if t & _CHILD_WORDS and not asks_child:
        return True
    return bool(t & _ADULT_WORDS) and asks_child and not q & _ADULT_WORDS


# What a question asks for -> the word NCI puts in the title or URL slug of a page about just
# that ("Bladder Cancer Diagnosis", "/types/bladder/diagnosis").
_ASKED_PAGE_TYPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(tests?|diagnos\w*)\b", re.I), "diagnosis"),
    (re.compile(r"\b(symptoms?|signs?)\b", re.I), "symptoms"),
    (re.compile(r"\b(risk factors?|risks? of|causes?)\b", re.I), "causes"),
    (re.compile(r"\bside effects?\b", re.I), "side-effects"),
)


def page_type_match(query: str, title: str, url: str) -> bool:
    """The question asks for what the page's type says it holds (tests -> a diagnosis page)."""
    page = " ".join((title.casefold(), url.rstrip("/").rsplit("/", 1)[-1]))
    return any(pattern.search(query) and word in page for pattern, word in _ASKED_PAGE_TYPES)


def _slug_population(url: str) -> set[str]:
    """Population words that lead the URL's last path segment ("adult-aml-treatment-pdq")."""
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    first = slug.split("-", 1)[0].lower()
    return {first} & (_CHILD_WORDS | _ADULT_WORDS)


def is_hub_page(title: str) -> bool:
    """A cancer-type landing page ("Anal Cancer—Patient Version"): mostly links to the pages
    that hold the content, so the content page should win a near tie."""
    return title.rstrip().endswith(("—Patient Version", "—Health Professional Version"))


def is_research_news(url: str) -> bool:
    """Research news and article lists: rarely the page a patient's question needs."""
    return "/research" in url


def is_technical_for(doc_audience: str, asked_audience: str | None) -> bool:
    """True when a health-professional page should be penalised for this reader."""
    return doc_audience == "technical" and asked_audience != "technical"


def patient_version_url(url: str) -> str | None:
    """The URL the patient version of a health-professional page would have, or None.

    NCI publishes both versions of a summary under one path ("/types/x/hp/y-pdq" and
    "/types/x/patient/y-pdq"; the landing pages "/types/x/hp" and "/types/x").
    """
    base = url.rstrip("/")
    if base.endswith("/hp"):
        return base.removesuffix("/hp")
    if "/hp/" in base:
        return base.replace("/hp/", "/patient/", 1)
    return None


def patient_versions(metas: Iterable[DocMeta]) -> frozenset[str]:
    """Ids of health-professional pages whose patient version (same path or same title) is in
    the KB.

    Only these pages need the health-professional penalty: it exists to put the patient version
    of the same summary first. A summary whose patient version NCI retired ("Childhood
    Ependymoma Treatment") is the KB's only full summary of its topic and competes unpenalised.
    """
    metas = list(metas)
    patient = [m for m in metas if m.audience != "technical" and m.status == "active"]
    urls = {m.url.rstrip("/") for m in patient}
    # NCI moved some patient summaries out of "/patient/" ("/types/bladder/treatment") under
    # the same title as the HP summary ("Bladder Cancer Treatment (PDQ®)").
    titles = {title_core(m.title).casefold() for m in patient}
    return frozenset(
        m.doc_id
        for m in metas
        if m.audience == "technical"
        and (patient_version_url(m.url) in urls or title_core(m.title).casefold() in titles)
    )


def allowed(
    meta: DocMeta,
    *,
    status: str,
    audience: str | None = None,
    language: str | None = None,
    source_type: str | None = None,
    cancer_type: str | None = None,
) -> bool:
    """The same filter semantics as the store's lexical search, for dense candidates."""
    checks: Iterable[tuple[str | None, str]] = (
        (audience, meta.audience),
        (language, meta.language),
        (source_type, meta.source_type),
    )
    if meta.status != status or any(w is not None and w != v for w, v in checks):
        return False
    return cancer_type is None or cancer_type in meta.cancer_types
