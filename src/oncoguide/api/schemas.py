"""Request bodies and documented responses of the HTTP API. Unknown fields are rejected (422)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

__all__ = [
    "ChatIn",
    "ErrorOut",
    "FeedbackIn",
    "FeedbackOut",
    "SessionIn",
    "SessionOut",
    "SessionView",
]

MAX_MESSAGE_CHARS = 4000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SessionIn(_Strict):
    channel: str = Field(default="web", min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    locale: str = Field(default="en", min_length=2, max_length=35, pattern=r"^[A-Za-z0-9-]+$")
    region: str = Field(default="US", pattern=r"^[A-Za-z]{2}$", description="ISO country code")
    audience: Literal["patient", "caregiver"] = "patient"
    cancer_type: str | None = Field(default=None, min_length=1, max_length=80)
    consent: StrictBool = Field(description="The user agreed to the service's terms")


class SessionOut(BaseModel):
    session_id: str
    created_at: str


class SessionView(BaseModel):
    session_id: str
    created_at: str
    channel: str
    locale: str
    region: str
    audience: str
    cancer_type: str | None
    consent: bool
    turns: int


class ChatIn(_Strict):
    session_id: str = Field(min_length=1, max_length=64)
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)

    @field_validator("message")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("message must contain text, not only spaces")
        return v


class FeedbackIn(_Strict):
    message_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    reason: str | None = Field(default=None, max_length=200)
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackOut(BaseModel):
    message_id: str
    rating: str
    reason: str | None
    comment: str | None
    created_at: str


class _ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    details: list[Any] | None = None


class ErrorOut(BaseModel):
    error: _ErrorBody
