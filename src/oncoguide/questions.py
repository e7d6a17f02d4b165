"""Question-shape patterns shared by the retrieve (section context) and answer (list choice) stages.

Both stages must read a question the same way, and neither may import the other, so the patterns
live here, below both.
"""

from __future__ import annotations

import re

__all__ = ["DEFINITION", "LIST_ASK", "TREATMENT_TIME"]

# Questions without a list type that still ask for a set of things.
LIST_ASK = re.compile(
    r"\bwhat counts as\b|\b(what|which) (foods?|drinks?|things|kinds?|sorts?|ways?|problems)\b|"
    r"\bways\b|\bexamples?\b|\bwhat (should|can) (i|we|you) (eat|drink|do)\b",
    re.IGNORECASE,
)

# "during cancer treatment": when the question is asked, not the kind of content it wants.
TREATMENT_TIME = re.compile(
    r"\b(during|after|before|while|since|throughout) (\w+ ){0,2}?"
    r"(treatments?|therap(y|ies)|chemo\w*|radiation)\b",
    re.IGNORECASE,
)

# "What is X?" is answered by a definition, never by a list or chunk that merely names X.
DEFINITION = re.compile(r"^\s*(what|who)('s| is| are| was)\b", re.IGNORECASE)
