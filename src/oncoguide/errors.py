"""The oncoguide exception tree.

Library code raises these; the CLI and API translate them into exit codes and HTTP statuses.
Lower-level errors (sqlite3, yaml, OSError) are re-raised as one of these, naming the file or table.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ConsentError",
    "EmbedderError",
    "EvaluationError",
    "KBError",
    "LLMError",
    "NotFoundError",
    "OncoguideError",
    "PolicyError",
    "QueryError",
    "StoreError",
]


class OncoguideError(Exception):
    """Base class of every error oncoguide raises on purpose."""


class ConfigError(OncoguideError):
    """Settings are missing or invalid."""


class KBError(OncoguideError):
    """A knowledge-base folder or file cannot be read at all."""


class StoreError(OncoguideError):
    """The database cannot be opened, migrated, read or written."""


class EmbedderError(OncoguideError):
    """The embedding model cannot be loaded or run."""


class PolicyError(OncoguideError):
    """Safety rules, templates or region data are invalid."""


class QueryError(OncoguideError):
    """A question cannot be processed (for example: it is empty)."""


class LLMError(OncoguideError):
    """The optional LLM endpoint failed, timed out or answered in an unusable form."""


class EvaluationError(OncoguideError):
    """An evaluation file is missing or malformed."""


class NotFoundError(OncoguideError):
    """A session or message that the caller named does not exist (HTTP 404)."""


class ConsentError(OncoguideError):
    """A session asked to chat without the consent the settings require (HTTP 403)."""
