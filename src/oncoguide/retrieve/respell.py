"""Respelling a misspelt question with the KB's own words ("wat is kemoterapy").

The retriever already fixes single typos inside search. This goes further for the whole question,
so the evidence gate and the composer see the corrected words too: an unknown word is replaced by
the KB word that *sounds* the same (a phonetic key: "k" and "ch", "f" and "ph", "y" and "i" at the
end, doubled letters), or failing that by the KB's nearest spelling (`TermVocabulary.correct`).
Only KB words can be the result, so a correction never invents a term the KB cannot match.
"""

from __future__ import annotations

import re

from oncoguide.retrieve.vocab import TermVocabulary

__all__ = ["Respeller", "sound_key"]

_TOKEN = re.compile(r"[A-Za-z]+")
_SOUNDS = (
    (re.compile(r"tion"), "shun"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"^wh"), "w"),
    (re.compile(r"ch|ck|q"), "k"),
    (re.compile(r"th"), "t"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"c"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"(?<=[a-z])h(?![aeiou])"), ""),
    (re.compile(r"(ie|ee|y)$"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
)
# Short everyday question words the vocabulary may not hold but that must never be "corrected".
_KEEP = frozenset(
    [
        "i",
        "im",
        "id",
        "ive",
        "a",
        "an",
        "the",
        "is",
        "are",
        "am",
        "was",
        "be",
        "do",
        "does",
        "did",
        "can",
        "cant",
        "how",
        "what",
        "why",
        "who",
        "when",
        "where",
        "which",
        "my",
        "me",
        "we",
        "he",
        "she",
        "it",
        "its",
        "you",
        "your",
        "our",
        "they",
        "them",
        "his",
        "her",
        "this",
        "that",
        "with",
        "for",
        "of",
        "on",
        "in",
        "to",
        "and",
        "or",
        "not",
        "no",
        "yes",
        "if",
        "so",
        "get",
        "got",
        "has",
        "have",
        "had",
        "will",
        "would",
        "should",
        "could",
        "may",
        "might",
    ]
)


def sound_key(word: str) -> str:
    """A rough English sound-alike key: "kemoterapy" and "chemotherapy" share "kemoterapi"."""
    key = word.lower()
    for pattern, repl in _SOUNDS:
        key = pattern.sub(repl, key)
    return key


class Respeller:
    """Replaces the unknown words of a question with KB words; builds its key table lazily."""

    def __init__(self, terms: TermVocabulary, *, min_df: int = 3, short_min_df: int = 50) -> None:
        self.terms = terms
        self.min_df = min_df  # a sound-alike must be used by at least this many documents
        # ... and by this many (or a quarter of a small KB's texts) for a 3-4 letter word
        self.short_min_df = max(min_df, min(short_min_df, terms.n_texts // 4))
        self._by_key: dict[str, str] | None = None

    def _keys(self) -> dict[str, str]:
        if self._by_key is None:
            best: dict[str, tuple[int, str]] = {}
            for word, df in self.terms.counts.items():
                if df < self.min_df or not word.isalpha():
                    continue
                key = sound_key(word)
                if key not in best or (df, word) > best[key]:
                    best[key] = (df, word)
            self._by_key = {k: w for k, (_, w) in best.items()}
        return self._by_key

    def word(self, token: str) -> str | None:
        """The KB word for an unknown `token`, or None (known, too short, or nothing close)."""
        low = token.lower()
        if len(low) < 3 or low in _KEEP or self.terms.is_known(low):
            return None
        found = self._keys().get(sound_key(low))
        frequent = self.terms.counts.get(found or "", 0) >= self.short_min_df
        if found is not None and found != low and (len(low) >= 5 or frequent):
            return found
        return self.terms.correct(low)

    def respell(self, question: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """(the question with unknown words replaced, the (old, new) pairs)."""
        changes: list[tuple[str, str]] = []

        def fix(match: re.Match[str]) -> str:
            better = self.word(match.group(0))
            if better is None:
                return match.group(0)
            changes.append((match.group(0), better))
            return better

        return _TOKEN.sub(fix, question), tuple(changes)
