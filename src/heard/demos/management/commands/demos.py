import json

from django.core.management.base import BaseCommand, CommandError

from heard.core.errors import HeardError
from heard.core.queries import product_by_ref
from heard.demos import queries


class Command(BaseCommand):
    help = ("Demos and their verdicts. `heard demos list WS/PRODUCT` lists a product's demo sessions; "
            "`heard demos verdicts SESSION_ID` prints each demonstrated criterion with every participant's verdict.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        listing = sub.add_parser("list", help="List a product's demo sessions with their counts of criteria and verdicts.")
        listing.add_argument("product", help="WORKSPACE/PRODUCT, or a product slug unique across workspaces.")
        listing.add_argument("--json", action="store_true", help="Print JSON instead of lines.")
        verdicts = sub.add_parser("verdicts", help="Print the verdicts of one demo session, per criterion.")
        verdicts.add_argument("session", help="The session's id (see `heard demos list`).")
        verdicts.add_argument("--json", action="store_true", help="Print JSON instead of lines.")

    def handle(self, *args, verb, **options):
        try:
            if verb == "list":
                self._list(product_by_ref(options["product"]), options["json"])
            else:
                self._verdicts(options["session"], options["json"])
        except HeardError as exc:
            raise CommandError(f"{exc.field}: {exc.message}" if exc.field else exc.message) from None

    def _list(self, product, as_json: bool):
        # The command line is the system (an operator on the server): actor None.
        sessions = list(queries.demo_sessions(None, product))
        if as_json:
            self.stdout.write(json.dumps([{"id": s.pk, "title": s.title, "starts_at": s.starts_at.isoformat(), "channel": s.channel,
                                           "items": s.item_count, "criteria": s.criteria_count, "verdicts": s.verdict_count} for s in sessions], indent=2))
            return
        if not sessions:
            self.stdout.write("No demo sessions.")
            return
        for s in sessions:
            self.stdout.write(f"{s.pk:>5}  {s.starts_at:%Y-%m-%d %H:%M} UTC  {s.get_channel_display():<12} {s.item_count:>2} items  "
                              f"{s.criteria_count:>3} criteria  {s.verdict_count:>3} verdicts  {s.title}")

    def _verdicts(self, ref, as_json: bool):
        from heard.core.validation import check_id
        from heard.sessions.models import Session

        session = Session.objects.select_related("product__workspace").filter(pk=check_id(ref, "session", "Session")).first()
        if session is None:
            raise HeardError("not_found", f"Session {ref} was not found.", "session")
        board = queries.board(None, session)
        people = [p.stakeholder.name for p in board["people"]]
        if as_json:
            self.stdout.write(json.dumps({"session": session.pk, "title": session.title, "participants": people, "items": [
                {"item": str(b.item), "item_id": b.item.pk, "last_minute_sign_off": any(s.last_minute for s in b.sign_offs),
                 "sign_offs": [{"stakeholder": s.stakeholder.name, "at": s.at.isoformat(), "last_minute": s.last_minute} for s in b.sign_offs],
                 "criteria": [{"criterion_id": r.demonstration.criterion_id, "text": r.demonstration.criterion.text,
                               "scenario": r.demonstration.scenario_summary, "changed_after_verdict": r.changed_after,
                               "verdicts": {p.stakeholder.name: (v.verdict if v else None) for p, v in r.cells}} for r in b.rows]}
                for b in board["items"]]}, indent=2))
            return
        self.stdout.write(f"{session.title} ({session.starts_at:%Y-%m-%d}), {len(people)} stakeholders taking part.")
        if not board["items"]:
            self.stdout.write("It demonstrates no acceptance criteria yet.")
        for block in board["items"]:
            self.stdout.write(f"\n{block.item}")
            for n, row in enumerate(block.rows, start=1):
                mark = "  [changed after a verdict or sign-off]" if row.changed_after else ""
                self.stdout.write(f"  {n}. {row.demonstration.criterion.text}{mark}")
                if row.demonstration.has_scenario:
                    self.stdout.write(f"     scenario: {row.demonstration.scenario_summary}")
                for p, v in row.cells:
                    self.stdout.write(f"     {p.stakeholder.name}: {v.get_verdict_display() if v else 'no verdict yet'}" + (f" – {v.note}" if v and v.note else ""))
            for s in block.sign_offs:
                self.stdout.write(f"  signed off by {s.stakeholder.name} {s.at:%Y-%m-%d}" + (" [LAST-MINUTE: never involved before]" if s.last_minute else ""))
