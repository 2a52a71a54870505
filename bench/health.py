"""Collaboration health at scale: the health page, a feedback write's rollup cost, and a
full rebuild, over FEEDBACK feedback items, SESSIONS sessions and SEATS session seats.

Usage:
    python bench/health.py [--feedback 1000000] [--sessions 100000] [--seats 2000000] [--pages 100] [--writes 300]
    python bench/health.py ... --database-url postgres://postgres@127.0.0.1:5432/heard_bench

Builds a fresh database (SQLite in a temporary file, or the PostgreSQL database given, which
is flushed first: point it at a scratch database), fills one product over two years with
raw inserts (the generator is not what is measured), then measures:

- ``rebuild_seconds``: ``heard health rebuild`` for the product (target ≤ 120 s);
- ``page_p95_ms``: GET of the health page by a logged-in member (target ≤ 100 ms);
- ``write_rollup_p95_ms``: the rollup hooks of one recorded feedback item (its row and its
  first disposition row) inside the writer's transaction (target ≤ 2 ms); ``…_cpu_…`` is
  the same in this thread's CPU time (what the hooks cost without waiting for a core on a
  shared machine; on SQLite the database work runs in this thread too);
- ``refresh_after_write_seconds``: the worker's refresh after a burst of writes (one week).

Prints one JSON object, with the machine's load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from _util import peak_rss_mb, print_json  # noqa: E402


def _p(values, q):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 3)


def _insert(connection, model, columns, rows, batch=20000):
    """Raw multi-row inserts: fast enough to build millions of rows on both databases."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
    buf = []
    with connection.cursor() as cursor:
        for row in rows:
            buf.append(row)
            if len(buf) >= batch:
                cursor.executemany(sql, buf)
                buf = []
        if buf:
            cursor.executemany(sql, buf)


