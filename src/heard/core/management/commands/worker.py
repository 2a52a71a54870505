from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks (imports, theme mining, e-mail) from the database queue until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the tasks that are waiting, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of the queue (default 1).")

    def handle(self, *args, batch, interval, **options):
        from heard.core.heartbeat import ReaperThread, reap_all

        # Jobs whose worker died (kill -9, a crash) are settled when this worker starts and
        # every few seconds while it runs: resumed, or failed with the reason.
        settled = reap_all()
        if settled:
            self.stdout.write(f"Settled {settled} interrupted job(s) left by a stopped worker.")
        if not batch:
            ReaperThread(interval=max(5.0, interval * 5)).start()
        # Never the code reloader (db_worker's default under DEBUG): it runs the worker as a
        # second process that outlives a stopped parent, and heard's code does not change
        # under a running worker.
        call_command("db_worker", batch=batch, interval=interval, reload=False, verbosity=options.get("verbosity", 1))
