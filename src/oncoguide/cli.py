"""The `oncoguide` command line: a thin shell over the library.

Each command parses its options, calls one library function and prints the result (text, or
`--json`). Errors become a one-line message and an exit code in one place, the root group
(`oncoguide.console.errors.OncoguideGroup`: 2 for errors, 130 for Ctrl-C); `kb validate` exits 1
when the KB has errors. Option checks, progress and printing live in `oncoguide.console`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from oncoguide.config import Settings, redact_db
from oncoguide.console.errors import OncoguideGroup
from oncoguide.console.options import check_date, check_filters
from oncoguide.console.progress import progress_reporter
from oncoguide.console.settings import cli_settings, settings_report
from oncoguide.console.views import (
    demo_next_commands,
    print_explain_table,
    print_kb_problems,
    print_next_steps,
    print_safety_explain,
    print_settings,
    weak_results_note,
)

__all__ = [
    "admin_hash_password",
    "app",
    "ask_cmd",
    "config_show",
    "demo",
    "eval_all",
    "eval_answers",
    "eval_conversations",
    "eval_retrieval",
    "eval_safety",
    "ingest_cmd",
    "kb_audit",
    "kb_validate",
    "main",
    "report_cmd",
    "safety_check",
    "safety_explain",
    "search_cmd",
    "serve_cmd",
]

app = typer.Typer(
    help="oncoguide: cancer information answered only from a vetted knowledge base.",
    no_args_is_help=True,
    add_completion=False,
    cls=OncoguideGroup,
)
kb_app = typer.Typer(help="Validate and audit a knowledge-base folder.", no_args_is_help=True)
safety_app = typer.Typer(help="Run the safety policy on a message.", no_args_is_help=True)
eval_app = typer.Typer(
    help="Measure retrieval, safety and answers on question sets.", no_args_is_help=True
)
app.add_typer(kb_app, name="kb")
app.add_typer(safety_app, name="safety")
app.add_typer(eval_app, name="eval")
config_app = typer.Typer(help="Show the effective settings.", no_args_is_help=True)
app.add_typer(config_app, name="config")
admin_app = typer.Typer(help="Administer the HTTP service.", no_args_is_help=True)
app.add_typer(admin_app, name="admin")

out = Console()
err = Console(stderr=True)
T = TypeVar("T")

_DEFAULTS = Settings.model_fields
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite database file, or a postgresql:// URL (env ONCOGUIDE_DB).",
        show_default=str(_DEFAULTS["db"].default),
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
RegionOpt = Annotated[
    str | None,
    typer.Option(
        "--region",
        help="Region for emergency numbers (US, UK, IN...; env ONCOGUIDE_REGION).",
        show_default=str(_DEFAULTS["region"].default),
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Date for review checks, YYYY-MM-DD.", show_default="today"),
]
EmbedOpt = Annotated[
    str | None,
    typer.Option(
        "--embedder",
        help="minilm or none (lexical only); env ONCOGUIDE_EMBEDDER.",
        show_default=str(_DEFAULTS["embedder"].default),
    ),
]
AudienceOpt = Annotated[
    str | None,
    typer.Option(
        "--audience", help="Prefer pages for: patient, caregiver or technical.", show_default="any"
    ),
]
CancerTypeOpt = Annotated[
    str | None,
    typer.Option(
        "--cancer-type", help="Only pages about this cancer type (as indexed).", show_default="any"
    ),
]
KOpt = Annotated[int, typer.Option("-k", min=1, max=100, help="How many results.")]
KBPathArg = Annotated[Path, typer.Argument(help="The knowledge-base folder (markdown files).")]
QuestionArg = Annotated[str, typer.Argument(help="The question, in quotes.")]


def _settings(db: str | None = None, **kw: Any) -> Settings:
    return cli_settings(db=db, **kw)


def _as_of(value: str | None) -> date:
    return check_date("--as-of", value, date.today())


def _run(fn: Callable[[], T]) -> T:
    """Call the library (its errors are translated once, by OncoguideGroup)."""
    return fn()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


# --- kb -----------------------------------------------------------------------------------


@kb_app.command("validate")
def kb_validate(path: KBPathArg, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Check every document's frontmatter and the manifest; list errors, exclusions and warnings;
    exit 1 if any error."""
    from oncoguide.kb.audit import validate_kb

    with progress_reporter(err) as progress:
        report = _run(lambda: validate_kb(path, progress=progress.stage("read")))
    data = report.to_dict()
    if as_json:
        _print_json(data)
    else:
        print_kb_problems(out, data, warnings=True)
    raise typer.Exit(1 if report.has_errors else 0)


