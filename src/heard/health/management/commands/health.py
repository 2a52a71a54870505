import json

from django.core.management.base import BaseCommand, CommandError

from heard.core.errors import HeardError
from heard.core.models import Product
from heard.core.queries import product_by_ref
from heard.health import actions, queries
from heard.health.snapshot import _fmt


class Command(BaseCommand):
    help = ("Collaboration health figures. `heard health show --product WS/PRODUCT` prints every figure with its trend "
            "and the anti-patterns found; `heard health rebuild` recounts the figures from raw rows.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        show = sub.add_parser("show", help="Print a product's figures, trends, representation and flags.")
        show.add_argument("--product", required=True, help="WORKSPACE/PRODUCT, or a product slug unique across workspaces.")
        show.add_argument("--json", action="store_true", help="Print the whole snapshot as JSON instead.")
        rebuild = sub.add_parser("rebuild", help="Recount every week from raw rows (all products, or one with --product).")
        rebuild.add_argument("--product", default="", help="WORKSPACE/PRODUCT; default: every product of every workspace.")

    def handle(self, *args, verb, **options):
        try:
            if verb == "show":
                self._show(product_by_ref(options["product"]), options["json"])
            else:
                products = [product_by_ref(options["product"])] if options["product"] else list(Product.objects.select_related("workspace"))
                for product in products:
                    # The command line is the system (an operator on the server): actor None.
                    weeks = actions.rebuild(actor=None, product=product)
                    self.stdout.write(f"{product.workspace.slug}/{product.slug}: counted {weeks} weeks.")
        except HeardError as exc:
            raise CommandError(f"{exc.field}: {exc.message}" if exc.field else exc.message) from None

    def _show(self, product, as_json: bool):
        data = queries.snapshot(None, product)
        if as_json:
            self.stdout.write(json.dumps(data, indent=2, default=str))
            return
        if data["state"] == "counting":
            self.stdout.write(f"{product.name}: not counted yet; run `heard health rebuild --product {product.workspace.slug}/{product.slug}`.")
            return
        self.stdout.write(f"{product.name}: the last 13 weeks (from {data['window']['first_week']}), counted {data['computed_at'][:16]} UTC.")
        for group, figures in queries.groups(data):
            self.stdout.write(f"\n{group}")
            for f in figures:
                self.stdout.write(f"  {f['arrow']} {f['title']}: {_fmt(f['value'], f['unit'])}" + (f" ({f['verdict']})" if f["verdict"] else ""))
        if data.get("segments"):
            self.stdout.write("\nRepresentation (share of feedback / of seats vs target)")
            for s in data["segments"]:
                target = "no target" if s["target"] is None else f"target {s['target']:.0f} %"
                self.stdout.write(f"  {s['name']}: {_fmt(s['voice_share'], '%')} / {_fmt(s['seat_share'], '%')}, {target}")
        counts = queries.flag_counts(None, product)
        self.stdout.write("\nAnti-patterns: " + ", ".join(f"{rule} {n}" for rule, n in counts.items()))
        for flag in queries.flags(None, product)[:10]:
            self.stdout.write(f"  [{flag.get_rule_display()}] {flag.title}: {flag.evidence}")
