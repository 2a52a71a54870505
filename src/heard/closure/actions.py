"""Every change to closure cycles, closure and enablement notes, and what the team shares.

Each function is atomic, checks the actor's role (team actions) or ownership (portal
actions, whose actor is the stakeholder), writes one audit event, and defers e-mail with
``transaction.on_commit``.

Sending needs a person's review: only notes in status *reviewed* are sent. The
plain-language check runs when a note is reviewed and is shown on the note and the cycle
page; a hard-to-read note warns but may still be sent (a person read it and chose to).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from heard.core import audit, permissions, plain_language
from heard.core.errors import HeardError, HeardValidationErrors
from heard.core.models import Product
from heard.core.products import require_active
from heard.core.validation import check_date, check_length, collect

from . import drafting, mail
from .models import (
    ClosureCycle,
    ClosureNote,
    CycleStatus,
    EnablementDelivery,
    EnablementKind,
    EnablementNote,
    NoteReply,
    NoteStatus,
    ProductShare,
    SharedGoal,
    ShareKind,
)

# A reviewed note is read in an e-mail: long enough for many items, short enough to be read.
NOTE_MAX = 50_000


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def portal_actor(stakeholder) -> str:
    """How a stakeholder acting in the portal appears in the audit log."""
    return f"stakeholder #{stakeholder.pk} (portal)"


# ---------------------------------------------------------------- who may be e-mailed

def reason_not_to_email(stakeholder) -> str:
    """Why heard must not e-mail this person, or "" when it may."""
    from heard.stakeholders.queries import has_active_consent

    if stakeholder.is_erased:
        return "Erased: heard no longer contacts them."
    if not (stakeholder.email or "").strip():
        return "No e-mail address."
    if not has_active_consent(stakeholder, "contact"):
        withdrawn = stakeholder.consents.filter(purpose="contact", withdrawn_at__isnull=False).order_by("-withdrawn_at").first()
        if withdrawn:
            return f"Contact consent withdrawn on {withdrawn.withdrawn_at:%Y-%m-%d}."
        return "No contact consent recorded."
    return ""


# ---------------------------------------------------------------- cycles

def _day(raw, field: str) -> date:
    return check_date(raw, field)


def clean_cycle(product: Product, data: dict, *, instance: ClosureCycle | None = None) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = "Name the cycle, e.g. the increment (2026.2) or a quarter (2026 Q2)."
    elif len(name) > 60:
        errors["name"] = "Name must be at most 60 characters."
    elif product.closure_cycles.filter(name__iexact=name).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["name"] = f"This product already has a cycle “{name}”."
    cleaned["name"] = name
    for key in ("starts_on", "ends_on"):
        try:
            cleaned[key] = _day(data.get(key), key)
        except HeardError as exc:
            errors[key] = exc.message
    if "starts_on" in cleaned and "ends_on" in cleaned and cleaned["ends_on"] < cleaned["starts_on"]:
        errors["ends_on"] = "The cycle must end on or after its first day."
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


@transaction.atomic
def create_cycle(*, actor, product: Product, data: dict) -> ClosureCycle:
    permissions.require(actor, product.workspace, "closure.send")
    require_active(product)
    cycle = ClosureCycle.objects.create(product=product, **clean_cycle(product, data))
    audit.record(actor=actor, workspace=product.workspace, verb="closure.cycle_created", target=cycle, after=audit.snapshot(cycle))
    return cycle


def _window(cycle: ClosureCycle) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(cycle.starts_on, time.min))
    end = timezone.make_aware(datetime.combine(cycle.ends_on + timedelta(days=1), time.min))
    return start, end


def feedback_in_cycle(cycle: ClosureCycle):
    """Attributed feedback said within the cycle (merged items stand for their originals)."""
    from heard.feedback.models import Feedback

    start, end = _window(cycle)
    return (
        Feedback.objects.filter(product=cycle.product, stakeholder__isnull=False, is_merge=False, said_at__gte=start, said_at__lt=end)
        .select_related("stakeholder", "merged_into")
        .prefetch_related(
            "disposition_history", "links__backlog_item__shared_goal", "links__criterion__item__shared_goal",
            "merged_into__disposition_history", "merged_into__links__backlog_item__shared_goal",
            "merged_into__links__criterion__item__shared_goal",
        )
        .order_by("stakeholder_id", "said_at", "id")
    )


@dataclass
class DraftReport:
    created: list = field(default_factory=list)
    redrafted: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (stakeholder, reason)

    def summary(self) -> str:
        return (f"{len(self.created)} drafted, {len(self.redrafted)} redrafted, {len(self.kept)} kept as edited or reviewed, "
                f"{len(self.skipped)} not drafted")


@transaction.atomic
def draft_notes(*, actor, cycle: ClosureCycle) -> DraftReport:
    """Draft one note per stakeholder who gave feedback in the cycle.

    Running it again adds nothing new for people who already have a note: an unedited draft
    is regenerated (dispositions may have changed), an edited or reviewed one is kept.
    """
    workspace = cycle.product.workspace
    permissions.require(actor, workspace, "closure.send")
    by_person: dict[int, list] = {}
    people = {}
    for item in feedback_in_cycle(cycle):
        by_person.setdefault(item.stakeholder_id, []).append(item)
        people[item.stakeholder_id] = item.stakeholder
    for person in drafting.contributed_people(cycle):  # took part in something, gave no feedback
        by_person.setdefault(person.pk, [])
        people.setdefault(person.pk, person)
    existing = {n.stakeholder_id: n for n in cycle.notes.all()}
    report = DraftReport()
    for pk, items in by_person.items():
        person = people[pk]
        if person.is_erased:
            report.skipped.append((person, "Erased: no note is written for them."))
            continue
        subject, body, sections = drafting.note_content(person, cycle, items)
        note = existing.get(pk)
        if note is None:
            note = ClosureNote.objects.create(cycle=cycle, stakeholder=person, subject=subject, body=body, sections=sections)
            report.created.append(note)
        elif note.status == NoteStatus.DRAFT and not note.edited:
            note.subject, note.body, note.sections = subject, body, sections
            note.save(update_fields=["subject", "body", "sections", "updated_at"])
            report.redrafted.append(note)
        else:
            report.kept.append(note)
            continue
        note.feedback.set(items)
    audit.record(actor=actor, workspace=workspace, verb="closure.notes_drafted", target=cycle,
                 after={"created": len(report.created), "redrafted": len(report.redrafted), "kept": len(report.kept),
                        "skipped": [p.pk for p, _ in report.skipped]})
    return report


@transaction.atomic
def close_cycle(*, actor, cycle: ClosureCycle) -> DraftReport:
    """End the cycle and draft its notes. Closing a closed cycle only redrafts."""
    permissions.require(actor, cycle.product.workspace, "closure.send")
    if cycle.status != CycleStatus.CLOSED:
        cycle.status = CycleStatus.CLOSED
        cycle.closed_at = timezone.now()
        cycle.save(update_fields=["status", "closed_at"])
        audit.record(actor=actor, workspace=cycle.product.workspace, verb="closure.cycle_closed", target=cycle, after={"status": cycle.status})
    return draft_notes(actor=actor, cycle=cycle)


# ---------------------------------------------------------------- review and send

def readability(note: ClosureNote, workspace=None):
    return plain_language.check(note.body, workspace or note.cycle.product.workspace)


@transaction.atomic
def review_note(*, actor, note: ClosureNote, subject: str | None = None, body: str | None = None, reviewed: bool = True) -> ClosureNote:
    """Save a person's edits; with ``reviewed`` the note is ready to send. Runs the plain-language check."""
    workspace = note.cycle.product.workspace
    permissions.require(actor, workspace, "closure.send")
    if note.status in (NoteStatus.SENT, NoteStatus.SKIPPED):
        raise HeardError("conflict", "This note has already gone out; it can no longer be changed.")
    errors = {}
    subject = note.subject if subject is None else str(subject).strip()
    body = note.body if body is None else str(body).replace("\r\n", "\n").strip()
    if not subject:
        errors["subject"] = "Give the note a subject line."
    elif len(subject) > 200:
        errors["subject"] = "Subject must be at most 200 characters."
    if not body:
        errors["body"] = "The note is empty; say what became of their feedback."
    collect(errors, {}, "body", lambda: check_length(body, "body", "The note", NOTE_MAX))
    if errors:
        raise HeardValidationErrors(errors)
    before = audit.snapshot(note, ["status", "subject", "body"])
    if (subject, body) != (note.subject, note.body):
        note.edited = True
    note.subject, note.body = subject, body
    check = plain_language.check(body, workspace)
    note.readability_score = check.score
    note.readability_label = check.label
    note.jargon = [{"term": h.term, "suggestion": h.suggestion} for h in check.jargon]
    if reviewed:
        note.status = NoteStatus.REVIEWED
        note.reviewed_by = _user(actor)
        note.reviewed_at = timezone.now()
    note.save()
    audit.record(actor=actor, workspace=workspace, verb="closure.note_reviewed" if reviewed else "closure.note_edited", target=note,
                 before=before, after=audit.snapshot(note, ["status", "subject", "body"]))
    return note


