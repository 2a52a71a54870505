"""``heard import feedback FILE --product WORKSPACE/PRODUCT`` (CSV, JSON or JSON Lines).

Columns / keys (CSV headers are case-insensitive; spaces become underscores):
text (required), stakeholder (id, e-mail or exact name; empty = proxy input), channel,
said_at (YYYY-MM-DD or ISO date-time), job, constraints, environment, observed, expected,
example, external_id, session (id).

Re-running a file adds nothing: a row is the same item when its external_id matches, or
(without one) when who, channel, date and text are the same. Bad rows are reported with
their line (for a JSON list: the item's position) and the good rows are kept.
"""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from heard.core.errors import HeardError
from heard.core.importing import ImportReport, csv_rows, importer, open_text, progress
from heard.core.models import Product
from heard.core.queries import product_by_ref

from . import actions
from .actions import FEEDBACK_FIELDS

ALIASES = {
    "feedback": "text", "comment": "text", "said": "text", "who": "stakeholder", "email": "stakeholder", "stakeholder_email": "stakeholder",
    "person": "stakeholder", "date": "said_at", "when": "said_at", "id": "external_id", "key": "external_id", "source": "channel",
    "target": "expected", "agreed_target": "expected",
}
BATCH = 500


def _json_rows(handle, fmt: str):
    if fmt == "jsonl":
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                try:
                    yield number, json.loads(raw)
                except json.JSONDecodeError as exc:
                    yield number, HeardError("invalid", f"Not valid JSON: {exc.msg}.")
        return
    try:
        data = json.load(handle)
    except json.JSONDecodeError as exc:
        raise HeardError("invalid", f"The file is not valid JSON (line {exc.lineno}: {exc.msg}).", "file") from None
    if isinstance(data, dict):
        data = data.get("feedback", data.get("items"))
    if not isinstance(data, list):
        raise HeardError("invalid", "A JSON file must hold a list of feedback objects (or {\"feedback\": [...]}).", "file")
    yield from enumerate(data, start=1)


def import_feedback(*, actor, product: Product, handle, fmt: str = "csv", mapping: dict | None = None, show_progress: bool = False, stream=None) -> ImportReport:
    report = ImportReport(kind="feedback")
    rows = csv_rows(handle, mapping) if fmt == "csv" else _json_rows(handle, fmt)
    batch: list[tuple[int, dict]] = []
    for line, row in progress(rows, desc="feedback", stream=stream, enabled=show_progress):
        if isinstance(row, HeardError):
            report.reject(line, row.message)
            continue
        if not isinstance(row, dict):
            report.reject(line, "Each item must be an object with a “text”.")
            continue
        if "__extra__" in row:
            report.reject(line, "The row has more values than the header has columns.")
            continue
        data = {}
        for key, value in row.items():
            key = ALIASES.get(str(key).strip().lower(), str(key).strip().lower())
            if key in FEEDBACK_FIELDS:
                data[key] = value.strip() if isinstance(value, str) else value
        data = {k: v for k, v in data.items() if v not in ("", None) or k == "text"}
        batch.append((line, data))
        if len(batch) >= BATCH:
            actions.record_feedback_batch(actor=actor, product=product, rows=batch, report=report)
            batch = []
    if batch:
        actions.record_feedback_batch(actor=actor, product=product, rows=batch, report=report)
    report.problems.sort(key=lambda p: p.line)
    return report


def format_of(path: str, given: str | None) -> str:
    if given:
        if given not in ("csv", "json", "jsonl"):
            raise CommandError("--format must be csv, json or jsonl.")
        return given
    lower = path.lower().removesuffix(".gz")
    return "jsonl" if lower.endswith((".jsonl", ".ndjson")) else "json" if lower.endswith(".json") else "csv"


@importer("feedback")
def feedback_cli(*, path, mapping, options, stdout, stderr) -> ImportReport:
    if not options.get("product"):
        raise CommandError("--product WORKSPACE/PRODUCT is required for feedback.")
    try:
        product = product_by_ref(options["product"])
    except HeardError as exc:
        raise CommandError(exc.message) from None
    fmt = format_of(path, options.get("format"))
    try:
        with open_text(path) as handle:
            return import_feedback(actor=None, product=product, handle=handle, fmt=fmt, mapping=mapping,
                                   show_progress=not options.get("no_progress"), stream=stderr._out if hasattr(stderr, "_out") else None)
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}") from None
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}).") from None
    except HeardError as exc:
        raise CommandError(exc.message) from None
