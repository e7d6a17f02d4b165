"""Redaction of contact details before a message is stored.

E-mail addresses are found by a pattern; phone numbers by the `phonenumbers` library (the port of
Google's libphonenumber), which knows each country's numbering plan, so "stage 4" or "20 mg" or
a year is not taken for a phone number. National numbers are read in `region`'s plan.
"""

from __future__ import annotations

import re

import phonenumbers

__all__ = ["EMAIL_MARK", "PHONE_MARK", "redact_contacts"]

EMAIL_MARK = "[email removed]"
PHONE_MARK = "[phone removed]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def redact_contacts(text: str, region: str = "US") -> str:
    """`text` with every e-mail address and phone number replaced by a marker."""
    text = _EMAIL.sub(EMAIL_MARK, text)
    spans = [
        (m.start, m.end)
        for m in phonenumbers.PhoneNumberMatcher(
            text, region.upper(), leniency=phonenumbers.Leniency.POSSIBLE
        )
    ]
    for start, end in reversed(spans):
        text = text[:start] + PHONE_MARK + text[end:]
    return text
