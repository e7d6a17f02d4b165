"""The one place where the command line turns exceptions into a message and an exit code.

`OncoguideGroup` is the root command group of `oncoguide`: every command (and every command added
later) runs inside its `invoke`, so no command needs its own try/except. The rules:

| raised                                   | printed (one line, stderr)              | exit |
|------------------------------------------|-----------------------------------------|------|
| `OncoguideError` (ConfigError, StoreError, …) | `error: <message>`                  | 2    |
| pydantic `ValidationError` from Settings | `error: invalid setting NAME=…: allowed` | 2    |
| `CommandInterrupted` (Ctrl-C, explained) | `interrupted: <what was kept>`           | 130  |
| `KeyboardInterrupt`                      | `interrupted`                            | 130  |

Usage errors and `typer.Exit` pass through unchanged; any other exception is a bug and
keeps its traceback.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Collection
from typing import Any

import typer
from pydantic import BaseModel, ValidationError
from typer.core import TyperGroup

from oncoguide.config import Settings
from oncoguide.errors import ConfigError, OncoguideError

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "CommandInterrupted",
    "OncoguideGroup",
    "SettingsInvalid",
    "exit_for",
    "settings_error_message",
]

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C

_BOOL_VALUES = "true, false (or 1/0, yes/no, on/off)"


class CommandInterrupted(Exception):
    """Ctrl-C, with a sentence saying what was kept and how to resume."""


class SettingsInvalid(ConfigError):
    """Settings failed validation; `flags` names the fields given as command-line flags."""

    def __init__(self, error: ValidationError, flags: Collection[str] = ()) -> None:
        super().__init__(settings_error_message(error, flags))
        self.error = error
        self.flags = tuple(flags)


def settings_error_message(
    error: ValidationError, flags: Collection[str] = (), model: type[BaseModel] = Settings
) -> str:
    """One line naming each bad setting (as its flag or environment variable) and what it allows."""
    prefix = str(model.model_config.get("env_prefix", ""))
    parts = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        name = f"--{field.replace('_', '-')}" if field in flags else f"{prefix}{field}".upper()
        value = item.get("input")
        shown = f"={value!r}" if isinstance(value, str | int | float) else ""
        parts.append(f"invalid setting {name}{shown}: {_allowed(model, field, item['msg'])}")
    return "; ".join(parts)


def _allowed(model: type[BaseModel], field: str, fallback: str) -> str:
    info = model.model_fields.get(field)
    if info is None:
        return fallback
    kinds = _plain_types(info.annotation)
    literals = [
        v for k in kinds if typing.get_origin(k) is typing.Literal for v in typing.get_args(k)
    ]
    if literals:
        return "allowed values: " + ", ".join(str(v) for v in literals)
    if bool in kinds:
        return f"allowed values: {_BOOL_VALUES}"
    if int in kinds or float in kinds:
        noun = "a whole number" if int in kinds else "a number"
        return f"expected {noun}{_bounds(info.metadata)}"
    return fallback


def _plain_types(annotation: Any) -> list[Any]:
    """`int | None` -> [int, NoneType]; `Literal[...]` stays whole."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return list(typing.get_args(annotation))
    return [annotation]


_BOUND_WORDS = {"ge": "at least", "gt": "greater than", "le": "at most", "lt": "less than"}


def _bounds(metadata: list[Any]) -> str:
    """The Field(ge=..., le=...) constraints in words (pydantic keeps them as Ge/Le objects)."""
    words = [
        f"{phrase} {getattr(m, attr)}"
        for m in metadata
        for attr, phrase in _BOUND_WORDS.items()
        if getattr(m, attr, None) is not None
    ]
    return " " + " and ".join(words) if words else ""


def exit_for(exc: BaseException) -> tuple[str, int] | None:
    """(one-line message, exit code) for an exception the CLI explains; None for a bug."""
    cause = exc.__cause__
    plain_config = isinstance(exc, ConfigError) and not isinstance(exc, SettingsInvalid)
    if plain_config and isinstance(cause, ValidationError) and cause.title == Settings.__name__:
        return f"error: {settings_error_message(cause)}", EXIT_ERROR
    if isinstance(exc, OncoguideError):
        return f"error: {_one_line(str(exc))}", EXIT_ERROR
    if isinstance(exc, ValidationError) and exc.title == Settings.__name__:
        return f"error: {settings_error_message(exc)}", EXIT_ERROR
    if isinstance(exc, CommandInterrupted):
        return f"interrupted: {exc}", EXIT_INTERRUPTED
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", EXIT_INTERRUPTED
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


class OncoguideGroup(TyperGroup):
    """The root group: runs the command, translates its errors (see the module docstring)."""

    def invoke(self, ctx: Any) -> Any:  # typer bundles click; its Context type is private
        try:
            return super().invoke(ctx)
        except (Exception, KeyboardInterrupt) as exc:
            translated = exit_for(exc)  # None for typer.Exit, usage errors and bugs: re-raised
            if translated is None:
                raise
            message, code = translated
            typer.echo(message, err=True)
            raise typer.Exit(code) from exc
