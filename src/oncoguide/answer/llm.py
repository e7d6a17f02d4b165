"""Optional generation through any OpenAI-compatible chat-completions endpoint (off by default).

The prompt holds numbered passages and asks for a [n] marker per sentence. `generate_verified`
maps markers to citations, keeps only sentences their cited passage supports (`verify_answer`),
and returns the extractive `fallback` on any failure: timeout, HTTP error, malformed reply, or too
little support. LLMError never reaches the caller of `generate_verified`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from oncoguide.answer.cite import CitationBook
from oncoguide.answer.compose import render_text, split_preamble
from oncoguide.answer.readability import reading_grade
from oncoguide.answer.templates import llm_system_prompt
from oncoguide.answer.verify import MIN_SUPPORTED_FRACTION, support_score, verify_answer
from oncoguide.config import Settings
from oncoguide.errors import LLMError
from oncoguide.text.sentences import split_sentences
from oncoguide.types import Answer, AnswerSentence, Hit, Passage

__all__ = [
    "GeneratedAnswer",
    "LLMClient",
    "build_messages",
    "chosen_passages",
    "numbered_passages",
    "parse_cited",
]

MAX_DOCS = 3
PASSAGES_PER_DOC = 2
_MARKERS_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+\])+)")
_MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class GeneratedAnswer:
    text: str
    sentences: tuple[tuple[str, tuple[int, ...]], ...]  # (sentence without markers, markers)
    sources: tuple[tuple[Hit, Passage], ...]  # sources[n - 1] is marker [n]


def numbered_passages(hits: Sequence[Hit]) -> tuple[tuple[Hit, Passage], ...]:
    return tuple((h, p) for h in hits[:MAX_DOCS] for p in h.passages[:PASSAGES_PER_DOC])


def chosen_passages(answer: Answer, hits: Sequence[Hit]) -> tuple[tuple[Hit, Passage], ...]:
    """The passages the extractive answer cites, in citation order (what the model is shown);
    the top hits' passages when the answer cites none."""
    by_chunk = {p.chunk_id: (h, p) for h in hits for p in h.passages}
    chosen = tuple(by_chunk[c.chunk_id] for c in answer.citations if c.chunk_id in by_chunk)
    return chosen or numbered_passages(hits)


def build_messages(question: str, sources: Sequence[tuple[Hit, Passage]]) -> list[dict[str, str]]:
    numbered = "\n\n".join(
        f"[{n}] {h.title} — {p.heading or h.heading}\n{p.text}"
        for n, (h, p) in enumerate(sources, start=1)
    )
    user = f"Sources:\n\n{numbered}\n\nQuestion: {question}"
    return [{"role": "system", "content": llm_system_prompt()}, {"role": "user", "content": user}]


