"""Sentence-level scan: the units of a message that the safety checks judge.

A crisis sentence buried in a long, cheerful letter must decide the outcome, and a fragment of a
benign message must not (a lone "I can't breathe" quoted from a film, "stop it all" in a list of
chores). So a message is judged as:

* the whole message (`kind="message"`), which carries its overall framing; and
* every sentence with one sentence of context on each side (`kind="sentence"`), so each sentence is
  read with its neighbours rather than alone.

Sentences come from the project's one splitter for typed text (`oncoguide.text.split_message`).
Dictated and voice-typed messages often have no full stops at all: one "sentence" of 300 words,
of which the classifier would read only the first 128 tokens, so a crisis told near its end was
never read. A sentence longer than `LONG_SENTENCE_WORDS` is therefore cut into pieces of
`PIECE_WORDS` words, each read in its window like a sentence. The
number of sentence units is bounded (`MAX_SENTENCE_UNITS`): past it, neighbouring sentences are
grouped so every sentence is still covered by some unit and the work stays linear and capped.
"""

from __future__ import annotations

from dataclasses import dataclass

from oncoguide.text.sentences import split_message

__all__ = ["LONG_SENTENCE_WORDS", "MAX_SENTENCE_UNITS", "PIECE_WORDS", "ScanUnit", "scan_units"]

MAX_SENTENCE_UNITS = 48
# A window of three pieces (~75 words, ~100 tokens) fits the classifier's 128 tokens.
PIECE_WORDS = 25
LONG_SENTENCE_WORDS = 40


@dataclass(frozen=True)
class ScanUnit:
    """One judged piece of a message: the whole message, or one sentence read in its window."""

    kind: str  # "message" | "sentence"
    index: int  # position of the (first) sentence, -1 for the whole message
    sentence: str  # the sentence(s) this unit is about; the whole text for kind="message"
    text: str  # what is judged: the sentence with one neighbour on each side

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "index": self.index,
            "sentence": self.sentence,
            "text": self.text,
        }


def _groups(sentences: list[str], limit: int) -> list[tuple[int, str]]:
    """(first index, sentence text) for each of at most `limit` consecutive groups of sentences."""
    size = -(-len(sentences) // limit)  # ceiling division
    return [
        (start, " ".join(sentences[start : start + size]))
        for start in range(0, len(sentences), size)
    ]


def _pieces(sentence: str) -> list[str]:
    """The sentence, or for a run-on one its consecutive pieces of about PIECE_WORDS words."""
    words = sentence.split()
    if len(words) <= LONG_SENTENCE_WORDS:
        return [sentence]
    count = -(-len(words) // PIECE_WORDS)
    size = -(-len(words) // count)  # even pieces: no 3-word tail
    return [" ".join(words[i : i + size]) for i in range(0, len(words), size)]


def scan_units(text: str, *, limit: int = MAX_SENTENCE_UNITS) -> tuple[ScanUnit, ...]:
    """The whole message first, then each sentence (or sentence group) with its two neighbours.

    A message of one sentence has only the message unit: its window would be the same text.
    """
    stripped = " ".join(text.split()) if isinstance(text, str) else ""
    if not stripped:
        return ()
    units = [ScanUnit("message", -1, stripped, stripped)]
    sentences = [piece for s in split_message(text) for piece in _pieces(s)]
    if len(sentences) < 2:
        return tuple(units)
    groups = _groups(sentences, limit) if len(sentences) > limit else list(enumerate(sentences))
    for i, (index, sentence) in enumerate(groups):
        window = " ".join(g for _, g in groups[max(0, i - 1) : i + 2])
        units.append(ScanUnit("sentence", index, sentence, window))
    return tuple(units)
