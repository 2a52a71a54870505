"""``heard import telemetry FILE --program ID [--format csv|ndjson] [--map COLUMN=FIELD ...]``.

Events or daily aggregates of a running program; see docs/programs.md for the columns.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from heard.core.errors import HeardError
from heard.core.importing import importer

from . import actions, queries


@importer("telemetry")
def telemetry_cli(*, path, mapping, options, stdout, stderr):
    ref = options.get("program")
    if not ref:
        raise CommandError("--program is required for telemetry (the program's id, shown by `heard programs list`).")
    try:
        program = queries.program_by_id(None, ref)
        return actions.import_telemetry(
            actor=None, program=program, path=path, fmt=options.get("format"), mapping=mapping,
            show_progress=not options.get("no_progress"), stream=getattr(stderr, "_out", None),
        )
    except HeardError as exc:
        raise CommandError(exc.message) from None
