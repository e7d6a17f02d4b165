"""The KB's own definitions, mined once per KB version: term -> the first defining sentence of the
page or section about it ("Neutropenia is a condition in which ...").

Mined from every stored chunk after ingest (`build_index`) and persisted in store meta; a missing
or stale copy (the KB changed) is mined again on first use and cached (in memory when the store
is read-only). Per term the best sentence wins: "<term> is/are/means/uses ..." on a page, section
or labelled item about the term (its title, heading or label names it) first; then "<term> is
a/an/the <noun> ..." anywhere; then "... called <term>" — all on patient pages before any
health-professional page. Ties go to the plainer sentence (fewer long words), then the earlier
chunk.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator

from oncoguide.errors import StoreError
from oncoguide.index.store import Store
from oncoguide.retrieve.meta import read_meta_json
from oncoguide.types import Chunk, Definition, Document

__all__ = [
    "DEFINITIONS_META_KEY",
    "MINER_VERSION",
    "KBGlossary",
    "load_definitions",
    "mine_definitions",
    "refresh_definitions",
]

DEFINITIONS_META_KEY = "kb_definitions"
MINER_VERSION = 2  # bump when the mining rules change: a persisted copy is then mined again
MAX_WORDS = 40
_NOT_A_DEFINITION = (
    r"(?:not|also|important|common|rare|often|usually|sometimes|more|less|most|very|recommended|"
    r"likely|unlikely|possible|safe|available|approved|given|done|diagnosed|found|treated|caused|"
    r"still|only|being|now|then|there|this|that|it|usual|normal|different|needed|helpful|best|"
    r"better|worse|rarely|generally|typically|about|in|on|at|for|by|to|of|with|so|too|used)\b"
)
_DEFINES = re.compile(
    r"^(?:An?\s+)?(?P<term>[A-Za-z][\w'’-]*(?:\s+[A-Za-z][\w'’-]*){0,3}?)"
    r"(?:\s*\([^)]{1,60}\))?(?:,[^,]{1,60},)?\s+"
    rf"(?:(?:is|are|refers to|means)\s+(?!{_NOT_A_DEFINITION})|uses\s+)\w",
)
# What follows "<term> is": an article opening a noun phrase defines best ("is a condition",
# "is the spread"), unless a remark follows it ("is an important part").
_ARTICLE = re.compile(
    r"(?:is|are|refers to|means)\s+(?:a|an|the|one)\s+"
    r"(?!(?:important|common|rare|key|major|good|great|main|first|only|best|frequent|"
    r"most|more|very|leading|standard|usual|serious|possible|known|new)\b)",
)
# "<term> is offered / prevented / expressed ...": a statement about it, not a definition.
_PARTICIPLE = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:,[^,]*,\s*)?(?:is|are)\s+(?:\w+(?:ed|en)|put|set|cut|made)\b"
)
_MEASURE = re.compile(r"^\s*(?:is|are)\s+(?:\d|no (?:larger|bigger|more|less|smaller)\b)")
_CALLED = re.compile(
    r"\b(?:called|known as)\s+(?:an?\s+|the\s+)?(?P<term>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2})"
    r"\s*(?:[.,;]|\(|$)"
)
_BAD_FIRST = frozenset(
    (
        "this", "these", "that", "those", "it", "its", "they", "there", "which", "what", "how",
        "each", "most", "some", "many", "one", "your", "my", "our", "his", "her", "their", "such",
        "other", "another", "both", "all", "any", "no", "if", "when", "while", "because", "after",
        "before", "during", "who", "whom", "where", "why",
    )
)  # fmt: skip
_BAD_INSIDE = frozenset(
    ("is", "are", "was", "were", "for", "in", "to", "with", "and", "or", "but", "by", "on", "at",
     "from", "as")
)  # fmt: skip
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)")


def _plain(text: str) -> str:
    return _EMPHASIS.sub("", _LINK.sub(r"\1", text)).strip()


_LABEL = re.compile(r"^([A-Za-z][\w ,'’()-]{1,50}?):\s*(?=[A-Z])")


def _sentences(text: str) -> Iterator[tuple[str, str]]:
    """(sentence, label) pairs; a labelled list item ("Port: A port is ...") gives its label."""
    for line in text.splitlines():
        line = line.strip().lstrip("-*•+ ").strip()
        if not line or line.startswith("#") or "|" in line:
            continue
        line = _plain(line)
        label = ""
        m = _LABEL.match(line)
        if m:
            label, line = m.group(1), line[m.end() :]
        for sentence in _SENTENCE.split(line):
            if 4 <= len(sentence.split()) <= MAX_WORDS and sentence.endswith("."):
                yield sentence, label


def _term_ok(term: str) -> bool:
    words = term.lower().split()
    return (
        bool(words)
        and words[0] not in _BAD_FIRST
        and not any(w in _BAD_INSIDE for w in words)
        and len(term) >= 3
    )


def _key(term: str) -> str:
    """Lookup key: acronyms keep their capitals ("PORT" is not "port"), other terms fold case."""
    term = term.strip()
    return term if len(term) > 1 and term.isupper() else term.lower()


def _hardness(sentence: str) -> int:
    return sum(len(w) >= 10 for w in sentence.split())


def mine_definitions(pages: Iterable[tuple[Document, list[Chunk]]]) -> dict[str, Definition]:
    """term (lower case) -> its best defining sentence in the KB (see the module docstring)."""
    best: dict[str, tuple[tuple[int, int, int, int, int], Definition]] = {}
    for doc, chunks in pages:
        technical = int(doc.audience == "technical")
        for chunk in chunks:
            heading = " ".join(chunk.heading_path).lower()
            for sentence, label in _sentences(chunk.text):
                found = []
                m = _DEFINES.match(sentence)
                if m and _term_ok(m.group("term")):
                    rest = sentence[m.end("term") :]
                    if not _PARTICIPLE.search(rest[:80]) and not _MEASURE.match(rest):
                        found.append((0 if _ARTICLE.search(rest[:40]) else 1, m.group("term")))
                short = len(sentence.split()) <= 25
                for c in _CALLED.finditer(sentence) if short else ():
                    if _term_ok(c.group("term")):
                        found.append((2, c.group("term")))
                for kind, raw in found:
                    term = _key(raw)
                    low = term.lower()
                    about = low in f"{doc.title} {heading} {label}".lower()
                    if kind == 1 and not about:
                        continue  # "X is dose limiting" on a page about something else
                    if technical and _hardness(sentence) >= 3:
                        continue  # health-professional wording is no help for a hard word
                    rank = 0 if about and kind < 2 else kind + 1
                    key = (technical, rank, kind, _hardness(sentence), chunk.ordinal)
                    if term in best and best[term][0] <= key:
                        continue
                    best[term] = (
                        key,
                        Definition(
                            term=term, definition=sentence, doc_id=doc.doc_id,
                            chunk_id=chunk.chunk_id, url=doc.url, title=doc.title,
                            heading=chunk.heading,
                        ),
                    )  # fmt: skip
    return {term: d for term, (_, d) in best.items()}


def _fingerprint(store: Store) -> str:
    digest = hashlib.sha256()
    for doc_id, h in sorted(store.document_hashes().items()):
        digest.update(f"{doc_id}={h}\n".encode())
    return digest.hexdigest()


def _pages(store: Store) -> Iterator[tuple[Document, list[Chunk]]]:
    for doc in store.iter_documents():
        if doc.status == "active":
            yield doc, store.chunks_of(doc.doc_id)


_FIELDS = ("definition", "doc_id", "chunk_id", "url", "title", "heading")


def refresh_definitions(store: Store) -> dict[str, Definition]:
    """Mine the stored KB's definitions and persist them in meta (raises StoreError when the
    store cannot be written)."""
    mined = mine_definitions(_pages(store))
    payload = {
        "version": MINER_VERSION,
        "fingerprint": _fingerprint(store),
        "terms": {t: [getattr(d, f) for f in _FIELDS] for t, d in sorted(mined.items())},
    }
    store.set_meta(DEFINITIONS_META_KEY, json.dumps(payload, ensure_ascii=False))
    return mined


def load_definitions(store: Store) -> dict[str, Definition] | None:
    """The persisted definitions if they match the stored documents, else None (stale/missing)."""
    payload = read_meta_json(store, DEFINITIONS_META_KEY)
    if payload is None or payload.get("version") != MINER_VERSION:
        return None
    if payload.get("fingerprint") != _fingerprint(store):
        return None
    terms = payload.get("terms")
    if not isinstance(terms, dict):
        return None
    out: dict[str, Definition] = {}
    for term, row in terms.items():
        if isinstance(row, list) and len(row) == len(_FIELDS):
            out[term] = Definition(term, *(str(v) for v in row))
    return out


class KBGlossary:
    """Term lookups over the mined definitions, loaded (or mined) on first use."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._terms: dict[str, Definition] | None = None

    def _all(self) -> dict[str, Definition]:
        if self._terms is None:
            terms = load_definitions(self.store)
            if terms is None:
                try:
                    terms = refresh_definitions(self.store)
                except StoreError:  # a read-only store: keep them in memory only
                    terms = mine_definitions(_pages(self.store))
            self._terms = terms
        return self._terms

    def __len__(self) -> int:
        return len(self._all())

    def define(self, term: str) -> Definition | None:
        """The KB's definition of `term` (also found under its plural or singular)."""
        terms = self._all()
        t = _key(term)
        for variant in (t, f"{t}s", f"{t}es", t[:-1] if t.endswith("s") else t):
            if variant in terms:
                return terms[variant]
        return None