@kb_app.command("audit")
def kb_audit(
    path: KBPathArg, as_of: AsOfOpt = None, db: DbOpt = None, as_json: JsonOpt = False
) -> None:
    """Report what cleaning found and fixed: exclusions, errors and defect counts."""
    from oncoguide.kb.audit import audit_kb

    when = _as_of(as_of)
    with progress_reporter(err) as progress:
        report = _run(lambda: audit_kb(path, as_of=when, progress=progress.stage("read")))
    data = report.to_dict()
    if as_json:
        _print_json(data)
        return
    table = Table("check", "count", title=f"KB audit of {path} as of {when}")
    for key, value in data["counts"].items():
        table.add_row(key, str(value))
    out.print(table)
    print_kb_problems(out, data, warnings=False)


# --- ingest and search ---------------------------------------------------------------------


@app.command("ingest")
def ingest_cmd(
    path: KBPathArg,
    db: DbOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; write nothing.")
    ] = False,
    embedder: EmbedOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Index a KB folder incrementally and atomically (unchanged documents are skipped)."""
    settings = _settings(db, embedder=embedder)
    report = _run(lambda: _ingest(path, settings, dry_run=dry_run, as_of=_as_of(as_of)))
    data = report.to_dict()
    if as_json:
        _print_json(data)
        return
    verb = "would change" if dry_run else "indexed"
    out.print(
        f"{verb}: {data['added']} added, {data['changed']} changed, {data['removed']} removed, "
        f"{data['unchanged']} unchanged; {data['chunks_written']} chunks written, "
        f"{data['embedded']} embedded ({data['embed_cached']} cached) in {data['seconds']:.1f}s "
        f"→ {redact_db(settings.db)}"
    )
    pq = data["page_questions"]
    if pq and (pq["embedded"] or pq["cached"] or settings.page_questions != "bundled"):
        out.print(
            f"page questions: {pq['embedded']} embedded ({pq['cached']} cached);"
            f" {pq['unmatched']} name no page of this KB",
            soft_wrap=True,
        )
    if data["excluded"] or data["errors"]:
        out.print(
            f"{len(data['excluded'])} files excluded, {len(data['errors'])} with errors:"
            f" see `oncoguide kb audit {path}` (reasons) or `oncoguide kb validate {path}`",
            soft_wrap=True,
        )


def _ingest(path: Path, settings: Settings, *, dry_run: bool, as_of: date) -> Any:
    from oncoguide.console.ingest import run_ingest

    with progress_reporter(err) as progress:
        return run_ingest(path, settings, dry_run=dry_run, as_of=as_of, progress=progress)


@app.command("search")
def search_cmd(
    question: QuestionArg,
    k: KOpt = 10,
    db: DbOpt = None,
    as_json: JsonOpt = False,
    audience: AudienceOpt = None,
    cancer_type: CancerTypeOpt = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show each result's ranking signals in a table.")
    ] = False,
) -> None:
    """Search the index: one result per document (its best chunk)."""
    from oncoguide.chat.assistant import open_assistant
    from oncoguide.types import SearchFilters

    audience, cancer_type = check_filters(_settings(db).db, audience, cancer_type)

    def run() -> Any:
        with open_assistant(_settings(db)) as assistant:
            found = assistant.retriever.search(
                question,
                k=k,
                filters=SearchFilters(cancer_type=cancer_type),
                audience=audience,
                explain=explain,
            )
            return found, assistant.retriever.closest_chunk(question, found.hits)

    result, semantic = _run(run)
    rows = []
    for hit in result.hits:
        row = hit.to_result_dict()
        if explain:
            row["signals"] = dict(hit.signals)
        rows.append(row)
    if as_json:
        _print_json({"query": question, "results": rows})
        return
    for row in rows:
        out.print(
            f"[bold]{row['rank']}.[/] {row['title']} [dim]({row['audience']}, "
            f"score {row['score']:.3f})[/]\n   {row['url']}\n   {row['heading']}\n"
            f"   {row['snippet']}"
        )
    if explain:
        print_explain_table(out, result.hits)
    note = weak_results_note(question, result.hits, semantic=semantic)
    if note:
        err.print(f"[yellow]{note}[/]", soft_wrap=True)


# --- safety and ask --------------------------------------------------------------------------


@safety_app.command("check")
def safety_check(
    text: Annotated[str, typer.Argument(help="The message to classify, in quotes.")],
    region: RegionOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Classify a message: emergency, self_harm, the refusals, misinformation or none."""
    from oncoguide.safety.policy import SafetyPolicy

    settings = _settings(db, region=region)
    decision = _run(
        lambda: SafetyPolicy.load(classifier=settings.safety_classifier).check(
            text, region=settings.region
        )
    )
    if as_json:
        _print_json(decision.to_dict())
        return
    out.print(
        f"category: [bold]{decision.category}[/]  rule: {decision.rule_id}  span: {decision.span!r}"
    )
    if decision.message:
        out.print(decision.message)
    if decision.concern:
        out.print(f"concern: {decision.concern.category} ({decision.concern.score:.2f})")
        out.print(decision.concern.message)