def build(args, rng):
    from django.db import connection, transaction
    from django.utils import timezone

    from heard.core.models import Membership, Product, User, Workspace
    from heard.feedback.models import Feedback, FeedbackDisposition
    from heard.sessions.models import EngagementModel, Participant, PreRead, Session
    from heard.stakeholders.models import Segment, Stakeholder

    dt = connection.ops.adapt_datetimefield_value
    now = timezone.now()
    span = 60 * 24 * 728  # minutes in two years
    ws = Workspace.objects.create(slug="bench", name="Bench")
    user = User.objects.create_user("owner@bench.example", "bench-password-1")
    Membership.objects.create(user=user, workspace=ws, role="owner")
    product = Product.objects.create(workspace=ws, slug="app", name="App")
    EngagementModel.objects.create(product=product, invitations_per_quarter=3, input_consideration_days=10, pre_read_lead_days=2)
    segments = [Segment.objects.create(workspace=ws, slug=f"seg{i}", name=f"Segment {i}", target_share=t) for i, t in enumerate([30, 20, 15, 10, None, None])]
    kinds = ["end_user"] * 6 + ["buyer", "operator", "support", "regulator", "partner", "internal_proxy"]
    people = Stakeholder.objects.bulk_create([Stakeholder(workspace=ws, name=f"Person {i}", kind=rng.choice(kinds)) for i in range(args.stakeholders)], batch_size=5000)
    if people[0].pk is None:
        people = list(Stakeholder.objects.filter(workspace=ws).order_by("pk"))
    through = Stakeholder.segments.through
    through.objects.bulk_create([through(stakeholder_id=p.pk, segment_id=s.pk) for p in people for s in rng.sample(segments, rng.choice([0, 1, 1, 2]))], batch_size=10000)
    ids = [p.pk for p in people]
    proxy = {p.pk for p in people if p.kind == "internal_proxy"}
    with transaction.atomic():
        _insert(connection, Session, ["product_id", "title", "channel", "mode", "starts_at", "ends_at", "time_zone", "description", "location",
                                      "confidentiality", "recording_url", "captions_url", "created_at", "updated_at"],
                ((product.pk, f"{rng.choice(['Demo', 'Interview', 'Review'])} {n % 500}", rng.choice(["demo", "interview", "review"]), "remote",
                  dt(s), dt(s + timedelta(hours=1)), "UTC", "", "", "participants", "", "", dt(now), dt(now))
                 for n in range(args.sessions) for s in [now - timedelta(minutes=rng.randint(0, span))]))
    sessions = list(Session.objects.filter(product=product).values_list("pk", "starts_at"))
    per = max(1, args.seats // max(1, len(sessions)))
    with transaction.atomic():
        _insert(connection, Participant, ["session_id", "stakeholder_id", "right", "required", "advice", "attendance", "invited_at"],
                ((sid, pid, "contributes", False, False, "", dt(starts)) for sid, starts in sessions for pid in rng.sample(ids, per)))
        _insert(connection, PreRead, ["session_id", "title", "url", "body", "shared_at", "created_at"],
                ((sid, "Notes", "", "", dt(starts - timedelta(hours=rng.randint(1, 96))), dt(starts)) for sid, starts in sessions))
    json_empty = Feedback._meta.get_field("quality_parts").get_db_prep_save({}, connection)
    session_ids = [s[0] for s in sessions]
    with transaction.atomic():
        _insert(connection, Feedback, ["product_id", "stakeholder_id", "session_id", "channel", "said_at", "text", "job", "constraints", "environment",
                                       "observed", "expected", "example", "is_proxy", "quality_score", "quality_parts", "quality_hint", "disposition",
                                       "disposition_at", "is_merge", "source_key", "created_at", "updated_at"],
                ((product.pk, who, rng.choice(session_ids) if rng.random() < 0.3 else None, "interview", dt(said), "Said something.", "", "", "", "", "", "",
                  who is None or who in proxy, 50, json_empty, "", "new", dt(said), False, "", dt(said), dt(said))
                 for _ in range(args.feedback) for said in [now - timedelta(minutes=rng.randint(0, span))]
                 for who in [rng.choice(ids) if rng.random() < 0.9 else None]))
    rows = Feedback.objects.filter(product=product).values_list("pk", "said_at").iterator(chunk_size=20000)
    with transaction.atomic():
        _insert(connection, FeedbackDisposition, ["feedback_id", "status", "increment", "reason", "at", "by_label"],
                (row for fid, said in rows for row in ([(fid, "new", "", "", dt(said), "bench")] +
                 ([(fid, "under_review", "", "", dt(min(now, said + timedelta(days=rng.expovariate(1 / 12)))), "bench")] if rng.random() < 0.6 else []))))
    return product, user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedback", type=int, default=100000, help="Feedback items (the issue's target is measured at 1000000).")
    parser.add_argument("--sessions", type=int, default=10000, help="Sessions (target: 100000).")
    parser.add_argument("--seats", type=int, default=200000, help="Session seats (target: 2000000).")
    parser.add_argument("--stakeholders", type=int, default=20000, help="Stakeholders in the workspace.")
    parser.add_argument("--pages", type=int, default=100, help="Timed health page views.")
    parser.add_argument("--writes", type=int, default=300, help="Timed feedback writes.")
    parser.add_argument("--database-url", default="", help="Run on this PostgreSQL database (flushed first).")
    parser.add_argument("--keep", default="", help="SQLite file to build (kept afterwards) instead of a temporary one; an existing one is reused (not regenerated).")
    parser.add_argument("--build-only", action="store_true", help="Generate the data (into --keep) and stop.")
    args = parser.parse_args()

    tmpdir = None
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        tmpdir = None if args.keep else tempfile.TemporaryDirectory()
        os.environ["HEARD_DB_PATH"] = args.keep or os.path.join(tmpdir.name, "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heard.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models.signals import post_save
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)

    from heard.feedback.models import Feedback, FeedbackDisposition
    from heard.health import actions, hooks, rollups

    rng = random.Random(15)
    t0 = time.perf_counter()
    from heard.core.models import Product

    existing = Product.objects.filter(workspace__slug="bench", slug="app").select_related("workspace").first() if args.keep else None
    if existing:
        product, user = existing, existing.workspace.memberships.get(role="owner").user
    else:
        product, user = build(args, rng)
    generate_s = time.perf_counter() - t0
    if args.build_only:
        print_json({"benchmark": "health", "generated_seconds": round(generate_s, 1), "reused": bool(existing)})
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    load_before_rebuild = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    weeks = actions.rebuild(actor=None, product=product)
    rebuild_s, rebuild_cpu = time.perf_counter() - t0, time.process_time() - c0

    client = Client()
    client.force_login(user)
    url = f"/w/{product.workspace.slug}/p/{product.slug}/health/"
    assert client.get(url).status_code == 200
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as page_queries:
        client.get(url)
    load_before_page = os.getloadavg()[0]
    page, page_cpu = [], []
    for _ in range(args.pages):
        t, c = time.perf_counter(), time.thread_time()
        response = client.get(url)
        page.append((time.perf_counter() - t) * 1000)
        page_cpu.append((time.thread_time() - c) * 1000)
        assert response.status_code == 200
    api = []
    for _ in range(args.pages):
        t = time.perf_counter()
        response = client.get("/api/v1/health/figures", {"workspace": "bench", "product": "app"})
        api.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200

    # A feedback write's rollup cost: the hooks its two rows fire, in the writer's transaction.
    post_save.disconnect(dispatch_uid="heard.health.fb.save", sender=Feedback)
    post_save.disconnect(dispatch_uid="heard.health.disp", sender=FeedbackDisposition)
    people = list(product.workspace.stakeholders.values_list("pk", flat=True)[:500])
    writes, writes_cpu, write_queries = [], [], []
    now = timezone.now()
    load_before_writes = os.getloadavg()[0]
    for i in range(args.writes):
        with transaction.atomic():
            f = Feedback.objects.create(product=product, stakeholder_id=rng.choice(people), text=f"New point {i}",
                                        said_at=now - timedelta(days=rng.randint(0, 60)))
            d = FeedbackDisposition.objects.create(feedback=f, status="new", at=f.created_at)
            with CaptureQueriesContext(connection) as q:
                t, c = time.perf_counter(), time.thread_time()
                hooks._feedback_saved(Feedback, f, created=True)
                hooks._disposition_written(FeedbackDisposition, d, created=True)
                writes.append((time.perf_counter() - t) * 1000)
                writes_cpu.append((time.thread_time() - c) * 1000)
            write_queries.append(len(q))
    t0 = time.perf_counter()
    refreshed_weeks = rollups.refresh(product)
    refresh_s = time.perf_counter() - t0

    print_json({
        "benchmark": "health", "database": connection.vendor,
        "feedback": args.feedback, "sessions": args.sessions, "seats": args.seats, "stakeholders": args.stakeholders,
        "generate_seconds": round(generate_s, 1),
        "rebuild_seconds": round(rebuild_s, 1), "rebuild_cpu_seconds": round(rebuild_cpu, 1), "rebuild_weeks": weeks,
        "load_before_rebuild": round(load_before_rebuild, 2),
        "page_p50_ms": _p(page, 0.5), "page_p95_ms": _p(page, 0.95), "page_cpu_p95_ms": _p(page_cpu, 0.95),
        "page_queries": len(page_queries), "load_before_page": round(load_before_page, 2),
        "api_figures_p95_ms": _p(api, 0.95),
        "write_rollup_p50_ms": _p(writes, 0.5), "write_rollup_p95_ms": _p(writes, 0.95), "write_rollup_cpu_p95_ms": _p(writes_cpu, 0.95),
        "write_rollup_queries_max": max(write_queries), "load_before_writes": round(load_before_writes, 2),
        "refresh_after_write_seconds": round(refresh_s, 2), "refresh_weeks": refreshed_weeks,
        "targets": {"page_p95_ms": 100, "write_rollup_p95_ms": 2, "rebuild_seconds": 120},
        "peak_rss_mb": peak_rss_mb(), "load_average": [round(x, 2) for x in os.getloadavg()],
    })


if __name__ == "__main__":
    main()
