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
from oncoguide.answer.pick import answer_pages
from oncoguide.answer.plain import prefer_plainer
from oncoguide.answer.quotable import drop_document_notes, without_document_notes
from oncoguide.answer.templates import care_vocabulary
from oncoguide.answer.verify import verify_answer
from oncoguide.chat.aids import (
    TurnAids,
    capitalise,
    english_only,
    read_as,
    region_sentence,
    with_llm,
    without_general_info,
)
from oncoguide.errors import QueryError
from oncoguide.retrieve.hybrid import Retriever
from oncoguide.safety.policy import SafetyPolicy
from oncoguide.types import Answer, Hit, SafetyDecision, SearchFilters, TurnResult

__all__ = ["ContextFn", "TurnOptions", "Turner", "run_turn"]

# Adds the section trees of the pages an answer reads (their positions in the hits) to the hits
# (`oncoguide.retrieve.sections.SectionContext` bound to a store); the answer stage itself never
# reads the store.
ContextFn = Callable[[str, tuple[Hit, ...], tuple[int, ...]], tuple[Hit, ...]]

# The safety decision's actions are the contract this turn reads (never its category name):
# `skip_retrieval` makes the safety message the whole reply; a `concern` goes before any answer.
_SKIP_RETRIEVAL = "skip_retrieval"


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
    """The stop's message alone; a concern for the other crisis follows it (fusion.py)."""
    text = capitalise(decision.message or "")
    if decision.concern is not None and decision.concern.category != decision.category:
        text = f"{text}\n\n{decision.concern.message}".strip()
    return Answer(
        question=question,
        text=text,
        sentences=(),
        citations=(),
        abstained=False,
        abstain_reason=None,
        reading_grade=None,
    )


def _prefix(decision: SafetyDecision, answer: Answer) -> Answer:
    """Put the refusal/correction template before the general cited information (before an
    abstention, without the line that promises general information)."""
    if not decision.message:
        return answer
    message = capitalise(decision.message)
    if answer.abstained:
        message = without_general_info(message)
    return replace(answer, text=f"{message}\n\n{answer.text}".strip())


def _with_concern(decision: SafetyDecision, answer: Answer) -> Answer:
    """A doubtful emergency or crisis: one short, kind line with the number, then the answer."""
    if decision.concern is None:
        return answer
    return replace(answer, text=f"{decision.concern.message}\n\n{answer.text}".strip())


