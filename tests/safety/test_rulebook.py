"""Rule-file validation: a bad YAML file stops loading with PolicyError naming file and rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from oncoguide.errors import PolicyError
from oncoguide.safety.policy import SafetyPolicy
from oncoguide.safety.rulebook import DEFAULT_RULES_DIR

pytestmark = pytest.mark.unit

_GOOD_RULE = """\
category: dosing
template: dosing
actions: [refuse_personal_advice]
rules:
  - id: dosing.test_rule
    patterns: ['how much zzdrug']
    examples: [how much zzdrug]
"""


def _rules_dir(tmp_path: Path, extra: str) -> Path:
    d = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, d)
    (d / "zz_test.yaml").write_text(extra, encoding="utf-8")
    return d


def test_a_valid_extra_rule_file_loads_and_fires(tmp_path: Path) -> None:
    policy = SafetyPolicy.load(_rules_dir(tmp_path, _GOOD_RULE))
    assert policy.check("how much zzdrug").rule_id == "dosing.test_rule"


@pytest.mark.parametrize(
    ("broken", "needle"),
    [
        (_GOOD_RULE.replace("'how much zzdrug'", "'how (much'"), "invalid pattern"),
        (_GOOD_RULE.replace("'how much zzdrug'", "'how much NOSUCHTERM'"), "NOSUCHTERM"),
        (_GOOD_RULE.replace("dosing.test_rule", "dosing.how_much"), "duplicate"),
        (_GOOD_RULE.replace("    examples: [how much zzdrug]\n", ""), "example"),
        (_GOOD_RULE + "    requires: [{cue: no_such_cue, scope: message}]\n", "no_such_cue"),
        (_GOOD_RULE + "    suppress: [sarcasm]\n", "sarcasm"),
        (_GOOD_RULE + "    colour: red\n", "unknown keys"),
    ],
)
def test_bad_rule_names_file_and_rule(tmp_path: Path, broken: str, needle: str) -> None:
    with pytest.raises(PolicyError) as info:
        SafetyPolicy.load(_rules_dir(tmp_path, broken))
    message = str(info.value)
    assert "zz_test.yaml" in message and needle in message
    assert "dosing." in message


@pytest.mark.parametrize(
    ("broken", "needle"),
    [
        ("category: [unclosed\n", "cannot read YAML"),
        (_GOOD_RULE.replace("category: dosing", "category: gossip"), "unknown category"),
        (_GOOD_RULE.replace("template: dosing", "template: nope"), "unknown template"),
        (_GOOD_RULE.replace("[refuse_personal_advice]", "[shout]"), "unknown actions"),
    ],
)
def test_bad_file_names_the_file(tmp_path: Path, broken: str, needle: str) -> None:
    with pytest.raises(PolicyError, match=needle) as info:
        SafetyPolicy.load(_rules_dir(tmp_path, broken))
    assert "zz_test.yaml" in str(info.value)


def test_missing_context_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"_context\.yaml"):
        SafetyPolicy.load(tmp_path)


def test_templates_must_say_who_reviewed_them(tmp_path: Path) -> None:
    path = tmp_path / "templates.yaml"
    path.write_text("templates:\n  emergency:\n    text: Call {emergency_text}\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="reviewed"):
        SafetyPolicy.load(templates_path=path)


def test_templates_reject_unknown_placeholders(tmp_path: Path) -> None:
    path = tmp_path / "templates.yaml"
    path.write_text(
        "templates:\n  emergency:\n    reviewed: pending clinical review\n    text: Call {fax}\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match="fax"):
        SafetyPolicy.load(templates_path=path)


def test_every_shipped_template_is_honest_about_review(policy: SafetyPolicy) -> None:
    from oncoguide.safety.templates import load_templates

    templates = load_templates()
    assert set(templates) >= {r.template_id for r in policy.rules}
    assert all(t.reviewed == "pending clinical review" for t in templates.values())
