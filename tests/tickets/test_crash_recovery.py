"""Background work survives a crash, with real processes: `heard serve --with-worker`, a
`kill -9` of its worker in the middle of an import, and `heard import` stopped from the
terminal. The processes share a database of their own (an SQLite file, or a PostgreSQL
database next to the test database), because the test database is not visible to them.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection

from tests.conftest import copy_migrated_sqlite

HEARD = [sys.executable, "-m", "heard.cli"]
ROWS = 60_000
# Big enough that a quiet machine is still importing when the worker is killed.
KILL_ROWS = 250_000

pytestmark = pytest.mark.django_db(transaction=True)


def ticket_file(path: Path, rows: int = ROWS) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        out.write("id,subject,description,created_at,status,email\n")
        for i in range(rows):
            out.write(f"T-{i},Export number {i} is slow,The export for report {i} takes minutes to finish.,2024-01-{1 + i % 28:02d}T10:00:00Z,open,person{i % 40}@example.org\n")
    return path


@pytest.fixture(scope="module")
def outside(tmp_path_factory, django_db_blocker, migrated_sqlite):
    """A migrated database for subprocesses, with a workspace, an owner's token and a product."""
    base = tmp_path_factory.mktemp("crash")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEARD_", "DATABASE_URL"))}
    env.update(HEARD_MEDIA_ROOT=str(base / "media"), HEARD_HEARTBEAT_SECONDS="0.5", HEARD_JOB_STALE_SECONDS="10",
               HEARD_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    pg_name = None
    if connection.vendor == "postgresql":
        import psycopg

        params = django_settings.DATABASES["default"]
        pg_name = f"{connection.settings_dict['NAME']}_crash"
        with django_db_blocker.unblock():
            admin = psycopg.connect(host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"], password=params["PASSWORD"] or None, dbname="postgres", autocommit=True)
            admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
            admin.execute(f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{pg_name}"
        subprocess.run([*HEARD, "migrate", "-v", "0"], env=env, check=True, cwd=base, timeout=600)
    else:
        env["HEARD_DB_PATH"] = copy_migrated_sqlite(migrated_sqlite, base / "heard.sqlite3")
    setup = (
        "from heard.core import actions as a; "
        "ws = a.create_workspace(actor=None, slug='crash', name='Crash'); "
        "a.add_member(actor=None, workspace=ws, email='owner@crash.example', role='owner'); "
        "a.create_product(actor=None, workspace=ws, slug='app', name='App'); "
        "from heard.core.models import User; "
        "print('TOKEN', a.issue_token(actor=None, user=User.objects.get(email='owner@crash.example')))"
    )
    out = subprocess.run([*HEARD, "shell", "-c", setup], env=env, check=True, cwd=base, capture_output=True, text=True, timeout=120).stdout
    token = re.search(r"TOKEN (\S+)", out).group(1)
    yield {"env": env, "dir": base, "token": token}
    if pg_name:
        with django_db_blocker.unblock():
            admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            admin.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")


class Output:
    """The lines a process printed so far, read by a thread so the pipe never fills."""

    def __init__(self, process):
        import threading

        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.thread.start()

    def _read(self, process):
        for line in process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def test_a_worker_killed_mid_import_is_restarted_and_the_import_resumes_and_finishes(outside):
    port = free_port()
    server = subprocess.Popen([*HEARD, "serve", "--port", str(port), "--with-worker"], env=outside["env"], cwd=outside["dir"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = Output(server)
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {outside['token']}"
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        first_pid = int(wait_for(lambda: re.search(r"worker process \(pid (\d+)\)", output.text), 60, "the worker to start").group(1))
        wait_for(lambda: _answers(f"{base}/import-jobs/1"), 60, "the server")
        path = ticket_file(outside["dir"] / "tickets.csv", KILL_ROWS)
        with open(path, "rb") as handle:
            started = api.post(f"{base}/tickets:import", files={"file": handle}, data={"product": "app", "format": "csv"})
        assert started.status_code == 202, started.text
        job_url = f"{base}/import-jobs/{started.json()['id']}"
        wait_for(lambda: api.get(job_url).json()["rows_read"] > 0, 120, "the import to write its first batch")
        os.kill(first_pid, signal.SIGKILL)
        # Still running, or already queued again (under heavy load the 3 s heartbeat limit of this
        # test can pass before the kill): either way the import had not ended.
        assert api.get(job_url).json()["status"] in ("running", "queued"), "the import ended before the worker was killed: make KILL_ROWS larger"

        # The server says the worker stopped and starts another, which resumes the import.
        wait_for(lambda: "exited with code -9" in output.text, 30, "the server to notice the worker died")
        assert re.search(r"Worker started again \(pid (\d+)\)", wait_for(lambda: "started again" in output.text and output.text, 30, "a new worker"))
        done = wait_for(lambda: (j := api.get(job_url).json())["status"] in ("done", "failed") and j, 240, lambda: f"the import to finish: {api.get(job_url).json()}")
        assert done["status"] == "done", done
        assert any("Interrupted" in note for note in done["notes"]), done["notes"]
        assert done["created"] + done["unchanged"] + done["updated"] == KILL_ROWS
        tickets = api.get(f"{base}/tickets?product=app&per_page=1").json()
        assert tickets["total"] == KILL_ROWS  # nothing twice, nothing lost
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)


def _answers(url):
    try:
        return requests.get(url, timeout=2).status_code in (401, 404)
    except requests.ConnectionError:
        return False


def test_heard_import_stopped_from_the_terminal_does_not_leave_its_job_running(outside):
    path = ticket_file(outside["dir"] / "ctrl-c.csv", rows=400_000)
    process = subprocess.Popen([*HEARD, "import", "tickets", str(path), "--product", "crash/app", "--format", "csv", "--no-progress"],
                               env=outside["env"], cwd=outside["dir"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_for(lambda: job_of(outside, "ctrl-c.csv")[0] == "running", 120, "the import to start")
    process.send_signal(signal.SIGINT)
    process.wait(60)
    assert process.returncode != 0
    status, error = job_of(outside, "ctrl-c.csv")
    assert status == "failed", (status, error)
    assert "Stopped before the end" in error


def job_of(outside, file_name: str) -> tuple[str, str]:
    """The status and error of the newest import of ``file_name``, read straight from the
    database the subprocesses use: a Django process per look took seconds on a loaded
    machine, long enough for the import to finish before the test stopped it."""
    query = "SELECT status, error FROM tickets_importjob WHERE file_name = {} ORDER BY id DESC LIMIT 1"
    if "DATABASE_URL" in outside["env"]:
        import psycopg

        with psycopg.connect(outside["env"]["DATABASE_URL"], autocommit=True) as db:
            row = db.execute(query.format("%s"), (file_name,)).fetchone()
    else:
        import sqlite3

        with sqlite3.connect(outside["env"]["HEARD_DB_PATH"], timeout=10) as db:
            row = db.execute(query.format("?"), (file_name,)).fetchone()
    return (row[0], row[1] or "") if row else ("none", "")
