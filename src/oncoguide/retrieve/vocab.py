"""The KB's own term vocabulary, for misspelling tolerance.

Only words the KB uses can be corrections, so a fix can never invent a term the KB cannot match.
Only out-of-vocabulary tokens of at least `min_len` letters are corrected, and only within one
edit (two for words of 8+ letters; a swap of neighbours is one edit): short tokens ("ALL", "PSA")
and words the KB already uses are left alone.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import OSA

from oncoguide.index.store import Store
from oncoguide.retrieve.meta import read_meta_json

__all__ = [
    "TERM_VOCAB_META_KEY",
    "TermVocabulary",
    "load_term_vocabulary",
    "refresh_term_vocabulary",
    "tokenize",
]

TERM_VOCAB_META_KEY = "term_vocab"
_WORD = re.compile(r"[a-z][a-z0-9]*(?:['’-][a-z0-9]+)*")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (letters first; inner hyphens and apostrophes kept)."""
    return _WORD.findall(text.lower())


class TermVocabulary:
    """Word -> document frequency, with a length-bucketed fuzzy lookup."""

    def __init__(
        self,
        counts: Mapping[str, int],
        *,
        n_texts: int = 0,
        min_len: int = 5,
        long_len: int = 8,
    ) -> None:
        self.counts = dict(counts)
        self.n_texts = max(n_texts, max(self.counts.values(), default=0))
        self.min_len = min_len
        self.long_len = long_len
        self._by_len: dict[int, list[str]] = {}
        for word in self.counts:
            self._by_len.setdefault(len(word), []).append(word)

    @classmethod
    def from_texts(cls, texts: Iterable[str], *, min_df: int = 2) -> TermVocabulary:
        """Document frequencies; words seen in fewer than `min_df` texts (often typos) drop."""
        df: Counter[str] = Counter()
        n_texts = 0
        for text in texts:
            df.update(set(tokenize(text)))
            n_texts += 1
        return cls({w: n for w, n in df.items() if n >= min_df and len(w) >= 2}, n_texts=n_texts)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word.lower() in self.counts

    def __len__(self) -> int:
        return len(self.counts)

    def share(self, word: str) -> float:
        """Fraction of texts using `word` or its plural/singular (FTS stems them alike)."""
        if self.n_texts == 0:
            return 0.0
        w = word.lower()
        variants = (w, w + "s", w[:-1] if w.endswith("s") else w)
        return max(self.counts.get(v, 0) for v in variants) / self.n_texts

    def is_known(self, word: str) -> bool:
        """The word, or a common English inflection of a KB word ("shots", "scared")."""
        return self._known_inflection(word.lower())

    def _known_inflection(self, word: str) -> bool:
        """The word, or its stem without a common English ending, is a KB word: an everyday
        word like "shots" or "catching" must not be "corrected" to "shows" or "matching"."""
        if word in self.counts:
            return True
        for suffix in ("s", "es", "ing", "ed", "ly"):
            stem = word.removesuffix(suffix)
            if (
                stem != word
                and len(stem) >= 3
                and (stem in self.counts or stem + "e" in self.counts)
            ):
                return True
        return False

    def correct(self, token: str) -> str | None:
        """The closest KB word for an unknown token, or None (known, short, or no close word)."""
        word = token.lower()
        if len(word) < self.min_len or not word.isalpha() or self._known_inflection(word):
            return None
        candidates: list[str] = []
        for n in range(len(word) - 2, len(word) + 3):
            candidates.extend(self._by_len.get(n, ()))
        max_edits = 2 if len(word) >= self.long_len else 1
        found = process.extract(
            word,
            candidates,
            scorer=OSA.distance,  # optimal string alignment: a swap is one edit; fast
            score_cutoff=max_edits,
            limit=10,
        )
        if not found:
            return None
        # Fewest edits first; among equals prefer the word the KB uses most.
        best = min(found, key=lambda m: (m[1], -self.counts[m[0]], m[0]))
        return str(best[0])


def _fingerprint(store: Store) -> str:
    hashes = store.document_hashes()
    digest = hashlib.sha256()
    for doc_id in sorted(hashes):
        digest.update(f"{doc_id}={hashes[doc_id]}\n".encode())
    return digest.hexdigest()


def refresh_term_vocabulary(store: Store) -> TermVocabulary:
    """Build the vocabulary from every stored document's title and body; persist it in meta."""
    docs = store.iter_documents()
    vocab = TermVocabulary.from_texts(f"{d.title}\n{d.body}" for d in docs)
    payload = {"fingerprint": _fingerprint(store), "n_texts": vocab.n_texts, "counts": vocab.counts}
    store.set_meta(TERM_VOCAB_META_KEY, json.dumps(payload, sort_keys=True))
    return vocab


def load_term_vocabulary(store: Store) -> TermVocabulary | None:
    """The persisted vocabulary if it matches the stored documents, else None (stale/missing)."""
    payload = read_meta_json(store, TERM_VOCAB_META_KEY)
    if payload is None or payload.get("fingerprint") != _fingerprint(store):
        return None
    counts = payload.get("counts")
    if not isinstance(counts, dict):
        return None
    n_texts = payload.get("n_texts")
    return TermVocabulary(
        {str(w): int(n) for w, n in counts.items()},
        n_texts=n_texts if isinstance(n_texts, int) else 0,
    )
