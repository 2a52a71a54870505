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

from heard.core import tasks

from .models import HealthSnapshot, PendingWeek, RefreshRequest, WeekCount, WeekPeople
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
    for a refresh after the commit. Called by the signal receivers in ``hooks``."""
    weeks = {week_of(m) for m in moments if m is not None}
    if not weeks or product_id is None:
        return
    PendingWeek.objects.bulk_create([PendingWeek(product_id=product_id, week=w) for w in weeks], ignore_conflicts=True)
    request_refresh(product_id)


def mark_span(product_id: int) -> None:
    """Mark every week the figures show (two years) pending."""
    this = week_of(timezone.now())
    mark(product_id, [day_start(this - timedelta(weeks=n)) for n in range(SPAN_WEEKS)])


def request_refresh(product_id: int) -> None:
    """Enqueue one refresh task per burst of writes: only the write that finds no request
    waiting enqueues, after its commit."""
    now = timezone.now()
    asked = RefreshRequest.objects.filter(product_id=product_id, requested_at__isnull=True).update(requested_at=now)
    if not asked:
        if RefreshRequest.objects.filter(product_id=product_id).exists():
            return
        RefreshRequest.objects.create(product_id=product_id, requested_at=now)
    _enqueue(product_id)


def waiting(product_id: int) -> bool:
    """Whether writes of the product wait to be counted."""
    return RefreshRequest.objects.filter(product_id=product_id, requested_at__isnull=False).exists()


def _enqueue(product_id: int) -> None:
    tasks.enqueue("health.refresh_health", product_id)


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


def count_span(product, first: date, weeks: int, people: People, *, lead_days: int, now: datetime) -> dict[date, tuple[Counter, list]]:
    """Every count of ``weeks`` consecutive weeks from ``first``, from raw rows, with the
    same few queries whatever the span: ``{week: (counts, outcomes)}`` where counts is
    ``{(metric, dim): value}`` and outcomes ``[(session_id, series_key, ends_at,
    feedback_count, changed)]`` for the sessions starting that week."""
    from heard.closure.models import ClosureCycle, ClosureNote
    from heard.decisions.models import Decision, DecisionEvidence
    from heard.feedback.models import Feedback, FeedbackDisposition, FeedbackLink
    from heard.sessions.models import Participant, PreRead, Session

    from .models import BacklogEvent

    start, end = day_start(first), day_start(first + timedelta(weeks=weeks))
    out: dict[date, tuple[Counter, list]] = {first + timedelta(weeks=n): (Counter(), []) for n in range(weeks)}

    def bump(moment, metric, dim="", n=1):
        out[week_of(moment)][0][metric, dim] += n

    # Voice: feedback said in the span (a merge record stands for originals counted already).
    said = {}
    for fid, stakeholder_id, is_proxy, said_at in (
        Feedback.objects.filter(product=product, said_at__gte=start, said_at__lt=end, is_merge=False)
        .values_list("id", "stakeholder_id", "is_proxy", "said_at").iterator(chunk_size=5000)
    ):
        said[fid] = said_at
        c = out[week_of(said_at)][0]
        c["fb", ""] += 1
        if is_proxy:
            c["fb_proxy", ""] += 1
        if stakeholder_id is None:
            continue
        c["fb_known", ""] += 1
        c["voice", str(stakeholder_id)] += 1
        c["fb_kind", people.kind.get(stakeholder_id, "")] += 1
        for segment_id in people.segments.get(stakeholder_id, ()):
            c["fb_seg", str(segment_id)] += 1

    # Latency of the span's feedback to its first answer of each kind.
    in_span = {"feedback__product": product, "feedback__said_at__gte": start, "feedback__said_at__lt": end}
    stages = {
        "lat_disp": _first_times(FeedbackDisposition.objects.filter(**in_span).exclude(status="new"), "at"),
        "lat_dec": _first_times(DecisionEvidence.objects.filter(**in_span), "added_at"),
        "lat_close": _first_times(ClosureNote.feedback.through.objects.filter(**in_span, closurenote__status="sent"), "closurenote__sent_at"),
    }
    for metric, firsts in stages.items():
        for fid, first_at in firsts.items():
            if fid in said and first_at is not None:
                bump(said[fid], metric, str(latency_bucket(first_at - said[fid])))

    # Seats: stakeholders invited to sessions starting in the span.
    for stakeholder_id, starts_at in (
        Participant.objects.filter(session__product=product, session__starts_at__gte=start, session__starts_at__lt=end, stakeholder__isnull=False)
        .values_list("stakeholder_id", "session__starts_at").iterator(chunk_size=5000)
    ):
        c = out[week_of(starts_at)][0]
        c["seats", ""] += 1
        c["seat", str(stakeholder_id)] += 1
        for segment_id in people.segments.get(stakeholder_id, ()):
            c["seat_seg", str(segment_id)] += 1

    # Pre-reads of sessions that have started: shared at least the lead time before?
    lead = timedelta(days=lead_days)
    for shared_at, starts_at in PreRead.objects.filter(
        session__product=product, session__starts_at__gte=start, session__starts_at__lt=min(end, now)
    ).values_list("shared_at", "session__starts_at").iterator(chunk_size=5000):
        bump(starts_at, "preread")
        if shared_at is not None and shared_at <= starts_at - lead:
            bump(starts_at, "preread_on_time")

    # Sessions and whether their feedback changed anything.
    in_sessions = {"session__product": product, "session__starts_at__gte": start, "session__starts_at__lt": end}
    counts = Counter(dict(Feedback.objects.filter(**in_sessions, is_merge=False).values("session_id").annotate(n=Count("id")).values_list("session_id", "n")))
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


def count_week(product, week: date, people: People, *, lead_days: int, now: datetime) -> tuple[Counter, list]:
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

def refresh(product, *, now: datetime | None = None) -> int:
    """Recount the product's pending weeks, re-evaluate its flags and rebuild its snapshot.
    Idempotent; returns the number of weeks recounted. The worker runs it (``tasks``)."""
    from . import detect, snapshot

    now = now or timezone.now()
    RefreshRequest.objects.filter(product=product).update(requested_at=None)
    weeks = set(PendingWeek.objects.filter(product=product).values_list("week", flat=True))
    weeks |= _closure_weeks(product, weeks)
    model = engagement(product)
    people = People(product.workspace_id) if weeks else None
    for first, length in _spans(weeks):
        with transaction.atomic():
            # Unmark first: a write committed after this point marks the week again and
            # asks for another refresh, so no write is ever left uncounted.
            PendingWeek.objects.filter(product=product, week__gte=first, week__lt=first + timedelta(weeks=length)).delete()
            counted = count_span(product, first, length, people, lead_days=model.pre_read_lead_days, now=now)
            _store_span(product, first, length, counted)
    with transaction.atomic():
        detect.refresh_flags(product, weeks, now=now, model=model)
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
    return refresh(product, now=now)
