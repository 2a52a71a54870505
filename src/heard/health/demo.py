"""Demo shaping for collaboration health, run after every other app's demo: a second year
of feedback (so monthly series and trends move), a recurring check-in whose feedback is
never acted on (listening as theatre, a ritual without influence, a stakeholder over the
invitation cap), a backlog item resting only on proxy input, an item reopened after release
with a changed criterion, a decision superseded within 90 days, and a last-minute sign-off
recorded through the rule sign-offs will use. Then every figure is counted from raw rows.

Idempotent: everything is looked up by a natural key (source key, title) first.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

SERIES = {"invoicing": "Monthly check-in with finance buyers", "field-app": "Monthly check-in with dispatchers"}
SERIES_DAYS = (-112, -84, -56, -35, -14)
PROXY_ITEM = {"invoicing": "Bulk edit of price lists", "field-app": "Custom job templates"}
REOPENED_ITEM = {"invoicing": "Recurring invoices", "field-app": "Offline maps"}
EARLIER = 70  # feedback items per product in the year before the feedback demo's year
EARLIER_CYCLE = "Two quarters ago"


def load(workspace):
    from . import rollups

    people = list(workspace.stakeholders.filter(erased_at__isnull=True).order_by("pk"))
    if not people:
        return
    for product in workspace.products.filter(slug__in=list(SERIES)):
        rng = random.Random(f"health-{product.slug}")
        _earlier_year(product, people, rng)
        _ritual(product, people, rng)
        _proxy_only(product, people)
        _reopened(product)
        _releases(product)
        _sessions_that_changed(product, people)
        _earlier_cycle(product)
        _superseded(product)
        _sign_off(product, people)
        rollups.rebuild(product)


def _earlier_year(product, people, rng):
    from heard.feedback import actions
    from heard.feedback.models import Feedback, FeedbackDisposition

    now = timezone.now()
    existing = set(Feedback.objects.filter(product=product, source_key__startswith="demo-health-").values_list("source_key", flat=True))
    # The first year leans on enterprise buyers; the second (the feedback demo) is broader.
    buyers = [p for p in people if p.kind == "buyer"] or people
    for n in range(EARLIER):
        key = f"demo-health-{product.slug}-{n}"
        person = rng.choice(buyers if rng.random() < 0.6 else people)
        said_at = now - timedelta(days=rng.randint(370, 720), hours=rng.randint(0, 10))
        days = rng.randint(2, 90)
        if key in existing:
            continue
        feedback = actions.record_feedback(actor=None, product=product, data={
            "text": rng.choice(["Month-end still takes too long.", "We need more export formats.", "The reminders work well for us.",
                                "Our auditors asked for a change log.", "Please keep the old invoice layout available."]),
            "stakeholder": str(person.pk), "channel": rng.choice(["interview", "email", "demo"]), "said_at": said_at, "external_id": key,
        })
        if rng.random() < 0.8:
            actions.set_disposition(actor=None, feedback=feedback, status=rng.choice(["deferred", "under_review", "declined"]),
                                    reason="Other work for regulated customers comes first this year.")
            FeedbackDisposition.objects.filter(feedback=feedback).exclude(status="new").update(at=said_at + timedelta(days=days))
        FeedbackDisposition.objects.filter(feedback=feedback, status="new").update(at=said_at)


def _ritual(product, people, rng):
    """A monthly check-in with the same two buyers whose feedback nobody acts on."""
    from heard.feedback import actions as feedback_actions
    from heard.feedback.models import Feedback
    from heard.sessions import actions
    from heard.sessions.models import Session

    regulars = [p for p in people if p.kind == "buyer"][:2] or people[:2]
    now = timezone.now()
    for days in SERIES_DAYS:
        start = (now + timedelta(days=days)).replace(hour=14, minute=0, second=0, microsecond=0)
        title = f"{SERIES[product.slug]} – {start.day} {start:%B %Y}"
        session = Session.objects.filter(product=product, title=title).first()
        if session is None:
            session = actions.create_session(actor=None, product=product, data={
                "title": title, "channel": "review", "mode": "remote", "time_zone": "UTC",
                "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                "description": "Our regular check-in: what is on your mind this month?",
            })
            for person in regulars:
                actions.add_participant(actor=None, session=session, stakeholder=str(person.pk))
        for i, person in enumerate(regulars):
            key = f"demo-health-series-{session.pk}-{i}"
            if not Feedback.objects.filter(product=product, source_key=key).exists():
                feedback = feedback_actions.record_feedback(actor=None, product=product, data={
                    "text": "As every month: the approval workflow needs a second approver for large invoices.",
                    "stakeholder": str(person.pk), "channel": "session_note", "session": str(session.pk),
                    "said_at": start + timedelta(minutes=20), "external_id": key,
                })
                feedback_actions.set_disposition(actor=None, feedback=feedback, status="under_review")


def _proxy_only(product, people):
    from heard.backlog import actions as backlog_actions
    from heard.backlog.models import BacklogItem
    from heard.feedback import actions
    from heard.feedback.models import Feedback

    title = PROXY_ITEM[product.slug]
    item = BacklogItem.objects.filter(product=product, title=title).first() or backlog_actions.create_item(
        actor=None, product=product, data={"title": title, "description": "Asked for by account managers on behalf of customers.", "status": "refined"})
    proxies = [p for p in people if p.kind == "internal_proxy"][:2]
    for i in range(3):
        key = f"demo-health-proxy-{product.slug}-{i}"
        if Feedback.objects.filter(product=product, source_key=key).exists():
            continue
        who = proxies[i % len(proxies)] if proxies else None
        feedback = actions.record_feedback(actor=None, product=product, data={
            "text": "Several of my accounts keep asking for this, I'm told.", "stakeholder": str(who.pk) if who else "",
            "channel": "email", "said_at": timezone.now() - timedelta(days=20 + 7 * i), "external_id": key,
        })
        actions.link_feedback(actor=None, feedback=feedback, backlog_item=item)


def _reopened(product):
    from heard.backlog import actions
    from heard.backlog.models import BacklogItem

    title = REOPENED_ITEM[product.slug]
    if BacklogItem.objects.filter(product=product, title=title).exists():
        return
    item = actions.create_item(actor=None, product=product, data={"title": title, "status": "done"})
    criterion = actions.add_criterion(actor=None, item=item, data={"text": "Given a monthly schedule, when the day comes, then the invoice is sent."})
    actions.update_item(actor=None, item=item, data={"status": "released"})
    actions.update_criterion(actor=None, criterion=criterion, data={"text": "Given a monthly schedule, when the day is a weekend, then the invoice is sent on the Monday."})
    actions.update_item(actor=None, item=item, data={"status": "in_progress"})


def _releases(product):
    """Earlier releases (before the health app recorded them), so reopening has a history."""
    from heard.backlog import actions
    from heard.backlog.models import BacklogItem

    from .models import BacklogEvent

    now = timezone.now()
    for n, days in enumerate((150, 100, 60, 25)):
        title = f"Release note {n + 1}: small improvements"
        if BacklogItem.objects.filter(product=product, title=title).exists():
            continue
        item = actions.create_item(actor=None, product=product, data={"title": title, "status": "done"})
        actions.update_item(actor=None, item=item, data={"status": "released"})
        BacklogEvent.objects.filter(backlog_item=item, kind="released").update(at=now - timedelta(days=days))


def _sessions_that_changed(product, people):
    """Feedback from two past sessions that became plans, so some sessions changed something."""
    from heard.feedback import actions
    from heard.feedback.models import Feedback
    from heard.sessions.models import Session

    now = timezone.now()
    past = list(Session.objects.filter(product=product, ends_at__lt=now).exclude(title__startswith=SERIES[product.slug]).order_by("starts_at")[:2])
    customers = [p for p in people if p.kind != "internal_proxy"]
    for i, session in enumerate(past):
        key = f"demo-health-changed-{session.pk}"
        if Feedback.objects.filter(product=product, source_key=key).exists():
            continue
        feedback = actions.record_feedback(actor=None, product=product, data={
            "text": "If the export showed which invoice failed, we would fix it ourselves in a minute.",
            "stakeholder": str(customers[i % len(customers)].pk), "channel": "session_note", "session": str(session.pk),
            "said_at": session.starts_at + timedelta(minutes=30), "external_id": key,
        })
        actions.set_disposition(actor=None, feedback=feedback, status="planned", increment="2026.3")


def _earlier_cycle(product):
    """A closure cycle from two quarters ago in which about half the voices heard back."""
    from heard.closure.models import ClosureCycle, ClosureNote
    from heard.feedback.models import Feedback

    today = timezone.now().date()
    name = EARLIER_CYCLE
    if ClosureCycle.objects.filter(product=product, name=name).exists():
        return
    ends = today - timedelta(days=150)
    cycle = ClosureCycle.objects.create(product=product, name=name, starts_on=ends - timedelta(days=90), ends_on=ends, status="closed")
    start, end = timezone.datetime.combine(cycle.starts_on, timezone.datetime.min.time()), timezone.datetime.combine(ends, timezone.datetime.max.time())
    voices = (Feedback.objects.filter(product=product, said_at__gte=timezone.make_aware(start), said_at__lte=timezone.make_aware(end), stakeholder__isnull=False)
              .values_list("stakeholder_id", flat=True).distinct().order_by("stakeholder_id"))
    sent_at = timezone.make_aware(timezone.datetime.combine(ends + timedelta(days=3), timezone.datetime.min.time()))
    for n, stakeholder_id in enumerate(list(voices)[::2]):
        ClosureNote.objects.create(cycle=cycle, stakeholder_id=stakeholder_id, status="sent", subject="What we did with what you told us",
                                   body="Thank you. Here is what changed.", sent_at=sent_at, published_at=sent_at,
                                   opened_at=sent_at + timedelta(days=1) if n % 2 == 0 else None,
                                   acknowledged_at=sent_at + timedelta(days=2) if n % 4 == 0 else None)


def _superseded(product):
    from heard.decisions.models import Decision

    question = "Do we charge for the bookkeeping export?" if product.slug == "invoicing" else "Do technicians sign in with a PIN?"
    if Decision.objects.filter(product=product, question=question).exists():
        return
    now = timezone.now()
    first = Decision.objects.create(product=product, question=question, status="superseded", decided_at=now - timedelta(days=75),
                                    created_at=now - timedelta(days=80), rationale="Decided quickly, before hearing from small businesses.")
    Decision.objects.create(product=product, question=f"{question} (revisited)", supersedes=first, created_at=now - timedelta(days=30),
                            context="Small-business customers told us the first answer did not work for them.")


def _sign_off(product, people):
    """Sign-offs arrive with demo verdicts (a later issue); the demo shows the rule's flag
    through the function that issue will call."""
    from heard.backlog.models import BacklogItem

    from .detect import last_minute_sign_off

    item = BacklogItem.objects.filter(product=product, title=REOPENED_ITEM[product.slug]).first()
    outsider = next((p for p in people if p.kind == "regulator"), None)
    if item and outsider:
        last_minute_sign_off(item, outsider, at=timezone.now() - timedelta(days=6))
