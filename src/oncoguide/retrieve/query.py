"""Query understanding: lay -> medical wording, abbreviations, brand -> generic, misspellings.

The vocabularies are data (`retrieve/data/lay_terms.yaml`, `abbreviations.yaml`) plus two maps
mined from the KB at ingest (brand names, the term vocabulary). Expansion only ever ADDS terms;
the user's own words stay first in both the lexical and the dense query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from oncoguide.errors import ConfigError, StoreError
from oncoguide.index.store import Store
from oncoguide.retrieve.brands import load_brand_map, mine_brand_names
from oncoguide.retrieve.vocab import (
    TermVocabulary,
    load_term_vocabulary,
    refresh_term_vocabulary,
    tokenize,
)

__all__ = [
    "ExpandedQuery",
    "QueryVocabulary",
    "parse_abbreviations",
    "parse_lay_terms",
]

_DATA_PACKAGE = "oncoguide.retrieve.data"
_RAW_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*")
# Abbreviations that are everyday words in lower case ("all", "pet") must be written in capitals.
_NEEDS_CAPITALS = frozenset(
    [
        "all",
        "am",
        "an",
        "as",
        "at",
        "be",
        "cam",
        "can",
        "car",
        "cat",
        "do",
        "er",
        "fit",
        "go",
        "he",
        "hi",
        "if",
        "in",
        "is",
        "it",
        "iv",
        "me",
        "men",
        "met",
        "my",
        "ned",
        "net",
        "no",
        "of",
        "on",
        "or",
        "pet",
        "pr",
        "rt",
        "so",
        "to",
        "up",
        "us",
        "we",
    ]
)
_MAX_BRAND_WORDS = 3


@dataclass(frozen=True)
class ExpandedQuery:
    """The query as searched: `lexical_text` for BM25, `dense_text` for the embedder."""

    original: str
    lexical_text: str
    dense_text: str
    added_terms: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()
    # The question reworded: misspellings corrected, abbreviations spelt out, lay phrases replaced
    # by their first medical term ("CNS tumors" -> "central nervous system tumors"); title
    # matching compares page titles with these as well as with the user's words.
    variants: tuple[str, ...] = ()

    @classmethod
    def unchanged(cls, query: str) -> ExpandedQuery:
        return cls(original=query, lexical_text=query, dense_text=query)


def _stem(word: str) -> str:
    """A tiny plural fold so "pins and needles" also matches "pin and needle"."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _norm_phrase(text: str) -> str:
    """Lower-cased, plural-folded words without apostrophes ("can't" and "cant" match alike)."""
    return " ".join(_stem(w.replace("'", "").replace("’", "")) for w in tokenize(text))


def parse_lay_terms(
    data: Any, *, source: str = "lay_terms.yaml"
) -> list[tuple[str, tuple[str, ...]]]:
    """`{terms: [{lay: [...], medical: [...]}]}` -> [(normalised lay phrase, medical terms)]."""
    entries = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{source}: expected a top-level 'terms' list")
    pairs: list[tuple[str, tuple[str, ...]]] = []
    for i, entry in enumerate(entries):
        lay = entry.get("lay") if isinstance(entry, dict) else None
        medical = entry.get("medical") if isinstance(entry, dict) else None
        if not isinstance(lay, list) or not isinstance(medical, list):
            lay = medical = None
        if not _str_list(lay) or not _str_list(medical):
            raise ConfigError(f"{source}: terms[{i}] needs non-empty 'lay' and 'medical' lists")
        meds = tuple(str(m) for m in medical or ())
        pairs.extend((_norm_phrase(p), meds) for p in lay or () if _norm_phrase(p))
    return pairs


