"""The health rollups: marking weeks pending on write, recounting a week from raw rows,
and refreshing a product's flags and snapshot.

Weeks start on Monday 00:00 UTC and are keyed by that Monday's date. Every count of a week
is a pure function of the raw rows of that week (and, for closure coverage, of the cycles
ending in it), so recounting a pending week is always correct, and ``rebuild`` is just
recounting every week.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from .models import HealthSnapshot, PendingWeek, RefreshRequest, WeekCount, WeekPeople
from .refresh_requests import _ask_refresh, _enqueue, request_refresh, waiting  # noqa: F401
from .weeks import (  # noqa: F401
    CUSTOMER_KINDS,
    _spans,
    day_start,
    engagement,
    latency_bucket,
    week_bounds,
    week_of,
)

PER_PERSON = ("voice", "seat")

SPAN_WEEKS = 106  # two years of monthly points plus the window before them
CHANGE_DISPOSITIONS = ("planned", "already_done")


# ---------------------------------------------------------------- marking (on write)

def mark(product_id: int, moments) -> None:
    """Mark the weeks of ``moments`` (datetimes; None ignored) of a product pending and ask
    for a refresh after the commit. Called by the signal receivers in ``hooks``.

    The cost per write is at most two statements on small tables, each by its unique key
    (an insert of the pending weeks that ignores those already pending, and an upsert of the
    refresh request), and nothing for a week already marked earlier in the same savepoint
    (a feedback item and its disposition row, written by one action, mark once)."""
    weeks = {week_of(m) for m in moments if m is not None}
    if not weeks or product_id is None:
        return
    marks = _Marks.current()
    new = sorted(w for w in weeks if (product_id, w) not in marks.weeks) if marks else sorted(weeks)
    if new:
        _insert_pending(product_id, new)
        if marks:
            marks.weeks.update((product_id, w) for w in new)
    if marks and product_id in marks.asked:
        return
    if _ask_refresh(product_id):
        _enqueue(product_id)
    if marks:
        marks.asked.add(product_id)


class _Marks:
    """What one savepoint level of the current transaction has marked already. Django
    replaces ``connection.run_on_commit`` with a new list on every commit, rollback and
    savepoint rollback, so a memo is only trusted while that same list is in place: after
    any of those, the rows it remembers may be gone and writes mark again."""

    def __init__(self):
        self.weeks: set[tuple[int, date]] = set()
        self.asked: set[int] = set()

    @classmethod
    def current(cls) -> _Marks | None:
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            return None
        held = getattr(connection, "_health_marks", None)
        if held is None or held[0] is not connection.run_on_commit:
            held = connection._health_marks = (connection.run_on_commit, {})
        level = frozenset(connection.savepoint_ids)
        found = held[1].get(level)
        if found is None:
            found = held[1][level] = cls()
        return found

    @classmethod
    def forget(cls, product_id: int) -> None:
        """A refresh in this transaction unmarked the product's weeks: later writes in it
        must mark again."""
        held = getattr(transaction.get_connection(), "_health_marks", None)
        for found in (held[1].values() if held else ()):
            found.weeks = {(p, w) for p, w in found.weeks if p != product_id}
            found.asked.discard(product_id)


def _insert_pending(product_id: int, weeks: list[date]) -> None:
    connection = transaction.get_connection()
    table = connection.ops.quote_name(PendingWeek._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * len(weeks))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [p for w in weeks for p in (product_id, connection.ops.adapt_datefield_value(w), now)]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (product_id, week, marked_at) VALUES {values} ON CONFLICT (product_id, week) DO NOTHING", params)


def mark_span(product_id: int) -> None:
    """Mark every week the figures show (two years) pending."""
    this = week_of(timezone.now())
    mark(product_id, [day_start(this - timedelta(weeks=n)) for n in range(SPAN_WEEKS)])


# ---------------------------------------------------------------- people

class People:
    """Kinds and segments of a workspace's stakeholders, loaded once per refresh."""

    def __init__(self, workspace_id: int):
        from heard.stakeholders.models import Stakeholder

        self.kind = dict(Stakeholder.objects.filter(workspace_id=workspace_id).values_list("id", "kind"))
        self.segments: dict[int, list[int]] = defaultdict(list)
        through = Stakeholder.segments.through
        for stakeholder_id, segment_id in through.objects.filter(stakeholder__workspace_id=workspace_id).values_list("stakeholder_id", "segment_id"):
            self.segments[stakeholder_id].append(segment_id)


