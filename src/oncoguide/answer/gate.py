"""The evidence gate: decide whether the retrieved hits can support an answer at all.

Signals (all exposed raw by `gate_features` so thresholds can be calibrated on the eval sets):
- `n_hits`: no hits at all -> NO_RESULTS.
- `care_vocab`: how many cancer/care words (vocabulary.yaml) the question uses.
- `overlap_best`: the largest fraction of the question's content words found in one of the top
  hits (title + heading + passage texts). A question with no care vocabulary AND weak overlap is
  OFF_TOPIC; with care vocabulary but weak overlap it is LOW_RELEVANCE.
- `top_score`: the best hit's retrieval score (its scale depends on the retriever, so the default
  threshold does not use it; the lead sets `min_top_score` once retrieval is calibrated).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from oncoguide.answer.templates import care_vocabulary
from oncoguide.answer.text import content_terms
from oncoguide.types import Hit

__all__ = ["GateDecision", "GateThresholds", "evidence_gate", "gate_features"]


@dataclass(frozen=True)
class GateThresholds:
    """Gate thresholds. Provisional: recalibrate with real retrieval via `gate_features`.

    Measured with oracle hits (each MedQuAD question's gold docs, their 3 best-overlapping
    sections as passages; 674 rows) and 21 hand-written off-topic questions paired with random
    MedQuAD gold docs: MedQuAD overlap_best quantiles p1 0.67, p5 0.75, p50 1.0, and 648/674
    questions use a care word (the 26 that do not overlap >= 0.75); off-topic overlap_best
    0.0-0.67. With these defaults: 674/674 MedQuAD pass, 20/21 off-topic abstain (the miss:
    "What are the side effects of ibuprofen?", which uses the care phrase "side effect").
    """

    off_topic_max_overlap: float = 0.75  # below this (and no care words) -> OFF_TOPIC
    min_overlap: float = 0.34  # below this -> LOW_RELEVANCE
    min_top_score: float = float("-inf")  # disabled until calibrated on the retriever's scale
    top_k: int = 3  # how many hits the overlap signal looks at


@dataclass(frozen=True)
class GateDecision:
    passed: bool
    reason: str | None  # NO_RESULTS | LOW_RELEVANCE | OFF_TOPIC, None when passed
    detail: str


def _hit_terms(hit: Hit) -> frozenset[str]:
    text = " ".join([hit.title, hit.heading, hit.snippet, *(p.text for p in hit.passages)])
    text += " " + " ".join(p.heading for p in hit.passages)
    return content_terms(text)


def gate_features(question: str, hits: Sequence[Hit], *, top_k: int = 3) -> dict[str, float]:
    """The raw numbers the gate decides on (for calibration scripts and debugging)."""
    q_terms = content_terms(question)
    overlaps = [
        len(q_terms & _hit_terms(hit)) / len(q_terms) if q_terms else 0.0 for hit in hits[:top_k]
    ]
    features: dict[str, float] = {
        "n_hits": float(len(hits)),
        "q_terms": float(len(q_terms)),
        "care_vocab": float(care_vocabulary().count(question)),
        "overlap_top1": overlaps[0] if overlaps else 0.0,
        "overlap_best": max(overlaps, default=0.0),
        "top_score": hits[0].score if hits else 0.0,
    }
    if hits:
        features.update({f"signal_{k}": float(v) for k, v in hits[0].signals})
    return features


def evidence_gate(
    question: str, hits: Sequence[Hit], *, thresholds: GateThresholds | None = None
) -> GateDecision:
    """Pass, or abstain with NO_RESULTS / OFF_TOPIC / LOW_RELEVANCE and the numbers behind it."""
    t = thresholds or GateThresholds()
    if not hits:
        return GateDecision(False, "NO_RESULTS", "retrieval returned no hits")
    f = gate_features(question, hits, top_k=t.top_k)
    detail = (
        f"care_vocab={f['care_vocab']:.0f} overlap_best={f['overlap_best']:.2f} "
        f"top_score={f['top_score']:.4f}"
    )
    if f["care_vocab"] == 0 and f["overlap_best"] < t.off_topic_max_overlap:
        return GateDecision(False, "OFF_TOPIC", detail)
    if f["overlap_best"] < t.min_overlap or f["top_score"] < t.min_top_score:
        return GateDecision(False, "LOW_RELEVANCE", detail)
    return GateDecision(True, None, detail)
