from django.core.management.base import BaseCommand, CommandError

from heard.core import actions
from heard.core.errors import HeardError
from heard.core.models import User, Workspace


class Command(BaseCommand):
    help = (
        "Create an API token for a team member in one workspace and print it (shown once; only its hash is stored). "
        "Same as `heard tokens create`."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The team member's e-mail address.")
        parser.add_argument("--workspace", default=None, help="The workspace the token works in (slug); needed when the member belongs to several.")
        parser.add_argument("--name", default="cli", help="A name for the token, e.g. the script that uses it.")
        parser.add_argument("--scope", default="write", choices=["read", "write"], help="read: GET only; write (default): reads and changes.")
        parser.add_argument("--expires-in-days", type=int, default=None, help="Days until the token stops working (1 to 3650); default: never.")

    def handle(self, *args, email, workspace, name, scope, expires_in_days, **options):
        self.stdout.write(create(email, workspace, name, scope, expires_in_days))


def create(email, workspace, name, scope, expires_in_days) -> str:
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        raise CommandError(f"No team member with the e-mail {email}; create one with `heard createuser`.")
    ws = None
    if workspace:
        ws = Workspace.objects.filter(slug=workspace).first()
        if ws is None:
            raise CommandError(f"No workspace “{workspace}”.")
    try:
        return actions.issue_token(actor=None, user=user, name=name, workspace=ws, scope=scope, expires_in_days=expires_in_days)
    except HeardError as exc:
        raise CommandError(f"{exc.field + ': ' if exc.field else ''}{exc.message}") from None
