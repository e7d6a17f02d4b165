"""Region numbers: required regions, sourced numbers, fallback for unknown codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncoguide.errors import PolicyError
from oncoguide.safety.regions import get_region, load_regions

pytestmark = pytest.mark.unit


def test_required_regions_and_numbers() -> None:
    regions = load_regions()
    assert regions["US"].emergency_number == "911"
    assert regions["US"].crisis_line == "988"
    assert "1-800-4-CANCER" in regions["US"].cancer_info_line
    assert regions["UK"].emergency_number == "999" and "NHS 111" in regions["UK"].urgent_text
    assert regions["UK"].crisis_line == "116 123"
    assert regions["UK"].cancer_info_line == "0808 808 00 00"
    assert regions["IN"].emergency_number == "112" and regions["IN"].crisis_line == "14416"
    assert regions["IN"].cancer_info_line == ""  # no verified national line: no guess
    assert regions["GENERIC"].emergency_number == ""


def test_every_number_names_its_source() -> None:
    for region in load_regions().values():
        for number, source in [
            (region.emergency_number, region.emergency_source),
            (region.crisis_line, region.crisis_source),
            (region.cancer_info_line, region.cancer_info_source),
        ]:
            assert source.strip(), (region.code, number)
            if number:
                assert "http" in source, (region.code, number)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("us", "US"), ("GB", "UK"), ("", "GENERIC"), ("FR", "GENERIC"), ("  in ", "IN")],
)
def test_get_region_never_fails(code: str, expected: str) -> None:
    assert get_region(code).code == expected


def test_a_number_without_source_is_rejected(tmp_path: Path) -> None:
    text = Path(__file__).resolve().parents[2] / "src/oncoguide/safety/regions.yaml"
    broken = text.read_text(encoding="utf-8").replace(
        'crisis_source: "988 Suicide & Crisis Lifeline (SAMHSA) - https://988lifeline.org/"',
        'crisis_source: ""',
    )
    path = tmp_path / "regions.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(PolicyError, match="crisis_source"):
        load_regions(path)
