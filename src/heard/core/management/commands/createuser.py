import getpass

from django.core.management.base import BaseCommand, CommandError

from heard.core import actions
from heard.core.errors import HeardError
from heard.core.models import Workspace
from heard.core.roles import ROLES


class Command(BaseCommand):
    help = "Create a team member (or update their role) in a workspace. Creates the workspace if it does not exist."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The member's e-mail address; they log in with it.")
        parser.add_argument("--workspace", required=True, help="Workspace slug, e.g. acme.")
        parser.add_argument("--role", required=True, choices=ROLES, help="The member's role in the workspace.")
        parser.add_argument("--name", default="", help="Display name.")
        parser.add_argument("--password", default=None, help="Password (prompted for when omitted on a terminal; set HEARD_PASSWORD to pass it safely).")
        parser.add_argument("--no-password", action="store_true", help="Create without a password (they use password reset).")

    def handle(self, *args, email, workspace, role, name, password, no_password, **options):
        import os
        import sys

        password = password or os.environ.get("HEARD_PASSWORD")
        if not password and not no_password and sys.stdin.isatty():
            password = getpass.getpass("Password: ")
        try:
            ws = Workspace.objects.filter(slug=workspace).first()
            if ws is None:
                ws = actions.create_workspace(actor=None, slug=workspace, name=workspace.replace("-", " ").title())
                self.stdout.write(f"Created workspace {ws.slug}.")
            membership = actions.add_member(actor=None, workspace=ws, email=email, role=role, name=name, password=password or None)
        except HeardError as exc:
            raise CommandError(f"{exc.field + ': ' if exc.field else ''}{exc.message}") from None
        self.stdout.write(self.style.SUCCESS(f"{membership.user.email} is {membership.get_role_display()} in {ws.slug}."))
