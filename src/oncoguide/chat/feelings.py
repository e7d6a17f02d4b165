"""Acknowledge feelings: a message that carries fear, grief or a new diagnosis ("just found out",
"I'm scared", "my husband was just diagnosed") gets one short, kind opening sentence before the
cited answer. The sentences are a reviewed template set (feelings.yaml): region- and
audience-aware, never medical content. Nothing here changes the answer itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from oncoguide.errors import ConfigError

__all__ = ["Feelings", "acknowledge", "feeling_of"]


@dataclass(frozen=True)
class Feelings:
    cues: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    caregiver: re.Pattern[str]
    templates: dict[str, dict[str, dict[str, str]]]

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Feelings:
        try:
            cues = tuple(
                (name, tuple(re.compile(p, re.IGNORECASE) for p in patterns))
                for name, patterns in data["cues"].items()
            )
            caregiver = re.compile(data["caregiver_cue"], re.IGNORECASE)
            templates = data["templates"]
            for name, _ in cues:
                for audience in ("patient", "caregiver"):
                    text = templates["default"][name][audience]
                    if not isinstance(text, str) or text.count(". ") or not text.endswith("."):
                        raise ConfigError(f"feelings.yaml: {name}/{audience} must be one sentence")
        except (KeyError, TypeError, re.error) as exc:
            raise ConfigError(f"feelings.yaml is malformed: {exc}") from exc
        return cls(cues, caregiver, templates)

    def feeling(self, message: str) -> str | None:
        for name, patterns in self.cues:
            if any(p.search(message) for p in patterns):
                return name
        return None

    def sentence(self, message: str, region: str = "US", audience: str | None = None) -> str | None:
        name = self.feeling(message)
        if name is None:
            return None
        who = audience if audience in ("patient", "caregiver") else None
        who = who or ("caregiver" if self.caregiver.search(message) else "patient")
        regional = self.templates.get(region.upper(), {}).get(name, {})
        return regional.get(who) or self.templates["default"][name][who]


@lru_cache(maxsize=1)
def _feelings() -> Feelings:
    try:
        text = resources.files("oncoguide.chat").joinpath("feelings.yaml").read_text("utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read oncoguide/chat/feelings.yaml: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError("oncoguide/chat/feelings.yaml must hold a mapping")
    return Feelings.from_mapping(data)


def feeling_of(message: str) -> str | None:
    """ "grief", "new_diagnosis", "fear" or None."""
    return _feelings().feeling(message)


def acknowledge(message: str, region: str = "US", audience: str | None = None) -> str | None:
    """The kind opening sentence for `message`, or None when it carries none of the feelings."""
    return _feelings().sentence(message, region, audience)
