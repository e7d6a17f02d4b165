from __future__ import annotations

import pytest

from oncoguide.errors import ConfigError
from oncoguide.retrieve.query import QueryVocabulary, parse_abbreviations, parse_lay_terms
from oncoguide.retrieve.vocab import TermVocabulary

pytestmark = pytest.mark.unit


@pytest.fixture
def vocab() -> QueryVocabulary:
    lay = parse_lay_terms(
        {
            "terms": [
                {"lay": ["pins and needles"], "medical": ["peripheral neuropathy"]},
                {"lay": ["throwing up", "threw up"], "medical": ["vomiting", "nausea"]},
                {"lay": ["chemo brain"], "medical": ["cognitive impairment"]},
            ]
        }
    )
    abbreviations = parse_abbreviations(
        {
            "abbreviations": {
                "AML": ["acute myeloid leukemia"],
                "ALL": ["acute lymphoblastic leukemia"],
            }
        }
    )
    terms = TermVocabulary({"neuropathy": 40, "lymphoma": 90, "leukemia": 80, "feet": 10})
    return QueryVocabulary(
        lay_terms=lay,
        abbreviations=abbreviations,
        brands={"fareston": "Toremifene Citrate"},
        terms=terms,
    )


def test_lay_phrase_adds_medical_terms(vocab: QueryVocabulary) -> None:
    q = vocab.expand("Pins and needles in my feet after chemo")
    assert q.added_terms == ("peripheral neuropathy",)
    assert q.lexical_text.startswith("Pins and needles in my feet after chemo")
    assert "peripheral neuropathy" in q.dense_text


def test_lay_phrase_matches_plural_variant_and_not_partial_words(vocab: QueryVocabulary) -> None:
    assert vocab.expand("pin and needle feeling").added_terms == ("peripheral neuropathy",)
    assert vocab.expand("I keep throwing upward glances").added_terms == ()


def test_brand_maps_to_generic(vocab: QueryVocabulary) -> None:
    assert vocab.expand("what is Fareston for?").added_terms == ("Toremifene Citrate",)


def test_abbreviation_case_rules(vocab: QueryVocabulary) -> None:
    assert vocab.expand("aml relapse").added_terms == ("acute myeloid leukemia",)
    assert vocab.expand("treatment for ALL").added_terms == ("acute lymphoblastic leukemia",)
    # "all" in lower case is the English word, not the leukemia.
    assert vocab.expand("all the side effects").added_terms == ()


def test_misspelling_corrected_to_kb_term(vocab: QueryVocabulary) -> None:
    q = vocab.expand("what is lymphomma")
    assert q.corrections == (("lymphomma", "lymphoma"),)
    assert "lymphoma" in q.lexical_text and "lymphomma" not in q.lexical_text


def test_no_correction_for_short_known_or_protected_words(vocab: QueryVocabulary) -> None:
    assert vocab.expand("feet").corrections == ()
    assert vocab.expand("fareston").corrections == ()  # a brand, not a typo
    assert vocab.expand("zzzzzzzzz").corrections == ()  # nothing close


def test_unchanged_query_passes_through(vocab: QueryVocabulary) -> None:
    q = vocab.expand('"breast" AND (NEAR* lump')
    assert q.lexical_text == q.dense_text == q.original
    assert q.added_terms == () and q.corrections == ()


def test_terms_already_in_query_are_not_added(vocab: QueryVocabulary) -> None:
    q = vocab.expand("chemo brain and cognitive impairment")
    assert q.added_terms == ()


@pytest.mark.parametrize(
    "data",
    [None, {"terms": "x"}, {"terms": [{"lay": ["a"]}]}, {"terms": [{"lay": [], "medical": ["b"]}]}],
)
def test_bad_lay_terms_raise_config_error(data: object) -> None:
    with pytest.raises(ConfigError):
        parse_lay_terms(data)


def test_bad_abbreviations_raise_config_error() -> None:
    with pytest.raises(ConfigError):
        parse_abbreviations({"abbreviations": {"AML": [1]}})
    with pytest.raises(ConfigError):
        parse_abbreviations([])


def test_abbreviations_with_hyphens_digits_and_spaces() -> None:
    vocab = QueryVocabulary(
        abbreviations={
            "PD-L1": ["programmed death-ligand 1"],
            "CAR T": ["CAR T-cell therapy"],
            "ER": ["estrogen receptor"],
        }
    )
    assert vocab.expand("is my pd-l1 score high").added_terms == ("programmed death-ligand 1",)
    assert vocab.expand("PDL1 test").added_terms == ("programmed death-ligand 1",)
    assert vocab.expand("car t for lymphoma").added_terms == ("CAR T-cell therapy",)
    assert vocab.expand("ER positive").added_terms == ("estrogen receptor",)
    assert vocab.expand("go to the er now").added_terms == ()


def test_variants_spell_out_abbreviations_and_replace_lay_phrases(vocab: QueryVocabulary) -> None:
    q = vocab.expand("ALL after chemo brain")
    assert "acute lymphoblastic leukemia after cognitive impairment" in q.variants
    assert vocab.expand("plain words only").variants == ()


def test_variants_include_the_corrected_question(vocab: QueryVocabulary) -> None:
    assert "what is lymphoma" in vocab.expand("what is lymphomma").variants


def test_spell_out_keeps_capital_rules(vocab: QueryVocabulary) -> None:
    assert vocab.spell_out("Adult ALL Treatment") == "Adult acute lymphoblastic leukemia Treatment"
    assert vocab.spell_out("All About Cancer") == "All About Cancer"


def test_lay_phrases_match_without_apostrophes() -> None:
    lay = parse_lay_terms({"terms": [{"lay": ["cant stop worrying"], "medical": ["anxiety"]}]})
    vocab = QueryVocabulary(lay_terms=lay)
    assert vocab.expand("I can't stop worrying").added_terms == ("anxiety",)
    assert vocab.expand("I can’t stop worrying").added_terms == ("anxiety",)
