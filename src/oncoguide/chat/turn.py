"""One conversational turn: safety → retrieve → evidence gate → compose → verify.

The turn reads as that one sequence. Every early exit (emergency, crisis, abstention) is a value of
`TurnResult`; nothing here raises for a bad question except `QueryError` for an empty one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

from oncoguide.answer.compose import abstain, compose_answer
from oncoguide.answer.gate import evidence_gate
from oncoguide.answer.verify import verify_answer
from oncoguide.errors import QueryError
from oncoguide.retrieve.hybrid import Retriever
from oncoguide.safety.policy import SafetyPolicy
from oncoguide.safety.regions import get_region
from oncoguide.types import Answer, Hit, SafetyDecision, SearchFilters, TurnResult

__all__ = ["ContextFn", "TurnOptions", "Turner", "run_turn"]

# Adds the top pages' section trees to the hits for answering (`oncoguide.retrieve.sections.
# section_context` bound to a store); the answer stage itself never reads the store.
ContextFn = Callable[[str, tuple[Hit, ...]], tuple[Hit, ...]]

# Categories whose message is the whole reply: nothing is looked up, nothing is composed.
_STOP_CATEGORIES = ("emergency", "self_harm")


@dataclass(frozen=True)
class TurnOptions:
    region: str = "US"
    audience: str | None = None
    cancer_type: str | None = None
    k: int = 5
    as_of: date | None = None


class _Clock:
    """Collects per-stage timings in milliseconds."""

    def __init__(self, now: Callable[[], float] = time.perf_counter) -> None:
        self._now = now
        self.timings: list[tuple[str, float]] = []

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = self._now()
        try:
            yield
        finally:
            self.timings.append((name, round((self._now() - start) * 1000, 3)))


def _message_only(question: str, decision: SafetyDecision) -> Answer:
    return Answer(
        question=question,
        text=decision.message or "",
        sentences=(),
        citations=(),
        abstained=False,
        abstain_reason=None,
        reading_grade=None,
    )


def _prefix(decision: SafetyDecision, answer: Answer) -> Answer:
    """Put the refusal/correction template before the general cited information."""
    if not decision.message:
        return answer
    return replace(answer, text=f"{decision.message}\n\n{answer.text}".strip())


def run_turn(
    question: str,
    *,
    policy: SafetyPolicy,
    retriever: Retriever,
    options: TurnOptions | None = None,
    context: ContextFn | None = None,
) -> TurnResult:
    """Answer one question, or say why not, as a `TurnResult`."""
    opts = options or TurnOptions()
    if not question or not question.strip():
        raise QueryError("empty question: type a question about cancer or its care")
    as_of = opts.as_of or date.today()
    clock = _Clock()
    with clock.stage("safety"):
        decision = policy.check(question, region=opts.region)
    if decision.category in _STOP_CATEGORIES:
        return TurnResult(
            question, decision, _message_only(question, decision), (), tuple(clock.timings)
        )
    with clock.stage("retrieve"):
        filters = SearchFilters(cancer_type=opts.cancer_type)
        hits: tuple[Hit, ...] = retriever.search(
            question, k=opts.k, filters=filters, audience=opts.audience
        ).hits
    line = get_region(opts.region).cancer_info_text
    with clock.stage("gate"):
        gate = evidence_gate(question, hits)
    if not gate.passed:
        answer = abstain(question, gate.reason or "LOW_RELEVANCE", region_line=line)
        return TurnResult(question, decision, _prefix(decision, answer), hits, tuple(clock.timings))
    if context is not None:
        with clock.stage("context"):
            hits = context(question, hits)
    with clock.stage("compose"):
        answer = compose_answer(
            question, hits, as_of=as_of, safety=decision, audience=opts.audience
        )
    with clock.stage("verify"):
        answer = verify_answer(answer, hits, region_line=line)
    if answer.abstained or not decision.is_refusal:
        # compose_answer already puts a refusal's text first; an abstention or a
        # misinformation correction gets the safety template put before it here.
        answer = _prefix(decision, answer)
    return TurnResult(question, decision, answer, hits, tuple(clock.timings))


class Turner:
    """Holds the long-lived pieces (policy, retriever) so repeated turns are warm."""

    def __init__(
        self,
        policy: SafetyPolicy,
        retriever: Retriever,
        options: TurnOptions,
        context: ContextFn | None = None,
    ) -> None:
        self.policy = policy
        self.retriever = retriever
        self.options = options
        self.context = context

    def __call__(self, question: str) -> TurnResult:
        return run_turn(
            question,
            policy=self.policy,
            retriever=self.retriever,
            options=self.options,
            context=self.context,
        )