@safety_app.command("explain")
def safety_explain(
    text: Annotated[str, typer.Argument(help="The message to explain, in quotes.")],
    region: RegionOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show every sentence, the rules that match, the classifier's scores and the decision."""
    from oncoguide.safety.explain import explain
    from oncoguide.safety.policy import SafetyPolicy

    settings = _settings(db, region=region)
    report = _run(
        lambda: explain(
            SafetyPolicy.load(classifier=settings.safety_classifier), text, region=settings.region
        )
    )
    if as_json:
        _print_json(report)
        return
    print_safety_explain(out, report)


@app.command("ask")
def ask_cmd(
    question: QuestionArg,
    db: DbOpt = None,
    region: RegionOpt = None,
    as_json: JsonOpt = False,
    audience: AudienceOpt = None,
    cancer_type: CancerTypeOpt = None,
    as_of: AsOfOpt = None,
    llm: Annotated[
        bool,
        typer.Option(
            "--llm",
            help="Let the configured LLM (ONCOGUIDE_LLM_*) word the answer from the chosen "
            "passages; its sentences are verified, and any failure keeps the quoted answer "
            "with a note (env ONCOGUIDE_LLM_ENABLED).",
        ),
    ] = False,
) -> None:
    """Answer a question from the KB with citations, or say why not."""
    from oncoguide.answer import to_answer_json
    from oncoguide.chat.assistant import open_assistant
    from oncoguide.chat.turn import TurnOptions

    settings = _settings(db, region=region, llm_enabled=True if llm else None)
    audience, cancer_type = check_filters(settings.db, audience, cancer_type)
    options = TurnOptions(
        region=settings.region, audience=audience, cancer_type=cancer_type, as_of=_as_of(as_of)
    )

    def run() -> Any:
        with open_assistant(settings) as assistant:
            return assistant.turner(options)(question)

    result = _run(run)
    data = to_answer_json(result.answer, safety=result.safety, timings_ms=dict(result.timings_ms))
    if as_json:
        _print_json(data)
        return
    _print_answer(data)


def _print_answer(data: dict[str, Any]) -> None:
    if "show_emergency_banner" in data["safety"]["actions"]:
        out.print("[bold white on red] URGENT [/]")
    out.print(data["answer"])
    if data["citations"]:
        out.print("\n[bold]Sources[/]")
    for c in data["citations"]:
        flag = " [yellow](past its review date)[/]" if c["review_overdue"] else ""
        out.print(
            f"[{c['n']}] {c['heading'] or c['title']} — {c['url']} "
            f"(last reviewed {c['last_reviewed']}){flag}"
        )
    if data.get("glossary"):
        out.print("\n[bold]Words in this answer[/]")
    for g in data.get("glossary", []):
        out.print(f"{g['term']}: {g['definition']} ({g['citation']['url']})", highlight=False)


# --- evaluation ------------------------------------------------------------------------------


@eval_app.command("retrieval")
def eval_retrieval(
    questions: Annotated[Path, typer.Option("--questions", help="JSONL question set.")],
    k: KOpt = 10,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Recall@1/5/10, MRR@10, nDCG@10 and latency on a JSONL question set."""
    from oncoguide.chat.assistant import open_assistant
    from oncoguide.evaluation.retrieval_eval import evaluate_retrieval

    def run() -> dict[str, Any]:
        with open_assistant(_settings(db)) as assistant:
            return evaluate_retrieval(
                lambda q: assistant.retriever.search(q, k=k).hits, questions, k=k
            )

    report = _run(run)
    _print_report(
        report,
        as_json,
        [
            "questions",
            "recall@1",
            "recall@5",
            "recall@10",
            "mrr@10",
            "ndcg@10",
            "patient_first@1",
            "latency_ms",
        ],
    )


@eval_app.command("safety")
def eval_safety(
    cases: Annotated[Path, typer.Option("--cases", help="JSONL safety cases.")],
    region: RegionOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Per-category precision/recall, confusion matrix and false-refusal rate."""
    from oncoguide.evaluation.safety_eval import evaluate_safety
    from oncoguide.safety.policy import SafetyPolicy

    settings = _settings(db, region=region)
    report = _run(
        lambda: evaluate_safety(
            SafetyPolicy.load(classifier=settings.safety_classifier), cases, region=settings.region
        )
    )
    _print_report(
        report,
        as_json,
        [
            "cases",
            "accuracy",
            "false_refusal_rate",
            "escalation_recall",
            "hard_stop_recall",
            "soft_flag_rate",
            "per_category",
        ],
    )


@eval_app.command("answers")
def eval_answers(
    questions: Annotated[Path, typer.Option("--questions", help="JSONL question set.")],
    db: DbOpt = None,
    region: RegionOpt = None,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="Only rows whose 'split' field has this value (dev or heldout).",
            show_default="all rows",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Verified-sentence, key-term coverage, section-hit, cited-gold and abstention rates on a
    JSONL question set."""
    from oncoguide.chat.assistant import open_assistant
    from oncoguide.chat.turn import TurnOptions
    from oncoguide.evaluation.answer_eval import evaluate_answers

    settings = _settings(db, region=region)

    def run() -> dict[str, Any]:
        with open_assistant(settings) as assistant:
            return evaluate_answers(
                assistant.turner(TurnOptions(region=settings.region)), questions, split=split
            )

    report = _run(run)
    _print_report(
        report,
        as_json,
        [
            "questions",
            "answered",
            "abstained",
            "verified_sentence_rate",
            "coverage_rate",
            "section_hit_rate",
            "cited_gold_rate",
            "offtopic_abstention_rate",
            "false_abstention_rate",
            "reading_grade_median",
            "reading_grade_p90",
            "reading_grade_le_9_rate",
            "latency_ms",
        ],
    )


@eval_app.command("all")
def eval_all(
    kb: Annotated[
        Path | None,
        typer.Option(
            "--kb",
            help="KB folder (a temporary index is built unless --db is given).",
            show_default="none: evaluate --db",
        ),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="An existing index to evaluate.", show_default="ONCOGUIDE_DB"),
    ] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for report.md, report.html and report.json.")
    ] = Path("eval-report"),
    quick: Annotated[
        bool,
        typer.Option("--quick", help="Index the sample KB plus a fixed slice of ../shared/kb."),
    ] = False,
    shared: Annotated[
        Path | None,
        typer.Option(
            "--shared", help="Folder with eval/ (MedQuAD) and kb/.", show_default="../shared"
        ),
    ] = None,
) -> None:
    """Every quality and speed number in one run, checked against the pinned values; exit 1 on a
    FAIL."""
    from oncoguide.evaluation.pins import check_pins, load_pins
    from oncoguide.evaluation.report import summary_lines, write_report
    from oncoguide.evaluation.runner import RunOptions, run_all

    opts = RunOptions(_settings(), kb=kb, db=db, quick=quick, shared=shared)
    report = _run(lambda: run_all(opts, log=lambda line: err.print(line, soft_wrap=True)))
    results = check_pins(_run(load_pins), report)
    pins = [{**r.to_dict(), "line": r.line()} for r in results]
    paths = write_report(report, pins, out_dir)
    for line in summary_lines(report):
        out.print(line, soft_wrap=True, markup=False, highlight=False)
    skipped: dict[tuple[str, str], int] = {}
    for r in results:
        if r.status == "SKIP":  # one line per file and reason (report.json lists each pin)
            key = (r.pin.source, r.reason)
            skipped[key] = skipped.get(key, 0) + 1
        else:
            out.print(r.line(), soft_wrap=True, markup=False, highlight=False)
    for (source, reason), n in skipped.items():
        out.print(f"SKIP {n} pins of {source}  ({reason})", soft_wrap=True, markup=False)
    fails = sum(r.status == "FAIL" for r in results)
    counts = {s: sum(r.status == s for r in results) for s in ("OK", "FAIL", "SKIP")}
    out.print(
        f"pins: {counts['OK']} OK, {counts['FAIL']} FAIL, {counts['SKIP']} SKIP; "
        f"report: {', '.join(str(p) for p in paths)}",
        soft_wrap=True,
        markup=False,
    )
    raise typer.Exit(1 if fails else 0)


@eval_app.command("conversations")
def eval_conversations(
    conversations: Annotated[
        Path | None,
        typer.Option(
            "--conversations", help="JSONL conversation set.", show_default="the bundled set"
        ),
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Follow-up gold-hit, clarifications and latency over multi-turn conversations."""
    from oncoguide.chat.service import evaluation_service
    from oncoguide.evaluation.conversation_eval import BUNDLED, evaluate_conversations

    path = conversations or BUNDLED
    settings = _settings(db)

    def run() -> dict[str, Any]:
        with evaluation_service(settings) as service:
            urls = [d.url for d in service.assistant.store.iter_documents()]
            return evaluate_conversations(service, path, known_urls=urls)

    report = _run(run)
    _print_report(
        report,
        as_json,
        [
            "conversations",
            "skipped_not_in_index",
            "followup_turns",
            "followup_gold_hit",
            "followup_first_cited_gold",
            "followup_alone_gold_hit",
            "followup_abstained",
            "clarify_expected",
            "clarify_asked",
            "clarify_unexpected",
            "latency_ms",
        ],
    )


def _print_report(report: dict[str, Any], as_json: bool, keys: list[str]) -> None:
    if as_json:
        _print_json(report)
        return
    for key in keys:
        if key in report:
            out.print(f"{key}: {json.dumps(report[key], default=str)}")


# --- quick start -----------------------------------------------------------------------------


@app.command("demo")
def demo(
    db: DbOpt = None,
    embedder: EmbedOpt = None,
    question: Annotated[
        str, typer.Option("--question", help="The question to search and answer.")
    ] = "pins and needles in my feet after chemo",
) -> None:
    """Quick start: index the bundled sample KB into the default database, search, answer."""
    from oncoguide.console.ingest import guard_demo_database
    from oncoguide.kb.sample import sample_kb_path

    settings = _settings(db, embedder=embedder)
    path = sample_kb_path()
    guard_demo_database(settings.db, path)
    target = redact_db(settings.db)
    out.print(f"[bold]1. Ingesting the bundled SAMPLE knowledge base[/] ({path}) → {target}")
    ingest_cmd(path, db=str(settings.db), embedder=settings.embedder)
    out.print(f"\n[bold]2. Searching:[/] {question!r}")
    search_cmd(question, k=3, db=str(settings.db))
    out.print(f"\n[bold]3. Asking:[/] {question!r}")
    ask_cmd(question, db=str(settings.db))
    print_next_steps(out, demo_next_commands(db, question, path))


# --- the HTTP service ----------------------------------------------------------------------


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="TCP port to listen on.")
    ] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="Server processes (uvicorn workers).")
    ] = 1,
    db: DbOpt = None,
    embedder: EmbedOpt = None,
) -> None:
    """Serve the HTTP API (chat, sessions, feedback, search, health, admin) with uvicorn."""
    from oncoguide.api.server import serve

    settings = _settings(db, embedder=embedder)
    _run(lambda: serve(settings, host=host, port=port, workers=workers))


