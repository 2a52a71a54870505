import signal
import sys

from django.core.management.base import BaseCommand, CommandError

from heard.core.importing import IMPORTERS, load_importers


class Command(BaseCommand):
    help = (
        "Import records from a file: `heard import KIND FILE [options]`. Kinds: stakeholders (CSV, --workspace), "
        "feedback (CSV, JSON or JSON Lines, --product), backlog (CSV incl. Jira and GitHub exports, --product), "
        "tickets (Zendesk, Freshdesk, Intercom, Jira, CSV, NDJSON; --product), "
        "telemetry (CSV or NDJSON events or daily aggregates; --program). "
        "Bad rows are reported with their line number and reason; good rows are kept; the exit "
        "status is 1 when any row was rejected. Re-running the same file adds nothing."
    )

    def add_arguments(self, parser):
        load_importers()
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="What the file holds.")
        parser.add_argument("file", help="Path to the file ('-' for standard input).")
        parser.add_argument("--workspace", help="Workspace slug (for stakeholders).")
        parser.add_argument("--product", help="Product slug, as WORKSPACE/PRODUCT or PRODUCT (for feedback and tickets).")
        parser.add_argument("--program", help="Program id (for telemetry; see `heard programs list`).")
        parser.add_argument("--format", default=None, help="File format when it cannot be told from the name.")
        parser.add_argument(
            "--map", action="append", default=[], metavar="COLUMN=FIELD",
            help="Read FIELD from the file's COLUMN, e.g. --map 'Full name=name'. Repeatable.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, kind, file, **options):
        mapping = {}
        for item in options["map"]:
            if "=" not in item:
                raise CommandError(f"--map takes COLUMN=FIELD, not “{item}”.")
            column, field = item.split("=", 1)
            mapping[column.strip()] = field.strip()
        importer = IMPORTERS[kind]
        # `kill PID` (SIGTERM) stops an import like Ctrl+C does, so the import can record that
        # its job stopped instead of leaving it "running".
        signal.signal(signal.SIGTERM, _stop)
        report = importer(path=file, mapping=mapping, options=options, stdout=self.stdout, stderr=self.stderr)
        for line in report.summary_lines():
            self.stdout.write(line)
        for problem in report.problems:
            self.stderr.write(problem.describe())
        if report.rejected:
            sys.exit(1)


def _stop(signum, frame):
    raise KeyboardInterrupt(f"stopped by signal {signum}")
