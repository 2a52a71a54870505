"""Product and workspace homes (the inbox) at scale: p95 of whole page requests.

    python bench/home.py                      # 100 000 feedback items, 1 000 000 tickets, SQLite
    python bench/home.py --database-url postgres://postgres@127.0.0.1:5432/heard_bench_home
    python bench/home.py --feedback 20000 --tickets 100000 --requests 50   # a quick look

Builds a fresh database: one workspace with three products (the first holds the feedback
and the tickets), 2 000 stakeholders over six segments and every kind, decisions (some past
their due date, some waiting for required advisers), sessions (past and upcoming, with
agenda items, participants and pre-reads), closure cycles with draft notes and support
themes with spikes. Then it requests the product home (``/w/bench/p/invoicing/``) and the
workspace home (``/w/bench/``) through Django's full request path (middleware, templates)
as a product owner, and prints one JSON object: ``home_p95_ms``, ``workspace_home_p95_ms``
(and medians) as a team sees them between changes (the homes remember their inbox until the
next audited change, for at most a minute: core/inbox.py), ``home_cold_p95_ms`` and
``workspace_home_cold_p95_ms`` with nothing remembered (the first view after a change), the same for the small members page as a baseline of what the machine gives
any page at that moment, the counts the inbox shows, the data sizes and the load average
while measuring (the machine may be shared). The target is a p95 of 100 ms for each home.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import peak_rss_mb, print_json, use_src  # noqa: E402

use_src()


def setup(database_url: str | None, workdir: str, keep: str = "") -> bool:
    """Point Django at a fresh database; True when ``keep`` names an already built one."""
    os.environ["HEARD_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heard.settings")
    reuse = bool(keep) and os.path.exists(keep)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
        from import_tickets import _fresh_postgres

        _fresh_postgres(database_url)
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["HEARD_DB_PATH"] = keep or os.path.join(workdir, "home.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return reuse


def _ticket_model():
    from heard.tickets.models import Ticket

    return Ticket


def _theme_model():
    from heard.themes.models import Theme

    return Theme


def build(args, rng: random.Random) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from _feedback_data import generate
    from heard.closure.models import ClosureCycle, ClosureNote
    from heard.core import actions as core_actions
    from heard.decisions.models import Decision, DecisionParticipant
    from heard.sessions.models import AgendaItem, Participant, PreRead, Session
    from heard.stakeholders.models import Segment, Stakeholder, StakeholderKind

    now = timezone.now()
    ws = core_actions.create_workspace(actor=None, slug="bench", name="Bench")
    po = core_actions.add_member(actor=None, workspace=ws, email="po@bench.example", role="product_owner", password="x" * 20)
    products = [core_actions.create_product(actor=None, workspace=ws, slug=s, name=n) for s, n in (("invoicing", "Invoicing"), ("field", "Field App"), ("portal", "Portal"))]
    main = products[0]

    segments = [Segment.objects.create(workspace=ws, slug=s, name=s.replace("-", " ").title()) for s in ("enterprise", "small-business", "public-sector", "accessibility", "region-north", "region-south")]
    kinds = StakeholderKind.values
    people = []
    for i in range(args.stakeholders):
        kind = kinds[i % len(kinds)]
        # Regulators and the public sector have gone quiet: the inbox should say so.
        quiet = kind == "regulator" or i % 6 == 2
        heard = now - timedelta(days=rng.randint(120, 400) if quiet else rng.randint(0, 60))
        people.append(Stakeholder(workspace=ws, name=f"Person {i}", email=f"p{i}@bench.example", kind=kind, last_heard_at=heard))
    Stakeholder.objects.bulk_create(people, batch_size=1000)
    people = list(Stakeholder.objects.filter(workspace=ws).order_by("pk"))
    through = Stakeholder.segments.through
    through.objects.bulk_create([through(stakeholder_id=p.pk, segment_id=segments[i % len(segments)].pk) for i, p in enumerate(people)], batch_size=2000)

    started = time.perf_counter()
    generate(main, people[:500], args.feedback, progress=lambda n: print(f"\rfeedback {n}", end="", file=sys.stderr) if n % 20000 == 0 else None)
    generate(products[1], people[500:700], max(1, args.feedback // 20), seed=11)
    print(file=sys.stderr)
    feedback_seconds = time.perf_counter() - started

    started = time.perf_counter()
    _tickets(main, args.tickets, rng, now)
    tickets_seconds = time.perf_counter() - started

    with transaction.atomic():
        for product in products:
            _decisions(product, people, po, rng, now, Decision, DecisionParticipant)
            _sessions(product, people, rng, now, Session, Participant, AgendaItem, PreRead)
            _closure(product, people, rng, now, ClosureCycle, ClosureNote)
        _themes(main, rng, now)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"workspace": ws, "user": getattr(po, "user", po), "products": products, "feedback_seconds": round(feedback_seconds, 1), "tickets_seconds": round(tickets_seconds, 1)}


def _tickets(product, rows: int, rng: random.Random, now) -> None:
    """Tickets written straight into their table, a batch at a time (their import is benchmarked elsewhere)."""
    from django.db import connection, transaction

    table = _ticket_model()._meta.db_table
    columns = ("product_id", "source", "external_id", "requester_email", "requester_name", "subject", "body", "status", "priority",
               "tags", "created_at", "solved_at", "content_hash", "imported_at")
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    subjects = ["Export fails", "Cannot log in", "Sync stuck", "Invoice total wrong", "App is slow", "Screen reader skips total"]
    batch = []
    for i in range(rows):
        created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 700))
        solved = created + timedelta(hours=rng.randint(1, 200)) if rng.random() < 0.8 else None
        batch.append((product.pk, "zendesk", str(100000 + i), f"c{i % 20000}@client.example", "", f"{rng.choice(subjects)} #{i}",
                      "The customer describes the problem in a few sentences.", "solved" if solved else "open", "normal", "[]",
                      created, solved, f"{i:032x}", now))
        if len(batch) == 10000 or i == rows - 1:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, batch)
            batch = []
            if (i + 1) % 200000 == 0:
                print(f"\rtickets {i + 1}", end="", file=sys.stderr)
    print(file=sys.stderr)


def _decisions(product, people, po, rng, now, Decision, DecisionParticipant) -> None:
    today = now.date()
    decisions = [
        Decision(product=product, question=f"Decision {i} for {product.name}?", status="decided" if i % 3 == 0 else "open",
                 due_date=today + timedelta(days=rng.randint(-30, 60)), created_at=now - timedelta(days=rng.randint(0, 300)))
        for i in range(300)
    ]
    Decision.objects.bulk_create(decisions)
    parts = []
    for i, d in enumerate(Decision.objects.filter(product=product).order_by("pk")):
        parts.append(DecisionParticipant(decision=d, user=getattr(po, "user", po), right="decides"))
        for p in rng.sample(people, 3):
            required = i % 7 == 0
            parts.append(DecisionParticipant(decision=d, stakeholder=p, right="advises", required=required,
                                             weighed_in_at=None if required and i % 2 else now, advice="" if required and i % 2 else "Go ahead."))
    DecisionParticipant.objects.bulk_create(parts, batch_size=1000)


def _sessions(product, people, rng, now, Session, Participant, AgendaItem, PreRead) -> None:
    sessions = []
    for i in range(240):
        start = now + timedelta(days=rng.randint(-400, 40), hours=rng.randint(0, 8))
        sessions.append(Session(product=product, title=f"Session {i}", channel=rng.choice(["interview", "demo", "review", "workshop"]),
                                starts_at=start, ends_at=start + timedelta(hours=1)))
    Session.objects.bulk_create(sessions)
    parts, agenda, reads = [], [], []
    for i, s in enumerate(Session.objects.filter(product=product).order_by("pk")):
        for p in rng.sample(people, 4):
            parts.append(Participant(session=s, stakeholder=p, right="decides" if i % 5 else "contributes"))
        agenda += [AgendaItem(session=s, title=f"Item {n}", timebox_minutes=10, position=n) for n in range(3)]
        reads.append(PreRead(session=s, title=f"Pre-read {i}", shared_at=None if i % 4 == 0 else s.starts_at - timedelta(days=rng.randint(0, 5))))
    Participant.objects.bulk_create(parts, batch_size=1000)
    AgendaItem.objects.bulk_create(agenda, batch_size=1000)
    PreRead.objects.bulk_create(reads, batch_size=1000)


def _closure(product, people, rng, now, ClosureCycle, ClosureNote) -> None:
    for c in range(6):
        start = (now - timedelta(days=90 * (c + 1))).date()
        cycle = ClosureCycle.objects.create(product=product, name=f"Cycle {c}", starts_on=start, ends_on=start + timedelta(days=89))
        status = "draft" if c < 2 else "sent"
        ClosureNote.objects.bulk_create([
            ClosureNote(cycle=cycle, stakeholder=p, status=status, subject=f"What we heard, cycle {c}", body="…")
            for p in rng.sample(people, 300)
        ], batch_size=1000)


def _themes(product, rng, now) -> None:
    Theme = _theme_model()
    today = now.date()
    monday = today - timedelta(days=today.weekday())
    themes = []
    for i in range(80):
        spikes, ratio = [], None
        if i % 16 == 0:
            week = monday - timedelta(weeks=i % 3)
            spikes = [{"week": week.isoformat(), "index": 99, "count": 60, "baseline": 12.0, "ratio": 5.0, "z": 6.0}]
            ratio = 5.0
        themes.append(Theme(product=product, name=f"Theme {i}", size=rng.randint(50, 20000), spikes=spikes, latest_spike_ratio=ratio))
    Theme.objects.bulk_create(themes)


def existing() -> dict:
    from heard.core.models import Product, User, Workspace

    ws = Workspace.objects.get(slug="bench")
    return {"workspace": ws, "user": User.objects.get(email="po@bench.example"), "products": list(Product.objects.filter(workspace=ws).order_by("pk")),
            "feedback_seconds": None, "tickets_seconds": None}


def measure(client, url: str, n: int, *, cold: bool = False) -> list[float]:
    """Milliseconds per request; ``cold`` forgets the homes' remembered inboxes before each
    one (every view then counts afresh, as the first view after any change does)."""
    from django.core.cache import cache

    for _ in range(3):  # warm caches and the connection
        assert client.get(url).status_code == 200
    times = []
    for _ in range(n):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return round(ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)], 1)


def profile(actor, product, workspace, products, runs: int = 20) -> dict:
    """Per inbox source, for the product home and the workspace home: median milliseconds, the
    number of queries, and the slowest query's plan (what to look at when a home is slow)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from heard.core import inbox

    def explain(sql: str) -> list[str]:
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            return [" ".join(str(c) for c in row[-1:]) for row in cursor.fetchall()]

    def measure_one(fn) -> dict:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            fn()
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
        out = {"median_ms": round(statistics.median(times), 2), "queries": len(captured.captured_queries)}
        if slowest is not None and slowest["sql"].lstrip().upper().startswith("SELECT"):
            out["slowest_query_ms"] = round(float(slowest["time"]) * 1000, 2)
            try:
                out["slowest_query_plan"] = explain(slowest["sql"])
            except Exception as exc:  # a plan is a hint, never a reason to stop the benchmark
                out["slowest_query_plan"] = [f"(no plan: {exc.__class__.__name__})"]
        return out

    result = {}
    for source in inbox.sources():
        if source.scope == inbox.WORKSPACE:
            result[source.key] = {"workspace": measure_one(lambda s=source: s.collect(actor, workspace, limit=inbox.DEFAULT_LIMIT))}
            continue
        result[source.key] = {
            "product": measure_one(lambda s=source: s.collect(actor, product, limit=inbox.DEFAULT_LIMIT)),
            "workspace": measure_one(lambda s=source: s.collect_many(actor, products, limit=inbox.DEFAULT_LIMIT)),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedback", type=int, default=100_000, help="Feedback items in the first product (default 100 000).")
    parser.add_argument("--tickets", type=int, default=1_000_000, help="Support tickets in the first product (default 1 000 000).")
    parser.add_argument("--stakeholders", type=int, default=2000, help="Stakeholders in the workspace (default 2 000).")
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per page (default 200).")
    parser.add_argument("--keep", default="", help="SQLite file to build the data in and keep; if it exists, measure it again without building.")
    parser.add_argument("--profile", action="store_true", help="Also time each inbox source alone (product and workspace) with its query count and the slowest query's plan.")
    parser.add_argument("--database-url", default="", help="A PostgreSQL URL to build the data in (the database is dropped and created); default a temporary SQLite file.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        reused = setup(args.database_url or None, workdir, args.keep)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from heard.core import inbox

        data = existing() if reused else build(args, random.Random(3))
        client = Client()
        client.force_login(data["user"])
        product, workspace = data["products"][0], data["workspace"]
        found = inbox.product_inbox(None, product)
        summed = inbox.workspace_inbox(None, workspace)
        load_before = os.getloadavg()[0]
        home = measure(client, f"/w/{workspace.slug}/p/{product.slug}/", args.requests)
        ws_home = measure(client, f"/w/{workspace.slug}/", args.requests)
        home_cold = measure(client, f"/w/{workspace.slug}/p/{product.slug}/", args.requests, cold=True)
        ws_home_cold = measure(client, f"/w/{workspace.slug}/", args.requests, cold=True)
        # A small page through the same stack, measured alike: what the machine gives any page now.
        baseline = measure(client, f"/w/{workspace.slug}/members/", args.requests)
        load_after = os.getloadavg()[0]
        from django.core.cache import cache

        cache.clear()  # the query counts of a view that counts afresh
        with CaptureQueriesContext(connection) as home_queries:
            client.get(f"/w/{workspace.slug}/p/{product.slug}/")
        cache.clear()
        with CaptureQueriesContext(connection) as ws_queries:
            client.get(f"/w/{workspace.slug}/")
        extra = {"profile": profile(None, product, workspace, data["products"])} if args.profile else {}
        print_json({
            "benchmark": "home",
            "database": connection.vendor,
            "feedback": args.feedback + max(1, args.feedback // 20),
            "feedback_in_product": args.feedback,
            "tickets": args.tickets,
            "stakeholders": args.stakeholders,
            "products": len(data["products"]),
            "requests": args.requests,
            "home_p95_ms": p95(home),
            "home_median_ms": round(statistics.median(home), 1),
            "workspace_home_p95_ms": p95(ws_home),
            "workspace_home_median_ms": round(statistics.median(ws_home), 1),
            "home_cold_p95_ms": p95(home_cold),
            "workspace_home_cold_p95_ms": p95(ws_home_cold),
            "home_queries": len(home_queries.captured_queries),
            "workspace_home_queries": len(ws_queries.captured_queries),
            "members_page_p95_ms": p95(baseline),
            "members_page_median_ms": round(statistics.median(baseline), 1),
            "target_p95_ms": 100,
            "inbox_total": found.total,
            "inbox_counts": {s.key: s.count for s in found.sections},
            "workspace_inbox_total": summed.total,
            "load_average_1min": [round(load_before, 2), round(load_after, 2)],
            "build_feedback_seconds": data["feedback_seconds"],
            "build_tickets_seconds": data["tickets_seconds"],
            "peak_rss_mb": peak_rss_mb(),
            **extra,
        })


if __name__ == "__main__":
    main()
