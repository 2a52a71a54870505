"""Every change to demos and sign-offs.

Each function is atomic, checks the actor's role, writes one audit event and raises
HeardError / HeardValidationErrors naming the field at fault. ``actor=None`` is the system:
the command line, the demo loader, or the portal acting for the signed-in stakeholder (the
portal calls the ``*_own`` functions, which only ever act for that person).

- ``demos.plan``: which acceptance criteria a demo session demonstrates, in which scenario.
- ``demos.record``: verdicts and sign-offs a team member types in for a stakeholder.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from heard.core import audit, permissions
from heard.core.errors import HeardError, HeardValidationErrors
from heard.core.products import require_active
from heard.core.validation import as_id, check_choice, check_length, collect, unknown_fields

from .models import (
    DEMO_CHANNELS,
    FEEDBACK_VERDICTS,
    Connectivity,
    Demonstration,
    DemoVerdict,
    Device,
    SignOff,
    VerdictChoice,
)

SCENARIO_FIELDS = ("data_volume", "device", "assistive_technology", "connectivity", "scenario_notes")
NOTE_MAX = 5_000
SHORT_MAX = 200


# ---------------------------------------------------------------- cleaning

def clean_scenario(data: dict) -> dict:
    """The scenario fields given in ``data`` (only those present), checked."""
    errors = unknown_fields(data, SCENARIO_FIELDS)
    cleaned: dict[str, Any] = {}
    for name, label in (("data_volume", "Data volume"), ("assistive_technology", "Assistive technology")):
        if name in data:
            collect(errors, cleaned, name, lambda name=name, label=label: check_length(data.get(name) or "", name, label, SHORT_MAX))
    if "scenario_notes" in data:
        collect(errors, cleaned, "scenario_notes", lambda: check_length(data.get("scenario_notes") or "", "scenario_notes", "Scenario notes", NOTE_MAX))
    for name, choices, label in (("device", Device, "device"), ("connectivity", Connectivity, "connectivity")):
        if name in data:
            raw = str(data.get(name) or "").strip()
            collect(errors, cleaned, name, lambda raw=raw, name=name, choices=choices, label=label: check_choice(raw, choices, name, label) if raw else "")
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


def verdict_value(raw) -> str:
    text = str(raw or "").strip().lower().replace("-", " ")
    if text == "partly":
        return VerdictChoice.PARTLY_FITS
    if not text:
        raise HeardError("invalid", "Choose a verdict: fits, partly fits, does not fit or cannot judge.", "verdict")
    return check_choice(text, VerdictChoice, "verdict", "verdict")


def _flag(raw) -> bool:
    return str(raw).strip().lower() in ("1", "true", "yes", "on") if not isinstance(raw, bool) else raw


def _stakeholder(workspace, ref, field: str = "stakeholder"):
    from heard.feedback.actions import find_stakeholder

    if ref in (None, ""):
        raise HeardError("invalid", "Choose the stakeholder.", field)
    person = find_stakeholder(workspace, ref)
    if person is None:
        raise HeardError("invalid", f"Unknown stakeholder “{str(ref)[:60]}” in this workspace.", field)
    if person.is_erased:
        raise HeardError("invalid", "This stakeholder was erased; nothing new can be recorded for them.", field)
    return person


def _when(raw, field: str) -> datetime:
    from heard.feedback.actions import parse_when

    if raw in (None, ""):
        return timezone.now()
    at = parse_when(raw, field)
    if at > timezone.now() + timedelta(minutes=5):
        raise HeardError("invalid", "That moment is in the future; when did it happen?", field)
    return at


def require_demo_channel(session) -> None:
    if session.channel not in DEMO_CHANNELS:
        raise HeardError("invalid", f"A {session.get_channel_display().lower()} session does not demonstrate acceptance criteria; "
                                    "make it a demo, review or beta review session first.", "session")


def _mark_rework(product_id: int, *, criterion_ids=(), item_id: int | None = None, since: datetime) -> None:
    """A verdict or sign-off decides whether later changes of criteria count as rework:
    recount the weeks of those changes (health's rollups)."""
    from django.db.models import Q

    from heard.health import rollups
    from heard.health.models import BacklogEvent

    match = Q(criterion_id__in=list(criterion_ids))
    if item_id is not None:
        match |= Q(backlog_item_id=item_id)
    moments = list(BacklogEvent.objects.filter(match, product_id=product_id, kind="criterion_changed", at__gte=since).values_list("at", flat=True))
    if moments:
        rollups.mark(product_id, moments)


# ---------------------------------------------------------------- what a demo demonstrates

def _criteria_of(item, raw) -> list:
    all_criteria = list(item.criteria.all())
    if not all_criteria:
        raise HeardError("invalid", f"“{item}” has no acceptance criteria yet; write them first, then demonstrate them.", "item")
    if raw in (None, "", []):
        return all_criteria
    refs = raw if isinstance(raw, list | tuple | set) else str(raw).replace(";", ",").split(",")
    by_id = {c.pk: c for c in all_criteria}
    chosen = []
    for ref in refs:
        pk = ref.pk if hasattr(ref, "pk") else as_id(str(ref).strip())
        if pk not in by_id:
            raise HeardError("invalid", f"“{str(ref)[:40]}” is not an acceptance criterion of “{item}”.", "criteria")
        if by_id[pk] not in chosen:
            chosen.append(by_id[pk])
    return chosen


def _item_of(product, ref):
    from heard.backlog.models import BacklogItem

    if isinstance(ref, BacklogItem):
        return ref if ref.product_id == product.pk else None
    text = str(ref or "").strip()
    if not text:
        raise HeardError("invalid", "Choose the backlog item to demonstrate.", "item")
    items = BacklogItem.objects.filter(product=product)
    found = items.filter(external_key__iexact=text).first() or (items.filter(pk=as_id(text.lstrip("#"))).first() if as_id(text.lstrip("#")) else None)
    if found is None:
        raise HeardError("invalid", f"No backlog item “{text[:40]}” in this product; give its key or number.", "item")
    return found


@transaction.atomic
def add_demonstrations(*, actor, session, item, criteria=None, scenario: dict | None = None) -> list[Demonstration]:
    """Demonstrate a backlog item's acceptance criteria (all of them, or the ``criteria``
    ids given) in a demo session, each in the given scenario. Criteria already on the demo
    are left as they are; returns the demonstrations added."""
    product = session.product
    permissions.require(actor, product.workspace, "demos.plan")
    require_active(product)
    require_demo_channel(session)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    collect(errors, cleaned, "item", lambda: _item_of(product, item))
    if "item" in cleaned:
        collect(errors, cleaned, "criteria", lambda: _criteria_of(cleaned["item"], criteria))
    try:
        scenario_values = clean_scenario(scenario or {})
    except HeardValidationErrors as exc:
        errors.update(exc.errors)
    if errors:
        raise HeardValidationErrors(errors)
    existing = set(session.demonstrations.values_list("criterion_id", flat=True))
    new = [c for c in cleaned["criteria"] if c.pk not in existing]
    if not new:
        raise HeardError("conflict", "Every chosen criterion is already demonstrated in this session; change its scenario there.", "criteria")
    start = (session.demonstrations.count() + 1) * 10
    added = [Demonstration.objects.create(session=session, criterion=c, position=start + n * 10, **scenario_values) for n, c in enumerate(new)]
    audit.record(actor=actor, workspace=product.workspace, verb="demo.criteria_added", target=session,
                 after={"item": cleaned["item"].pk, "criteria": [c.pk for c in new], **scenario_values})
    return added


@transaction.atomic
def update_demonstration(*, actor, demonstration: Demonstration, data: dict) -> Demonstration:
    """Change the scenario a criterion is demonstrated in."""
    workspace = demonstration.session.product.workspace
    permissions.require(actor, workspace, "demos.plan")
    cleaned = clean_scenario(data)
    changes = {f: v for f, v in cleaned.items() if getattr(demonstration, f) != v}
    if changes:
        audit.save_changes(actor=actor, workspace=workspace, target=demonstration, changes=changes, verb="demo.scenario_changed")
    return demonstration


@transaction.atomic
def remove_demonstration(*, actor, demonstration: Demonstration) -> None:
    """Take a criterion off a demo; refused once someone has given a verdict on it there."""
    workspace = demonstration.session.product.workspace
    permissions.require(actor, workspace, "demos.plan")
    n = demonstration.verdicts.count()
    if n:
        raise HeardError("conflict", f"{n} verdict{'s' if n != 1 else ''} were given on this criterion in this demo; "
                                     "they are evidence and stay. Remove the verdicts first if they were recorded by mistake.", "criterion")
    audit.delete_with_event(actor=actor, workspace=workspace, target=demonstration, verb="demo.criterion_removed")


# ---------------------------------------------------------------- verdicts

def _participant(session, stakeholder):
    found = session.participants.filter(stakeholder=stakeholder).first()
    if found is None:
        raise HeardError("invalid", f"{stakeholder.name} does not take part in “{session.title}”; add them as a participant first.", "stakeholder")
    return found


def _verdict_feedback(actor, demonstration, person, note: str):
    """The note of a "partly" or "does not fit" verdict as feedback linked to the criterion."""
    from heard.feedback import actions as feedback_actions

    session, criterion = demonstration.session, demonstration.criterion
    feedback = feedback_actions.record_feedback(actor=actor, product=session.product, data={
        "text": note, "stakeholder": str(person.pk), "channel": "demo", "session": str(session.pk),
        "environment": f"Demo scenario: {demonstration.scenario_summary}" if demonstration.has_scenario else "",
    })
    feedback_actions.link_feedback(actor=actor, feedback=feedback, criterion=criterion, weight=2)
    return feedback


def _record_verdict(*, actor, demonstration: Demonstration, person, verdict, note, as_feedback, portal: bool = False) -> DemoVerdict:
    from heard.participation.actions import touch_heard

    session = demonstration.session
    product = session.product
    require_active(product)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    collect(errors, cleaned, "verdict", lambda: verdict_value(verdict))
    collect(errors, cleaned, "note", lambda: check_length(note or "", "note", "Note", NOTE_MAX))
    wants_feedback = _flag(as_feedback)
    if wants_feedback and cleaned.get("verdict") and cleaned["verdict"] not in FEEDBACK_VERDICTS:
        errors["as_feedback"] = "Only a verdict of “partly fits” or “does not fit” becomes feedback here; untick this, or give feedback separately."
    elif wants_feedback and "note" in cleaned and not cleaned["note"]:
        errors["note"] = "Write in the note what does not fit: it becomes the feedback on this criterion."
    if errors:
        raise HeardValidationErrors(errors)
    now = timezone.now()
    if now < session.starts_at:
        raise HeardError("invalid", f"“{session.title}” has not started yet; verdicts are given during or after the demo.", "verdict")
    found = DemoVerdict.objects.select_for_update().filter(demonstration=demonstration, stakeholder=person).first()
    before = audit.snapshot(found) if found else None
    criterion = demonstration.criterion
    if found is None:
        found = DemoVerdict(demonstration=demonstration, stakeholder=person, recorded_at=now)
    found.verdict, found.note, found.criterion_text, found.updated_at = cleaned["verdict"], cleaned["note"], criterion.text, now
    found.recorded_by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    found.from_portal = portal
    if wants_feedback and found.feedback_id is None:
        found.feedback = _verdict_feedback(actor, demonstration, person, cleaned["note"])
    found.save()
    touch_heard(person, now)
    verb = "demo.verdict_changed" if before else "demo.verdict_recorded"
    audit.record(actor=f"stakeholder #{person.pk} (portal)" if portal else actor, workspace=product.workspace,
                 verb=verb, target=found, before=before, after=audit.snapshot(found))
    return found


@transaction.atomic
def record_verdict(*, actor, demonstration: Demonstration, stakeholder, verdict, note: str = "", as_feedback: Any = False) -> DemoVerdict:
    """A team member records a participating stakeholder's verdict on a demonstrated
    criterion (again: it is changed). With ``as_feedback`` a "partly fits" or "does not fit"
    verdict's note also becomes feedback linked to the criterion, in the same step."""
    session = demonstration.session
    permissions.require(actor, session.product.workspace, "demos.record")
    person = _stakeholder(session.product.workspace, stakeholder)
    _participant(session, person)
    return _record_verdict(actor=actor, demonstration=demonstration, person=person, verdict=verdict, note=note, as_feedback=as_feedback)


@transaction.atomic
def record_own_verdict(*, stakeholder, demonstration: Demonstration, verdict, note: str = "", as_feedback: Any = False) -> DemoVerdict:
    """The portal: the signed-in stakeholder gives their own verdict (only on demos they take part in)."""
    from . import queries

    demonstration = queries.get_my_demonstration(stakeholder, demonstration.pk)
    return _record_verdict(actor=None, demonstration=demonstration, person=stakeholder, verdict=verdict, note=note, as_feedback=as_feedback, portal=True)


@transaction.atomic
def remove_verdict(*, actor, verdict: DemoVerdict) -> None:
    """Remove a verdict recorded by mistake (the feedback made from it stays)."""
    demonstration = verdict.demonstration
    product = demonstration.session.product
    permissions.require(actor, product.workspace, "demos.record")
    since = verdict.recorded_at
    audit.delete_with_event(actor=actor, workspace=product.workspace, target=verdict, verb="demo.verdict_removed")
    _mark_rework(product.pk, criterion_ids=[demonstration.criterion_id], since=since)


# ---------------------------------------------------------------- sign-off

def _sign_off_session(item, ref):
    from heard.sessions.models import Session

    if ref in (None, ""):
        return None
    session = ref if isinstance(ref, Session) else Session.objects.filter(product_id=item.product_id, pk=as_id(ref)).first() if as_id(ref) else None
    if session is None or session.product_id != item.product_id:
        raise HeardError("invalid", f"Unknown session “{str(ref)[:40]}” for this product.", "session")
    if not session.demonstrations.filter(criterion__item=item).exists():
        raise HeardError("invalid", f"“{session.title}” does not demonstrate “{item}”.", "session")
    return session


def _sign_off(*, actor, item, person, session, note, at, portal: bool = False) -> SignOff:
    from heard.health import detect
    from heard.participation.actions import touch_heard

    require_active(item.product)
    if SignOff.objects.filter(backlog_item=item, stakeholder=person).exists():
        earlier = SignOff.objects.get(backlog_item=item, stakeholder=person)
        raise HeardError("conflict", f"{person.name} already signed off “{item}” on {earlier.at:%Y-%m-%d}.", "stakeholder")
    ways = detect.involvement(item, person, at=at)
    flag = detect.last_minute_sign_off(item, person, at=at)
    sign_off = SignOff.objects.create(
        backlog_item=item, stakeholder=person, session=session, note=note, at=at, last_minute=flag is not None, involvement=ways,
        recorded_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
    )
    touch_heard(person, at)
    _mark_rework(item.product_id, item_id=item.pk, since=at)
    audit.record(actor=f"stakeholder #{person.pk} (portal)" if portal else actor,
                 workspace=item.product.workspace, verb="backlog_item.signed_off", target=sign_off, after=audit.snapshot(sign_off))
    return sign_off


@transaction.atomic
def sign_off(*, actor, item, stakeholder, session=None, note: str = "", at=None) -> SignOff:
    """Record that a stakeholder accepted a backlog item (who and when; ``at`` defaults to
    now, may be earlier, never in the future; ``session`` the demo it happened at). A
    stakeholder never involved with the item before is flagged as a last-minute sign-off."""
    workspace = item.product.workspace
    permissions.require(actor, workspace, "demos.record")
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    collect(errors, cleaned, "stakeholder", lambda: _stakeholder(workspace, stakeholder))
    collect(errors, cleaned, "session", lambda: _sign_off_session(item, session))
    collect(errors, cleaned, "note", lambda: check_length(note or "", "note", "Note", NOTE_MAX))
    collect(errors, cleaned, "at", lambda: _when(at, "at"))
    if errors:
        raise HeardValidationErrors(errors)
    return _sign_off(actor=actor, item=item, person=cleaned["stakeholder"], session=cleaned["session"], note=cleaned["note"], at=cleaned["at"])


@transaction.atomic
def sign_off_own(*, stakeholder, session, item, note: str = "") -> SignOff:
    """The portal: the signed-in stakeholder accepts an item shown in a demo they take part in."""
    from . import queries

    session = queries.get_my_demo(stakeholder, session.pk)
    if not session.demonstrations.filter(criterion__item=item).exists():
        raise HeardError("not_found", "Backlog item was not found.")
    text = check_length(note or "", "note", "Note", NOTE_MAX)
    return _sign_off(actor=None, item=item, person=stakeholder, session=session, note=text, at=timezone.now(), portal=True)


# ---------------------------------------------------------------- a person's data

def erase_person_from_demos(stakeholder) -> int:
    """Erasure hook: the person's verdict and sign-off notes go; the verdicts, sign-offs and
    their dates stay (they are counted evidence)."""
    n = DemoVerdict.objects.filter(stakeholder=stakeholder).exclude(note="").update(note="")
    return n + SignOff.objects.filter(stakeholder=stakeholder).exclude(note="").update(note="")


def export_person_demos(stakeholder) -> tuple[str, dict]:
    """Export hook: every verdict and sign-off the person gave."""
    verdicts = [{"session": v.demonstration.session_id, "criterion": v.demonstration.criterion_id, "criterion_text": v.criterion_text,
                 "verdict": v.verdict, "note": v.note, "recorded_at": v.recorded_at.isoformat(), "updated_at": v.updated_at.isoformat()}
                for v in DemoVerdict.objects.filter(stakeholder=stakeholder).select_related("demonstration").order_by("recorded_at", "pk")]
    sign_offs = [{"backlog_item": s.backlog_item_id, "session": s.session_id, "note": s.note, "at": s.at.isoformat(), "last_minute": s.last_minute}
                 for s in SignOff.objects.filter(stakeholder=stakeholder).order_by("at", "pk")]
    return "demos", {"verdicts": verdicts, "sign_offs": sign_offs}
