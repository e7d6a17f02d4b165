from __future__ import annotations

import pytest

from oncoguide.retrieve.vocab import TermVocabulary, tokenize

pytestmark = pytest.mark.unit


def test_tokenize_lowercases_and_keeps_inner_hyphens() -> None:
    assert tokenize("HER2-positive Breast-Cancer, (AML)!") == [
        "her2-positive",
        "breast-cancer",
        "aml",
    ]


def test_from_texts_counts_document_frequency_and_drops_rare_words() -> None:
    vocab = TermVocabulary.from_texts(["neuropathy neuropathy x", "neuropathy tipo", "nausea"])
    assert vocab.counts == {"neuropathy": 2}


def test_correct_prefers_frequent_word_among_equals() -> None:
    vocab = TermVocabulary({"cancer": 500, "cancel": 2, "lymphoma": 50})
    assert vocab.correct("cancre") == "cancer"  # a swap is one edit; "cancel" needs two
    assert TermVocabulary({"tumor": 5, "tuner": 50}).correct("tumer") == "tuner"
    assert vocab.correct("lymphome") == "lymphoma"
    assert vocab.correct("Lymphoma") is None  # already known
    assert vocab.correct("lymph0ma") is None  # not alphabetic
    assert vocab.correct("lymf") is None  # too short


def test_correct_allows_one_edit_for_short_and_two_for_long_words() -> None:
    vocab = TermVocabulary({"nausea": 5, "neuropathy": 5})
    assert vocab.correct("nausia") == "nausea"
    assert vocab.correct("nuasia") is None  # two edits in a six-letter word
    assert vocab.correct("nuropaty") == "neuropathy"  # two edits, ten letters


def test_share_counts_plural_and_singular_alike() -> None:
    vocab = TermVocabulary.from_texts(["cancers here", "cancer there", "cancer x", "rare"])
    assert vocab.n_texts == 4
    assert vocab.share("cancer") == pytest.approx(0.5)
    assert vocab.share("Cancers") == pytest.approx(0.5)
    assert vocab.share("unknown") == 0.0


def test_inflections_of_known_words_are_not_corrected() -> None:
    vocab = TermVocabulary({"shot": 3, "shows": 9, "catch": 2, "matching": 5, "bake": 1})
    assert vocab.correct("shots") is None
    assert vocab.correct("catching") is None
    assert vocab.correct("baking") is None
    assert vocab.correct("matchng") == "matching"
