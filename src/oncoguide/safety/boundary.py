"""The leading word boundary of a compiled phrase alternation, chosen for speed.

`\\b` holds both where a word starts and where one ends, so a pattern `\\b(?:a|b|...)` tries every
alternative twice per word. When every match of the alternation must START with a word character,
`(?<!\\w)` is the same test (a word start) and halves the attempts: about a quarter less CPU per
check. When that cannot be proved (a fragment starting with a quote or an optional group the parse
cannot see through), the plain `\\b` is kept, so the speed-up never changes what a rule matches.

The proof walks the parse tree from the standard library's regex parser (`re._parser`, private);
if it is missing or changes shape, `starts_with_word` answers False and only speed is lost.
"""

from __future__ import annotations

from typing import Any

__all__ = ["leading_boundary", "starts_with_word"]

try:  # pragma: no cover - exercised implicitly on every supported Python
    import re._parser as _sre
    from re._constants import (
        ASSERT,
        ASSERT_NOT,
        AT,
        ATOMIC_GROUP,
        BRANCH,
        CATEGORY,
        CATEGORY_DIGIT,
        CATEGORY_WORD,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        POSSESSIVE_REPEAT,
        RANGE,
        SUBPATTERN,
    )
except ImportError:  # pragma: no cover
    _sre = None

_WORD_RANGES = (("0", "9"), ("a", "z"), ("A", "Z"))


def _word_char(code: int) -> bool:
    ch = chr(code)
    return ch.isalnum() or ch == "_"


def _set_is_word(items: Any) -> bool:
    for op, av in items:
        if op is LITERAL and _word_char(av):
            continue
        if op is RANGE and any(lo <= chr(av[0]) and chr(av[1]) <= hi for lo, hi in _WORD_RANGES):
            continue
        if op is CATEGORY and av in (CATEGORY_WORD, CATEGORY_DIGIT):
            continue
        return False
    return True


def _element(op: Any, av: Any) -> tuple[bool, bool]:
    """(every first character is a word character, can match the empty string) for one node."""
    if op is LITERAL:
        return _word_char(av), False
    if op is IN:
        return _set_is_word(av), False
    if op in (AT, ASSERT, ASSERT_NOT):  # zero-width: the next node decides
        return True, True
    if op is SUBPATTERN:
        return _sequence(av[-1])
    if op is ATOMIC_GROUP:
        return _sequence(av)
    if op is BRANCH:
        results = [_sequence(branch) for branch in av[1]]
        return all(ok for ok, _ in results), any(empty for _, empty in results)
    if op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
        ok, empty = _sequence(av[2])
        return ok, empty or av[0] == 0
    return False, False  # ANY, NOT_LITERAL, back-references, ...: not provable


def _sequence(nodes: Any) -> tuple[bool, bool]:
    for op, av in nodes:
        ok, empty = _element(op, av)
        if not ok:
            return False, False
        if not empty:
            return True, False
    return True, True


def starts_with_word(regex: str) -> bool:
    """True when every non-empty match of `regex` provably begins with a word character."""
    if _sre is None:
        return False
    try:
        ok, empty = _sequence(_sre.parse(regex))
    except Exception:  # any surprise in a private API means "cannot prove"
        return False
    return ok and not empty


def leading_boundary(regex: str) -> str:
    """`(?<!\\w)` when it is equivalent to `\\b` before `regex` (and cheaper), else `\\b`."""
    return r"(?<!\w)" if starts_with_word(regex) else r"\b"