@dataclass
class SendReport:
    sent: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (note, reason)
    not_reviewed: list = field(default_factory=list)
    hard_to_read: list = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.sent)} sent, {len(self.skipped)} not e-mailed, {len(self.not_reviewed)} still waiting for review"
                + (f", {len(self.hard_to_read)} sent although hard to read" if self.hard_to_read else ""))


def _send(notes: list[ClosureNote], report: SendReport) -> None:
    now = timezone.now()
    to_mail = []
    for note in notes:
        if note.status != NoteStatus.REVIEWED:
            report.not_reviewed.append(note)
            continue
        reason = reason_not_to_email(note.stakeholder)
        note.published_at = None if note.stakeholder.is_erased else now
        if reason:
            note.status, note.skip_reason = NoteStatus.SKIPPED, reason
            report.skipped.append((note, reason))
        else:
            note.status, note.sent_at, note.skip_reason = NoteStatus.SENT, now, ""
            to_mail.append(note.pk)
            report.sent.append(note)
            if note.readability_score is not None and note.readability_score < plain_language.TARGET_SCORE:
                report.hard_to_read.append(note)
        note.save(update_fields=["status", "sent_at", "published_at", "skip_reason", "updated_at"])
    if to_mail:
        transaction.on_commit(lambda: mail.deliver_closure_notes(to_mail))


