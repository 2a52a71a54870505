"""Telemetry ingestion throughput: heard's importer against the database's own bulk load.

    python bench/telemetry.py --events 200000
    python bench/telemetry.py --events 200000 --database-url postgres://postgres@127.0.0.1:5432/heard_bench_telemetry

Generates a CSV of single events (event_id, metric, day, participant, value; three metrics,
1 000 participants in two cohorts), imports it into a fresh database through heard's
importer (``heard.programs.actions.import_telemetry``, the code behind ``heard import
telemetry``), imports it a second time (must add 0 rows), and loads the same file as the
limit, measured in the same run: plain ``sqlite3`` ``executemany`` in one transaction on
SQLite, ``COPY`` on PostgreSQL, into a table with the same columns, indexes and foreign keys
(checked, with the connection settings heard uses). Prints one JSON object; ``ingest_vs_raw_ratio`` is heard's events per second
over the limit's (the goal is at least 0.5).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from import_tickets import _fresh_postgres  # noqa: E402

PARTICIPANTS = 1000
METRICS = (("task_completed", "rate"), ("error", "rate"), ("latency_ms", "value"))
COLUMNS = "program_id, metric, key, cohort_id, participant_id, day, count, total, total_sq"


def generate(path: Path, events: int) -> None:
    rnd = random.Random(16)
    start = date(2026, 3, 1)
    days = [(start + timedelta(days=d)).isoformat() for d in range(30)]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["event_id", "metric", "day", "participant", "value"])
        rows = []
        for i in range(events):
            metric, kind = METRICS[i % 3]
            if kind == "rate":
                value = "1" if rnd.random() < (0.9 if metric == "task_completed" else 0.02) else "0"
            else:
                value = f"{rnd.lognormvariate(6, 0.5):.1f}"
            rows.append((f"ev-{i}", metric, days[i % 30], 1 + (i * 7919) % PARTICIPANTS, value))
            if len(rows) == 50_000:
                writer.writerows(rows)
                rows = []
        writer.writerows(rows)


def setup_django(database_url: str | None, workdir: Path) -> None:
    os.environ["HEARD_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heard.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
        _fresh_postgres(database_url)
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["HEARD_DB_PATH"] = str(workdir / "heard.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_program():
    """A running pilot with 1 000 consenting participants (made in bulk: setup, not measured).
    Answers the program and stakeholder id -> (participant id, cohort id) as in the file."""
    from heard.core import actions as core_actions
    from heard.programs import actions
    from heard.programs.models import Participant
    from heard.stakeholders.models import Consent, Stakeholder

    workspace = core_actions.create_workspace(actor=None, slug="bench", name="Bench")
    product = core_actions.create_product(actor=None, workspace=workspace, slug="app", name="App")
    program = actions.create_program(actor=None, product=product, data={"name": "Bench pilot", "starts_on": "2026-03-01", "ends_on": "2026-03-31"})
    early = actions.add_cohort(actor=None, program=program, data={"name": "Early"})
    control = actions.add_cohort(actor=None, program=program, data={"name": "Control", "is_control": True})
    people = Stakeholder.objects.bulk_create([Stakeholder(workspace=workspace, name=f"P{i}", email=f"p{i}@bench.example") for i in range(PARTICIPANTS)])
    Consent.objects.bulk_create([Consent(stakeholder=p, purpose="telemetry", disclosure_text="bench") for p in people])
    Participant.objects.bulk_create([Participant(program=program, cohort=early if i % 2 else control, stakeholder=p) for i, p in enumerate(people)])
    for name, metric, comparison in (("Completion", "task_completed", "absolute"), ("Errors", "error", "control")):
        actions.add_threshold(actor=None, program=program, data={"name": name, "metric": metric, "limit": 80 if comparison == "absolute" else 1,
                                                                 "direction": "at_least" if comparison == "absolute" else "at_most", "comparison": comparison})
    actions.start_program(actor=None, program=program)
    # The file numbers participants 1..1000 in creation order; map them to stakeholder ids.
    by_position = {str(i + 1): p.pk for i, p in enumerate(people)}
    participants = {str(p.stakeholder_id): (p.pk, p.cohort_id) for p in program.participants.all()}
    return program, {pos: participants[str(pk)] for pos, pk in by_position.items()}, by_position


def renumber(path: Path, by_position: dict[str, int], out: Path) -> None:
    """The file as a team would send it: participants by their stakeholder ids."""
    with open(path, newline="", encoding="utf-8") as src, open(out, "w", newline="", encoding="utf-8") as dst:
        reader, writer = csv.reader(src), csv.writer(dst)
        writer.writerow(next(reader))
        for r in reader:
            r[3] = by_position[r[3]]
            writer.writerow(r)


def _raw_rows(path: Path, program_id: int, who: dict):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for r in reader:
            participant, cohort = who[r[3]]
            value = float(r[4])
            yield (program_id, r[1], r[0], cohort, participant, r[2], 1, value, value * value)


PARENTS = ("programs_program", "programs_cohort", "programs_participant")


def _parents_ddl(cursor_ddl):
    """The parent tables the telemetry table's foreign keys point to, as bare id tables."""
    return [f"CREATE TABLE {name} (id integer PRIMARY KEY)" for name in PARENTS]


