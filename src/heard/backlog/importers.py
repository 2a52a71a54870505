"""``heard import backlog FILE.csv --product WORKSPACE/PRODUCT``, and the CSV export.

Columns, with the names Jira's and GitHub's issue exports use:

| heard         | Jira                  | GitHub    |
|---------------|-----------------------|-----------|
| title         | Summary               | title     |
| external_key  | Issue key             | number    |
| status        | Status                | state     |
| description   | Description           | body      |
| increment     | Sprint / Fix Version/s | milestone |

Statuses map to heard's (idea, refined, ready, in progress, done, released); Jira's "To Do"
is ready, "Done" done; GitHub's "open" is idea and "closed" done. A GitHub number becomes
the key "#123". Rows are matched to existing items by key (or, without one, by exact
title), so re-running a file adds nothing.
"""

from __future__ import annotations

import io

from django.core.management.base import CommandError

from heard.core.errors import HeardError
from heard.core.exporting import csv_writer
from heard.core.importing import ImportReport, csv_rows, importer, open_text, progress
from heard.core.models import Product
from heard.core.products import require_active
from heard.core.queries import product_by_ref

from . import actions
from .models import BacklogItem

ALIASES = {
    "summary": "title", "issue_key": "external_key", "key": "external_key", "number": "external_key", "issue_id": "external_key",
    "state": "status", "body": "description", "sprint": "increment", "fix_version/s": "increment", "fix_versions": "increment",
    "fix_version": "increment", "milestone": "increment",
}
EXPORT_COLUMNS = {
    "heard": ["external_key", "title", "status", "increment", "description", "criteria"],
    "jira": ["Issue key", "Summary", "Status", "Sprint", "Description"],
    "github": ["number", "title", "state", "milestone", "body"],
}
JIRA_STATUS = {"idea": "Backlog", "refined": "Backlog", "ready": "To Do", "in_progress": "In Progress", "done": "Done", "released": "Done"}


def import_backlog(*, actor, product: Product, handle, mapping: dict | None = None, show_progress: bool = False, stream=None) -> ImportReport:
    require_active(product)  # the whole file is refused, not each of its rows
    report = ImportReport(kind="backlog")
    for line, row in progress(csv_rows(handle, mapping), desc="backlog", stream=stream, enabled=show_progress):
        if "__extra__" in row:
            report.reject(line, "The row has more values than the header has columns.")
            continue
        data = {}
        for key, value in row.items():
            key = ALIASES.get(key, key)
            if key in actions.ITEM_FIELDS and key not in data:
                data[key] = value.strip()
        if data.get("external_key", "").isdigit():
            data["external_key"] = f"#{data['external_key']}"
        if not data.get("title"):
            report.reject(line, "Title (Summary in Jira, title in GitHub) is required.", "title")
            continue
        if not data.get("status"):
            data.pop("status", None)
        try:
            _import_row(actor, product, data, report)
        except HeardError as exc:
            for field, message in (getattr(exc, "errors", None) or {exc.field: exc.message}).items():
                report.reject(line, message, field)
    return report


def _import_row(actor, product, data, report) -> None:
    key = data.get("external_key", "")
    existing = product.backlog_items.filter(external_key=key).first() if key else product.backlog_items.filter(title=data["title"], external_key="").first()
    if existing is None:
        actions.create_item(actor=actor, product=product, data=data)
        report.created += 1
        return
    if actions.update_item(actor=actor, item=existing, data=data, report_change=True):
        report.updated += 1
    else:
        report.unchanged += 1


def export_csv(items, flavour: str = "heard") -> str:
    """The items as CSV text, with heard's, Jira's or GitHub's column names."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(EXPORT_COLUMNS[flavour])
    for item in items:
        if flavour == "jira":
            writer.writerow([item.external_key, item.title, JIRA_STATUS[item.status], item.increment, item.description])
        elif flavour == "github":
            state = "closed" if item.status in ("done", "released") else "open"
            writer.writerow([item.external_key.lstrip("#"), item.title, state, item.increment, item.description])
        else:
            criteria = " | ".join(f"[{c.status}] {c.text}" for c in item.criteria.all())
            writer.writerow([item.external_key, item.title, item.status, item.increment, item.description, criteria])
    return out.getvalue()


def items_for_export(product: Product):
    return BacklogItem.objects.filter(product=product).prefetch_related("criteria").order_by("id")


@importer("backlog")
def backlog_cli(*, path, mapping, options, stdout, stderr) -> ImportReport:
    if not options.get("product"):
        raise CommandError("--product WORKSPACE/PRODUCT is required for backlog.")
    try:
        product = product_by_ref(options["product"])
    except HeardError as exc:
        raise CommandError(exc.message) from None
    try:
        with open_text(path) as handle:
            return import_backlog(actor=None, product=product, handle=handle, mapping=mapping,
                                  show_progress=not options.get("no_progress"), stream=stderr._out if hasattr(stderr, "_out") else None)
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}") from None
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}).") from None
    except HeardError as exc:
        raise CommandError(exc.message) from None