@transaction.atomic
def send_notes(*, actor, cycle: ClosureCycle, notes: list[ClosureNote] | None = None) -> SendReport:
    """E-mail every reviewed note of the cycle (or just ``notes``) and show them in the portal.

    People without contact consent, without an e-mail address, or erased are not e-mailed;
    their notes are marked *not e-mailed* with the reason (and, unless erased, still appear
    in the portal, which they only see when they sign in themselves).
    """
    workspace = cycle.product.workspace
    permissions.require(actor, workspace, "closure.send")
    if notes is None:
        notes = list(cycle.notes.select_related("stakeholder").filter(status__in=[NoteStatus.DRAFT, NoteStatus.REVIEWED]))
    report = SendReport()
    _send(notes, report)
    audit.record(actor=actor, workspace=workspace, verb="closure.notes_sent", target=cycle,
                 after={"sent": [n.pk for n in report.sent], "skipped": {str(n.pk): r for n, r in report.skipped},
                        "not_reviewed": [n.pk for n in report.not_reviewed]})
    return report


# ---------------------------------------------------------------- the stakeholder's side

def _own(stakeholder, row) -> None:
    if stakeholder is None or row.stakeholder_id != stakeholder.pk:
        raise HeardError("not_found", "Note was not found.")


@transaction.atomic
def record_note_opened(*, stakeholder, note: ClosureNote) -> ClosureNote:
    """The first time the person opens their note in the portal."""
    _own(stakeholder, note)
    if note.opened_at is None:
        note.opened_at = timezone.now()
        note.save(update_fields=["opened_at", "updated_at"])
        audit.record(actor=portal_actor(stakeholder), workspace=stakeholder.workspace, verb="closure.note_opened", target=note, after={"opened_at": note.opened_at})
    return note


