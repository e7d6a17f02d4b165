"""Fixtures for the safety tests: the shipped policy, loaded once per session."""

from __future__ import annotations

import pytest

from oncoguide.safety.policy import SafetyPolicy


@pytest.fixture(scope="session")
def policy() -> SafetyPolicy:
    return SafetyPolicy.load()
