from django.core.management.base import BaseCommand

from heard.portal import actions


class Command(BaseCommand):
    help = ("Portal housekeeping. `heard portal prune` deletes sign-in links used or expired, and sign-in "
            "requests made, more than a day ago (the hourly limits only count the last hour). "
            "Sign-in requests also prune as they are sent; run it from cron if the portal is quiet.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        sub.add_parser("prune", help="Delete sign-in links and sign-in requests older than a day and print how many.")

    def handle(self, *args, verb, **options):
        links, requests = actions.prune_sign_ins()
        self.stdout.write(f"Pruned {links} sign-in link{'' if links == 1 else 's'} and {requests} sign-in "
                          f"request{'' if requests == 1 else 's'} older than a day.")
