"""Load and validate the safety rule files (`rules/*.yaml`) into compiled, typed rules.

Every phrase list is compiled once at load into one alternation wrapped in word boundaries.
A rule file that does not validate raises `PolicyError` naming the file and the rule id, so a
typo in a YAML file stops start-up instead of silently disabling a safety rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from oncoguide.errors import PolicyError
from oncoguide.safety.boundary import leading_boundary
from oncoguide.types import SAFETY_CATEGORIES

__all__ = [
    "ACTIONS",
    "DEFAULT_RULES_DIR",
    "SUPPRESSORS",
    "Category",
    "Context",
    "Requirement",
    "Rule",
    "load_rulebook",
]

DEFAULT_RULES_DIR = Path(__file__).with_name("rules")
CONTEXT_FILE = "_context.yaml"
ACTIONS = frozenset(
    {
        "show_emergency_banner",
        "skip_retrieval",
        "show_crisis_resources",
        "refuse_personal_advice",
        "offer_general_information",
        "suggest_care_team_questions",
        "gentle_correction",
        "withhold_doses",
    }
)
SUPPRESSORS = frozenset(
    {"negation", "hypothetical", "general_question", "question_frame", "past_resolved"}
)
_CONTEXT_SETS = (
    "filler",
    "negation",
    "hypothetical",
    "general_question_anchored",
    "general_question",
    "question_start",
    "person",
    "experience",
)
_PAST_CUES = frozenset({"past_distant", "resolved", "ongoing"})  # used by `past_resolved`
_RULE_KEYS = frozenset(
    {
        "id",
        "description",
        "patterns",
        "requires",
        "suppress",
        "unless_before",
        "examples",
        "counter_examples",
        "template",
        "actions",
    }
)
_MACRO = re.compile(r"(?<![\\\w])([A-Z]{3,})(?!\w)")


@dataclass(frozen=True)
class Requirement:
    """A named cue that must also occur, in the match's sentence or anywhere in the message."""

    cue: str
    scope: Literal["sentence", "message"]


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    description: str
    pattern: re.Pattern[str]
    requires: tuple[Requirement, ...]
    suppress: frozenset[str]
    unless_before: re.Pattern[str] | None
    template_id: str
    actions: tuple[str, ...]
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Category:
    """What a category makes the turn do (the rule file's header): its template and actions."""

    name: str
    template_id: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Context:
    """The shared cue patterns from `_context.yaml`, compiled for the ways policy.py uses them."""

    negation: re.Pattern[str]  # anchored: must end just before the match
    hypothetical: re.Pattern[str]
    general_anchored: re.Pattern[str]  # anchored
    general_anywhere: re.Pattern[str]
    question_start: re.Pattern[str]  # at the start of the sentence
    person: re.Pattern[str]
    experience: re.Pattern[str]
    cues: Mapping[str, re.Pattern[str]]  # every named set, for `requires`
    filler: str
    # Categories, most urgent first (`priority:` in _context.yaml): the first one found decides.
    priority: tuple[str, ...] = ()
    categories: Mapping[str, Category] = field(default_factory=dict)