def _copy_parents(raw) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for name in PARENTS:
            cursor.execute(f"SELECT id FROM {name}")
            raw.executemany(f"INSERT INTO {name} (id) VALUES (?)", cursor.fetchall())


def raw_sqlite(path: Path, workdir: Path, program_id: int, who: dict) -> float:
    import sqlite3

    from django.db import connection

    from heard.programs.models import TelemetryRecord

    table = TelemetryRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [table])
        ddl = [row[0] for row in cursor.fetchall()]
    raw = sqlite3.connect(workdir / "raw.sqlite3", isolation_level=None)
    # The pragmas heard's own connection uses (settings.py), foreign keys included: the
    # limit for this table as heard runs it.
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("PRAGMA foreign_keys=ON")
    for statement in _parents_ddl(cursor_ddl=ddl):
        raw.execute(statement)
    for statement in ddl:
        raw.execute(statement)
    _copy_parents(raw)
    insert = f"INSERT INTO {table} ({COLUMNS}) VALUES ({', '.join(['?'] * 9)})"
    started = time.perf_counter()
    raw.execute("BEGIN")
    batch = []
    for row in _raw_rows(path, program_id, who):
        batch.append(row)
        if len(batch) == 20_000:
            raw.executemany(insert, batch)
            batch = []
    raw.executemany(insert, batch)
    raw.execute("COMMIT")
    seconds = time.perf_counter() - started
    raw.close()
    return seconds


def raw_postgres(path: Path, program_id: int, who: dict) -> float:
    from django.db import connection

    from heard.programs.models import TelemetryRecord

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE raw_telemetry (LIKE {TelemetryRecord._meta.db_table} INCLUDING ALL)")
        # The same foreign keys as heard's table (LIKE copies none), checked as Django's are.
        for column, parent in (("program_id", "programs_program"), ("cohort_id", "programs_cohort"), ("participant_id", "programs_participant")):
            cursor.execute(f"ALTER TABLE raw_telemetry ADD FOREIGN KEY ({column}) REFERENCES {parent} (id) DEFERRABLE INITIALLY DEFERRED")
    started = time.perf_counter()
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(f"COPY raw_telemetry ({COLUMNS}) FROM STDIN") as copy:
        write_row = copy.write_row
        for row in _raw_rows(path, program_id, who):
            write_row(row)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE raw_telemetry")
        cursor.execute("CHECKPOINT")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000, help="How many events to generate and ingest.")
    parser.add_argument("--database-url", default=None, help="Run on PostgreSQL (the database is dropped and created afresh).")
    parser.add_argument("--workdir", default=None, help="Where to put the generated file and SQLite databases (default: a temporary directory).")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="heard-bench-telemetry-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for old in workdir.glob("*.sqlite3*"):
        old.unlink()
    generated = workdir / f"telemetry-{args.events}-positions.csv"
    started = time.perf_counter()
    generate(generated, args.events)
    setup_django(args.database_url, workdir)
    program, who_by_position, by_position = make_program()
    path = workdir / f"telemetry-{args.events}.csv"
    renumber(generated, by_position, path)
    generated.unlink()
    generate_seconds = time.perf_counter() - started
    who = {str(by_position[pos]): value for pos, value in who_by_position.items()}
    if args.database_url:
        raw_seconds = raw_postgres(path, program.pk, who)
    else:
        raw_seconds = raw_sqlite(path, workdir, program.pk, who)

    from heard.programs import actions, queries
    from heard.programs.models import TelemetryRecord

    started = time.perf_counter()
    first = actions.import_telemetry(actor=None, program=program, path=str(path), show_progress=sys.stderr.isatty(), stream=sys.stderr)
    ingest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = actions.import_telemetry(actor=None, program=program, path=str(path), show_progress=sys.stderr.isatty(), stream=sys.stderr)
    second_seconds = time.perf_counter() - started
    started = time.perf_counter()
    results = queries.judge(None, program)
    judge_seconds = time.perf_counter() - started
    stored = TelemetryRecord.objects.filter(program=program).count()
    ingest_rate, raw_rate = args.events / ingest_seconds, args.events / raw_seconds
    print(json.dumps({
        "database": "postgresql" if args.database_url else "sqlite",
        "events": args.events,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "ingest_seconds": round(ingest_seconds, 2),
        "ingest_events_per_s": round(ingest_rate),
        "raw_seconds": round(raw_seconds, 2),
        "raw_events_per_s": round(raw_rate),
        "raw_method": "COPY (write_row), one transaction" if args.database_url else "sqlite3 executemany, one transaction, foreign keys on",
        "ingest_vs_raw_ratio": round(ingest_rate / raw_rate, 3),
        "second_import_seconds": round(second_seconds, 2),
        "second_import_added": second.created,
        "stored_events": stored,
        "rejected": first.rejected,
        "judge_seconds": round(judge_seconds, 2),
        "verdicts": {v.threshold.name: v.status for v in results.verdicts},
        "generate_seconds": round(generate_seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
