import json

from django.core.management.base import BaseCommand, CommandError

from heard.core.errors import HeardError
from heard.core.queries import product_by_ref
from heard.programs import queries


class Command(BaseCommand):
    help = ("Beta and pilot programs. `heard programs list WORKSPACE/PRODUCT` lists a product's programs with their ids; "
            "`heard programs judge ID` judges each threshold of a program with its 95 % interval; "
            "`heard programs recount ID` rebuilds a program's daily telemetry rollup from its raw rows.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        listing = sub.add_parser("list", help="The product's programs: id, kind, status, dates, cohorts, thresholds.")
        listing.add_argument("product", help="WORKSPACE/PRODUCT, or a product slug unique across workspaces.")
        listing.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        judge = sub.add_parser("judge", help="Judge every threshold: met, not met or not yet decidable, with the interval.")
        judge.add_argument("program", help="The program's id (see `heard programs list`).")
        judge.add_argument("--json", action="store_true", help="Print JSON instead of text.")
        recount = sub.add_parser("recount", help="Rebuild the program's daily rollup from its raw telemetry (after a restore).")
        recount.add_argument("program", help="The program's id (see `heard programs list`).")

    def handle(self, *args, verb, **options):
        try:
            if verb == "list":
                self._list(options)
            elif verb == "recount":
                program = queries.program_by_id(None, options["program"])
                self.stdout.write(f"{program.name}: {queries.recount_rollup(program)} metric-cohort-days counted from raw telemetry.")
            else:
                self._judge(options)
        except HeardError as exc:
            raise CommandError(f"{exc.field}: {exc.message}" if exc.field else exc.message) from None

    def _list(self, options):
        # The command line is the system (an operator on the server): actor None.
        product = product_by_ref(options["product"])
        rows = list(queries.programs(None, product))
        if options["json"]:
            self.stdout.write(json.dumps([{
                "id": p.pk, "name": p.name, "kind": p.kind, "status": p.status, "starts_on": p.starts_on.isoformat(),
                "ends_on": p.ends_on.isoformat(), "cohorts": p.cohort_count, "thresholds": p.threshold_count,
                "participants": p.participant_count,
            } for p in rows], indent=2))
            return
        if not rows:
            self.stdout.write(f"{product.name} has no programs yet.")
            return
        for p in rows:
            self.stdout.write(f"{p.pk:>5}  {p.get_kind_display():<5}  {p.get_status_display():<7}  {p.starts_on} to {p.ends_on}  "
                              f"{p.name}  ({p.cohort_count} cohorts, {p.participant_count} participants, {p.threshold_count} thresholds)")

    def _judge(self, options):
        program = queries.program_by_id(None, options["program"])
        results = queries.judge(None, program)
        if options["json"]:
            self.stdout.write(json.dumps({"program": program.pk, "suggestion": results.suggestion, "met": results.met,
                                          "verdicts": [v.as_dict() for v in results.verdicts]}, indent=2))
            return
        self.stdout.write(f"{program.name} ({program.get_kind_display().lower()}, {program.get_status_display().lower()})")
        if not results.verdicts:
            self.stdout.write("  Nothing judged yet: a draft program has no results.")
        for v in results.verdicts:
            kind = "guardrail" if v.threshold.is_guardrail else "threshold"
            figure = f"{v.fmt(v.estimate.value)} (95 % interval {v.interval}, {v.estimate.method})" if v.estimate else "no figure yet"
            self.stdout.write(f"  {v.label:<17}  {v.threshold.name} [{kind}; {v.rule}]: {figure}; n = {v.n:,}"
                              + (f", reference n = {v.reference_n:,}" if v.reference_n is not None else "") + (f". {v.reason}" if v.reason else ""))
        self.stdout.write(f"Suggestion: {results.suggestion_label} ({results.met} of {len(results.verdicts)} met).")
