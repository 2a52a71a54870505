import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve heard over HTTP with waitress, a production-grade WSGI server (static files via WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1; 0.0.0.0 for all).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--threads", type=int, default=8, help="Worker threads (default 8).")
        parser.add_argument(
            "--with-worker", action="store_true",
            help="Also run `heard worker` (background tasks: imports, theme mining, e-mail) as a child process, "
            "stopped with the server. Without it, run `heard worker` yourself.",
        )

    def handle(self, *args, host, port, threads, with_worker=False, **options):
        from waitress import serve

        if settings.PRODUCTION:
            # Before the WSGI app loads: WhiteNoise indexes STATIC_ROOT when it starts.
            call_command("collectstatic", interactive=False, verbosity=0)
        from heard.wsgi import application

        worker = _start_worker() if with_worker else None
        # SIGTERM (a service manager stopping heard) ends the server like Ctrl+C, so the
        # worker is stopped with it.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        self.stdout.write(f"heard is serving at http://{host}:{port}/  (Ctrl+C to stop)")
        if worker is not None:
            self.stdout.write(f"Background tasks run in a worker process (pid {worker.pid}).")
        try:
            serve(application, host=host, port=port, threads=threads, ident="heard")
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(10)
                except subprocess.TimeoutExpired:
                    worker.kill()


def _start_worker() -> subprocess.Popen:
    # The same interpreter and environment (database, settings) as the server.
    return subprocess.Popen([sys.executable, "-m", "heard.cli", "worker"])
