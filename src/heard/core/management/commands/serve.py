import signal
import subprocess
import sys
import threading
import time

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

        supervisor = WorkerSupervisor(self.stdout) if with_worker else None
        # SIGTERM (a service manager stopping heard) ends the server like Ctrl+C, so the
        # worker is stopped with it.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        self.stdout.write(f"heard is serving at http://{host}:{port}/  (Ctrl+C to stop)")
        if supervisor is not None:
            supervisor.start()
        try:
            serve(application, host=host, port=port, threads=threads, ident="heard")
        finally:
            if supervisor is not None:
                supervisor.stop()


class WorkerSupervisor(threading.Thread):
    """Runs `heard worker` as a child process and starts it again when it exits, waiting
    1, 2, 4 … up to 60 s between restarts (back to 1 s once a worker has run for a minute),
    and says so on the server's output."""

    STEADY_SECONDS = 60.0
    MAX_WAIT = 60.0

    def __init__(self, stdout, first_wait: float = 1.0):
        super().__init__(name="heard-worker-supervisor", daemon=True)
        self.stdout = stdout
        self.first_wait = first_wait
        self.stopping = threading.Event()
        self.process: subprocess.Popen | None = None

    def _spawn(self) -> subprocess.Popen:
        # The same interpreter and environment (database, settings) as the server.
        self.process = subprocess.Popen([sys.executable, "-m", "heard.cli", "worker"])
        return self.process

    def start(self) -> None:
        self._spawn()
        self.stdout.write(f"Background tasks run in a worker process (pid {self.process.pid}).")
        self.stdout.flush()
        super().start()

    def run(self) -> None:
        wait = self.first_wait
        while not self.stopping.is_set():
            started = time.monotonic()
            code = self.process.wait()
            if self.stopping.is_set():
                return
            if time.monotonic() - started >= self.STEADY_SECONDS:
                wait = self.first_wait
            self.stdout.write(f"The worker (pid {self.process.pid}) exited with code {code}; starting it again in {wait:g} s.")
            self.stdout.flush()
            if self.stopping.wait(wait):
                return
            wait = min(self.MAX_WAIT, wait * 2)
            self._spawn()
            self.stdout.write(f"Worker started again (pid {self.process.pid}).")
            self.stdout.flush()

    def stop(self) -> None:
        self.stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
