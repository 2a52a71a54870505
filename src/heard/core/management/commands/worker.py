from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks (imports, theme mining, e-mail) from the database queue until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the tasks that are waiting, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of the queue (default 1).")

    def handle(self, *args, batch, interval, **options):
        # Never the code reloader (db_worker's default under DEBUG): it runs the worker as a
        # second process that outlives a stopped parent, and heard's code does not change
        # under a running worker.
        call_command("db_worker", batch=batch, interval=interval, reload=False, verbosity=options.get("verbosity", 1))
