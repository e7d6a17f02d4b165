"""Text helpers below every stage: the one sentence splitter (and, later, the numpy encoder)."""