def parse_abbreviations(
    data: Any, *, source: str = "abbreviations.yaml"
) -> dict[str, tuple[str, ...]]:
    """`{abbreviations: {AML: ["acute myeloid leukemia"]}}` -> {"AML": (...)}."""
    table = data.get("abbreviations") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: expected a top-level 'abbreviations' mapping")
    out: dict[str, tuple[str, ...]] = {}
    for key, value in table.items():
        expansions = [value] if isinstance(value, str) else value
        if not _str_list(expansions):
            raise ConfigError(f"{source}: abbreviation {key!r} needs a list of expansions")
        out[str(key).upper()] = tuple(expansions)
    return out


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def _read_yaml(name: str) -> Any:
    try:
        text = resources.files(_DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
        return yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read query vocabulary {name}: {exc}") from exc


class QueryVocabulary:
    """Everything query expansion knows; `expand()` is pure and fast (no store access)."""

    def __init__(
        self,
        *,
        lay_terms: Sequence[tuple[str, Sequence[str]]] = (),
        abbreviations: Mapping[str, Sequence[str]] | None = None,
        brands: Mapping[str, str] | None = None,
        terms: TermVocabulary | None = None,
    ) -> None:
        self.lay_terms = [(_norm_phrase(p), tuple(m)) for p, m in lay_terms]
        self.abbreviations = {k.upper(): tuple(v) for k, v in (abbreviations or {}).items()}
        self._abbr_patterns = [(_abbreviation_pattern(k), v) for k, v in self.abbreviations.items()]
        self.brands = {k.lower(): v for k, v in (brands or {}).items()}
        self.terms = terms
        self._known = self._protected_words()

    @classmethod
    def load(cls, store: Store | None = None) -> QueryVocabulary:
        """The packaged YAML vocabularies plus, given a store, the maps mined from its KB.

        A store without a persisted brand map is mined on the fly; a missing or stale term
        vocabulary is rebuilt and cached in store meta (a cache, so a read-only store is fine).
        """
        lay = parse_lay_terms(_read_yaml("lay_terms.yaml"))
        abbreviations = parse_abbreviations(_read_yaml("abbreviations.yaml"))
        brands: dict[str, str] = {}
        terms: TermVocabulary | None = None
        if store is not None:
            mined = load_brand_map(store)
            brands = mined if mined is not None else mine_brand_names(store.iter_documents())
            terms = load_term_vocabulary(store)
            if terms is None:
                terms = _build_terms(store)
        return cls(lay_terms=lay, abbreviations=abbreviations, brands=brands, terms=terms)

    def _protected_words(self) -> set[str]:
        """Words never "corrected": they are what the vocabularies themselves match on."""
        words: set[str] = set()
        for phrase, medical in self.lay_terms:
            words.update(phrase.split())
            words.update(w for m in medical for w in tokenize(m))
        for key, expansions in self.abbreviations.items():
            words.add(key.lower())
            words.update(w for e in expansions for w in tokenize(e))
        for brand in self.brands:
            words.update(tokenize(brand))
        return words

    def expand(self, query: str) -> ExpandedQuery:
        corrected, corrections = self._correct(query)
        added = _dedupe(
            [
                *self._lay_matches(corrected),
                *self._abbreviation_matches(corrected),
                *self._brand_matches(corrected),
            ],
            present=corrected,
        )
        if not added and not corrections:
            return ExpandedQuery.unchanged(query)
        extra = " ".join(added)
        reworded = self._replace_lay(self.spell_out(corrected))
        variants = dict.fromkeys(v for v in (corrected, reworded) if v != query)
        return ExpandedQuery(
            original=query,
            lexical_text=f"{corrected} {extra}".strip(),
            dense_text=f"{corrected} ({'; '.join(added)})" if added else corrected,
            added_terms=tuple(added),
            corrections=tuple(corrections),
            variants=tuple(variants),
        )

    def spell_out(self, text: str) -> str:
        """`text` with every known abbreviation replaced by its first expansion (titles use
        "CNS", questions "central nervous system", or the other way round)."""
        for pattern, expansions in self._abbr_patterns:
            text = pattern.sub(expansions[0], text)
        return text

    def _replace_lay(self, text: str) -> str:
        """Normalised `text` with each lay phrase replaced by its first medical term."""
        padded = f" {_norm_phrase(text)} "
        for phrase, medical in self.lay_terms:
            padded = padded.replace(f" {phrase} ", f" {medical[0]} ")
        return padded.strip()

    def _correct(self, query: str) -> tuple[str, list[tuple[str, str]]]:
        if self.terms is None:
            return query, []
        corrections: list[tuple[str, str]] = []

        def fix(match: re.Match[str]) -> str:
            token = match.group(0)
            if token.lower() in self._known:
                return token
            better = self.terms.correct(token) if self.terms is not None else None
            if better is None:
                return token
            corrections.append((token, better))
            return better

        return _RAW_TOKEN.sub(fix, query), corrections

    def _lay_matches(self, text: str) -> list[str]:
        padded = f" {_norm_phrase(text)} "
        found: list[str] = []
        for phrase, medical in self.lay_terms:
            if f" {phrase} " in padded:
                found.extend(medical)
        return found

    def _abbreviation_matches(self, text: str) -> list[str]:
        found: list[str] = []
        for pattern, expansions in self._abbr_patterns:
            if pattern.search(text):
                found.extend(expansions)
        return found

    def _brand_matches(self, text: str) -> list[str]:
        """Generic names of the brands in `text`; the longest brand wins where two overlap
        ("Gardasil 9" is the nonavalent vaccine, not also "Gardasil", the quadrivalent one)."""
        words = tokenize(text)
        found: list[str] = []
        taken: set[int] = set()
        for n in range(_MAX_BRAND_WORDS, 0, -1):
            for i in range(len(words) - n + 1):
                if any(j in taken for j in range(i, i + n)):
                    continue
                generic = self.brands.get(" ".join(words[i : i + n]))
                if generic is not None:
                    found.append(generic)
                    taken.update(range(i, i + n))
        return found


def _abbreviation_pattern(key: str) -> re.Pattern[str]:
    """Whole-phrase match; "PD-L1" also matches "PD L1"/"PDL1"; everyday words need capitals."""
    parts = [re.escape(p) for p in re.split(r"[\s-]+", key) if p]
    body = r"[\s-]?".join(parts)
    flags = 0 if len(key) <= 2 or key.lower() in _NEEDS_CAPITALS else re.IGNORECASE
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", flags)


def _dedupe(terms: Iterable[str], *, present: str) -> list[str]:
    """Unique terms, dropping any whose words are all already in the query."""
    have = set(tokenize(present))
    out: list[str] = []
    seen: set[str] = set()
    for term in terms:
        key = term.lower()
        if key in seen or set(tokenize(term)) <= have:
            continue
        seen.add(key)
        out.append(term)
    return out


def _build_terms(store: Store) -> TermVocabulary:
    try:
        return refresh_term_vocabulary(store)
    except StoreError:
        docs = store.iter_documents()
        return TermVocabulary.from_texts(f"{d.title}\n{d.body}" for d in docs)