def parse_cited(text: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Split a reply into sentences, each with the [n] markers it carried."""
    out: list[tuple[str, tuple[int, ...]]] = []
    for line in text.splitlines():
        line = _MARKERS_AFTER_STOP.sub(r"\2\1", line.strip().lstrip("-*• ").strip())
        for sentence in split_sentences(line):
            markers = tuple(int(m) for m in _MARKER.findall(sentence))
            clean = re.sub(r"\s+([.!?,;:])", r"\1", _MARKER.sub("", sentence)).strip()
            if clean:
                out.append((re.sub(r"\s{2,}", " ", clean), markers))
    return tuple(out)


class LLMClient:
    """A small chat-completions client; `transport` lets tests inject an httpx transport."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 15.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.timeout_s = timeout_s
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client_args: dict[str, Any] = {
            "headers": headers, "timeout": httpx.Timeout(timeout_s), "transport": transport,
        }  # fmt: skip

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMClient | None:
        """A client when generation is enabled and configured, else None."""
        if not (settings.llm_enabled and settings.llm_base_url and settings.llm_model):
            return None
        return cls(
            settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout_s
        )

    def generate(
        self,
        question: str,
        hits: Sequence[Hit],
        *,
        stream: bool = False,
        on_delta: Callable[[str], None] | None = None,
        sources: Sequence[tuple[Hit, Passage]] | None = None,
    ) -> GeneratedAnswer:
        """Ask the model; raise LLMError on timeout, HTTP error, malformed or empty reply.

        The model sees `sources` (default: the top hits' first passages), numbered from [1].
        """
        sources = tuple(sources) if sources is not None else numbered_passages(hits)
        if not sources:
            raise LLMError("no passages to generate from")
        body = {
            "model": self.model, "messages": build_messages(question, sources),
            "temperature": 0, "stream": stream,
        }  # fmt: skip
        try:
            with httpx.Client(**self._client_args) as client:
                text = self._stream(client, body, on_delta) if stream else self._once(client, body)
        except httpx.TimeoutException as exc:
            raise LLMError(f"LLM endpoint timed out after {self.timeout_s} s") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"LLM endpoint failed: {exc}") from exc
        if not text.strip() or text.strip() == "NO_ANSWER":
            raise LLMError("the model gave no answer")
        return GeneratedAnswer(text, parse_cited(text), tuple(sources))

    def _once(self, client: httpx.Client, body: dict[str, Any]) -> str:
        resp = client.post(self.url, json=body)
        resp.raise_for_status()
        try:
            content = resp.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError("malformed chat-completions reply") from exc
        if not isinstance(content, str):
            raise LLMError("malformed chat-completions reply: content is not text")
        return content

    def _stream(
        self, client: httpx.Client, body: dict[str, Any], on_delta: Callable[[str], None] | None
    ) -> str:
        deadline = time.monotonic() + self.timeout_s  # bounds a server that trickles bytes
        parts: list[str] = []
        with client.stream("POST", self.url, json=body) as resp:
            resp.raise_for_status()
            for delta in _sse_deltas(resp.iter_lines()):
                if time.monotonic() > deadline:
                    raise LLMError(f"LLM stream exceeded {self.timeout_s} s")
                parts.append(delta)
                if on_delta is not None:
                    on_delta(delta)
        return "".join(parts)

    def generate_verified(
        self,
        question: str,
        hits: Sequence[Hit],
        *,
        as_of: date,
        fallback: Answer,
        stream: bool = False,
    ) -> Answer:
        """A verified generated answer, or `fallback` (the extractive answer) when that fails."""
        answer, _ = self.generate_checked(
            question, hits, as_of=as_of, fallback=fallback, stream=stream
        )
        return answer

    def generate_checked(
        self,
        question: str,
        hits: Sequence[Hit],
        *,
        as_of: date,
        fallback: Answer,
        stream: bool = False,
        sources: Sequence[tuple[Hit, Passage]] | None = None,
    ) -> tuple[Answer, str | None]:
        """(verified generated answer, None), or (`fallback`, why the model's answer was not
        used). Never raises LLMError."""
        try:
            generated = self.generate(question, hits, stream=stream, sources=sources)
        except LLMError as exc:
            return fallback, str(exc)
        answer = _to_answer(question, generated, as_of, preamble=split_preamble(fallback))
        verified = verify_answer(answer, hits)
        total = max(1, len(generated.sentences))
        if verified.abstained or len(verified.sentences) < MIN_SUPPORTED_FRACTION * total:
            kept = 0 if verified.abstained else len(verified.sentences)
            return fallback, (
                f"only {kept} of {len(generated.sentences)} of the model's sentences were "
                "supported by the sources"
            )
        return verified, None


def _sse_deltas(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            return
        try:
            delta = json.loads(data)["choices"][0].get("delta", {}).get("content")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise LLMError("malformed stream event") from exc
        if isinstance(delta, str):
            yield delta


def _to_answer(question: str, gen: GeneratedAnswer, as_of: date, *, preamble: str) -> Answer:
    """Map each sentence to the marked source that supports it best; unmarked sentences go."""
    book = CitationBook(as_of)
    sentences: list[AnswerSentence] = []
    for text, markers in gen.sentences:
        valid = [gen.sources[m - 1] for m in markers if 1 <= m <= len(gen.sources)]
        if not valid:
            continue
        hit, passage = max(valid, key=lambda hp: support_score(text, hp[1].text))
        sentences.append(AnswerSentence(text, book.cite(hit, passage)))
    body = render_text(sentences)
    return Answer(
        question=question,
        text=render_text(sentences, preamble=preamble),
        sentences=tuple(sentences),
        citations=book.citations(),
        abstained=False,
        abstain_reason=None,
        reading_grade=reading_grade(body),
        generator="llm",
    )