@admin_app.command("hash-password")
def admin_hash_password(
    user: Annotated[str, typer.Option("--user", help="The admin's login name.")] = "admin",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Print an argon2 hash of a password and the ONCOGUIDE_ADMIN_USERS value that uses it."""
    from oncoguide.api.admin import hash_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        err.print("error: the password must have at least 8 characters")
        raise typer.Exit(2)
    hashed = hash_password(password)
    sys.stdout.write(hashed + "\n")
    err.print(f"set: ONCOGUIDE_ADMIN_USERS='{json.dumps({user: hashed})}'", soft_wrap=True)


@app.command("report")
def report_cmd(
    since: Annotated[str, typer.Option("--since", help="First day included, YYYY-MM-DD.")],
    until: Annotated[
        str | None,
        typer.Option("--until", help="First day excluded, YYYY-MM-DD.", show_default="now"),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write to FILE (.html gives HTML).", show_default="stdout"),
    ] = None,
    email: Annotated[
        bool, typer.Option("--email", help="Also e-mail it via the ONCOGUIDE_SMTP_* settings.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """The operators' summary of stored conversations (Markdown, or HTML for a .html file)."""
    from oncoguide.chat.report import build_report, markdown_to_html, send_report
    from oncoguide.index.backends import open_conversations, open_index

    settings = _settings(db)
    start = check_date("--since", since, date.today())
    end = check_date("--until", until, date.today()) if until else None

    def run() -> str:
        open_index(settings.db).close()  # a missing or empty index is the usual one-line error
        conversations = open_conversations(settings.db)
        try:
            return build_report(conversations, start, end)[1]
        finally:
            conversations.close()

    markdown = _run(run)
    if out_file is None:
        sys.stdout.write(markdown)
    else:
        html_out = out_file.suffix.lower() in (".html", ".htm")
        out_file.write_text(markdown_to_html(markdown) if html_out else markdown, encoding="utf-8")
        err.print(f"wrote {out_file}")
    if email:
        title = markdown.splitlines()[0].lstrip("# ")
        sent = _run(lambda: send_report(settings, title, markdown))
        err.print(f"e-mailed to {', '.join(sent)}")


# --- settings --------------------------------------------------------------------------------


@config_app.command("show")
def config_show(
    db: DbOpt = None, embedder: EmbedOpt = None, region: RegionOpt = None, as_json: JsonOpt = False
) -> None:
    """Print the effective settings and where each came from (default, environment, flag)."""
    rows = settings_report(db=db, embedder=embedder, region=region)
    if as_json:
        _print_json({"settings": [row.to_dict() for row in rows]})
        return
    print_settings(out, rows)


def main() -> None:  # pragma: no cover - console entry point
    app()