@transaction.atomic
def acknowledge_note(*, stakeholder, note: ClosureNote) -> ClosureNote:
    _own(stakeholder, note)
    if note.acknowledged_at is None:
        now = timezone.now()
        note.acknowledged_at = now
        note.opened_at = note.opened_at or now
        note.save(update_fields=["acknowledged_at", "opened_at", "updated_at"])
        audit.record(actor=portal_actor(stakeholder), workspace=stakeholder.workspace, verb="closure.note_acknowledged", target=note, after={"acknowledged_at": now})
    return note


@transaction.atomic
def reply_to_note(*, stakeholder, note: ClosureNote, text: str) -> NoteReply:
    """The stakeholder's reply to their (published) note, as the note invites: recorded as
    their feedback (a written comment) on the note's product and tied to the note."""
    from heard.feedback import actions as feedback_actions

    _own(stakeholder, note)
    if not note.is_published:
        raise HeardError("not_found", "Note was not found.")
    feedback = feedback_actions.record_feedback(actor=None, product=note.cycle.product, data={
        "text": text, "stakeholder": str(stakeholder.pk), "channel": "written_comment",
    })
    reply = NoteReply.objects.create(note=note, feedback=feedback)
    audit.record(actor=portal_actor(stakeholder), workspace=stakeholder.workspace, verb="closure.note_replied", target=note, after={"feedback": feedback.pk})
    return reply


@transaction.atomic
def record_enablement_opened(*, stakeholder, delivery: EnablementDelivery) -> EnablementDelivery:
    _own(stakeholder, delivery)
    if delivery.opened_at is None:
        delivery.opened_at = timezone.now()
        delivery.save(update_fields=["opened_at"])
        audit.record(actor=portal_actor(stakeholder), workspace=stakeholder.workspace, verb="enablement.opened", target=delivery, after={"opened_at": delivery.opened_at})
    return delivery


@transaction.atomic
def acknowledge_enablement(*, stakeholder, delivery: EnablementDelivery) -> EnablementDelivery:
    _own(stakeholder, delivery)
    if delivery.acknowledged_at is None:
        now = timezone.now()
        delivery.acknowledged_at = now
        delivery.opened_at = delivery.opened_at or now
        delivery.save(update_fields=["acknowledged_at", "opened_at"])
        audit.record(actor=portal_actor(stakeholder), workspace=stakeholder.workspace, verb="enablement.acknowledged", target=delivery, after={"acknowledged_at": now})
    return delivery


# ---------------------------------------------------------------- enablement

def clean_enablement(data: dict) -> dict:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    errors: dict[str, str] = {}
    cleaned = {
        "kind": str(data.get("kind") or EnablementKind.CHANGE_NOTE).strip(),
        "title": str(data.get("title") or "").strip(),
        "body": str(data.get("body") or "").replace("\r\n", "\n").strip(),
        "url": str(data.get("url") or "").strip(),
    }
    if cleaned["kind"] not in EnablementKind.values:
        errors["kind"] = f"Unknown kind “{cleaned['kind']}”; choose one of: {', '.join(EnablementKind.values)}."
    if not cleaned["title"]:
        errors["title"] = "Give the note a title, e.g. 'Faster monthly report: what changed'."
    elif len(cleaned["title"]) > 200:
        errors["title"] = "Title must be at most 200 characters."
    if cleaned["url"]:
        try:
            URLValidator(schemes=["http", "https"])(cleaned["url"])
        except ValidationError:
            errors["url"] = "Enter a full web address starting with https://."
    if cleaned["kind"] == EnablementKind.VIDEO and not cleaned["url"]:
        errors["url"] = "A video note needs the link to the video."
    if cleaned["kind"] != EnablementKind.VIDEO and not cleaned["body"] and not cleaned["url"]:
        errors["body"] = "Write the change note or guide, or link to it."
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