def run_turn(
    question: str,
    *,
    policy: SafetyPolicy,
    retriever: Retriever,
    options: TurnOptions | None = None,
    context: ContextFn | None = None,
    aids: TurnAids | None = None,
) -> TurnResult:
    """Answer one question, or say why not, as a `TurnResult`."""
    opts = options or TurnOptions()
    aid = aids or TurnAids()
    if not question or not question.strip():
        raise QueryError("empty question: type a question about cancer or its care")
    as_of = opts.as_of or date.today()
    clock = _Clock()
    with clock.stage("safety"):
        decision = policy.check(question, region=opts.region)
    if _SKIP_RETRIEVAL in decision.actions:
        return TurnResult(
            question, decision, _message_only(question, decision), (), tuple(clock.timings)
        )
    # The policy's regions, read once when it was loaded (reading regions.yaml per turn cost
    # about 20 ms, a third of a turn on the sample KB).
    line = region_sentence(policy.region(opts.region).cancer_info_text)
    if aid.english is not None and not aid.english(question):
        answer = english_only(question, line)
        return TurnResult(question, decision, answer, (), tuple(clock.timings))
    # An out-of-scope question (an animal's tumour, a booking, a named place's facts) is neither
    # navigated nor read again: "my horse has a tumor" is no person's symptom, and respelt it
    # became "my worse has a tumor". The gate turns it away below.
    out_of_scope = care_vocabulary().is_out_of_scope(question)
    if aid.navigate is not None and not out_of_scope:
        with clock.stage("navigate"):
            nav = aid.navigate(question, as_of=as_of, region_line=line)
        if nav is not None:  # "what should I do next?" / "what questions should I ask?"
            answer, quoted = nav
            answer = _finish(aid, opts, decision, answer, quoted, clock, prefix=True)
            return TurnResult(question, decision, answer, quoted, tuple(clock.timings))
    filters = SearchFilters(cancer_type=opts.cancer_type)
    with clock.stage("retrieve"):
        hits: tuple[Hit, ...] = retriever.search(
            question, k=opts.k, filters=filters, audience=opts.audience
        ).hits
    with clock.stage("gate"):
        gate = evidence_gate(question, hits, semantic=retriever.closest_chunk(question, hits))
    asked, read_as_note = question, False
    # Before turning a question away, read it again: respelt with the KB's words ("wat is
    # kemoterapy"), then only its asked part, without the story told before it.
    retries: list[tuple[str, bool]] = []
    if not gate.passed and not out_of_scope and aid.respell is not None:
        respelt, changes = aid.respell(question)
        retries += [(respelt, True)] if changes else []
    if not gate.passed and not out_of_scope and aid.focus is not None:
        part = aid.focus(question)
        retries += [(part, False)] if part else []
    for again_q, note in retries:
        with clock.stage("reread"):
            again = retriever.search(again_q, k=opts.k, filters=filters, audience=opts.audience)
            regate = evidence_gate(
                again_q, again.hits, semantic=retriever.closest_chunk(again_q, again.hits)
            )
        if regate.passed:
            asked, hits, gate, read_as_note = again_q, again.hits, regate, note
            break
    if not gate.passed:
        answer = abstain(question, gate.reason or "LOW_RELEVANCE", region_line=line)
        answer = _finish(aid, opts, decision, answer, hits, clock, prefix=True)
        return TurnResult(question, decision, answer, hits, tuple(clock.timings))
    if context is not None:
        with clock.stage("context"):
            pages = tuple(i for i, _ in answer_pages(hits, opts.audience, asked))
            hits = context(asked, hits, pages)
    hits = without_document_notes(hits) or hits
    with clock.stage("compose"):
        answer = compose_answer(asked, hits, as_of=as_of, safety=decision, audience=opts.audience)
        answer = prefer_plainer(drop_document_notes(answer))
    with clock.stage("verify"):
        answer = verify_answer(answer, hits, region_line=line)
    if aid.llm_requested:
        with clock.stage("llm"):
            answer = with_llm(
                answer, hits, client=aid.llm, requested=aid.llm_requested, as_of=as_of
            )
    # compose_answer already puts a refusal's text first; an abstention or a misinformation
    # correction gets the safety template put before it here.
    prefix = answer.abstained or not decision.is_refusal
    if read_as_note:
        answer = read_as(answer, asked)
    answer = replace(answer, question=question)
    answer = _finish(aid, opts, decision, answer, hits, clock, prefix=prefix)
    return TurnResult(question, decision, answer, hits, tuple(clock.timings))


def _finish(
    aid: TurnAids,
    opts: TurnOptions,
    decision: SafetyDecision,
    answer: Answer,
    hits: tuple[Hit, ...],
    clock: _Clock,
    *,
    prefix: bool,
) -> Answer:
    """The last touches every reply with an answer gets: KB definitions of its hard words, the
    safety template first (when `prefix`), and a kind opening sentence when one is due."""
    if aid.define is not None and not answer.abstained:
        with clock.stage("define"):
            answer = aid.define(answer, hits)
    if prefix:
        answer = _prefix(decision, answer)
    if aid.acknowledge is not None:
        opening = aid.acknowledge(answer.question, opts.region, opts.audience)
        if opening:
            answer = replace(answer, text=f"{opening}\n\n{answer.text}")
    return _with_concern(decision, answer)


class Turner:
    """Holds the long-lived pieces (policy, retriever) so repeated turns are warm."""

    def __init__(
        self,
        policy: SafetyPolicy,
        retriever: Retriever,
        options: TurnOptions,
        context: ContextFn | None = None,
        aids: TurnAids | None = None,
    ) -> None:
        self.policy = policy
        self.retriever = retriever
        self.options = options
        self.context = context
        self.aids = aids

    def __call__(self, question: str) -> TurnResult:
        return run_turn(
            question,
            policy=self.policy,
            retriever=self.retriever,
            options=self.options,
            context=self.context,
            aids=self.aids,
        )
