"""The deterministic safety policy that runs before retrieval.

`SafetyPolicy.load()` reads the YAML rules, templates and regions once; `policy.check(text)` returns
one `SafetyDecision`. It never raises on user text: empty, huge, non-English or control-character
input gets a decision like any other.

Matching. The text is normalised (normalise.py) and each rule's phrase alternation is scanned over
the WHOLE text, so nothing is truncated and an emergency buried in the middle of a 100 KB message is
still found. Every candidate match is then judged only on its own sentence, clipped to
`WINDOW` characters either side: requirements (e.g. treatment context for a fever), negation
("no chest pain"), hypotheticals ("if I get a fever") and general questions ("what are the signs of
a stroke"). The window bound keeps the work per match constant, so a check is linear in the length
of the message. Two wider looks, both bounded too: a question that points back with "it"/"this"
is judged with the previous sentence ("I found a lump. Is it cancer?"), and a rule with the
`past_resolved` suppressor ignores an event in the distant past that is clearly over ("last year
I had a fever and was admitted"), unless its sentence says it is going on ("still", "since ...").

Priority when several categories match: `priority:` in rules/_context.yaml (first wins), with the
reasons written next to it.

Fusion. With a classifier attached (`load(classifier=...)`), `check` also scores the message's scan
units (scan.py: the whole message and each sentence with its neighbours) and fuses both verdicts
(fusion.py); `rule_decision` is the rules alone. When the units of a long message hold more
tokens than `fusion.yaml`'s `budget_tokens`, the scout (scout.py) ranks them and the classifier
reads the riskiest ones up to the budget; the others count as unread, not as benign. The turn
reads a decision's `actions` and `concern`, never its category name.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from oncoguide.errors import PolicyError
from oncoguide.safety.classifier import DEFAULT_MODEL_DIR, load_classifier
from oncoguide.safety.figurative import Figures, load_figures
from oncoguide.safety.fusion import FusionConfig, Scorer, fuse, load_fusion
from oncoguide.safety.normalise import normalise
from oncoguide.safety.regions import DEFAULT_REGIONS_PATH, Region, get_region, load_regions
from oncoguide.safety.rulebook import Context, Rule, load_rulebook
from oncoguide.safety.scan import ScanUnit, scan_units
from oncoguide.safety.scout import Ranker, load_scout, within_budget
from oncoguide.safety.templates import DEFAULT_TEMPLATES_PATH, load_templates, render
from oncoguide.text.sentences import split_message
from oncoguide.types import SAFETY_CATEGORIES, SafetyConcern, SafetyDecision

__all__ = ["NO_DECISION", "WINDOW", "RuleMatch", "SafetyPolicy", "rule_units"]

WINDOW = 240  # characters of sentence context judged on each side of a match
_ANCHOR_TAIL = (
    160  # negation and "what is ..." must end right before a match: a short tail is enough
)
# Sentence ends, plus list markers ("2)", "•") so each item of a numbered list is its own sentence:
# a general question in item 1 must not silence a symptom in item 2.
# Markers: "2)", "(2)", "b)", "2-" and bullets.
_BOUNDARY = re.compile(
    r"[!?\n•]+|[.;:]+(?=\s|$)|(?<=\s)\(?(?:\d{1,2}|[a-h])\)(?=\s)|(?<=\s)\d{1,2}-(?=\s)"
)
# The speaker's own voice. A general question earlier in a sentence ("why does chemo make me so
# tired, I just want to die") stops framing the match once the person speaks about themselves
# after it: the general cue then belongs to another clause.
_SELF = re.compile(r"\b(?:i|im|ive|id|me|my|myself)\b")
_RESOLUTION_REACH = 2 * WINDOW  # "it turned out to be reflux" may sit in the next sentence
NO_DECISION = SafetyDecision(
    category="none", rule_id=None, span=None, actions=(), template_id=None, message=None
)


@dataclass(frozen=True)
class RuleMatch:
    """One rule that holds on a text: which, its category, and the phrase it matched."""

    rule_id: str
    category: str
    span: str


@dataclass
class _Message:
    """One normalised message: sentence boundaries and message-wide cue lookups, computed lazily."""

    text: str
    _starts: list[int] = field(default_factory=list)
    _ends: list[int] = field(default_factory=list)
    _cue_cache: dict[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for m in _BOUNDARY.finditer(self.text):
            self._starts.append(m.start())
            self._ends.append(m.end())

    def window(self, start: int, end: int) -> tuple[int, int, bool]:
        """The sentence around [start, end), clipped to WINDOW; also: is the sentence start kept?"""
        i = bisect.bisect_right(self._ends, start)
        sent_start = self._ends[i - 1] if i > 0 else 0
        j = bisect.bisect_left(self._starts, end)
        sent_end = self._starts[j] if j < len(self._starts) else len(self.text)
        lo = max(sent_start, start - WINDOW)
        return lo, min(sent_end, end + WINDOW), lo == sent_start

    def has_cue(self, name: str, pattern: re.Pattern[str]) -> bool:
        if name not in self._cue_cache:
            self._cue_cache[name] = pattern.search(self.text) is not None
        return self._cue_cache[name]


class SafetyPolicy:
    """Compiled safety rules plus rendered templates; `check()` is pure and thread-safe."""

    def __init__(
        self,
        context: Context,
        rules: list[Rule],
        messages: Mapping[tuple[str, str], str],
        regions: Mapping[str, Region],
        *,
        fusion: FusionConfig | None = None,
        scorer: Scorer | None = None,
        scout: Ranker | None = None,
        figures: Figures | None = None,
    ) -> None:
        self._ctx = context
        order = {c: i for i, c in enumerate(context.priority)}
        self._rules = sorted(rules, key=lambda r: order[r.category])
        self._messages = dict(messages)
        self._regions = dict(regions)
        self._fusion = fusion
        self._scorer = scorer
        self._scout = scout
        self._figures = figures  # figures of speech put plainly for the classifier (figurative.py)
        # The classifier is the costly part of a check, and one turn may check the same message
        # more than once (the chat service asks before it plans the turn): remember recent scores.
        self._cached_scores = functools.lru_cache(maxsize=256)(self._text_scores)

    @classmethod
    def load(
        cls,
        rules_dir: Path | None = None,
        *,
        templates_path: Path | None = None,
        regions_path: Path | None = None,
        fusion_path: Path | None = None,
        scorer: Scorer | None = None,
        classifier: bool = False,
        scout: Ranker | None = None,
    ) -> SafetyPolicy:
        """Read and validate every rule, template and region file; raise PolicyError if invalid.

        `classifier=True` attaches the shipped learned classifier when its weights are installed
        (`Settings.safety_classifier`), with the scout shipped beside it; `scorer` (and `scout`)
        attach any other. Without either the policy is the rules alone.
        """
        if scorer is None and classifier:
            scorer = load_classifier()
            if scorer is not None and scout is None:
                scout = load_scout(DEFAULT_MODEL_DIR)
        context, rules = load_rulebook(rules_dir)
        regions = load_regions(regions_path or DEFAULT_REGIONS_PATH)
        allowed = set(next(iter(regions.values())).placeholders())
        templates = load_templates(templates_path or DEFAULT_TEMPLATES_PATH, allowed=allowed)
        for rule in rules:
            if rule.template_id not in templates:
                raise PolicyError(
                    f"{rule.source} rule {rule.id!r}: unknown template {rule.template_id!r}"
                )
        fusion = load_fusion(fusion_path, categories=context.priority)
        for tid in fusion.concern_template.values():
            if tid not in templates:
                raise PolicyError(f"fusion.yaml: unknown concern template {tid!r}")
        messages = {
            (tid, code): render(t, region)
            for tid, t in templates.items()
            for code, region in regions.items()
        }
        figures = load_figures() if scorer is not None else None
        return cls(
            context, rules, messages, regions,
            fusion=fusion, scorer=scorer, scout=scout, figures=figures,
        )  # fmt: skip

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(self._rules)

    @property
    def priority(self) -> tuple[str, ...]:
        """Categories, most urgent first (from rules/_context.yaml)."""
        return self._ctx.priority

    @property
    def has_classifier(self) -> bool:
        return self._scorer is not None

    def region(self, code: str) -> Region:
        return get_region(code, self._regions)

    def check(self, text: str, *, region: str = "US") -> SafetyDecision:
        """Classify one message: the rules, fused with the classifier when one is attached."""
        decision = self.rule_decision(text, region=region)
        if self._scorer is None or self._fusion is None:
            return decision
        units = scan_units(text)
        if not units:
            return decision
        span = decision.span if decision.rule_id is not None else None
        scores = [dict(s) for s in self._cached_scores(text, span)]
        rule_over = (
            span is not None
            and decision.category in self._fusion.escalate
            and (
                self._only_in_the_past(text, units, self._over_units(units), decision.category)
                or (self._habitual(units, span) and self._doubted(decision.category, scores))
            )
        )
        return self._fused(decision, units, scores, region, rule_over=rule_over)

    def _only_in_the_past(
        self, text: str, units: tuple[ScanUnit, ...], over: list[bool], category: str
    ) -> bool:
        """Every phrase of `category` the rules hold on (read in the whole message, with its
        message-wide cues) sits only in sentences that tell of an event that is over: the same
        phrase in a sentence that is not over ("... and tonight I will take my own life") keeps
        the stop."""
        if not any(over[1:]):
            return False
        current = [
            normalise(u.sentence)
            for u, o in zip(units, over, strict=True)
            if u.kind == "sentence" and not o
        ]
        message = _Message(normalise(text))
        for rule in self._rules:
            if rule.category != category or not self._message_requirements(rule, message):
                continue
            for m in rule.pattern.finditer(message.text):
                if any(m.group(0) in c for c in current) and self._holds(
                    rule, message, m.start(), m.end()
                ):
                    return False
        return True

    def _over_units(self, units: tuple[ScanUnit, ...]) -> list[bool]:
        """Per unit: does its sentence tell of an event that is over (`_told_as_over`, the test
        of the rules' `past_resolved` suppressor, with the resolution looked for in the sentence
        and within two windows after it)? A one-sentence message is judged as its own sentence;
        the message unit of a longer one is never over by itself."""
        if len(units) == 1:
            only = normalise(units[0].sentence)
            return [self._told_as_over(only, only[: len(only) + _RESOLUTION_REACH])]
        sentences = [normalise(u.sentence) for u in units[1:]]
        out = [False]
        for k, sentence in enumerate(sentences):
            after = " ".join(sentences[k:])
            out.append(self._told_as_over(sentence, after[: len(sentence) + _RESOLUTION_REACH]))
        return out

    def _habitual(self, units: tuple[ScanUnit, ...], span: str | None) -> bool:
        """The rule matched a sign told as what happens every time ("every time I get my
        infusion I feel like I have the flu for a couple of days - chills, achy"), with nothing in
        its sentence saying it is happening now: a known pattern asked about. When the classifier
        also doubts the crisis (below its concern threshold everywhere), the turn answers behind
        the concern line rather than stopping."""
        cues = self._ctx.cues
        i = next(iter(rule_units(units, span)), None)
        sentence = normalise(units[i].sentence if i is not None else units[0].sentence)
        return (
            cues["habitual"].search(sentence) is not None
            and cues["ongoing"].search(sentence) is None
        )

    def _doubted(self, category: str, scores: list[dict[str, float]]) -> bool:
        """The classifier finds `category` below its concern threshold in every unit it read."""
        assert self._fusion is not None
        bar = self._fusion.concern.get(category)
        read = [s for s in scores if s]
        return bar is not None and bool(read) and max(s.get(category, 0.0) for s in read) < bar

    def forget_scores(self) -> None:
        """Drop the remembered classifier scores (benchmarks time the classifier, not the cache)."""
        self._cached_scores.cache_clear()

    def _text_scores(self, text: str, span: str | None) -> tuple[dict[str, float], ...]:
        return tuple(self.unit_scores(scan_units(text), rule_span=span))

    def scan(self, text: str) -> tuple[tuple[ScanUnit, ...], list[bool]]:
        """The units the classifier judges (scan.py) and, per unit, whether its sentence tells of
        an event that is over (`_over_units`: a rule's crisis matched there is demoted to the
        concern line). The classifier's own readings are not held back by it: a letter's past
        sentence sits beside, and gives context to, the crisis happening now."""
        units = scan_units(text)
        return units, self._over_units(units)

    def unit_scores(
        self, units: tuple[ScanUnit, ...], *, rule_span: str | None = None
    ) -> list[dict[str, float]]:
        """The classifier's probabilities for each unit ([] without a classifier); `{}` for a
        unit it did not read (over the token budget and ranked low by the scout). The sentence
        unit holding `rule_span` (the text a rule matched) is always read."""
        if self._scorer is None or not units:
            return []
        texts = [u.text for u in units]
        distinct = list(dict.fromkeys(texts))  # short messages repeat the same window
        must = rule_units(units, rule_span)
        read = self._units_to_read(distinct, [distinct.index(texts[i]) for i in must])
        # The rule's own sentence is also read alone, so the veto judges the very words the rule
        # matched and not only their window: a window of long or cheerful neighbours can bury
        # them (a sign read at p .99 alone scored .00 inside boilerplate), or run past the
        # classifier's 128 tokens. It goes in the same classifier call as the units (one batch).
        alone: dict[int, str] = {}
        for i in must:
            sentence = _sentence_with(units[i].sentence, rule_span)
            if sentence and sentence.strip() != units[i].text.strip():
                alone[i] = sentence
        batch = list(dict.fromkeys([*read, *alone.values()]))
        by_text = dict(zip(batch, self._scorer.score(self._plain(batch)), strict=True))
        was_read = set(read)
        out = [by_text[t] if t in was_read else {} for t in texts]
        for i, sentence in alone.items():
            out[i] = _strongest(out[i], by_text[sentence])
        return out

    def _plain(self, texts: list[str]) -> list[str]:
        """The texts as the classifier and its scout read them: figures of speech in plain words."""
        if self._figures is None:
            return texts
        return [self._figures.plain(t) for t in texts]

    def _units_to_read(self, texts: list[str], must: list[int]) -> list[str]:
        """All of `texts`, or past the token budget the `must` units and the riskiest that fit
        (scout.within_budget)."""
        budget = self._fusion.budget_tokens if self._fusion is not None else None
        if self._scout is None or budget is None or len(texts) < 2:
            return texts
        risk, tokens = self._scout.read(self._plain(texts))
        return [texts[i] for i in within_budget(list(risk), tokens, budget, must)]

    def rule_decision(self, text: str, *, region: str = "US") -> SafetyDecision:
        """The rules alone: the first matching rule in priority order decides."""
        match = next(self.rule_matches(text), None)
        if match is None:
            return NO_DECISION
        rule = next(r for r in self._rules if r.id == match.rule_id)
        return self._decision(rule, match.span, region)

    def rule_matches(self, text: str) -> Iterator[RuleMatch]:
        """Every rule that holds on `text`, in priority order (lazily: stop when you have one)."""
        norm = normalise(text) if isinstance(text, str) else ""
        if not norm:
            return
        message = _Message(norm)
        for rule in self._rules:
            span = self._first_match(rule, message)
            if span is not None:
                yield RuleMatch(rule.id, rule.category, span)

    def _fused(
        self,
        decision: SafetyDecision,
        units: tuple[ScanUnit, ...],
        unit_scores: list[dict[str, float]],
        region: str,
        *,
        rule_over: bool = False,
    ) -> SafetyDecision:
        assert self._fusion is not None
        labels = [c for c in SAFETY_CATEGORIES if c != "none"]
        read = [s for s in unit_scores if s]  # the units the classifier read
        scores = {c: max(s.get(c, 0.0) for s in read) for c in labels}
        scores["none"] = min(s.get("none", 0.0) for s in read)
        fused = fuse(
            decision.category,
            scores,
            priority=self.priority,
            config=self._fusion,
            rule_over=rule_over,
        )
        code = self.region(region).code
        concern = None
        if fused.concern is not None:
            cat, p = fused.concern
            message = self._messages[(self._fusion.concern_template[cat], code)]
            concern = SafetyConcern(category=cat, score=p, message=message)
        if fused.source == "classifier":
            header = self._ctx.categories[fused.category]
            best = _best_unit(units, unit_scores, fused.category)
            decision = SafetyDecision(
                category=fused.category,
                rule_id=None,
                span=units[best].sentence,
                actions=header.actions,
                template_id=header.template_id,
                message=self._messages[(header.template_id, code)],
            )
        elif fused.source == "none":
            decision = NO_DECISION
        return replace(decision, concern=concern, scores=scores)

    def _decision(self, rule: Rule, span: str, region: str) -> SafetyDecision:
        code = self.region(region).code
        return SafetyDecision(
            category=rule.category,
            rule_id=rule.id,
            span=span,
            actions=rule.actions,
            template_id=rule.template_id,
            message=self._messages[(rule.template_id, code)],
        )

    def _message_requirements(self, rule: Rule, message: _Message) -> bool:
        return all(
            req.scope != "message" or message.has_cue(req.cue, self._ctx.cues[req.cue])
            for req in rule.requires
        )

    def _first_match(self, rule: Rule, message: _Message) -> str | None:
        if not self._message_requirements(rule, message):
            return None
        for m in rule.pattern.finditer(message.text):
            if self._holds(rule, message, m.start(), m.end()):
                return m.group(0)
        return None

    def _holds(self, rule: Rule, message: _Message, start: int, end: int) -> bool:
        """Judge one candidate match on its sentence: requirements met, nothing suppresses it."""
        lo, hi, whole_start = message.window(start, end)
        sentence = message.text[lo:hi]
        if not self._requirements_met(rule, sentence):
            return False
        # "I have a lump. Is it lymphoma?": "it" points back to the person's sentence before.
        refers_back = self._ctx.cues.get("refers_back")
        context = (
            message.text[max(0, lo - WINDOW) : hi]
            if refers_back is not None and refers_back.search(sentence)
            else sentence
        )
        before = message.text[lo:start]
        if self._suppressed(rule, before, sentence, whole_start, context):
            return False
        return not self._past_and_resolved(rule, message, lo, end, sentence)

    def _past_and_resolved(
        self, rule: Rule, message: _Message, lo: int, end: int, sentence: str
    ) -> bool:
        """An event clearly over: a distant past time in its sentence and a resolution nearby.

        "Last year I had a fever and was admitted", "chest pain last month, it turned out to be
        heartburn". A past time alone is not enough ("had chest pain last week" may still be going
        on), and any sign that it is happening now ("since yesterday", "still", "again") wins.
        """
        if "past_resolved" not in rule.suppress:
            return False
        return self._told_as_over(sentence, message.text[lo : end + _RESOLUTION_REACH])

    def _told_as_over(self, sentence: str, reach: str) -> bool:
        """A distant past time in `sentence`, nothing in it saying it is happening now, and a
        resolution in `reach` (the sentence and what follows it). Normalised text."""
        cues = self._ctx.cues
        if cues["ongoing"].search(sentence):  # not `experience`: "it's fine now" is over
            return False
        if cues["past_distant"].search(sentence) is None:
            return False
        return cues["resolved"].search(reach) is not None

    def _requirements_met(self, rule: Rule, sentence: str) -> bool:
        return all(
            self._ctx.cues[r.cue].search(sentence) is not None
            for r in rule.requires
            if r.scope == "sentence"
        )

    def _suppressed(
        self, rule: Rule, before: str, sentence: str, whole_start: bool, context: str = ""
    ) -> bool:
        """Negation, hypothetical or general framing; `context` adds the previous sentence."""
        ctx, tail = self._ctx, before[-_ANCHOR_TAIL:]
        context = context or sentence
        if "negation" in rule.suppress and ctx.negation.search(tail):
            return True
        if rule.unless_before is not None and rule.unless_before.search(tail):
            return True
        frames = ("hypothetical", "general_question", "question_frame")
        if not rule.suppress.intersection(frames) or ctx.experience.search(sentence):
            return False
        if "hypothetical" in rule.suppress and ctx.hypothetical.search(before):
            return True
        if "general_question" in rule.suppress and (
            ctx.general_anchored.search(tail) or _general_frames(ctx.general_anywhere, before)
        ):
            return True
        return (
            "question_frame" in rule.suppress
            and whole_start
            and ctx.question_start.search(sentence) is not None
            and ctx.person.search(context) is None
        )


def rule_units(units: tuple[ScanUnit, ...], span: str | None) -> list[int]:
    """The sentence unit(s) whose sentence holds a rule's matched `span` (normalised text): the
    first such sentence, or none when the span crosses sentences or there is no span."""
    if not span:
        return []
    for i, unit in enumerate(units):
        if unit.kind == "sentence" and span in normalise(unit.sentence):
            return [i]
    return []


def _sentence_with(text: str, span: str | None) -> str | None:
    """The sentence of `text` holding the normalised `span` (a rule's match), or None."""
    if not span:
        return None
    return next((s for s in split_message(text) if span in normalise(s)), None)


def _strongest(a: Mapping[str, float], b: Mapping[str, float]) -> dict[str, float]:
    """Per category the higher probability of two readings of one unit, "none" the lower."""
    if not a:
        return dict(b)
    out = {c: max(a.get(c, 0.0), b.get(c, 0.0)) for c in set(a) | set(b)}
    out["none"] = min(a.get("none", 1.0), b.get("none", 1.0))
    return out


def _best_unit(units: tuple[ScanUnit, ...], scores: list[dict[str, float]], category: str) -> int:
    """The unit to quote as the span: a top-scoring sentence, the middle one when the windows of
    neighbouring sentences tie (they all contain the sentence that matters)."""
    top = max(s.get(category, 0.0) for s in scores if s)
    tied = [i for i, s in enumerate(scores) if s and s.get(category, 0.0) == top]
    sentences = [i for i in tied if units[i].kind == "sentence"] or tied
    return sentences[(len(sentences) - 1) // 2]


def _general_frames(general: re.Pattern[str], before: str) -> bool:
    """A general-question cue in `before` with no first-person words between it and the match."""
    ends = [m.end() for m in general.finditer(before)]
    return bool(ends) and _SELF.search(before, ends[-1]) is None
