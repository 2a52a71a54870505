"""`heard serve` really serves: a gunicorn server with several processes, static files via WhiteNoise, /healthz."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

from tests.conftest import copy_migrated_sqlite


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_heard_serve_in_production_mode(tmp_path, migrated_sqlite):
    env = {**os.environ, "HEARD_ENV": "production", "HEARD_SECRET_KEY": "test-only-secret",
           "HEARD_DB_PATH": copy_migrated_sqlite(migrated_sqlite, tmp_path / "db.sqlite3"),
           "HEARD_STATIC_ROOT": str(tmp_path / "static")}
    env.pop("DATABASE_URL", None)
    heard = [sys.executable, "-m", "heard.cli"]
    port = free_port()
    server = subprocess.Popen([*heard, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    assert b'"database": "ok"' in response.read()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "heard serve did not answer within 60 s"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/heard/heard.css", timeout=5) as response:
            assert response.status == 200 and b"--accent" in response.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
            assert response.headers["Server"] == "heard"  # gunicorn (renamed), not runserver
            assert "Content-Security-Policy" in response.headers
    finally:
        server.terminate()
        server.wait(timeout=60)  # a loaded 2-core machine can take a while to stop


ENQUEUE = """
import django, os
django.setup()
from heard.portal.actions import request_link
request_link(email="someone@example.org", ip="203.0.113.9", base_url="http://127.0.0.1")
"""

def task_statuses(db_path: str) -> str:
    """The queued tasks' statuses, read straight from the SQLite file the server uses (a
    Python process with Django per poll cost most of this test's time)."""
    with sqlite3.connect(db_path, timeout=10) as db:
        return ",".join(sorted(status for (status,) in db.execute("SELECT status FROM django_tasks_database_dbtaskresult")))


def test_heard_serve_with_worker_runs_background_tasks_and_stops_the_worker(tmp_path, migrated_sqlite):
    env = {**os.environ, "HEARD_DB_PATH": copy_migrated_sqlite(migrated_sqlite, tmp_path / "db.sqlite3")}
    env.pop("DATABASE_URL", None)
    heard = [sys.executable, "-m", "heard.cli"]
    port = free_port()
    server = subprocess.Popen([*heard, "serve", "--port", str(port), "--with-worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        subprocess.run([sys.executable, "-c", ENQUEUE], env=env, check=True, timeout=60)
        deadline = time.monotonic() + 60
        while True:
            statuses = task_statuses(env["HEARD_DB_PATH"])
            if statuses == "SUCCESSFUL":
                break
            assert server.poll() is None, server.stdout.read()
            assert time.monotonic() < deadline, f"the queued task was not run within 60 s (statuses: {statuses})"
            time.sleep(0.5)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    worker_pid = int(re.search(r"worker process \(pid (\d+)\)", output).group(1))
    deadline = time.monotonic() + 10
    while _running(worker_pid):
        assert time.monotonic() < deadline, "the worker outlived the server"
        time.sleep(0.2)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that exited but was not reaped yet counts as stopped.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False
