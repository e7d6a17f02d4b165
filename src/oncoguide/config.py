"""Settings: the only place that reads environment variables.

`load_settings()` builds one validated `Settings`; callers pass it (or the values they need) down.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from oncoguide.errors import ConfigError

__all__ = ["Settings", "load_settings"]


class Settings(BaseSettings):
    """All runtime configuration. Environment variables are `ONCOGUIDE_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="ONCOGUIDE_", extra="ignore", frozen=True)

    db: Path = Field(default=Path("oncoguide.db"), description="SQLite database file")
    embedder: Literal["minilm", "none"] = Field(
        default="minilm", description="Dense embedder: the bundled MiniLM, or none (lexical only)"
    )
    region: str = Field(default="US", description="Region for emergency and crisis numbers")
    embed_max_tokens: int = Field(default=128, ge=16, le=512)
    embed_batch_size: int = Field(default=32, ge=1, le=512)
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint")
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = Field(default=15.0, gt=0, le=120)
    llm_enabled: bool = False
    safety_classifier: bool = Field(
        default=True,
        description="Fuse the learned safety classifier with the rules when its weights are "
        "installed (false: the rules alone)",
    )

    @field_validator("region")
    @classmethod
    def _upper_region(cls, v: str) -> str:
        return v.strip().upper() or "US"


def load_settings(**overrides: Any) -> Settings:
    """Read the environment once, apply explicit overrides (e.g. CLI flags), validate."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc
