"""Every change to sessions: the engagement model, sessions, objectives, agenda items,
pre-reads and the workspace glossary. Participants, attendance and comments are
participation's (heard.participation.actions); the functions here name the session.

Each function is atomic, checks the actor's role, writes one audit event and raises
HeardError / HeardValidationErrors (field errors; nothing is saved) for bad input. Values
arrive as plain strings, numbers or ids, the same from pages, the API and the CLI.

Times: a naive date-time is read in the session's time zone; an aware one is taken as is.
Everything is stored in UTC, with the session's IANA zone kept beside it.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from heard.core import audit, permissions
from heard.core.errors import HeardError, HeardValidationErrors
from heard.core.models import Product, Workspace
from heard.core.products import require_active
from heard.core.validation import (
    as_id,
    check_choice,
    check_required,
    check_time_zone,
    collect,
    unknown_fields,
)
from heard.participation import actions as participation
from heard.participation import subjects
from heard.stakeholders.models import Stakeholder

from .models import (
    AgendaItem,
    Cadence,
    Channel,
    Comment,
    Confidentiality,
    EngagementModel,
    GlossaryTerm,
    Mode,
    Objective,
    OutcomeKind,
    Participant,
    PreRead,
    Session,
    new_feed_token,
)

SESSION_FIELDS = (
    "title", "channel", "mode", "starts_at", "ends_at", "time_zone", "description", "location",
    "confidentiality", "recording_url", "captions_url",
)
ENGAGEMENT_FIELDS = ("cadence", "pre_read_lead_days", "default_confidentiality", "input_consideration_days", "invitations_per_quarter")


# ---------------------------------------------------------------- cleaning helpers

def _url(raw: Any, field: str) -> str:
    text = str(raw or "").strip()
    if not text:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise HeardError("invalid", f"“{text}” is not a web address; start it with https://.", field) from None
    return text


def _whole_number(raw: Any, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError):
        raise HeardError("invalid", f"{label} must be a whole number.", field) from None
    if not low <= number <= high:
        raise HeardError("invalid", f"{label} must be from {low} to {high}, not {number}.", field)
    return number


def parse_moment(raw: Any, tz_name: str, field: str) -> datetime:
    """A date-time from a datetime or ISO text; naive values are read in ``tz_name``. Returns UTC."""
    if isinstance(raw, datetime):
        moment = raw
    else:
        text = str(raw or "").strip()
        if not text:
            raise HeardError("invalid", "Give a date and time.", field)
        try:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
        except ValueError:
            raise HeardError("invalid", f"“{text}” is not a date and time; use e.g. 2026-03-05T14:30.", field) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(tz_name))
    try:
        return moment.astimezone(zoneinfo.ZoneInfo("UTC"))
    except OverflowError:
        raise HeardError("invalid", f"“{raw}” is outside the dates heard can keep.", field) from None


def _agenda_minutes(session: Session, exclude: AgendaItem | None = None) -> int:
    qs = session.agenda_items.all()
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(total=Sum("timebox_minutes"))["total"] or 0


# ---------------------------------------------------------------- engagement model

def engagement_for(product: Product) -> EngagementModel:
    """The product's engagement model, or an unsaved one with the defaults."""
    try:
        return product.engagement_model
    except EngagementModel.DoesNotExist:
        return EngagementModel(product=product)


def _clean_cadence(raw: Any) -> dict:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise HeardError("invalid", "Cadence maps a channel to how often it happens, e.g. {\"demo\": \"monthly\"}.", "cadence")
    cadence = {}
    for channel, how_often in raw.items():
        if how_often in (None, ""):
            continue
        channel_value = check_choice(channel, Channel, "cadence", "channel")
        cadence[channel_value] = check_choice(how_often, Cadence, f"cadence.{channel_value}", "cadence")
    return cadence