@transaction.atomic
def create_enablement_note(*, actor, backlog_item, data: dict) -> EnablementNote:
    """Attach a change note, guide or video to a released backlog item."""
    workspace = backlog_item.product.workspace
    permissions.require(actor, workspace, "closure.send")
    if backlog_item.status != "released":
        raise HeardError("invalid", "Enablement notes attach to released items; this one is not released yet.", "backlog_item")
    note = EnablementNote.objects.create(backlog_item=backlog_item, created_by=_user(actor), **clean_enablement(data))
    audit.record(actor=actor, workspace=workspace, verb="enablement.created", target=note, after=audit.snapshot(note))
    return note


def shaped_by(backlog_item):
    """Stakeholders whose feedback is linked to the item (directly, through one of its
    criteria, or through a merged item that is), in name order."""
    from heard.feedback.models import Feedback, FeedbackLink
    from heard.stakeholders.models import Stakeholder

    linked = FeedbackLink.objects.filter(Q(backlog_item=backlog_item) | Q(criterion__item=backlog_item)).values("feedback_id")
    speakers = Feedback.objects.filter(Q(pk__in=linked) | Q(merged_into__in=linked), stakeholder__isnull=False).values("stakeholder_id")
    return Stakeholder.objects.filter(pk__in=speakers).order_by("name", "pk")


@transaction.atomic
def send_enablement_note(*, actor, note: EnablementNote) -> SendReport:
    """Deliver the note to everyone whose feedback shaped the item. Running it again only
    reaches people added since; those who may not be e-mailed are listed with the reason."""
    item = note.backlog_item
    workspace = item.product.workspace
    permissions.require(actor, workspace, "closure.send")
    done = set(note.deliveries.values_list("stakeholder_id", flat=True))
    report = SendReport()
    to_mail = []
    now = timezone.now()
    for person in shaped_by(item):
        if person.pk in done or person.is_erased:
            if person.is_erased and person.pk not in done:
                report.skipped.append((person, "Erased: heard no longer contacts them."))
            continue
        reason = reason_not_to_email(person)
        delivery = EnablementDelivery.objects.create(note=note, stakeholder=person, published_at=now, sent_at=None if reason else now, skip_reason=reason)
        if reason:
            report.skipped.append((person, reason))
        else:
            to_mail.append(delivery.pk)
            report.sent.append(delivery)
    note.sent_at = now
    note.save(update_fields=["sent_at"])
    if to_mail:
        transaction.on_commit(lambda: mail.deliver_enablement(to_mail))
    audit.record(actor=actor, workspace=workspace, verb="enablement.sent", target=note,
                 after={"sent": [d.stakeholder_id for d in report.sent], "skipped": {str(p.pk): r for p, r in report.skipped}})
    return report


# ---------------------------------------------------------------- sharing

@transaction.atomic
def set_goal_shared(*, actor, backlog_item, shared: bool) -> bool:
    """Show (or stop showing) the item's title to stakeholders as an increment goal."""
    workspace = backlog_item.product.workspace
    permissions.require(actor, workspace, "closure.send")
    existing = SharedGoal.objects.filter(backlog_item=backlog_item).first()
    if shared and existing is None:
        goal = SharedGoal.objects.create(backlog_item=backlog_item, shared_by=_user(actor))
        audit.record(actor=actor, workspace=workspace, verb="closure.goal_shared", target=goal, after={"backlog_item": backlog_item.pk})
    elif not shared and existing is not None:
        audit.record(actor=actor, workspace=workspace, verb="closure.goal_unshared", target=existing, before={"backlog_item": backlog_item.pk})
        existing.delete()
    return shared


