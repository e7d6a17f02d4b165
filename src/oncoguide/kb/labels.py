"""Labels recomputed from a document's url and title: audience and cancer types.

The frontmatter labels in the real KB are unreliable: every page says `audienceLevel: patient`
(health-professional pages included), and `cancerTypes` was filled by substring matching
("liver" found in "deliver"). We recompute both from the url path and the title, and keep the
declared values on the Document for reference.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = [
    "CANCER_TYPES",
    "cancer_types_for",
    "cancers_named_in",
    "cancers_of_page",
    "is_health_professional",
    "may_be_about_a_child",
    "names_a_child",
    "page_age_group",
    "sex_named",
    "suspicious_cancer_types",
]

# Canonical type -> words that name it in a title. Url segments `/types/<segment>/` map through
# _SEGMENTS. Kept small and explicit on purpose: an unknown type falls back to "general".
CANCER_TYPES: dict[str, tuple[str, ...]] = {
    "adrenocortical": ("adrenocortical",),
    "anal": ("anal",),
    "bladder": ("bladder",),
    "bone": ("bone", "osteosarcoma", "ewing"),
    "brain": ("brain", "glioma", "glioblastoma", "astrocytoma", "medulloblastoma", "ependymoma"),
    "breast": ("breast",),
    "cervical": ("cervical", "cervix"),
    "colorectal": ("colorectal", "colon", "rectal", "rectum"),
    "esophageal": ("esophageal", "esophagus"),
    "eye": ("eye", "retinoblastoma", "uveal", "intraocular"),
    "head and neck": (
        "head and neck",
        "oral",
        "laryngeal",
        "pharyngeal",
        "oropharyngeal",
        "nasopharyngeal",
        "salivary",
        "lip",
        "hypopharyngeal",
        "paranasal",
    ),
    "kidney": ("kidney", "renal", "wilms"),
    "leukemia": ("leukemia",),
    "liver": ("liver", "hepatocellular", "bile duct", "cholangiocarcinoma"),
    "lung": ("lung",),
    "lymphoma": ("lymphoma", "hodgkin", "mycosis fungoides"),
    "myeloma": ("myeloma", "plasma cell"),
    "ovarian": ("ovarian", "ovary", "fallopian"),
    "pancreatic": ("pancreatic", "pancreas"),
    "prostate": ("prostate",),
    "skin": ("skin", "melanoma", "merkel", "basal cell", "squamous cell"),
    "soft tissue sarcoma": ("soft tissue sarcoma", "rhabdomyosarcoma"),
    "stomach": ("stomach", "gastric"),
    "testicular": ("testicular", "testis"),
    "thyroid": ("thyroid",),
    "uterine": ("uterine", "endometrial", "uterus"),
    "childhood cancers": ("childhood",),
}
_SEGMENTS: dict[str, str] = {
    "head-and-neck": "head and neck",
    "soft-tissue-sarcoma": "soft tissue sarcoma",
    "childhood-cancers": "childhood cancers",
    **{t: t for t in CANCER_TYPES if " " not in t},
}
_TITLE_RE: list[tuple[str, re.Pattern[str]]] = [
    (t, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE))
    for t, words in CANCER_TYPES.items()
]
_HP_TITLE = "health professional version"


def is_health_professional(url: str, title: str, headings: tuple[str, ...] = ()) -> bool:
    """True for health-professional pages: url with /hp/ or -hp-, or an HP-version title/H1."""
    path = urlsplit(url).path.lower()
    if "/hp/" in path or "-hp-" in path or path.endswith("/hp"):
        return True
    return any(_HP_TITLE in t.lower() for t in (title, *headings))


def cancer_types_for(url: str, title: str) -> tuple[str, ...]:
    """Cancer types named by the url's `/types/<segment>` and by whole words of the title."""
    found: list[str] = []
    parts = urlsplit(url).path.lower().split("/")
    for i, part in enumerate(parts[:-1]):
        if part == "types" and parts[i + 1] in _SEGMENTS:
            found.append(_SEGMENTS[parts[i + 1]])
    for name, pattern in _TITLE_RE:
        if name not in found and pattern.search(title):
            found.append(name)
    return tuple(found) or ("general",)


# In a person's words a type word names a cancer only next to "cancer" ("bone pain", "skin rash",
# "oral chemo" do not); words that are themselves the name of a cancer need no such neighbour.
_SELF_NAMING = re.compile(r"(?:oma|leukemia|wilms|hodgkin)$")
# Between the type word and "cancer" only other type words and joiners ("breast and ovarian
# cancer", "small cell lung cancer"), never a noun of its own ("bladder problems and cancer").
_BETWEEN = "|".join(
    sorted({re.escape(w) for ws in CANCER_TYPES.values() for w in ws} | {"and", "or", "cell"})
)
_CANCER_NOUN = rf"(?:\s+(?:{_BETWEEN})){{0,2}}\s+(?:cancers?|tumou?rs?|carcinomas?|sarcomas?)\b"
_QUESTION_RE: list[tuple[str, re.Pattern[str]]] = [
    (
        t,
        re.compile(
            r"\b(?:"
            + "|".join(
                re.escape(w) + ("" if _SELF_NAMING.search(w) else _CANCER_NOUN) for w in words
            )
            + r")\b",
            re.IGNORECASE,
        ),
    )
    for t, words in CANCER_TYPES.items()
    if t != "childhood cancers"
]
_SPELLINGS = (("leukaemia", "leukemia"), ("oesophag", "esophag"), ("tumour", "tumor"))


def cancers_named_in(text: str) -> frozenset[str]:
    """The cancer types a person's question names ("stage 4 pancreatic cancer", "his lymphoma"),
    by the same canonical names as `cancer_types_for`."""
    lower = text.lower()
    for british, us in _SPELLINGS:
        lower = lower.replace(british, us)
    return frozenset(t for t, pattern in _QUESTION_RE if pattern.search(lower))


def cancers_of_page(url: str, title: str) -> frozenset[str]:
    """The cancers a page is about, named strictly: its url's `/types/<segment>` or a cancer its
    title names as one ("Bladder Cancer Treatment", not "Urinary and Bladder Problems")."""
    parts = urlsplit(url).path.lower().split("/")
    found = {_SEGMENTS[parts[i + 1]] for i, part in enumerate(parts[:-1])
             if part == "types" and parts[i + 1] in _SEGMENTS}  # fmt: skip
    return (frozenset(found) | cancers_named_in(title)) - {"childhood cancers"}


_CHILD_PAGE = re.compile(r"\b(?:childhood|children|child|pediatric|paediatric)\b", re.IGNORECASE)
_ADULT_PAGE = re.compile(r"^adult\b|\bin adults\b", re.IGNORECASE)
_A_CHILD = re.compile(
    r"\b(?:child|children|childhood|kids?|babys?|babies|toddlers?|infants?|pediatric|"
    r"paediatric|(?:[1-9]|1[0-7])[- ]?(?:years?|yrs?|months?)[- ]?old)\b",
    re.IGNORECASE,
)
# Words that may or may not mean a child ("my son" can be forty).
_MAYBE_A_CHILD = re.compile(
    r"\b(?:sons?|daughters?|boys?|girls?|teens?|teenagers?|adolescents?|school|grandchild)\b",
    re.IGNORECASE,
)


# People named by sex: who a question is about ("should my dad get mammograms?"), or whom a section
# addresses ("Women with breast implants should ..."). Pronouns are left out: "he" may be the
# doctor.
_MALE = re.compile(
    r"\b(?:dad|daddy|father|husband|boyfriend|brother|son|grandfather|grandpa|granddad|uncle|"
    r"nephew|man|men|male|males|gentleman|boy)(?:'?s)?\b",
    re.IGNORECASE,
)
_FEMALE = re.compile(
    r"\b(?:mum|mom|mummy|mommy|mother|wife|girlfriend|sister|daughter|grandmother|grandma|"
    r"granny|aunt|auntie|niece|woman|women|female|females|lady|girl)(?:'?s)?\b",
    re.IGNORECASE,
)


def sex_named(text: str) -> str | None:
    """ "male" or "female" when the text names people of one sex only, else None."""
    male, female = _MALE.search(text) is not None, _FEMALE.search(text) is not None
    if male == female:
        return None
    return "male" if male else "female"


def page_age_group(url: str, title: str) -> str | None:
    """ "children" for a page about children's cancer (its title or url says so), "adults" for a
    page its title marks as about adults ("Adult Acute Myeloid Leukemia Treatment"), else None."""
    if _CHILD_PAGE.search(title) or "/child" in url.lower() or "pediatric" in url.lower():
        return "children"
    return "adults" if _ADULT_PAGE.search(title) else None


def names_a_child(text: str) -> bool:
    """The text is plainly about a child ("our 8 year old", "my kid", "childhood leukemia")."""
    return _A_CHILD.search(text) is not None


def may_be_about_a_child(text: str) -> bool:
    """`names_a_child`, or words that may mean a child ("my son", "a teenager")."""
    return names_a_child(text) or _MAYBE_A_CHILD.search(text) is not None


def suspicious_cancer_types(declared: tuple[str, ...], text: str) -> tuple[str, ...]:
    """Declared types that occur in `text` only inside other words ("liver" in "deliver")."""
    lower = text.lower()
    out = []
    for name in declared:
        if name == "general" or name not in lower:
            continue
        if re.search(r"\b" + re.escape(name) + r"\b", lower) is None:
            out.append(name)
    return tuple(out)
