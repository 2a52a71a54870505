from django.core.management.base import BaseCommand, CommandError

from heard.core.errors import HeardError
from heard.core.queries import product_by_ref
from heard.themes import actions, queries


class Command(BaseCommand):
    help = ("Support themes. `heard themes mine --product WS/PRODUCT` mines themes now (re-runs keep ids, names, "
            "links and fixes); `heard themes list --product WS/PRODUCT` prints them with size, spikes and resolution times.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        mine = sub.add_parser("mine", help="Run theme mining in this process (no worker needed) and print what changed.")
        show = sub.add_parser("list", help="Print the product's active themes, largest first.")
        for p in (mine, show):
            p.add_argument("--product", required=True, help="WORKSPACE/PRODUCT, or a product slug unique across workspaces.")
        mine.add_argument("--engine", default=None, metavar="ENGINE",
                          help="default (NumPy + scikit-learn) or embeddings (needs pip install 'heard[embeddings]'); "
                               "overrides the HEARD_THEMES_ENGINE setting for this run.")

    def handle(self, *args, verb, **options):
        try:
            product = product_by_ref(options["product"])
            if verb == "mine":
                # The command line is the system (an operator on the server): actor None.
                run = actions.start_theme_run(actor=None, product=product, background=False,
                                             engine_name=options.get("engine"), engine_source="--engine")
                if run.status != "done":
                    raise CommandError(f"Theme mining failed: {run.error}")
                self.stdout.write(f"{run.tickets} tickets: {run.themes_added} new themes, {run.themes_kept} kept "
                                  f"({run.themes_grown} grown), {run.themes_retired} retired; {run.unassigned} in no theme.")
            else:
                for theme in queries.themes(None, product):
                    spike = theme.recent_spike
                    self.stdout.write(
                        f"{theme.pk:>6}  {theme.size:>6}  {theme.name}"
                        f"{'  [pinned]' if theme.pinned else ''}"
                        f"  median {queries.duration_text(theme.resolution_median_hours)},"
                        f" p90 {queries.duration_text(theme.resolution_p90_hours)}"
                        + (f"  SPIKE week of {spike['week']}: {spike['count']} ({spike['ratio']}x)" if spike else "")
                    )
        except HeardError as exc:
            raise CommandError(f"{exc.field}: {exc.message}" if exc.field else exc.message) from None
