import os
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def default_workers() -> int:
    """One process per core the server may use (at least two, so one slow request never
    holds up everyone)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(2, cores)


class Command(BaseCommand):
    help = (
        "Serve heard over HTTP with gunicorn: several worker processes (one per core by default), "
        "each with a few threads; static files via WhiteNoise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1; 0.0.0.0 for all).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument(
            "--workers", type=int, default=None,
            help="Worker processes (default: HEARD_SERVE_WORKERS, else one per core and at least 2).",
        )
        parser.add_argument(
            "--threads", type=int, default=None,
            help="Threads per worker process (default: HEARD_SERVE_THREADS, else 4).",
        )
        parser.add_argument(
            "--with-worker", action="store_true",
            help="Also run `heard worker` (background tasks: imports, theme mining, e-mail) as a child process, "
            "stopped with the server. Without it, run `heard worker` yourself.",
        )

    def handle(self, *args, host, port, workers=None, threads=None, with_worker=False, **options):
        workers = workers if workers is not None else settings.HEARD_SERVE_WORKERS or default_workers()
        threads = threads if threads is not None else settings.HEARD_SERVE_THREADS
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        if with_worker:
            return self.serve_with_worker(host, port, workers, threads)
        if settings.PRODUCTION:
            # Before the WSGI app loads: WhiteNoise indexes STATIC_ROOT when it starts.
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(
            f"heard is serving at http://{host}:{port}/  ({workers} processes × {threads} threads; Ctrl+C to stop)"
        )
        self.stdout.flush()
        HeardServer(host, port, workers, threads).run()

    def serve_with_worker(self, host, port, workers, threads):
        """The server and the task worker as two child processes of this one, which watches both.

        Not a thread inside gunicorn's master: the master reaps every child that exits, so it
        would swallow the worker's exit status."""
        server = subprocess.Popen(
            [sys.executable, "-m", "heard.cli", "serve", "--host", host, "--port", str(port),
             "--workers", str(workers), "--threads", str(threads)]
        )
        supervisor = WorkerSupervisor(self.stdout)
        # SIGTERM (a service manager stopping heard) ends both, like Ctrl+C.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        supervisor.start()
        try:
            code = server.wait()
            raise SystemExit(code)
        finally:
            # Both are asked to stop at once, so stopping takes as long as the slower one.
            if server.poll() is None:
                server.terminate()
            supervisor.stop()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()


def _fresh_connections(server, worker) -> None:
    """Each worker process opens its own database connections (and its own PostgreSQL pool):
    a pool inherited from the parent would share its sockets between two processes. The
    inherited pool is dropped, not closed: closing would end the parent's sessions too."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        pools = getattr(type(connection), "_connection_pools", None)
        if pools is not None:
            pools.pop(connection.alias, None)
        connection.connection = None


def HeardServer(host, port, workers, threads):
    """gunicorn, configured from heard's settings rather than a config file."""
    import gunicorn.http.wsgi
    from gunicorn.app.base import BaseApplication

    # Responses say "Server: heard", not gunicorn and its version.
    gunicorn.http.wsgi.SERVER = "heard"
    proxies = settings.HEARD_TRUSTED_PROXY_ADDRESSES if settings.HEARD_TRUSTED_PROXIES else []
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        # X-Forwarded-Proto (https behind a proxy) only from our own proxies.
        "forwarded_allow_ips": ",".join(proxies),
        "preload_app": True,
        "timeout": 120,
        "graceful_timeout": 10,
        "accesslog": "-" if settings.HEARD_ACCESS_LOG else None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "heard",
        "post_fork": _fresh_connections,
    }

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from heard.wsgi import application

            return application

    return Server()


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
