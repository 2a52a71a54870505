from django.core.management.base import BaseCommand, CommandError

from heard.core import actions
from heard.core.errors import HeardError
from heard.core.models import ApiToken, Workspace

from .token import create


class Command(BaseCommand):
    help = "Manage API tokens: `heard tokens create EMAIL --workspace WS`, `heard tokens list --workspace WS`, `heard tokens revoke ID --workspace WS`."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True, metavar="{create,list,revoke}")
        make = verbs.add_parser("create", help="Create a token for a member in one workspace and print it (shown once).")
        make.add_argument("email", help="The team member's e-mail address.")
        make.add_argument("--workspace", default=None, help="The workspace the token works in (slug); needed when the member belongs to several.")
        make.add_argument("--name", default="cli", help="A name for the token, e.g. the script that uses it.")
        make.add_argument("--scope", default="write", choices=["read", "write"], help="read: GET only; write (default): reads and changes.")
        make.add_argument("--expires-in-days", type=int, default=None, help="Days until the token stops working (1 to 3650); default: never.")
        listing = verbs.add_parser("list", help="List a workspace's tokens (never their secrets).")
        listing.add_argument("--workspace", required=True, help="Workspace slug.")
        listing.add_argument("--include-revoked", action="store_true", help="Also list revoked tokens.")
        revoke = verbs.add_parser("revoke", help="Revoke a token of the workspace by its id (from `heard tokens list`).")
        revoke.add_argument("id", type=int, help="The token's id.")
        revoke.add_argument("--workspace", required=True, help="Workspace slug the token belongs to.")

    def handle(self, *args, verb, **options):
        if verb == "create":
            self.stdout.write(create(options["email"], options["workspace"], options["name"], options["scope"], options["expires_in_days"]))
            return
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace “{options['workspace']}”.")
        if verb == "list":
            self._list(workspace, options["include_revoked"])
            return
        token = ApiToken.objects.filter(pk=options["id"], workspace=workspace).first()
        if token is None:
            raise CommandError(f"No API token {options['id']} in {workspace.slug} (`heard tokens list --workspace {workspace.slug}`).")
        try:
            actions.revoke_token(actor=None, workspace=workspace, token=token)
        except HeardError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"Revoked token {token.pk} “{token.name}” of {token.user.email}; it answers 401 from now on."))

    def _list(self, workspace, include_revoked):
        qs = ApiToken.objects.filter(workspace=workspace).select_related("user").order_by("user__email", "-created_at")
        if not include_revoked:
            qs = qs.filter(revoked_at__isnull=True)
        self.stdout.write("id\tperson\tname\tprefix\tscope\texpires (UTC)\tlast used (UTC)\trevoked (UTC)")
        for t in qs:
            when = [f"{d:%Y-%m-%d %H:%M}" if d else "-" for d in (t.expires_at, t.last_used_at, t.revoked_at)]
            self.stdout.write("\t".join([str(t.pk), t.user.email, t.name, t.prefix + "…", t.scope, *when]))