# ---------------------------------------------------------------- counting one week

def _series_key(channel: str, title: str) -> str:
    """Occurrences of a recurring session share a title once dates, numbers and month
    names are taken out ("Monthly demo – March 2026" and "Monthly demo – April 2026")."""
    text = re.sub(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b", " ", title.lower())
    text = re.sub(r"[\d\W_]+", " ", text)
    return f"{channel}:{' '.join(text.split())}"[:200]


def _first_times(qs, field: str) -> dict[int, datetime]:
    return dict(qs.values("feedback_id").annotate(first=Min(field)).values_list("feedback_id", "first"))


def _chunks(values, size=500):
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


# ---------------------------------------------------------------- SQL pieces (both databases)

def _week_sql(column: str, vendor: str) -> str:
    """The Monday (UTC) of a timestamp column, in SQL."""
    if vendor == "postgresql":
        return f"(date_trunc('week', {column} AT TIME ZONE 'UTC'))::date"
    return f"date({column}, 'weekday 0', '-6 days')"


def _days_sql(later: str, earlier: str, vendor: str) -> str:
    """Whole days from ``earlier`` to ``later`` (floor; negatives are clamped in Python)."""
    if vendor == "postgresql":
        return f"FLOOR(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400)::integer"
    # julianday is a double: round to the millisecond before flooring to whole days, so
    # an answer exactly N days later counts as N.
    return f"(CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400000) AS INTEGER) / 86400000)"


class _SQL:
    """Runs the grouped counts of one span; quoted table names and adapted parameters."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor
        self._weeks: dict = {}

    def table(self, model) -> str:
        return self.connection.ops.quote_name(model._meta.db_table)

    def dt(self, value):
        return self.connection.ops.adapt_datetimefield_value(value)

    def week(self, column: str) -> str:
        return _week_sql(column, self.vendor)

    def days(self, later: str, earlier: str) -> str:
        return _days_sql(later, earlier, self.vendor)

    def to_week(self, value) -> date:
        found = self._weeks.get(value)
        if found is None:
            found = self._weeks[value] = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        return found

    def rows(self, sql: str, params):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            while True:
                chunk = cursor.fetchmany(20000)
                if not chunk:
                    return
                yield from chunk


def _bucket_days(days: int) -> int:
    return latency_bucket(timedelta(days=max(0, int(days))))


def count_span(product, first: date, weeks: int, people: People | None = None, *, lead_days: int, now: datetime) -> dict[date, tuple[Counter, list]]:
    """Every count of ``weeks`` consecutive weeks from ``first``, from raw rows, with the
    same few grouped queries whatever the span (the database groups by week, stakeholder,
    kind and segment; Python only files the grouped rows): ``{week: (counts, outcomes)}``
    where counts is ``{(metric, dim): value}`` and outcomes ``[(session_id, series_key,
    ends_at, feedback_count, changed)]`` for the sessions starting that week. ``people`` is
    not needed any more (kinds and segments are joined in SQL) and kept for callers."""
    from heard.closure.models import ClosureCycle, ClosureNote
    from heard.decisions.models import Decision, DecisionEvidence
    from heard.feedback.models import Feedback, FeedbackDisposition, FeedbackLink
    from heard.sessions.models import Participant, PreRead, Session
    from heard.stakeholders.models import Stakeholder

    from .models import BacklogEvent

    sql = _SQL()
    start, end = day_start(first), day_start(first + timedelta(weeks=weeks))
    out: dict[date, tuple[Counter, list]] = {first + timedelta(weeks=n): (Counter(), []) for n in range(weeks)}

    def bump(moment, metric, dim="", n=1):
        out[week_of(moment)][0][metric, dim] += n

    F, ST, SS = sql.table(Feedback), sql.table(Stakeholder), sql.table(Stakeholder.segments.through)
    S, P = sql.table(Session), sql.table(Participant)
    fb_span = "f.product_id = %s AND f.said_at >= %s AND f.said_at < %s AND f.is_merge = %s"
    fb_params = [product.pk, sql.dt(start), sql.dt(end), False]
    wk = sql.week("f.said_at")

    # Voice: feedback said in the span (a merge record stands for originals counted already).
    for week, is_proxy, n in sql.rows(f"SELECT {wk}, f.is_proxy, COUNT(*) FROM {F} f WHERE {fb_span} GROUP BY 1, 2", fb_params):
        c = out[sql.to_week(week)][0]
        c["fb", ""] += n
        if is_proxy:
            c["fb_proxy", ""] += n
    for week, stakeholder_id, n in sql.rows(
        f"SELECT {wk}, f.stakeholder_id, COUNT(*) FROM {F} f WHERE {fb_span} AND f.stakeholder_id IS NOT NULL GROUP BY 1, 2", fb_params
    ):
        c = out[sql.to_week(week)][0]
        c["fb_known", ""] += n
        c["voice", str(stakeholder_id)] += n
    for week, kind, n in sql.rows(f"SELECT {wk}, s.kind, COUNT(*) FROM {F} f JOIN {ST} s ON s.id = f.stakeholder_id WHERE {fb_span} GROUP BY 1, 2", fb_params):
        out[sql.to_week(week)][0]["fb_kind", kind or ""] += n
    for week, segment_id, n in sql.rows(
        f"SELECT {wk}, ss.segment_id, COUNT(*) FROM {F} f JOIN {SS} ss ON ss.stakeholder_id = f.stakeholder_id WHERE {fb_span} GROUP BY 1, 2", fb_params
    ):
        out[sql.to_week(week)][0]["fb_seg", str(segment_id)] += n

    # Latency of the span's feedback to its first answer of each kind, grouped by whole days.
    CN, CNF = sql.table(ClosureNote), sql.table(ClosureNote.feedback.through)
    stages = {
        "lat_disp": (f"JOIN {sql.table(FeedbackDisposition)} x ON x.feedback_id = f.id AND x.status <> %s", "x.at", ["new"]),
        "lat_dec": (f"JOIN {sql.table(DecisionEvidence)} x ON x.feedback_id = f.id", "x.added_at", []),
        "lat_close": (f"JOIN {CNF} t ON t.feedback_id = f.id JOIN {CN} x ON x.id = t.closurenote_id AND x.status = %s", "x.sent_at", ["sent"]),
    }
    for metric, (join, moment, join_params) in stages.items():
        inner = (f"SELECT f.id, f.said_at AS said_at, MIN({moment}) AS first_at FROM {F} f {join} "
                 f"WHERE {fb_span} AND {moment} IS NOT NULL GROUP BY f.id, f.said_at")
        query = f"SELECT {sql.week('t2.said_at')}, {sql.days('t2.first_at', 't2.said_at')}, COUNT(*) FROM ({inner}) t2 GROUP BY 1, 2"
        for week, days, n in sql.rows(query, join_params + fb_params):
            out[sql.to_week(week)][0][metric, str(_bucket_days(days))] += n

    # Seats: stakeholders invited to sessions starting in the span.
    seat_span = "s.product_id = %s AND s.starts_at >= %s AND s.starts_at < %s AND p.stakeholder_id IS NOT NULL"
    seat_params = [product.pk, sql.dt(start), sql.dt(end)]
    swk = sql.week("s.starts_at")
    for week, stakeholder_id, n in sql.rows(
        f"SELECT {swk}, p.stakeholder_id, COUNT(*) FROM {P} p JOIN {S} s ON s.id = p.session_id WHERE {seat_span} GROUP BY 1, 2", seat_params
    ):
        c = out[sql.to_week(week)][0]
        c["seats", ""] += n
        c["seat", str(stakeholder_id)] += n
    for week, segment_id, n in sql.rows(
        f"SELECT {swk}, ss.segment_id, COUNT(*) FROM {P} p JOIN {S} s ON s.id = p.session_id "
        f"JOIN {SS} ss ON ss.stakeholder_id = p.stakeholder_id WHERE {seat_span} GROUP BY 1, 2", seat_params
    ):
        out[sql.to_week(week)][0]["seat_seg", str(segment_id)] += n

    # Pre-reads of sessions that have started: shared at least the lead time before?
    # (one row per pre-read; compared in Python so the boundary is exact on both databases)
    lead = timedelta(days=lead_days)
    for shared_at, starts_at in PreRead.objects.filter(
        session__product=product, session__starts_at__gte=start, session__starts_at__lt=min(end, now)
    ).values_list("shared_at", "session__starts_at").iterator(chunk_size=5000):
        bump(starts_at, "preread")
        if shared_at is not None and shared_at <= starts_at - lead:
            bump(starts_at, "preread_on_time")

    # Sessions and whether their feedback changed anything.
    in_sessions = {"session__product": product, "session__starts_at__gte": start, "session__starts_at__lt": end}
    counts = Counter(dict(Feedback.objects.filter(**in_sessions, is_merge=False).order_by().values("session_id").annotate(n=Count("id")).values_list("session_id", "n")))
    changed = set(Feedback.objects.filter(**in_sessions, disposition__in=CHANGE_DISPOSITIONS).values_list("session_id", flat=True).distinct())
    changed |= set(FeedbackLink.objects.filter(**{f"feedback__{k}": v for k, v in in_sessions.items()}).values_list("feedback__session_id", flat=True).distinct())
    changed |= set(DecisionEvidence.objects.filter(**{f"feedback__{k}": v for k, v in in_sessions.items()}).values_list("feedback__session_id", flat=True).distinct())
    for sid, channel, title, starts_at, ends_at in (
        Session.objects.filter(product=product, starts_at__gte=start, starts_at__lt=end).values_list("id", "channel", "title", "starts_at", "ends_at").iterator(chunk_size=5000)
    ):
        c, outcomes = out[week_of(starts_at)]
        outcomes.append((sid, _series_key(channel, title), ends_at, counts.get(sid, 0), sid in changed))
        c["sessions", ""] += 1
        if sid in changed:
            c["sessions_changed", ""] += 1

    # Rework: decisions taken in the span, and those superseded within 90 days.
    decided = dict(Decision.objects.filter(product=product, decided_at__gte=start, decided_at__lt=end).values_list("id", "decided_at"))
    for decided_at in decided.values():
        bump(decided_at, "decided")
    superseded = set()
    for old_id, created_at in Decision.objects.filter(supersedes__product=product, supersedes__decided_at__gte=start, supersedes__decided_at__lt=end).values_list("supersedes_id", "created_at"):
        if old_id in decided and old_id not in superseded and created_at - decided[old_id] <= timedelta(days=90):
            superseded.add(old_id)
            bump(decided[old_id], "superseded_90")
    for kind, at in BacklogEvent.objects.filter(product=product, at__gte=start, at__lt=end).values_list("kind", "at"):
        bump(at, kind)
    for _criterion_id, _item_id, at in changed_after_judgement(product, start, end):
        bump(at, "criteria_after_judgement")

    # Closure coverage of the cycles ending in the span.
    for cycle in ClosureCycle.objects.filter(product=product, ends_on__gte=first, ends_on__lt=first + timedelta(weeks=weeks)):
        cstart, cend = day_start(cycle.starts_on), day_start(cycle.ends_on + timedelta(days=1))
        voices = set(Feedback.objects.filter(product=product, said_at__gte=cstart, said_at__lt=cend, is_merge=False, stakeholder__isnull=False)
                     .values_list("stakeholder_id", flat=True).distinct())
        sent = list(ClosureNote.objects.filter(cycle=cycle, status="sent").values_list("stakeholder_id", "opened_at", "acknowledged_at"))
        c = out[week_of(cycle.ends_on)][0]
        c["closure_voices", ""] += len(voices)
        c["closure_reached", ""] += len(voices & {s for s, _, _ in sent})
        c["notes_sent", ""] += len(sent)
        c["notes_opened", ""] += sum(1 for _, opened, _ in sent if opened)
        c["notes_acked", ""] += sum(1 for _, _, acked in sent if acked)
    return out


def changed_after_judgement(product, start: datetime, end: datetime) -> list[tuple[int, int, datetime]]:
    """Acceptance criteria whose text changed in [start, end) after a demo verdict on them or
    a sign-off of their item: (criterion id, item id, first such change of that week), once
    per criterion and week, oldest first."""
    from heard.demos.models import DemoVerdict, SignOff

    from .models import BacklogEvent

    events = list(BacklogEvent.objects.filter(product=product, kind="criterion_changed", criterion__isnull=False, at__gte=start, at__lt=end)
                  .order_by("at", "id").values_list("criterion_id", "backlog_item_id", "at"))
    if not events:
        return []
    first_verdict: dict[int, datetime] = {}
    first_sign_off: dict[int, datetime] = {}
    for part in _chunks({c for c, _, _ in events}):
        first_verdict.update(DemoVerdict.objects.filter(demonstration__criterion_id__in=part).order_by().values("demonstration__criterion_id")
                             .annotate(first=Min("recorded_at")).values_list("demonstration__criterion_id", "first"))
    for part in _chunks({i for _, i, _ in events}):
        first_sign_off.update(SignOff.objects.filter(backlog_item_id__in=part).order_by().values("backlog_item_id")
                              .annotate(first=Min("at")).values_list("backlog_item_id", "first"))
    found, seen = [], set()
    for criterion_id, item_id, at in events:
        judged = [t for t in (first_verdict.get(criterion_id), first_sign_off.get(item_id)) if t is not None]
        if judged and min(judged) < at and (week_of(at), criterion_id) not in seen:
            seen.add((week_of(at), criterion_id))
            found.append((criterion_id, item_id, at))
    return found


def count_week(product, week: date, people: People | None = None, *, lead_days: int, now: datetime) -> tuple[Counter, list]:
    """The counts and session outcomes of one week (see ``count_span``)."""
    return count_span(product, week, 1, people, lead_days=lead_days, now=now)[week]


def _closure_weeks(product, weeks: set[date]) -> set[date]:
    """Weeks whose closure counts depend on feedback of ``weeks`` (cycles overlapping them)."""
    from heard.closure.models import ClosureCycle

    extra = set()
    for starts_on, ends_on in ClosureCycle.objects.filter(product=product).values_list("starts_on", "ends_on"):
        first, last = week_of(starts_on), week_of(ends_on)
        if any(first <= w <= last for w in weeks):
            extra.add(last)
    return extra


def _store_span(product, first: date, weeks: int, counted: dict[date, tuple[Counter, list]]) -> None:
    from .models import SessionOutcome

    last = first + timedelta(weeks=weeks)
    WeekCount.objects.filter(product=product, week__gte=first, week__lt=last).delete()
    WeekCount.objects.bulk_create(
        [WeekCount(product=product, week=week, metric=m, dim=d or "", value=v)
         for week, (counts, _) in counted.items() for (m, d), v in counts.items() if v and m not in PER_PERSON],
        batch_size=5000,
    )
    WeekPeople.objects.filter(product=product, week__gte=first, week__lt=last).delete()
    WeekPeople.objects.bulk_create(
        [WeekPeople(product=product, week=week, metric=metric, counts=people)
         for week, (counts, _) in counted.items() for metric in PER_PERSON
         for people in [{d: v for (m, d), v in counts.items() if m == metric and v}] if people],
        batch_size=500,
    )
    SessionOutcome.objects.filter(product=product, session__starts_at__gte=day_start(first), session__starts_at__lt=day_start(last)).delete()
    SessionOutcome.objects.bulk_create(
        [SessionOutcome(session_id=sid, product=product, series_key=key, ends_at=ends_at, feedback_count=n, changed=ch)
         for _, outcomes in counted.values() for sid, key, ends_at, n, ch in outcomes],
        batch_size=5000,
    )


# ---------------------------------------------------------------- refresh and rebuild

def refresh(product, *, now: datetime | None = None, everything: bool = False) -> int:
    """Recount the product's pending weeks, re-evaluate its flags and rebuild its snapshot.
    Idempotent; returns the number of weeks recounted. The worker runs it (``tasks``)."""
    from . import detect, snapshot

    now = now or timezone.now()
    _Marks.forget(product.pk)
    RefreshRequest.objects.filter(product=product).update(requested_at=None)
    weeks = set(PendingWeek.objects.filter(product=product).values_list("week", flat=True))
    weeks |= _closure_weeks(product, weeks)
    model = engagement(product)
    people = None
    for first, length in _spans(weeks):
        with transaction.atomic():
            # Unmark first: a write committed after this point marks the week again and
            # asks for another refresh, so no write is ever left uncounted.
            PendingWeek.objects.filter(product=product, week__gte=first, week__lt=first + timedelta(weeks=length)).delete()
            counted = count_span(product, first, length, people, lead_days=model.pre_read_lead_days, now=now)
            _store_span(product, first, length, counted)
    with transaction.atomic():
        detect.refresh_flags(product, weeks, now=now, model=model, everything=everything)
        snapshot.build(product, now=now, model=model)
    return len(weeks)


def data_weeks(product) -> set[date]:
    """Every week that holds a counted row of the product."""
    from heard.closure.models import ClosureCycle
    from heard.decisions.models import Decision
    from heard.feedback.models import Feedback
    from heard.sessions.models import Session

    from .models import BacklogEvent

    bounds = []
    for qs, field in ((Feedback.objects.filter(product=product), "said_at"), (Session.objects.filter(product=product), "starts_at"),
                      (Decision.objects.filter(product=product, decided_at__isnull=False), "decided_at"),
                      (BacklogEvent.objects.filter(product=product), "at")):
        found = qs.aggregate(first=Min(field))["first"]
        if found:
            bounds.append(week_of(found))
    for ends_on in ClosureCycle.objects.filter(product=product).values_list("ends_on", flat=True):
        bounds.append(week_of(ends_on))
    if not bounds:
        return set()
    this = week_of(timezone.now())
    first = min(bounds)
    last = max(this, *bounds)
    return {first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)}


def rebuild(product, *, now: datetime | None = None) -> int:
    """Recount every week of a product from raw rows (``heard health rebuild``)."""
    from .models import SessionOutcome

    weeks = data_weeks(product)
    WeekCount.objects.filter(product=product).exclude(week__in=weeks).delete()
    WeekPeople.objects.filter(product=product).exclude(week__in=weeks).delete()
    SessionOutcome.objects.filter(product=product).delete()
    PendingWeek.objects.bulk_create([PendingWeek(product=product, week=w) for w in weeks], ignore_conflicts=True)
    HealthSnapshot.objects.get_or_create(product=product)
    return refresh(product, now=now, everything=True)