def _fail(path: Path, rule_id: str | None, message: str) -> PolicyError:
    where = f"{path.name}" + (f" rule {rule_id!r}" if rule_id else "")
    return PolicyError(f"{where}: {message}")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(path, None, f"cannot read YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise _fail(path, None, "expected a mapping at the top level")
    return data


def _str_list(value: Any, path: Path, rule_id: str | None, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, rule_id, f"{key!r} must be a list of non-empty strings")
    return tuple(value)


def _alternation(fragments: Iterable[str], terms: Mapping[str, str], path: Path, rid: str) -> str:
    def expand(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in terms:
            raise _fail(path, rid, f"unknown term list {name} (define it under 'terms')")
        return terms[name]

    return "|".join(f"(?:{_MACRO.sub(expand, f)})" for f in fragments)


def _compile(regex: str, path: Path, rule_id: str) -> re.Pattern[str]:
    try:
        return re.compile(regex)
    except re.error as exc:
        raise _fail(path, rule_id, f"invalid pattern: {exc}") from exc


def _bounded(alternation: str) -> str:
    return rf"{leading_boundary(alternation)}(?:{alternation})\b"


def _anchored(alternation: str, filler: str) -> str:
    """Cue, then only filler words, then the end of the text (the text before a match)."""
    return rf"\b(?:{alternation})(?:[ ,]+(?:{filler})\b)*[ ,\"]*$"


def _load_context(path: Path) -> tuple[Context, dict[str, str]]:
    data = _read_yaml(path)
    raw_terms = data.get("terms") or {}
    if not isinstance(raw_terms, dict):
        raise _fail(path, None, "'terms' must be a mapping")
    terms = {
        str(k): "(?:"
        + _alternation(_str_list(v, path, f"terms.{k}", str(k)), {}, path, str(k))
        + ")"
        for k, v in raw_terms.items()
    }
    cues_raw = data.get("cues")
    if not isinstance(cues_raw, dict):
        raise _fail(path, None, "expected a 'cues' mapping")
    missing = [name for name in _CONTEXT_SETS if name not in cues_raw]
    if missing:
        raise _fail(path, None, f"missing cue sets {missing}")
    alts = {
        str(name): _alternation(
            _str_list(v, path, f"cues.{name}", str(name)), terms, path, str(name)
        )
        for name, v in cues_raw.items()
    }
    filler = alts["filler"]
    priority = _str_list(data.get("priority"), path, None, "priority")
    expected = set(SAFETY_CATEGORIES) - {"none"}
    if set(priority) != expected or len(priority) != len(expected):
        raise _fail(path, None, f"'priority' must list each of {sorted(expected)} once")
    compiled = {name: _compile(_bounded(a), path, f"cues.{name}") for name, a in alts.items()}
    ctx = Context(
        negation=_compile(_anchored(alts["negation"], filler), path, "cues.negation"),
        hypothetical=compiled["hypothetical"],
        general_anchored=_compile(
            _anchored(alts["general_question_anchored"], filler), path, "cues.general_question"
        ),
        general_anywhere=compiled["general_question"],
        question_start=_compile(
            rf"^\W*(?:{alts['question_start']})\b", path, "cues.question_start"
        ),
        person=compiled["person"],
        experience=compiled["experience"],
        cues=compiled,
        filler=filler,
        priority=priority,
    )
    return ctx, terms


def _requirements(raw: Any, ctx: Context, path: Path, rid: str) -> tuple[Requirement, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail(path, rid, "'requires' must be a list")
    out = []
    for item in raw:
        cue = item.get("cue") if isinstance(item, dict) else None
        scope = item.get("scope", "sentence") if isinstance(item, dict) else None
        if cue not in ctx.cues:
            raise _fail(path, rid, f"requires unknown cue set {cue!r}")
        if scope not in ("sentence", "message"):
            raise _fail(path, rid, f"requires scope must be 'sentence' or 'message', not {scope!r}")
        out.append(Requirement(cue=str(cue), scope=scope))
    return tuple(out)


@dataclass(frozen=True)
class _FileDefaults:
    category: str
    template: str
    actions: tuple[str, ...]


def _rule(raw: Any, d: _FileDefaults, ctx: Context, terms: dict[str, str], path: Path) -> Rule:
    rid = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(rid, str) or not rid.startswith(d.category + "."):
        raise _fail(path, str(rid), f"every rule needs an id starting with '{d.category}.'")
    assert isinstance(raw, dict)
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise _fail(path, rid, f"unknown keys {sorted(unknown)}")
    patterns = _str_list(raw.get("patterns"), path, rid, "patterns")
    examples = _str_list(raw.get("examples"), path, rid, "examples")
    if not patterns or not examples:
        raise _fail(path, rid, "a rule needs at least one pattern and one example")
    suppress = frozenset(_str_list(raw.get("suppress"), path, rid, "suppress"))
    if not suppress <= SUPPRESSORS:
        raise _fail(path, rid, f"unknown suppressors {sorted(suppress - SUPPRESSORS)}")
    if "past_resolved" in suppress and not set(ctx.cues) >= _PAST_CUES:
        raise _fail(path, rid, f"past_resolved needs the cue sets {sorted(_PAST_CUES)}")
    unless = _str_list(raw.get("unless_before"), path, rid, "unless_before")
    actions = _str_list(raw.get("actions"), path, rid, "actions") or d.actions
    if not set(actions) <= ACTIONS:
        raise _fail(path, rid, f"unknown actions {sorted(set(actions) - ACTIONS)}")
    return Rule(
        id=rid,
        category=d.category,
        description=str(raw.get("description") or ""),
        pattern=_compile(_bounded(_alternation(patterns, terms, path, rid)), path, rid),
        requires=_requirements(raw.get("requires"), ctx, path, rid),
        suppress=suppress,
        unless_before=_compile(
            _anchored(_alternation(unless, terms, path, rid), ctx.filler), path, rid
        )
        if unless
        else None,
        template_id=str(raw.get("template") or d.template),
        actions=tuple(actions),
        examples=examples,
        counter_examples=_str_list(raw.get("counter_examples"), path, rid, "counter_examples"),
        source=path.name,
    )


def _load_rule_file(path: Path, ctx: Context, terms: dict[str, str]) -> tuple[Category, list[Rule]]:
    data = _read_yaml(path)
    category = data.get("category")
    if category not in SAFETY_CATEGORIES or category == "none":
        raise _fail(path, None, f"unknown category {category!r}")
    actions = _str_list(data.get("actions"), path, None, "actions")
    if not set(actions) <= ACTIONS:
        raise _fail(path, None, f"unknown actions {sorted(set(actions) - ACTIONS)}")
    template = data.get("template")
    if not isinstance(template, str):
        raise _fail(path, None, "every rule file names its response 'template'")
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        raise _fail(path, None, "expected a non-empty 'rules' list")
    defaults = _FileDefaults(category=str(category), template=template, actions=actions)
    header = Category(name=str(category), template_id=template, actions=actions)
    return header, [_rule(r, defaults, ctx, terms, path) for r in rules]


def load_rulebook(rules_dir: Path | None = None) -> tuple[Context, list[Rule]]:
    """Read `_context.yaml` and every other `*.yaml` in `rules_dir`; validate and compile."""
    rules_dir = rules_dir or DEFAULT_RULES_DIR
    context_path = rules_dir / CONTEXT_FILE
    if not context_path.is_file():
        raise PolicyError(f"{rules_dir}: missing {CONTEXT_FILE}")
    ctx, terms = _load_context(context_path)
    rules: list[Rule] = []
    categories: dict[str, Category] = {}
    for path in sorted(rules_dir.glob("*.yaml")):
        if not path.name.startswith("_"):
            header, file_rules = _load_rule_file(path, ctx, terms)
            categories.setdefault(header.name, header)  # extra files add rules, not a header
            rules.extend(file_rules)
    missing = [c for c in ctx.priority if c not in categories]
    if missing:
        raise PolicyError(f"{rules_dir}: no rule file for categories {missing}")
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise _fail(Path(rule.source), rule.id, "duplicate rule id")
        seen.add(rule.id)
    return replace(ctx, categories=categories), rules
