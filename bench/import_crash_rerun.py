"""Crash, then re-run: how fast a ticket import finishes after its process was killed.

    python bench/import_crash_rerun.py --rows 200000
    python bench/import_crash_rerun.py --rows 200000 --database-url postgres://postgres@127.0.0.1:5432/heard_bench_crash

Issue 13: on PostgreSQL, re-running an import after a crash crawled (about 90 s per 5 000-row
batch) because the partly loaded table had never been analysed, so the planner chose bad
plans for the importer's lookups; the same re-run took 12 s after ANALYZE. This benchmark
reproduces the worst case and times the re-run:

1. a fresh database (PostgreSQL: autovacuum off for the ticket and requester tables, so
   nothing gathers statistics behind the importer's back, as on a busy server);
2. `heard import tickets FILE` in its own process, `kill -9` once about ``--crash-at`` of
   the rows are stored (the database holds a partly loaded table with no statistics);
3. the same import again in this process, timed: it must add exactly the missing rows and
   leave the others unchanged (imports are idempotent).

Prints one JSON object; ``rerun_seconds_per_5000_rows`` is the issue's figure.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from import_tickets import generate, setup_django  # noqa: E402

ROWS_PER_BATCH_OF_THE_ISSUE = 5000


def _stored(product_id: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket WHERE product_id = %s", [product_id])
        return cursor.fetchone()[0]


def _no_autovacuum() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from heard.tickets.models import Ticket

    tables = [Ticket._meta.db_table, Ticket._meta.get_field("requester").related_model._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)')


def _crash(path: Path, product, rows: int, crash_at: float, env: dict) -> tuple[int, float]:
    """Run the import in a child process and kill -9 it once enough rows are stored."""
    target = int(rows * crash_at)
    command = [sys.executable, "-m", "heard.cli", "import", "tickets", str(path), "--product", f"{product.workspace.slug}/{product.slug}", "--format", "csv", "--no-progress"]
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    started = time.perf_counter()
    stored = 0
    while child.poll() is None:
        stored = _stored(product.pk)
        if stored >= target:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            break
        time.sleep(0.2)
    else:
        raise SystemExit(f"The import finished ({stored} rows) before it could be killed; use more --rows. {child.stderr.read().decode()[-2000:]}")
    return _stored(product.pk), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000, help="How many tickets the file holds.")
    parser.add_argument("--crash-at", type=float, default=0.5, help="Kill the first import once this share of the rows is stored (0 to 1).")
    parser.add_argument("--database-url", default=None, help="Run on PostgreSQL (the database is dropped and created afresh).")
    parser.add_argument("--workdir", default=None, help="Where to put the generated file and the SQLite database (default: a temporary directory).")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="heard-bench-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for old in workdir.glob("*.sqlite3*"):
        old.unlink()
    path = workdir / f"tickets-{args.rows}.csv"
    generate(path, args.rows)
    setup_django(args.database_url, workdir)
    _no_autovacuum()

    from heard.core import actions as core_actions
    from heard.tickets.actions import import_tickets

    workspace = core_actions.create_workspace(actor=None, slug="bench", name="Bench")
    product = core_actions.create_product(actor=None, workspace=workspace, slug="app", name="App")
    env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src"))
    before_rerun, crash_seconds = _crash(path, product, args.rows, args.crash_at, env)

    started = time.perf_counter()
    rerun = import_tickets(actor=None, product=product, path=str(path), fmt="csv", show_progress=sys.stderr.isatty())
    rerun_seconds = time.perf_counter() - started
    stored = _stored(product.pk)
    result = {
        "database": "postgresql" if args.database_url else "sqlite",
        "rows": args.rows,
        "killed_after_seconds": round(crash_seconds, 1),
        "stored_when_killed": before_rerun,
        "rerun_seconds": round(rerun_seconds, 2),
        "rerun_rows_per_s": round(args.rows / rerun_seconds),
        "rerun_seconds_per_5000_rows": round(rerun_seconds / (args.rows / ROWS_PER_BATCH_OF_THE_ISSUE), 3),
        "rerun_added": rerun.created,
        "rerun_unchanged": rerun.unchanged,
        "rerun_updated": rerun.updated,
        "stored_tickets": stored,
        "complete_and_no_duplicates": stored == args.rows and rerun.created == args.rows - before_rerun,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
