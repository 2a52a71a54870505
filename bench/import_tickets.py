"""Ticket import throughput: heard's importer against the database's own bulk load.

    python bench/import_tickets.py --rows 1000000
    python bench/import_tickets.py --rows 200000 --database-url postgres://postgres@127.0.0.1:5432/heard_bench

Generates a realistic ticket CSV (streaming; bodies of 30-120 words; requesters drawn from
a pool of 20 000 addresses), imports it into a fresh database through heard's importer
(`heard.tickets.actions.import_tickets`, the code behind `heard import tickets`), imports
it a second time (must add 0 rows), and loads the same file as the limit: plain `sqlite3`
`executemany` in one transaction on SQLite, `COPY` on PostgreSQL, into a table with the
same schema and indexes. Prints one JSON object.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TOPICS = {
    "billing": (
        ["Charged twice for the {plan} plan", "Invoice shows the wrong amount", "Refund for {month} has not arrived", "VAT missing on invoice {num}"],
        ["I was charged twice for the {plan} plan this month.", "The invoice {num} shows an amount that does not match our contract.",
         "Our finance team cannot reconcile the payment from {month}.", "We asked for a refund three weeks ago and nothing has happened.",
         "The VAT number of our company is missing on the invoice PDF.", "Please send a corrected invoice so we can pay it before the deadline."],
    ),
    "login": (
        ["Cannot log in after password reset", "Two-factor code never arrives", "Locked out of my account", "SSO login loops back to the start"],
        ["After resetting my password the login page says my credentials are wrong.", "The two-factor code by SMS never arrives on my phone.",
         "Our single sign-on through Azure AD sends me back to the login page again and again.", "My account was locked after three attempts and the unlock mail never came.",
         "I tried a different browser and cleared the cookies but it still fails."],
    ),
    "sync": (
        ["Jobs do not sync when back online", "Offline changes lost after sync", "Sync stuck at {pct} percent", "Duplicate jobs after synchronisation"],
        ["When the technician comes back online the jobs from the morning do not sync.", "Changes made offline disappear after the next synchronisation.",
         "The sync indicator stays at {pct} percent for hours.", "After sync every job appears twice in the list.", "We lose half a day of work each time this happens."],
    ),
    "export": (
        ["Export to {tool} fails", "CSV export has broken characters", "Report export times out", "Accounting export misses credit notes"],
        ["The export to {tool} stops with an error after a few minutes.", "Umlauts and accents are broken in the CSV export when opened in Excel.",
         "Large reports time out before the download starts.", "Credit notes are missing from the accounting export for {month}.", "Our accountant needs this file by the end of the week."],
    ),
    "performance": (
        ["Dashboard is very slow", "App freezes when opening a job", "Search takes forever", "Page load over {secs} seconds"],
        ["The dashboard takes more than {secs} seconds to load every morning.", "Opening a job with many photos freezes the app.",
         "Searching for a customer by name takes ages.", "It has become slower since the last update.", "Our team of {num} people waits for the app all day."],
    ),
    "accessibility": (
        ["Screen reader skips the total", "Contrast too low in dark mode", "Cannot use the form with a keyboard", "Captions missing in the tutorial video"],
        ["VoiceOver does not announce the invoice total.", "Grey text on a grey background is impossible to read for our staff.",
         "The date picker cannot be reached with the keyboard alone.", "The tutorial video has no captions so our deaf colleague cannot follow it.",
         "We are a public body and must meet the accessibility regulations."],
    ),
    "notifications": (
        ["Reminder emails land in spam", "Payment reminder sent twice", "No push notification for new jobs", "Too many notification emails"],
        ["Customers tell us that reminder emails land in their spam folder.", "The same payment reminder was sent twice on Monday.",
         "Technicians get no push notification when a new job is assigned.", "I get an email for every small change and it is too much.",
         "Can we choose which notifications we receive?"],
    ),
    "feature": (
        ["Please add purchase order numbers", "Request: recurring jobs", "Bulk edit of customers", "Custom fields on invoices"],
        ["It would help a lot to have a purchase order field on every invoice.", "We need jobs that repeat every month for maintenance contracts.",
         "Editing {num} customers one by one is not practical, please add bulk edit.", "Our industry needs two custom fields printed on the invoice.",
         "Competitors already offer this and our team keeps asking for it."],
    ),
}
FILLER = [
    "Thanks for your help.", "This is urgent for us.", "Kind regards.", "We have been customers for years.", "Please call me back.",
    "Screenshots are attached.", "It worked fine until last week.", "Several colleagues have the same problem.", "Let me know if you need more details.",
    "We use the latest version of the app.", "Our manager is asking about this every day.", "I already restarted everything twice.",
]
WORDS = dict(
    plan=["Starter", "Business", "Enterprise", "Team"], month=["January", "February", "March", "April", "May", "June"],
    tool=["DATEV", "Xero", "QuickBooks", "SAP", "Lexoffice"], pct=["37", "80", "99", "12"], secs=["20", "45", "90", "30"],
    num=["INV-2041", "120", "35", "4711", "60"],
)
STATUSES = ["open", "pending", "solved", "closed", "new"]
PRIORITIES = ["low", "normal", "high", "urgent"]
HEADER = ["id", "subject", "description", "status", "priority", "tags", "created_at", "updated_at", "solved_at", "requester_email", "requester_name"]
FIRST = ["Amara", "Ben", "Chloe", "Diego", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jun", "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Paula", "Rosa", "Sven", "Tariq", "Uma"]
LAST = ["Okafor", "Lee", "Martin", "Ruiz", "Demir", "Haddad", "Berg", "Sato", "Petrov", "Tanaka", "Mensah", "Fischer", "Silva", "Novak", "Khan", "Rossi"]


def fill(template: str, rnd: random.Random) -> str:
    if "{" not in template:
        return template
    return template.format(**{k: rnd.choice(v) for k, v in WORDS.items()})


def body_text(rnd: random.Random, sentences: list[str]) -> str:
    target = rnd.randint(30, 120)
    parts, words = [], 0
    while words < target:
        sentence = fill(rnd.choice(sentences) if rnd.random() < 0.7 else rnd.choice(FILLER), rnd)
        parts.append(sentence)
        words += sentence.count(" ") + 1
    return " ".join(parts)


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    people = [(f"{rnd.choice(FIRST).lower()}.{rnd.choice(LAST).lower()}{i}@customer{i % 900}.example", f"{rnd.choice(FIRST)} {rnd.choice(LAST)}") for i in range(20_000)]
    topics = list(TOPICS.values())
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            subjects, sentences = rnd.choice(topics)
            created = start + timedelta(seconds=rnd.randint(0, 365 * 86400))
            status = rnd.choice(STATUSES)
            solved = created + timedelta(minutes=rnd.randint(5, 20000)) if status in ("solved", "closed") else None
            email, name = rnd.choice(people)
            writer.writerow([
                100000 + i, fill(rnd.choice(subjects), rnd), body_text(rnd, sentences), status, rnd.choice(PRIORITIES),
                " ".join(rnd.sample(["web", "mobile", "email", "vip", "eu", "us", "trial"], rnd.randint(0, 3))),
                created.strftime("%Y-%m-%dT%H:%M:%SZ"), (solved or created).strftime("%Y-%m-%dT%H:%M:%SZ"),
                solved.strftime("%Y-%m-%dT%H:%M:%SZ") if solved else "", email, name,
            ])


def setup_django(database_url: str | None, workdir: Path):
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


def _fresh_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def heard_import(path: Path):
    from heard.core import actions as core_actions
    from heard.tickets.actions import import_tickets

    workspace = core_actions.create_workspace(actor=None, slug="bench", name="Bench")
    product = core_actions.create_product(actor=None, workspace=workspace, slug="app", name="App")
    started = time.perf_counter()
    first = import_tickets(actor=None, product=product, path=str(path), fmt="csv", show_progress=sys.stderr.isatty())
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = import_tickets(actor=None, product=product, path=str(path), fmt="csv", show_progress=sys.stderr.isatty())
    second_seconds = time.perf_counter() - started
    return product, first, first_seconds, second, second_seconds


def raw_sqlite(path: Path, workdir: Path) -> float:
    """The limit: the same rows into a table of the same schema and indexes, one transaction."""
    import sqlite3

    from django.db import connection

    from heard.tickets.models import Ticket

    table = Ticket._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [table])
        ddl = [row[0] for row in cursor.fetchall()]
    raw = sqlite3.connect(workdir / "raw.sqlite3", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    for statement in ddl:
        raw.execute(statement)
    columns = "product_id, source, external_id, subject, body, status, priority, tags, created_at, updated_at, solved_at, requester_email, requester_name, content_hash, imported_at"
    insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['?'] * 15)})"
    now = "2025-01-01 00:00:00"
    started = time.perf_counter()
    raw.execute("BEGIN")
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        batch = []
        for r in reader:
            batch.append((1, "csv", r[0], r[1], r[2], r[3], r[4], json.dumps(r[5].split()), r[6], r[7], r[8] or None, r[9], r[10], "", now))
            if len(batch) == 2000:
                raw.executemany(insert, batch)
                batch = []
        raw.executemany(insert, batch)
    raw.execute("COMMIT")
    seconds = time.perf_counter() - started
    raw.close()
    return seconds


def raw_postgres(path: Path) -> float:
    from django.db import connection

    from heard.tickets.models import Ticket

    columns = "product_id, source, external_id, subject, body, status, priority, tags, created_at, updated_at, solved_at, requester_email, requester_name, content_hash, imported_at"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE raw_ticket (LIKE {Ticket._meta.db_table} INCLUDING ALL)")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    with connection.cursor() as cursor, open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        with cursor.cursor.copy(f"COPY raw_ticket ({columns}) FROM STDIN") as copy:
            for r in reader:
                copy.write_row((1, "csv", r[0], r[1], r[2], r[3], r[4], json.dumps(r[5].split()), r[6], r[7], r[8] or None, r[9], r[10], "", now))
    seconds = time.perf_counter() - started
    return seconds


def _settle_postgres() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE raw_ticket")
        cursor.execute("CHECKPOINT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="How many tickets to generate and import.")
    parser.add_argument("--database-url", default=None, help="Run on PostgreSQL (the database is dropped and created afresh).")
    parser.add_argument("--workdir", default=None, help="Where to put the generated file and SQLite databases (default: a temporary directory).")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="heard-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for old in workdir.glob("*.sqlite3*"):
        old.unlink()  # a fresh database every run
    path = workdir / f"tickets-{args.rows}.csv"
    started = time.perf_counter()
    generate(path, args.rows)
    generate_seconds = time.perf_counter() - started
    setup_django(args.database_url, workdir)
    if args.database_url:
        # The limit first, into its own table, which is then dropped; a checkpoint between
        # the two keeps either side from paying for the other's writes in the background.
        raw_seconds = raw_postgres(path)
        _settle_postgres()
    else:
        raw_seconds = raw_sqlite(path, workdir)
    product, first, first_seconds, second, second_seconds = heard_import(path)
    from heard.tickets.models import Ticket

    stored = Ticket.objects.filter(product=product).count()
    from heard.tickets.actions import WORKER_MIN_BYTES

    own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child's peak
    heard_rate = args.rows / first_seconds
    raw_rate = args.rows / raw_seconds
    result = {
        "database": "postgresql" if args.database_url else "sqlite",
        "rows": args.rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "heard_seconds": round(first_seconds, 2),
        "heard_rows_per_s": round(heard_rate),
        "raw_seconds": round(raw_seconds, 2),
        "raw_rows_per_s": round(raw_rate),
        "raw_method": "COPY" if args.database_url else "sqlite3 executemany, one transaction",
        "ratio": round(heard_rate / raw_rate, 3),
        "second_import_seconds": round(second_seconds, 2),
        "second_import_added": second.created,
        "second_import_updated": second.updated,
        "stored_tickets": stored,
        "rejected": first.rejected,
        "requesters_created": first.requesters_created,
        "generate_seconds": round(generate_seconds, 1),
        # The importer reads and prepares a large file in a second process (see
        # heard.tickets.parsing.read_prepared_in_worker); its peak counts as well.
        "peak_rss_mb": round((own_rss + worker_rss) / 1024, 1),
        "peak_rss_importer_mb": round(own_rss / 1024, 1),
        "peak_rss_reader_process_mb": round(worker_rss / 1024, 1),
        "reader_process": path.stat().st_size >= WORKER_MIN_BYTES,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