def clean_figure(data: dict) -> dict:
    errors = {}
    cleaned = {
        "kind": str(data.get("kind") or ShareKind.OTHER).strip(),
        "label": str(data.get("label") or "").strip(),
        "value": str(data.get("value") or "").strip(),
        "note": str(data.get("note") or "").strip(),
    }
    if cleaned["kind"] not in ShareKind.values:
        errors["kind"] = f"Unknown kind “{cleaned['kind']}”; choose one of: {', '.join(ShareKind.values)}."
    if not cleaned["label"]:
        errors["label"] = "Say what the figure is, e.g. 'Open defects'."
    elif len(cleaned["label"]) > 120:
        errors["label"] = "Label must be at most 120 characters."
    if not cleaned["value"]:
        errors["value"] = "Give the value, e.g. '1 240' or '3 open'."
    elif len(cleaned["value"]) > 60:
        errors["value"] = "Value must be at most 60 characters."
    if len(cleaned["note"]) > 300:
        errors["note"] = "Note must be at most 300 characters."
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


@transaction.atomic
def save_figure(*, actor, product: Product, data: dict, figure: ProductShare | None = None) -> ProductShare:
    """Add (or change) a figure the team shares with stakeholders in the portal."""
    permissions.require(actor, product.workspace, "closure.send")
    cleaned = clean_figure(data)
    before = audit.snapshot(figure) if figure else None
    if figure is None:
        figure = ProductShare.objects.create(product=product, position=product.shared_figures.count(), **cleaned)
    else:
        for key, value in cleaned.items():
            setattr(figure, key, value)
        figure.save()
    audit.record(actor=actor, workspace=product.workspace, verb="closure.figure_saved", target=figure, before=before, after=audit.snapshot(figure))
    return figure


@transaction.atomic
def delete_figure(*, actor, figure: ProductShare) -> None:
    workspace = figure.product.workspace
    permissions.require(actor, workspace, "closure.send")
    audit.delete_with_event(actor=actor, workspace=workspace, target=figure, verb="closure.figure_deleted")


# ---------------------------------------------------------------- personal data

def erase_person_from_closure(stakeholder) -> int:
    """Erasure hook: notes quote the person's words; blank them, keep the rows (and counts)."""
    changed = ClosureNote.objects.filter(stakeholder=stakeholder).update(body="[erased]", subject="[erased]", sections={}, published_at=None)
    return changed


def export_person_closure(stakeholder) -> tuple[str, list]:
    rows = []
    for note in ClosureNote.objects.filter(stakeholder=stakeholder).select_related("cycle__product"):
        rows.append({"product": note.cycle.product.slug, "cycle": note.cycle.name, "status": note.status, "subject": note.subject,
                     "body": note.body, "sent_at": note.sent_at and note.sent_at.isoformat(),
                     "opened_at": note.opened_at and note.opened_at.isoformat(),
                     "acknowledged_at": note.acknowledged_at and note.acknowledged_at.isoformat()})
    for d in EnablementDelivery.objects.filter(stakeholder=stakeholder).select_related("note"):
        rows.append({"enablement": d.note.title, "sent_at": d.sent_at and d.sent_at.isoformat(), "skip_reason": d.skip_reason,
                     "opened_at": d.opened_at and d.opened_at.isoformat(), "acknowledged_at": d.acknowledged_at and d.acknowledged_at.isoformat()})
    return "closure", rows


def register_person_hooks() -> None:
    from heard.stakeholders.actions import (
        ERASURE_HOOKS,
        register_erasure_hook,
        register_export_hook,
    )

    if erase_person_from_closure not in ERASURE_HOOKS:
        register_erasure_hook(erase_person_from_closure)
        register_export_hook(export_person_closure)
