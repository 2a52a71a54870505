from django.core.management.base import BaseCommand, CommandError

from heard.core import actions, queries
from heard.core.errors import HeardError
from heard.core.models import Accent


def _split_ref(ref: str) -> tuple[str, str]:
    ws_slug, sep, slug = (ref or "").strip().partition("/")
    if not sep or not ws_slug or not slug:
        raise HeardError("invalid", f"Write the product as WORKSPACE/PRODUCT, e.g. acme/invoicing (not “{ref}”).", "product")
    return ws_slug, slug


class Command(BaseCommand):
    help = ("A workspace's products. `heard products add WS/SLUG --name NAME` adds one, `heard products list WS` lists them, "
            "`heard products archive WS/SLUG` takes one out of navigation and lists (its history is kept), "
            "`heard products unarchive WS/SLUG` brings it back, "
            "`heard products brand WS/SLUG [--accent COLOUR] [--logo FILE | --no-logo]` sets how the portal shows it.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        add = sub.add_parser("add", help="Add a product to a workspace.")
        add.add_argument("product", metavar="WORKSPACE/SLUG", help="The workspace's slug and the new product's slug, e.g. acme/invoicing.")
        add.add_argument("--name", required=True, help="The product's name (up to 200 characters).")
        add.add_argument("--description", default="", help="A sentence on what the product is (up to 2000 characters).")
        show = sub.add_parser("list", help="Print a workspace's products: slug, name, added.")
        show.add_argument("workspace", metavar="WORKSPACE", help="The workspace's slug.")
        show.add_argument("--archived", action="store_true", help="List the archived products instead of the active ones.")
        for verb, text in (("archive", "Archive a product: it leaves navigation and lists; nothing is deleted."),
                           ("unarchive", "Bring an archived product back into navigation and lists.")):
            p = sub.add_parser(verb, help=text)
            p.add_argument("product", metavar="WORKSPACE/SLUG", help="The product, e.g. acme/invoicing.")

        brand = sub.add_parser("brand", help="Set the product's look in the stakeholder portal; with no option, print it.")
        brand.add_argument("product", metavar="WORKSPACE/SLUG", help="The product, e.g. acme/invoicing.")
        brand.add_argument("--accent", choices=Accent.values, help="The portal colour (a fixed palette that stays readable in light and dark).")
        logo = brand.add_mutually_exclusive_group()
        logo.add_argument("--logo", metavar="FILE", help="A PNG, JPEG, GIF or WebP image under 200 kB (SVG is refused).")
        logo.add_argument("--no-logo", action="store_true", help="Take the logo away; the portal then shows the name alone.")

    def _brand(self, product, options):
        if options["accent"]:
            actions.update_product(actor=None, product=product, data={"accent": options["accent"]})
        if options["logo"]:
            try:
                with open(options["logo"], "rb") as handle:
                    raw = handle.read()
            except OSError as exc:
                raise HeardError("invalid", f"Cannot read {options['logo']}: {exc.strerror}.", "logo") from None
            actions.set_product_logo(actor=None, product=product, raw=raw)
        elif options["no_logo"]:
            actions.set_product_logo(actor=None, product=product, raw=None)
        logo = f"logo {product.logo_type}, {len(product.logo) // 1000} kB" if product.logo_type else "no logo"
        self.stdout.write(f"{product.workspace.slug}/{product.slug}\t{product.name}\taccent {product.accent}\t{logo}")

    def handle(self, *args, verb, **options):
        # The command line is the system (an operator on the server): actor None.
        try:
            if verb == "add":
                ws_slug, slug = _split_ref(options["product"])
                workspace = queries.get_workspace(None, ws_slug)
                product = actions.create_product(actor=None, workspace=workspace, slug=slug, name=options["name"], description=options["description"])
                self.stdout.write(self.style.SUCCESS(f"Added {workspace.slug}/{product.slug} ({product.name})."))
            elif verb == "list":
                workspace = queries.get_workspace(None, options["workspace"])
                for product in queries.products(None, workspace, archived=options["archived"]):
                    when = f"archived {product.archived_at:%Y-%m-%d}" if product.is_archived else f"added {product.created_at:%Y-%m-%d}"
                    self.stdout.write(f"{product.slug}\t{product.name}\t{when}")
            else:
                ws_slug, slug = _split_ref(options["product"])
                product = queries.get_product(None, queries.get_workspace(None, ws_slug), slug)
                if verb == "brand":
                    self._brand(product, options)
                elif verb == "archive":
                    actions.archive_product(actor=None, product=product)
                    self.stdout.write(self.style.SUCCESS(f"Archived {ws_slug}/{slug}; its history is kept. `heard products unarchive {ws_slug}/{slug}` brings it back."))
                else:
                    actions.unarchive_product(actor=None, product=product)
                    self.stdout.write(self.style.SUCCESS(f"{ws_slug}/{slug} is back in navigation and lists."))
        except HeardError as exc:
            raise CommandError(f"{exc.field}: {exc.message}" if exc.field else exc.message) from None
