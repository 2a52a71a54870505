"""A season of sessions for the demo workspace, across channels, some of them flawed so the
flags show: a late pre-read, agenda items without an outcome, a session with no customer.

Idempotent: a session is looked up by product and title before it is created.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from . import actions
from .models import GlossaryTerm, Session

ENGAGEMENT = {
    "invoicing": {"cadence": {"demo": "monthly", "interview": "fortnightly", "beta_review": "quarterly", "support_review": "monthly"},
                  "pre_read_lead_days": 2, "default_confidentiality": "participants", "input_consideration_days": 10, "invitations_per_quarter": 3},
    "field-app": {"cadence": {"demo": "monthly", "workshop": "quarterly", "telemetry_briefing": "monthly"},
                  "pre_read_lead_days": 3, "default_confidentiality": "participants", "input_consideration_days": 14, "invitations_per_quarter": 2},
}

# (product, title, channel, mode, days from today, hour, minutes, time zone, flaw)
SEASON = [
    ("invoicing", "Sprint 41 demo: payment reminders", "demo", "remote", -40, 15, 60, "Europe/London", None),
    ("invoicing", "Interview: month-end close at Kestrel", "interview", "remote", -30, 10, 45, "Europe/Berlin", None),
    ("invoicing", "Support review: failed bank exports", "support_review", "remote", -20, 14, 60, "Europe/London", "no_customer"),
    ("invoicing", "Sprint 43 demo: bookkeeping export", "demo", "remote", -9, 15, 60, "Europe/London", "late_pre_read"),
    ("invoicing", "Accessibility review of the invoice editor", "review", "live", 5, 11, 90, "Europe/Dublin", None),
    ("invoicing", "Beta review: bank feeds", "beta_review", "remote", 12, 16, 60, "America/New_York", "no_outcome"),
    ("invoicing", "Written review: new reminder wording", "async_review", "asynchronous", 3, 9, 60 * 24 * 5, "Europe/London", None),
    ("field-app", "Workshop: offline forms with technicians", "workshop", "live", -15, 9, 180, "America/Chicago", None),
    ("field-app", "Telemetry briefing: photo upload failures", "telemetry_briefing", "remote", -5, 16, 45, "Australia/Sydney", "no_customer"),
    ("field-app", "Sprint 12 demo: signatures on glass", "demo", "remote", 2, 14, 60, "Europe/Berlin", "late_pre_read"),
    ("field-app", "Refinement: job scheduling with dispatchers", "refinement", "remote", 15, 10, 60, "Asia/Singapore", "no_outcome"),
    ("field-app", "Interview: switch-access technician", "interview", "remote", 20, 13, 45, "Europe/Dublin", None),
]

GLOSSARY = [("reconciliation", "matching payments to invoices", "Our buyers know it; end users may not."), ("invoice", "", "Every customer knows this word.")]


def _people(workspace):
    customers = list(workspace.stakeholders.filter(erased_at__isnull=True).exclude(kind="internal_proxy").order_by("pk"))
    proxies = list(workspace.stakeholders.filter(erased_at__isnull=True, kind="internal_proxy").order_by("pk"))
    team = {m.role: m.user for m in workspace.memberships.select_related("user")}
    return customers, proxies, team


def _plan(workspace, product, row, index, customers, proxies, team):
    _, title, channel, mode, days, hour, minutes, tz, flaw = row
    import zoneinfo

    local_day = (timezone.now().astimezone(zoneinfo.ZoneInfo(tz)) + timedelta(days=days)).date()
    starts = f"{local_day.isoformat()}T{hour:02d}:00"
    ends = (timezone.datetime.fromisoformat(starts) + timedelta(minutes=minutes)).isoformat(timespec="minutes")
    session = actions.create_session(actor=None, product=product, data={
        "title": title, "channel": channel, "mode": mode, "starts_at": starts, "ends_at": ends, "time_zone": tz,
        "description": f"We want to learn from you about {title.split(': ', 1)[-1]}. Bring your questions.",
        "location": "" if mode == "asynchronous" else ("Fernhill office, room 2" if mode == "live" else "https://meet.example/fernhill"),
        "recording_url": f"https://media.example/recordings/{index}" if days < 0 else "",
        "captions_url": f"https://media.example/captions/{index}" if days < 0 else "",
    })
    objective = actions.add_objective(actor=None, session=session, data={
        "question": f"Does {title.split(': ', 1)[-1]} fit how you work today?",
        "evidence_needed": "Three customers complete the task without help, or tell us what stops them.",
        "outcome_kind": "validate_usability" if channel in ("demo", "review") else "clarify_fit",
    })
    actions.add_agenda_item(actor=None, session=session, data={"title": "Welcome and what we want to learn", "timebox_minutes": 5, "objective": objective.pk})
    if flaw == "no_outcome":
        # Deliberately without an objective or decision: the flag shows on the page and in the API.
        actions.add_agenda_item(actor=None, session=session, data={"title": "Leverage synergies and align on the roadmap going forward", "timebox_minutes": 15})
        actions.add_agenda_item(actor=None, session=session, data={"title": "Any other business", "timebox_minutes": 5})
    else:
        actions.add_agenda_item(actor=None, session=session, data={"title": "Try it and think aloud", "timebox_minutes": min(30, max(5, minutes - 15)), "objective": objective.pk})
    lead = 2 if product.slug == "invoicing" else 3
    if flaw == "late_pre_read":
        shared = min(session.starts_at - timedelta(hours=20), timezone.now() - timedelta(hours=1))
    else:
        shared = session.starts_at - timedelta(days=lead + 2)
    actions.add_pre_read(actor=None, session=session, data={
        "title": "What we changed and why", "url": f"https://docs.example/fernhill/{index}",
        "body": "A two-page summary of the change, with screenshots. Read it before the session.",
        "shared_at": shared if shared <= timezone.now() else None,
    })
    decider = team.get("product_owner")
    if decider:
        actions.add_participant(actor=None, session=session, user=decider.pk, right="decides")
    if team.get("scrum_master"):
        actions.add_participant(actor=None, session=session, user=team["scrum_master"].pk, right="contributes")
    if flaw == "no_customer":
        for proxy in proxies[index % max(1, len(proxies)):][:2]:
            actions.add_participant(actor=None, session=session, stakeholder=proxy.pk, right="advises")
    elif customers:
        for offset in range(3):
            person = customers[(index * 3 + offset) % len(customers)]
            if not session.participants.filter(stakeholder=person).exists():
                actions.add_participant(actor=None, session=session, stakeholder=person.pk, right="advises" if offset == 0 else "contributes")
    if days < 0:
        for participant in session.participants.all():
            actions.update_participant(actor=None, participant=participant, attendance="absent" if participant.pk % 5 == 0 else "attended")
        if customers:
            actions.add_comment(actor=None, session=session, body="Thanks for the session. The export still needs a column for the cost centre.", stakeholder=customers[index % len(customers)].pk)
    if days < -10:
        actions.publish_session(actor=None, session=session)
    return session


def load(workspace) -> None:
    customers, proxies, team = _people(workspace)
    for term, plain, note in GLOSSARY:
        if not GlossaryTerm.objects.filter(workspace=workspace, term__iexact=term).exists():
            actions.set_glossary_term(actor=None, workspace=workspace, term=term, plain=plain, note=note)
    for product in workspace.products.all():
        if product.slug in ENGAGEMENT and not hasattr(product, "engagement_model"):
            actions.update_engagement_model(actor=None, product=product, data=ENGAGEMENT[product.slug])
            actions.set_calendar_feed(actor=None, product=product)
    products = {p.slug: p for p in workspace.products.all()}
    for index, row in enumerate(SEASON):
        product = products.get(row[0])
        if product is None or Session.objects.filter(product=product, title=row[1]).exists():
            continue
        _plan(workspace, product, row, index, customers, proxies, team)