@transaction.atomic
def update_engagement_model(*, actor, product: Product, data: dict) -> EngagementModel:
    """Set the product's engagement model (only the keys given; see ENGAGEMENT_FIELDS)."""
    permissions.require(actor, product.workspace, "sessions.edit")
    errors = unknown_fields(data, ENGAGEMENT_FIELDS)
    cleaned: dict[str, Any] = {}
    if "cadence" in data:
        collect(errors, cleaned, "cadence", lambda: _clean_cadence(data["cadence"]))
    if "pre_read_lead_days" in data:
        collect(errors, cleaned, "pre_read_lead_days", lambda: _whole_number(data["pre_read_lead_days"], "pre_read_lead_days", "Pre-read lead time", 0, 60))
    if "input_consideration_days" in data:
        collect(errors, cleaned, "input_consideration_days", lambda: _whole_number(data["input_consideration_days"], "input_consideration_days", "Input consideration time", 1, 365))
    if "invitations_per_quarter" in data:
        collect(errors, cleaned, "invitations_per_quarter", lambda: _whole_number(data["invitations_per_quarter"], "invitations_per_quarter", "Invitations per quarter", 1, 50))
    if "default_confidentiality" in data:
        collect(errors, cleaned, "default_confidentiality", lambda: check_choice(data["default_confidentiality"], Confidentiality, "default_confidentiality", "confidentiality"))
    if errors:
        raise HeardValidationErrors(errors)
    model = engagement_for(product)
    before = audit.snapshot(model) if model.pk else None
    for field, value in cleaned.items():
        setattr(model, field, value)
    model.save()
    audit.record(actor=actor, workspace=product.workspace, verb="engagement_model.updated", target=model, before=before, after=audit.snapshot(model, [f for f in ENGAGEMENT_FIELDS]))
    return model


@transaction.atomic
def set_calendar_feed(*, actor, product: Product, enabled: bool = True) -> EngagementModel:
    """Turn the product's calendar feed on with a new secret link (old links stop working), or off."""
    permissions.require(actor, product.workspace, "sessions.edit")
    model = engagement_for(product)
    model.feed_token = new_feed_token() if enabled else ""
    model.save()
    # The token itself is a secret; the audit row says only what happened.
    audit.record(actor=actor, workspace=product.workspace, verb="calendar_feed.reset" if enabled else "calendar_feed.disabled", target=model)
    return model


# ---------------------------------------------------------------- sessions

