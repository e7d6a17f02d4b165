"""`oncoguide report`: the operators' daily summary as Markdown or HTML, optionally e-mailed.

The metrics come from `oncoguide.chat.operators.metrics_between`; delivery is plain SMTP through
the `smtp_*` settings (STARTTLS and login when configured).
"""

from __future__ import annotations

import html
import smtplib
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from oncoguide.chat.analytics import render_markdown
from oncoguide.chat.operators import metrics_between
from oncoguide.config import Settings
from oncoguide.errors import ConfigError, OncoguideError
from oncoguide.index.conversations import ConversationStore

__all__ = ["build_report", "markdown_to_html", "send_report"]


def build_report(
    conversations: ConversationStore, since: date, until: date | None = None
) -> tuple[dict[str, Any], str]:
    """(metrics, Markdown) for the turns from `since` (inclusive) to `until` (exclusive)."""
    start = datetime(since.year, since.month, since.day, tzinfo=UTC)
    end = None if until is None else datetime(until.year, until.month, until.day, tzinfo=UTC)
    metrics = metrics_between(conversations, start, end)
    last = (until - timedelta(days=1)).isoformat() if until else "now"
    title = f"oncoguide report: {since.isoformat()} to {last}"
    return metrics, render_markdown(metrics, title=title)


def markdown_to_html(markdown: str) -> str:
    """The report's own small Markdown (headings, bullets, pipe tables) as one HTML page."""
    out = ["<!doctype html><html><head><meta charset='utf-8'><title>oncoguide report</title>",
           "</head><body>"]  # fmt: skip
    in_list = in_table = False
    for line in markdown.splitlines():
        if in_list and not line.startswith("- "):
            out.append("</ul>")
            in_list = False
        if in_table and not line.startswith("|"):
            out.append("</table>")
            in_table = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{html.escape(line.lstrip('# '))}</h{level}>")
        elif line.startswith("- "):
            out.append("<ul>" if not in_list else "")
            in_list = True
            out.append(f"<li>{html.escape(line[2:])}</li>")
        elif line.startswith("|"):
            cells = [c.strip().replace("\\|", "|") for c in line.strip("|").split(" | ")]
            if set("".join(cells)) <= {"-", "|"}:
                continue
            tag = "th" if not in_table else "td"
            out.append("<table border='1'>" if not in_table else "")
            in_table = True
            row = "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells)
            out.append(f"<tr>{row}</tr>")
    out.append("</ul>" if in_list else "")
    out.append("</table>" if in_table else "")
    out.append("</body></html>")
    return "\n".join(x for x in out if x)


def send_report(settings: Settings, subject: str, markdown: str) -> list[str]:
    """E-mail the report (text + HTML) to `smtp_to`; return the recipients."""
    if not settings.smtp_host or not settings.smtp_to:
        raise ConfigError("e-mail needs ONCOGUIDE_SMTP_HOST and ONCOGUIDE_SMTP_TO")
    recipients = [r.strip() for r in settings.smtp_to.split(",") if r.strip()]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(recipients)
    message.set_content(markdown)
    message.add_alternative(markdown_to_html(markdown), subtype="html")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message, to_addrs=recipients)
    except (OSError, smtplib.SMTPException) as exc:
        raise OncoguideError(
            f"cannot send the report through {settings.smtp_host}:{settings.smtp_port}: {exc}"
        ) from exc
    return recipients
