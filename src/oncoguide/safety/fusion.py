"""Fuse the rule decision and the classifier's probabilities into one category and a concern.

    r          = the rules' category, kept only if p(r) >= confirm[r] and, for an escalating r,
                 the rule's sentence is not an event that is over; otherwise r is "demoted"
    candidates = {r} ∪ {c : p(c) >= hard[c]}
    category   = r if r is an escalating category (the rules' crisis keeps its own message),
                 else the first candidate in `priority` (rules/_context.yaml), or "none"
    concern    = when the category is not itself an escalating one (emergency, self_harm): a
                 demoted escalating rule category, else the first escalating e with
                 p(e) >= concern[e]; when it is one, the OTHER escalating e with
                 p(e) >= concern[e] (a stop for one crisis also gives the other's number)

So emergency and self-harm from EITHER source win over any refusal (a plain union let a rule's
refusal hide the classifier's crisis call); a crisis the classifier is sure of stops the turn; a
doubtful one lets the answer go ahead behind one short, kind line. When the two sources disagree
on a rule's crisis (the classifier gives it almost nothing anywhere in the message) the rule's
hard stop becomes that concern line instead: never silence. A message can be both crises at once
(an overdose already taken; goodbyes from someone locked in a bathroom), and which of the two
stops it is the less certain call: so a stop for one also carries the other's line when the
classifier finds the other plausible. `p(c)` is the classifier's
probability for c, maximised over the scanned units (`scan.py`). Without classifier scores the
rules decide alone. Thresholds live in `fusion.yaml`, chosen on the calibration split
(CALIBRATION.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from oncoguide.errors import PolicyError

__all__ = ["DEFAULT_FUSION_PATH", "Fused", "FusionConfig", "Scorer", "fuse", "load_fusion"]

DEFAULT_FUSION_PATH = Path(__file__).with_name("fusion.yaml")


class Scorer(Protocol):
    """A classifier: per text, a probability for every category (the labels sum to 1)."""

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]: ...


@dataclass(frozen=True)
class FusionConfig:
    escalate: tuple[str, ...]
    hard: Mapping[str, float]
    concern: Mapping[str, float]
    concern_template: Mapping[str, str]
    confirm: Mapping[str, float] = field(default_factory=dict)
    # Tokens of scan units the classifier reads per message, riskiest first as the scout ranks
    # them (scout.py); None reads every unit.
    budget_tokens: int | None = None


@dataclass(frozen=True)
class Fused:
    category: str  # "none" when nothing is found
    source: str  # "rules" | "classifier" | "none"
    concern: tuple[str, float] | None  # (category, probability)


def fuse(
    rule_category: str,
    scores: Mapping[str, float],
    *,
    priority: Sequence[str],
    config: FusionConfig,
    rule_over: bool = False,
) -> Fused:
    """The fused verdict (see the module docstring for the formula). `rule_over`: the rule
    matched in a sentence that tells of an event clearly over, so an escalating rule category is
    demoted to the concern line whatever the classifier says."""
    sources: dict[str, str] = {}
    demoted = None
    if rule_category != "none" and scores:
        p_rule = scores.get(rule_category, 0.0)
        if p_rule < config.confirm.get(rule_category, 0.0) or (
            rule_over and rule_category in config.escalate
        ):
            demoted = (rule_category, p_rule)
    if rule_category != "none" and demoted is None:
        sources[rule_category] = "rules"
    for cat, threshold in config.hard.items():
        if scores.get(cat, 0.0) >= threshold:
            sources.setdefault(cat, "classifier")
    if sources.get(rule_category) == "rules" and rule_category in config.escalate:
        category = rule_category  # a rule's crisis keeps its own message (crisis vs emergency)
    else:
        category = next((c for c in priority if c in sources), "none")
    concern = None
    if category not in config.escalate and demoted and demoted[0] in config.escalate:
        concern = demoted
    else:
        for cat in (c for c in priority if c in config.escalate and c != category):
            p = scores.get(cat, 0.0)
            if p >= config.concern.get(cat, 1.1):
                concern = (cat, p)
                break
    return Fused(category=category, source=sources.get(category, "none"), concern=concern)


def _probability(value: Any, where: str) -> float:
    if not isinstance(value, int | float) or not 0.0 <= float(value) <= 1.0:
        raise PolicyError(f"fusion.yaml: {where} must be a probability in [0, 1], not {value!r}")
    return float(value)


def load_fusion(path: Path | None = None, *, categories: Sequence[str]) -> FusionConfig:
    """Read and validate `fusion.yaml` against the known categories and template ids."""
    path = path or DEFAULT_FUSION_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"{path}: cannot read fusion settings: {exc}") from exc
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: expected a mapping")
    escalate = tuple(str(c) for c in data.get("escalate") or ())
    templates = {str(k): str(v) for k, v in (data.get("concern_template") or {}).items()}
    raw = data.get("thresholds") or {}
    unknown = (set(escalate) | set(raw) | set(templates)) - set(categories)
    if unknown:
        raise PolicyError(f"{path}: unknown categories {sorted(unknown)}")
    hard, concern, confirm = {}, {}, {}
    for cat, item in raw.items():
        if not isinstance(item, dict):
            raise PolicyError(f"{path}: thresholds.{cat} must be a mapping")
        if "hard" in item:  # without it the classifier never decides this category alone
            hard[str(cat)] = _probability(item["hard"], f"thresholds.{cat}.hard")
        if "concern" in item:
            concern[str(cat)] = _probability(item["concern"], f"thresholds.{cat}.concern")
            if cat not in escalate or cat not in templates:
                raise PolicyError(
                    f"{path}: only escalating categories with a template have concern"
                )
            if concern[str(cat)] > hard.get(str(cat), 1.0):
                raise PolicyError(f"{path}: thresholds.{cat}: concern above hard")
        if "confirm" in item:
            confirm[str(cat)] = _probability(item["confirm"], f"thresholds.{cat}.confirm")
    budget = data.get("budget_tokens")
    if budget is not None and (not isinstance(budget, int) or budget < 1):
        raise PolicyError(f"{path}: budget_tokens must be a positive integer, not {budget!r}")
    return FusionConfig(escalate, hard, concern, templates, confirm, budget)
