"""``heard import tickets FILE --product WS/SLUG [--format F] [--map COLUMN=FIELD ...]``.

Formats: zendesk (JSON export, incremental NDJSON, or CSV), freshdesk, intercom, jira
(CSV exports) and plain csv / ndjson. Without --format it is told from the file name and
the CSV header. See docs/support.md for the columns each format reads.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from heard.core.errors import HeardError
from heard.core.importing import importer
from heard.core.queries import product_by_ref

from .actions import import_tickets


@importer("tickets")
def tickets_cli(*, path, mapping, options, stdout, stderr):
    ref = options.get("product")
    if not ref:
        raise CommandError("--product is required for tickets (WORKSPACE/PRODUCT).")
    try:
        product = product_by_ref(ref)
        return import_tickets(
            actor=None, product=product, path=path, fmt=options.get("format"), mapping=mapping,
            show_progress=not options.get("no_progress"), stream=getattr(stderr, "_out", None),
        )
    except HeardError as exc:
        raise CommandError(exc.message) from None
