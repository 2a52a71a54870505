from django.core.management.base import BaseCommand, CommandError

from heard.portal import actions


class Command(BaseCommand):
    help = ("Print a one-time portal sign-in link for a stakeholder (e.g. for the demo, or to help someone whose mail "
            "does not arrive). `heard portal-link EMAIL --workspace SLUG`.")

    def add_arguments(self, parser):
        parser.add_argument("email", help="The stakeholder's e-mail address.")
        parser.add_argument("--workspace", required=True, help="The workspace slug the stakeholder belongs to, e.g. demo.")
        parser.add_argument("--base-url", default="", help="Start of the link (default: HEARD_BASE_URL).")

    def handle(self, *args, email, workspace, base_url, **options):
        from heard.stakeholders.models import Stakeholder

        person = Stakeholder.objects.filter(workspace__slug=workspace, email__iexact=email.strip(), erased_at__isnull=True).first()
        if person is None:
            raise CommandError(f"No stakeholder with the e-mail {email} in workspace “{workspace}”.")
        self.stdout.write(actions.issue_link(person, base_url))
        self.stderr.write(f"For {person.name}; works once, for {actions.LINK_MINUTES} minutes.")
