from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from heard.closure import actions, queries
from heard.core.errors import HeardError
from heard.core.queries import product_by_ref


class Command(BaseCommand):
    help = ("Close the loop with stakeholders. `heard closure draft --product WS/PRODUCT --cycle NAME` drafts one note per "
            "stakeholder who gave feedback in the cycle; `heard closure send ...` e-mails the reviewed notes.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        draft = sub.add_parser("draft", help="Close the cycle (creating it with --start/--end if new) and draft its notes.")
        send = sub.add_parser("send", help="E-mail every reviewed note of the cycle; list who was skipped and why.")
        for p in (draft, send):
            p.add_argument("--product", required=True, help="WORKSPACE/PRODUCT, or a product slug unique across workspaces.")
            p.add_argument("--cycle", required=True, help="The cycle's name, e.g. 2026.2 or '2026 Q2'.")
        draft.add_argument("--start", default="", help="First day (YYYY-MM-DD), to create the cycle if it does not exist.")
        draft.add_argument("--end", default="", help="Last day (YYYY-MM-DD), to create the cycle if it does not exist.")

    def handle(self, *args, verb, **options):
        try:
            with transaction.atomic():
                product = product_by_ref(options["product"])
                if verb == "draft":
                    self._draft(product, options)
                else:
                    self._send(product, options)
        except HeardError as exc:
            raise CommandError(f"{exc.field}: {exc.message}" if exc.field else exc.message) from None

    def _cycle(self, product, options, create=False):
        # The command line is the system (an operator on the server): actor None.
        try:
            return queries.cycle_by_name(None, product, options["cycle"])
        except HeardError:
            if not create or not (options.get("start") and options.get("end")):
                raise
        return actions.create_cycle(actor=None, product=product, data={"name": options["cycle"], "starts_on": options["start"], "ends_on": options["end"]})

    def _draft(self, product, options):
        cycle = self._cycle(product, options, create=True)
        report = actions.close_cycle(actor=None, cycle=cycle)
        self.stdout.write(f"Cycle {cycle.name} of {product.name}: {report.summary()}.")
        for person, reason in report.skipped:
            self.stdout.write(f"  not drafted: {person.name}: {reason}")

    def _send(self, product, options):
        cycle = self._cycle(product, options)
        report = actions.send_notes(actor=None, cycle=cycle)
        self.stdout.write(f"Cycle {cycle.name} of {product.name}: {report.summary()}.")
        for note, reason in report.skipped:
            self.stdout.write(f"  not e-mailed: {note.stakeholder.name}: {reason}")
        for note in report.not_reviewed:
            self.stdout.write(f"  waiting for review: {note.stakeholder.name}")
