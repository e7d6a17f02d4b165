"""Settings as the command line sees them: load with flags, and say where each value came from.

`cli_settings` is what every command calls: flags override the environment, which overrides the
defaults (`oncoguide.config.Settings`). A validation failure becomes `SettingsInvalid`, whose
message names the flag or environment variable that was wrong. `settings_report` is the data of
`oncoguide config show`: every setting, its effective value (secrets masked) and its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from oncoguide.config import Settings, load_settings
from oncoguide.console.errors import SettingsInvalid
from oncoguide.errors import ConfigError

__all__ = ["SECRET_FIELDS", "SettingRow", "cli_settings", "setting_sources", "settings_report"]

# Fields whose value is never printed (config show shows only whether they are set).
SECRET_FIELDS = frozenset({"llm_api_key", "smtp_password", "admin_users", "admin_session_secret"})


@dataclass(frozen=True)
class SettingRow:
    name: str  # the field, e.g. "embed_max_tokens"
    env: str  # its environment variable, e.g. "ONCOGUIDE_EMBED_MAX_TOKENS"
    value: str  # printable effective value (secrets masked)
    source: str  # "flag", "environment" or "default"
    description: str

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "env": self.env,
            "value": self.value,
            "source": self.source,
            "description": self.description,
        }


def _flags(overrides: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in overrides.items() if v is not None}


def cli_settings(**overrides: Any) -> Settings:
    """`load_settings` with command-line flags; bad values name the flag or variable at fault."""
    flags = _flags(overrides)
    try:
        return load_settings(**flags)
    except ConfigError as exc:
        if isinstance(exc.__cause__, ValidationError):
            raise SettingsInvalid(exc.__cause__, flags) from exc.__cause__
        raise


def setting_sources(settings: Settings, flags: dict[str, Any]) -> dict[str, str]:
    """field -> "flag" | "environment" | "default" (pydantic records which fields were given)."""
    given = _flags(flags)
    return {
        name: "flag" if name in given else "environment" if name in settings.model_fields_set
        else "default"
        for name in Settings.model_fields
    }  # fmt: skip


def _shown(name: str, value: Any) -> str:
    if name in SECRET_FIELDS:
        return "(not set)" if not value else "**** (set, hidden)"
    return "(not set)" if value is None else str(value)


def settings_report(**overrides: Any) -> list[SettingRow]:
    """Every setting with its effective value and where it came from."""
    settings = cli_settings(**overrides)
    sources = setting_sources(settings, overrides)
    prefix = str(Settings.model_config.get("env_prefix", ""))
    return [
        SettingRow(
            name=name,
            env=f"{prefix}{name}".upper(),
            value=_shown(name, getattr(settings, name)),
            source=sources[name],
            description=info.description or "",
        )
        for name, info in Settings.model_fields.items()
    ]
