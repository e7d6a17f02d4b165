"""Settings: the only place that reads environment variables.

`load_settings()` builds one validated `Settings`; callers pass it (or the values they need) down.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from oncoguide.errors import ConfigError

__all__ = ["Settings", "is_postgres_url", "load_settings", "redact_db"]

_POSTGRES_URL = re.compile(r"^postgres(ql)?://", re.IGNORECASE)


def is_postgres_url(db: object) -> bool:
    """True for a `postgresql://` (or `postgres://`) URL; a file path is False."""
    return isinstance(db, str) and _POSTGRES_URL.match(db) is not None


def redact_db(db: Path | str) -> str:
    """The database setting as safe to print: a URL's password is masked."""
    text = str(db)
    if not is_postgres_url(text):
        return text
    parts = urlsplit(text)
    if parts.password is None:
        return text
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}:****@{host}"))


class Settings(BaseSettings):
    """All runtime configuration. Environment variables are `ONCOGUIDE_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="ONCOGUIDE_", extra="ignore", frozen=True)

    db: Path | str = Field(
        default=Path("oncoguide.db"),
        description="SQLite database file, or a postgresql:// URL for PostgreSQL + pgvector",
    )
    embedder: Literal["minilm", "none"] = Field(
        default="minilm", description="Dense embedder: the bundled MiniLM, or none (lexical only)"
    )
    region: str = Field(default="US", description="Region for emergency and crisis numbers")
    page_questions: str = Field(
        default="bundled",
        description="Page questions matched at search time (kb/questions.py): 'bundled' (the "
        "project's questions for the NCI pages), 'none', or the path of a JSONL file",
    )
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
    # --- the HTTP service (oncoguide serve) ---
    consent_required: bool = Field(
        default=True, description="Sessions must record consent before they can chat"
    )
    redact_contacts: bool = Field(
        default=True, description="Replace e-mail addresses and phone numbers in stored messages"
    )
    log_message_text: bool = Field(
        default=False, description="Write users' message text to the server log (off: never)"
    )
    rate_limit_client: str = Field(
        default="120/minute", description="Requests allowed per client address (limits syntax)"
    )
    rate_limit_session: str = Field(
        default="30/minute", description="Chat messages allowed per session (limits syntax)"
    )
    max_body_bytes: int = Field(
        default=16384, ge=1024, le=1048576, description="Largest JSON request body accepted"
    )
    admin_users: dict[str, str] = Field(
        default_factory=dict,
        description="Admin name -> argon2 hash (JSON); none configured turns admin off (404)",
    )
    admin_session_secret: str | None = Field(
        default=None,
        description="Key that signs admin dashboard sign-ins; set it when serving with several"
        " workers (unset: a random key per process)",
    )
    phone_region: str = Field(
        default="US", description="Region used to recognise national phone numbers for redaction"
    )
    blas_threads: int = Field(
        default=1, ge=1, le=64,
        description="BLAS threads per server process (requests already run in parallel)",
    )  # fmt: skip
    turn_concurrency: int = Field(
        default=0, ge=0, le=256,
        description="Chat turns and searches computed at once per server process; more wait "
        "in arrival order (0: one per CPU core)",
    )  # fmt: skip
    keep_alive_s: int = Field(
        default=75, ge=1, le=3600,
        description="Seconds an idle HTTP connection stays open; longer than the idle limit of "
        "any client pool or load balancer in front (theirs must expire first)",
    )  # fmt: skip
    smtp_host: str | None = Field(default=None, description="SMTP server for `report --email`")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = Field(default="oncoguide@localhost", description="Sender of the report")
    smtp_to: str | None = Field(default=None, description="Report recipients, comma-separated")

    @field_validator("rate_limit_client", "rate_limit_session")
    @classmethod
    def _rate_limit(cls, v: str) -> str:
        from limits import parse_many

        try:
            parse_many(v)
        except ValueError as exc:
            raise ValueError(f"not a rate limit such as '30/minute': {exc}") from exc
        return v

    @field_validator("db", mode="before")
    @classmethod
    def _path_or_url(cls, v: Any) -> Any:
        """A postgresql:// URL stays text (a Path would fold its "//"); anything else is a Path."""
        if isinstance(v, str) and is_postgres_url(v.strip()):
            return v.strip()
        if isinstance(v, str | os.PathLike):
            return Path(v)
        return v

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
