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
    "is_health_professional",
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