def clean_session(product: Product, data: dict, *, instance: Session | None = None) -> dict:
    """Check session fields; return cleaned values or raise HeardValidationErrors.

    Only keys in ``data`` are checked (partial updates), but start, end and zone are always
    checked together, so changing only the zone re-reads nothing and moves nothing.
    """
    errors = unknown_fields(data, SESSION_FIELDS)
    cleaned: dict[str, Any] = {}
    if "title" in data or instance is None:
        collect(errors, cleaned, "title", lambda: check_required(data.get("title"), "title", "Title", 200))
    if "channel" in data or instance is None:
        collect(errors, cleaned, "channel", lambda: check_choice(data.get("channel"), Channel, "channel", "channel"))
    if "mode" in data:
        collect(errors, cleaned, "mode", lambda: check_choice(data.get("mode"), Mode, "mode", "mode"))
    if "confidentiality" in data and data.get("confidentiality") not in (None, ""):
        collect(errors, cleaned, "confidentiality", lambda: check_choice(data.get("confidentiality"), Confidentiality, "confidentiality", "confidentiality"))
    for field in ("recording_url", "captions_url"):
        if field in data:
            collect(errors, cleaned, field, lambda f=field: _url(data.get(f), f))
    for field in ("description", "location"):
        if field in data:
            cleaned[field] = str(data.get(field) or "").strip()
    if len(cleaned.get("location", "")) > 300:
        errors["location"] = "Location must be at most 300 characters."

    tz_name = instance.time_zone if instance else "UTC"
    if "time_zone" in data:
        try:
            tz_name = cleaned["time_zone"] = check_time_zone(str(data.get("time_zone") or ""))
        except HeardError as exc:
            errors["time_zone"] = exc.message
    for field in ("starts_at", "ends_at"):
        if field in data or instance is None:
            collect(errors, cleaned, field, lambda f=field: parse_moment(data.get(f), tz_name, f))
    starts = cleaned.get("starts_at", instance.starts_at if instance else None)
    ends = cleaned.get("ends_at", instance.ends_at if instance else None)
    if starts and ends and "starts_at" not in errors and "ends_at" not in errors:
        if ends <= starts:
            errors["ends_at"] = "The session must end after it starts."
        elif instance is not None:
            planned = _agenda_minutes(instance)
            length = int((ends - starts).total_seconds() // 60)
            if planned > length:
                errors["ends_at"] = f"The agenda needs {planned} minutes but the session would last {length}; shorten the agenda first."
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


def _session_snapshot(session: Session) -> dict:
    return audit.snapshot(session, list(SESSION_FIELDS) + ["published_at"])


@transaction.atomic
def create_session(*, actor, product: Product, data: dict) -> Session:
    """Plan a session. ``confidentiality`` defaults to the engagement model's."""
    permissions.require(actor, product.workspace, "sessions.edit")
    require_active(product)
    cleaned = clean_session(product, data)
    cleaned.setdefault("confidentiality", engagement_for(product).default_confidentiality)
    if cleaned.get("channel") == Channel.ASYNC_REVIEW:
        cleaned.setdefault("mode", Mode.ASYNCHRONOUS)
    creator = actor if getattr(actor, "is_authenticated", False) else None
    session = Session.objects.create(product=product, created_by=creator, **cleaned)
    audit.record(actor=actor, workspace=product.workspace, verb="session.created", target=session, after=_session_snapshot(session))
    return session


@transaction.atomic
def update_session(*, actor, session: Session, data: dict) -> Session:
    permissions.require(actor, session.product.workspace, "sessions.edit")
    cleaned = clean_session(session.product, data, instance=session)
    before = _session_snapshot(session)
    for field, value in cleaned.items():
        setattr(session, field, value)
    session.save()
    after = _session_snapshot(session)
    if after != before:
        audit.record(actor=actor, workspace=session.product.workspace, verb="session.updated", target=session, before=before, after=after)
    return session


@transaction.atomic
def delete_session(*, actor, session: Session) -> None:
    permissions.require(actor, session.product.workspace, "sessions.edit")
    audit.record(actor=actor, workspace=session.product.workspace, verb="session.deleted", target=session, before=_session_snapshot(session))
    session.delete()


@transaction.atomic
def publish_session(*, actor, session: Session) -> Session:
    """Mark the session as sent to its participants. Flags and plain-language findings are
    shown before this step; they warn, they do not block."""
    permissions.require(actor, session.product.workspace, "sessions.edit")
    if session.published_at is not None:
        raise HeardError("conflict", "This session was already published.")
    session.published_at = timezone.now()
    session.save(update_fields=["published_at", "updated_at"])
    audit.record(actor=actor, workspace=session.product.workspace, verb="session.published", target=session, after={"published_at": session.published_at})
    return session


# ---------------------------------------------------------------- objectives

def _decision_of(session: Session, ref: Any):
    from heard.decisions.models import Decision

    if ref in (None, ""):
        return None
    if isinstance(ref, Decision):
        ref = ref.pk
    try:
        return Decision.objects.get(pk=as_id(ref), product=session.product)
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise HeardError("invalid", f"No decision #{ref} in {session.product}.", "decision") from None


def _clean_objective(session: Session, data: dict, instance: Objective | None) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if "question" in data or instance is None:
        collect(errors, cleaned, "question", lambda: check_required(data.get("question"), "question", "Question", 300))
    if "evidence_needed" in data:
        cleaned["evidence_needed"] = str(data.get("evidence_needed") or "").strip()
    if "outcome_kind" in data and data.get("outcome_kind") not in (None, ""):
        collect(errors, cleaned, "outcome_kind", lambda: check_choice(data.get("outcome_kind"), OutcomeKind, "outcome_kind", "outcome kind"))
    if "decision" in data:
        collect(errors, cleaned, "decision", lambda: _decision_of(session, data.get("decision")))
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


def _add_part(actor, session: Session, parts, clean, data: dict, verb: str):
    """A new objective or agenda item (``parts`` the session's related manager), last in order."""
    permissions.require(actor, session.product.workspace, "sessions.edit")
    cleaned = clean(session, data, None)
    part = parts.model.objects.create(session=session, position=parts.count() + 1, **cleaned)
    audit.record(actor=actor, workspace=session.product.workspace, verb=f"{verb}.added", target=part, after=audit.snapshot(part))
    return part


def _update_part(actor, part, clean, data: dict, verb: str):
    session = part.session
    permissions.require(actor, session.product.workspace, "sessions.edit")
    cleaned = clean(session, data, part)
    audit.save_changes(actor=actor, workspace=session.product.workspace, target=part, changes=cleaned, verb=f"{verb}.updated")
    return part


def _remove_part(actor, part, verb: str) -> None:
    permissions.require(actor, part.session.product.workspace, "sessions.edit")
    audit.delete_with_event(actor=actor, workspace=part.session.product.workspace, target=part, verb=f"{verb}.removed")


@transaction.atomic
def add_objective(*, actor, session: Session, data: dict) -> Objective:
    """Add what the session must find out: question, evidence_needed, outcome_kind, decision (id)."""
    return _add_part(actor, session, session.objectives, _clean_objective, data, "objective")


@transaction.atomic
def update_objective(*, actor, objective: Objective, data: dict) -> Objective:
    return _update_part(actor, objective, _clean_objective, data, "objective")


@transaction.atomic
def remove_objective(*, actor, objective: Objective) -> None:
    """Remove an objective; agenda items that served it lose their outcome (and are flagged)."""
    _remove_part(actor, objective, "objective")


# ---------------------------------------------------------------- agenda items

def _objective_of(session: Session, ref: Any) -> Objective | None:
    if ref in (None, ""):
        return None
    if isinstance(ref, Objective):
        ref = ref.pk
    try:
        return session.objectives.get(pk=as_id(ref))
    except (Objective.DoesNotExist, ValueError, TypeError):
        raise HeardError("invalid", f"No objective #{ref} in this session.", "objective") from None


def _clean_agenda_item(session: Session, data: dict, instance: AgendaItem | None) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if "title" in data or instance is None:
        collect(errors, cleaned, "title", lambda: check_required(data.get("title"), "title", "Title", 200))
    if "timebox_minutes" in data or instance is None:
        collect(errors, cleaned, "timebox_minutes", lambda: _whole_number(data.get("timebox_minutes"), "timebox_minutes", "Timebox", 1, 1440))
    if "objective" in data:
        collect(errors, cleaned, "objective", lambda: _objective_of(session, data.get("objective")))
    if "decision" in data:
        collect(errors, cleaned, "decision", lambda: _decision_of(session, data.get("decision")))
    if "timebox_minutes" in cleaned:
        planned = _agenda_minutes(session, exclude=instance) + cleaned["timebox_minutes"]
        if planned > session.length_minutes:
            errors["timebox_minutes"] = (
                f"The agenda would take {planned} minutes but the session lasts {session.length_minutes}; "
                f"{max(0, session.length_minutes - planned + cleaned['timebox_minutes'])} minutes are left."
            )
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


@transaction.atomic
def add_agenda_item(*, actor, session: Session, data: dict) -> AgendaItem:
    """Add an agenda item: title, timebox_minutes, and the objective and/or decision (ids) it serves.

    An item that serves neither is allowed (people plan in drafts) but flagged.
    """
    return _add_part(actor, session, session.agenda_items, _clean_agenda_item, data, "agenda_item")


@transaction.atomic
def update_agenda_item(*, actor, item: AgendaItem, data: dict) -> AgendaItem:
    return _update_part(actor, item, _clean_agenda_item, data, "agenda_item")


@transaction.atomic
def remove_agenda_item(*, actor, item: AgendaItem) -> None:
    _remove_part(actor, item, "agenda_item")


# ---------------------------------------------------------------- participants

def invitations_this_quarter(stakeholder: Stakeholder, product: Product, when: datetime, exclude_session: Session | None = None) -> int:
    """How many sessions of ``product`` in the calendar quarter of ``when`` (UTC) invite the person."""
    quarter_start_month = 3 * ((when.month - 1) // 3) + 1
    start = when.replace(month=quarter_start_month, day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + 1, month=1) if quarter_start_month == 10 else start.replace(month=quarter_start_month + 3)
    qs = Participant.objects.filter(stakeholder=stakeholder, session__product=product, session__starts_at__gte=start, session__starts_at__lt=end)
    if exclude_session is not None:
        qs = qs.exclude(session=exclude_session)
    return qs.values("session").distinct().count()


def invitation_warning(stakeholder: Stakeholder, session: Session) -> str | None:
    cap = engagement_for(session.product).invitations_per_quarter
    earlier = invitations_this_quarter(stakeholder, session.product, session.starts_at, exclude_session=session)
    if earlier + 1 > cap:
        return (f"{stakeholder.name} is now invited to {earlier + 1} sessions this quarter; the engagement model asks "
                f"for at most {cap}. Consider inviting someone else from their segment.")
    return None


def add_participant(*, actor, session: Session, **person) -> Participant:
    """Invite a stakeholder (``stakeholder=`` id) or a team member (``user=`` id or e-mail)
    with a decision right (``right=``); see participation.actions.add_participant.

    Inviting a stakeholder more often than the engagement model's cap per quarter succeeds
    but warns: the returned participant carries ``warnings`` (a list of messages).
    """
    return participation.add_participant(actor=actor, subject=session, **person)


def update_participant(*, actor, participant: Participant, right: str | None = None, attendance: str | None = None) -> Participant:
    """Change a participant's decision right and/or record attendance (attended, absent, or "")."""
    return participation.update_participant(actor=actor, participant=participant, right=right, attendance=attendance)


def record_attendance(*, actor, session: Session, attendance: dict) -> int:
    """Record who came, after the session: ``{participant_id: "attended"|"absent"|""}``."""
    return participation.record_attendance(actor=actor, subject=session, attendance=attendance)


remove_participant = participation.remove_participant


def _invitation_warnings(participant: Participant) -> list[str]:
    if not participant.stakeholder_id:
        return []
    warning = invitation_warning(participant.stakeholder, participant.session)
    return [warning] if warning else []


# ---------------------------------------------------------------- pre-reads

def _clean_pre_read(session: Session, data: dict, instance: PreRead | None) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if "title" in data or instance is None:
        collect(errors, cleaned, "title", lambda: check_required(data.get("title"), "title", "Title", 200))
    if "url" in data:
        collect(errors, cleaned, "url", lambda: _url(data.get("url"), "url"))
    if "body" in data:
        cleaned["body"] = str(data.get("body") or "").strip()
    if "shared_at" in data:
        raw = data.get("shared_at")
        if raw in (None, ""):
            cleaned["shared_at"] = None
        else:
            collect(errors, cleaned, "shared_at", lambda: parse_moment(raw, session.time_zone, "shared_at"))
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


@transaction.atomic
def add_pre_read(*, actor, session: Session, data: dict) -> PreRead:
    """Add a pre-read: title, url and/or body, and shared_at when it was already sent."""
    permissions.require(actor, session.product.workspace, "sessions.edit")
    pre_read = PreRead.objects.create(session=session, **_clean_pre_read(session, data, None))
    audit.record(actor=actor, workspace=session.product.workspace, verb="pre_read.added", target=pre_read, after=audit.snapshot(pre_read))
    return pre_read


@transaction.atomic
def update_pre_read(*, actor, pre_read: PreRead, data: dict) -> PreRead:
    session = pre_read.session
    permissions.require(actor, session.product.workspace, "sessions.edit")
    cleaned = _clean_pre_read(session, data, pre_read)
    audit.save_changes(actor=actor, workspace=session.product.workspace, target=pre_read, changes=cleaned, verb="pre_read.updated")
    return pre_read


@transaction.atomic
def share_pre_read(*, actor, pre_read: PreRead, at: datetime | None = None) -> PreRead:
    """Record that the pre-read went out to participants (now, unless ``at`` is given)."""
    session = pre_read.session
    permissions.require(actor, session.product.workspace, "sessions.edit")
    if pre_read.shared_at is not None:
        raise HeardError("conflict", f"“{pre_read.title}” was already shared.", "shared_at")
    pre_read.shared_at = at or timezone.now()
    pre_read.save(update_fields=["shared_at"])
    audit.record(actor=actor, workspace=session.product.workspace, verb="pre_read.shared", target=pre_read, after={"shared_at": pre_read.shared_at})
    return pre_read


@transaction.atomic
def remove_pre_read(*, actor, pre_read: PreRead) -> None:
    session = pre_read.session
    permissions.require(actor, session.product.workspace, "sessions.edit")
    audit.delete_with_event(actor=actor, workspace=session.product.workspace, target=pre_read, verb="pre_read.removed")


# ---------------------------------------------------------------- comments (asynchronous input)

def add_comment(*, actor, session: Session, body: str, pre_read: Any = None, stakeholder: Any = None) -> Comment:
    """Written input on the session or one of its pre-reads; see participation.actions.add_comment.
    A stakeholder's comment (typed in, or from the portal with ``actor=None``) counts as hearing from them."""
    return participation.add_comment(actor=actor, subject=session, body=body, pre_read=pre_read, stakeholder=stakeholder)


def _pre_read_of(session: Session, ref: Any) -> PreRead:
    ref = getattr(ref, "pk", ref)
    found = session.pre_reads.filter(pk=as_id(ref)).first() if as_id(ref) is not None else None
    if found is None:
        raise HeardError("invalid", f"No pre-read #{ref} in this session.", "pre_read")
    return found


# ---------------------------------------------------------------- glossary

@transaction.atomic
def set_glossary_term(*, actor, workspace: Workspace, term: str, plain: str = "", note: str = "") -> GlossaryTerm:
    """Add or change a glossary rule. An empty ``plain`` accepts the term as plain enough."""
    permissions.require(actor, workspace, "glossary.edit")
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    collect(errors, cleaned, "term", lambda: check_required(term, "term", "Term", 80))
    if len(str(plain or "").strip()) > 200:
        errors["plain"] = "The plain words must be at most 200 characters."
    if errors:
        raise HeardValidationErrors(errors)
    entry = workspace.glossary_terms.filter(term__iexact=cleaned["term"]).first()
    before = audit.snapshot(entry) if entry else None
    if entry is None:
        entry = GlossaryTerm(workspace=workspace)
    entry.term = cleaned["term"]
    entry.plain = str(plain or "").strip()
    entry.note = str(note or "").strip()[:300]
    entry.save()
    audit.record(actor=actor, workspace=workspace, verb="glossary_term.saved", target=entry, before=before, after=audit.snapshot(entry))
    return entry


@transaction.atomic
def delete_glossary_term(*, actor, entry: GlossaryTerm) -> None:
    permissions.require(actor, entry.workspace, "glossary.edit")
    audit.delete_with_event(actor=actor, workspace=entry.workspace, target=entry, verb="glossary_term.deleted")


# ---------------------------------------------------------------- taking part, and a person's data

def _export_sessions(stakeholder: Stakeholder):
    participations = [
        {"session": p.session.title, "starts_at": p.session.starts_at.isoformat(), "right": p.right, "attendance": p.attendance}
        for p in stakeholder.session_participations.select_related("session")
    ]
    comments = [{"session": c.session.title, "at": c.created_at.isoformat(), "body": c.body} for c in stakeholder.session_comments.select_related("session")]
    return "sessions", {"participations": participations, "comments": comments}


def register_participation() -> None:
    """Sessions are a kind of thing people take part in: invited with a right, attending,
    commenting on the session or a pre-read. Called once from the app's ready()."""
    from heard.stakeholders.actions import EXPORT_HOOKS, register_export_hook

    subjects.register(subjects.SubjectKind(
        name="session", model=Session, participant_model=Participant, comment_model=Comment,
        edit_capability="sessions.edit", attendance=True,
        warnings_on_invite=_invitation_warnings, comment_parts={"pre_read": _pre_read_of},
    ))
    if _export_sessions not in EXPORT_HOOKS:
        register_export_hook(_export_sessions)
