from django.core.management.base import BaseCommand, CommandError

from heard.core import actions
from heard.core.models import User


class Command(BaseCommand):
    help = "Create an API token for a team member and print it (it is shown once; only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The team member's e-mail address.")
        parser.add_argument("--name", default="cli", help="A name for the token, e.g. the script that uses it.")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No team member with the e-mail {email}; create one with `heard createuser`.")
        self.stdout.write(actions.issue_token(actor=None, user=user, name=name))
