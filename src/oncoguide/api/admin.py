"""Admin routes (step 3 of issue 12): off (404) unless admin credentials are configured."""

from __future__ import annotations

from fastapi import FastAPI

from oncoguide.config import Settings

__all__ = ["install_admin_routes"]


def install_admin_routes(app: FastAPI, settings: Settings) -> None:
    """Add /v1/admin/* when `settings.admin_users` names at least one admin."""
    if not settings.admin_users:
        return
