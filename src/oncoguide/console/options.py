"""The one place that checks option values the type alone cannot: `--audience`, `--cancer-type`.

Audiences are the fixed set the KB schema allows; cancer types are whatever the open index holds,
so an unknown one is reported with the closest indexed names (rapidfuzz) rather than silently
matching nothing.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz, process

from oncoguide.errors import ConfigError
from oncoguide.index.backends import IndexStore, describe_db, open_index
from oncoguide.kb.schema import DocMeta

__all__ = [
    "AUDIENCES",
    "OptionError",
    "check_audience",
    "check_cancer_type",
    "check_choice",
    "check_date",
    "check_filters",
]

AUDIENCES: tuple[str, ...] = typing.get_args(DocMeta.model_fields["audience_level"].annotation)

# How many known values an error lists before it says "and N more".
_LISTED = 40


class OptionError(ConfigError):
    """An option value outside the allowed set."""


def check_choice(
    option: str, value: str | None, allowed: Iterable[str], *, where: str = ""
) -> str | None:
    """`value` normalised to its allowed spelling, or OptionError listing the allowed values.

    `where` says where the allowed values come from (e.g. "in the index x.db").
    """
    if value is None:
        return None
    choices = sorted(set(allowed))
    by_fold = {c.casefold(): c for c in choices}
    wanted = value.strip().casefold()
    if wanted in by_fold:
        return by_fold[wanted]
    close = process.extract(wanted, list(by_fold), scorer=fuzz.WRatio, limit=3, score_cutoff=75)
    hint = f" Did you mean {' or '.join(repr(by_fold[c]) for c, _, _ in close)}?" if close else ""
    listed = ", ".join(choices[:_LISTED])
    more = f" and {len(choices) - _LISTED} more" if len(choices) > _LISTED else ""
    known = f"allowed: {listed}{more}" if choices else "there are none"
    place = f" {where}" if where else ""
    raise OptionError(f"{option} {value!r} is not known{place}.{hint} ({known})")


def check_date(option: str, value: str | None, today: date) -> date:
    """A YYYY-MM-DD option value (None means `today`)."""
    if value is None:
        return today
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise OptionError(f"{option} must be a date as YYYY-MM-DD, got {value!r}") from exc


def check_audience(value: str | None) -> str | None:
    return check_choice("--audience", value, AUDIENCES)


def check_cancer_type(store: IndexStore, value: str | None) -> str | None:
    """A cancer type the index at `store` has documents for (the index is the list)."""
    if value is None:
        return None
    return check_choice(
        "--cancer-type",
        value,
        store.cancer_types(),
        where=f"in the index {describe_db(store.path)}",
    )


def check_filters(
    db: Path | str, audience: str | None, cancer_type: str | None
) -> tuple[str | None, str | None]:
    """Check `--audience` and `--cancer-type` (against the index at `db`) before a command runs."""
    audience = check_audience(audience)
    if cancer_type is not None:
        with open_index(db) as store:
            cancer_type = check_cancer_type(store, cancer_type)
    return audience, cancer_type
