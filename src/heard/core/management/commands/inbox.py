import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from heard.core import inbox
from heard.core.errors import HeardError
from heard.core.models import Workspace
from heard.core.queries import product_by_ref


class Command(BaseCommand):
    help = ("Show what needs a person now. `heard inbox WORKSPACE/PRODUCT` lists a product's inbox; "
            "`heard inbox WORKSPACE` sums the workspace's products.")

    def add_arguments(self, parser):
        parser.add_argument("ref", metavar="WORKSPACE[/PRODUCT]", help="A workspace slug, or WORKSPACE/PRODUCT for one product.")
        parser.add_argument("--limit", type=int, default=inbox.DEFAULT_LIMIT, help="Lines shown per section (the counts cover all). Default 10.")
        parser.add_argument("--json", action="store_true", help="Print the inbox as one JSON object (as GET /api/v1/inbox answers).")

    def handle(self, *args, ref, limit, **options):
        if limit < 0:
            raise CommandError("--limit must be 0 or more.")
        # The command line is the system (an operator on the server): actor None.
        try:
            if "/" in ref:
                found = inbox.product_inbox(None, product_by_ref(ref), limit=limit)
            else:
                workspace = Workspace.objects.filter(slug=ref.strip()).first()
                if workspace is None:
                    raise HeardError("not_found", f"No workspace “{ref}”.", "workspace")
                found = inbox.workspace_inbox(None, workspace, limit=limit)
        except HeardError as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(inbox.as_dict(found), indent=2))
            return
        self._print(found)

    def _print(self, found):
        where = f"{found.workspace.name} · {found.product.name}" if found.product else found.workspace.name
        self.stdout.write(f"{where}: {found.total} thing{'s' if found.total != 1 else ''} need{'s' if found.total == 1 else ''} a person now.")
        for s in found.waiting:
            self.stdout.write("")
            self.stdout.write(f"{s.count:>6}  {s.title}")
            for line in s.lines:
                product = f" [{line.product.slug}]" if (line.product and not found.product) else ""
                when = f"{line.at:%Y-%m-%d}  " if line.at else ""
                self.stdout.write(f"        {when}{line.text}{product}")
                if line.detail:
                    self.stdout.write(f"          {line.detail}")
                self.stdout.write(f"          {settings.BASE_URL}{line.url}")
        if found.clear:
            self.stdout.write("")
            self.stdout.write("All clear: " + "; ".join(s.title.lower() for s in found.clear) + ".")
