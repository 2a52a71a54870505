"""Reads for sessions, scoped by the actor's workspace and role, and the flags a session raises."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from heard.core import permissions
from heard.core.errors import HeardError
from heard.core.models import Product, Workspace
from heard.core.plain_language import PlainLanguageCheck, check_many

from .actions import engagement_for, invitations_this_quarter
from .models import (
    CADENCE_DAYS,
    AgendaItem,
    Cadence,
    Channel,
    DecisionRight,
    EngagementModel,
    GlossaryTerm,
    Objective,
    Participant,
    PreRead,
    Session,
)


def sessions(actor, product: Product, *, upcoming: bool | None = None, channel: str = "", q: str = "") -> QuerySet[Session]:
    """The product's sessions. ``upcoming`` True: not yet ended, soonest first; False: past, newest first."""
    permissions.require(actor, product.workspace, "workspace.view")
    qs = product.sessions.all()
    now = timezone.now()
    if upcoming is True:
        qs = qs.filter(ends_at__gte=now).order_by("starts_at", "pk")
    elif upcoming is False:
        qs = qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        qs = qs.order_by("starts_at", "pk")
    if channel:
        qs = qs.filter(channel=channel)
    if q:
        qs = qs.filter(title__icontains=q.strip())
    return qs.prefetch_related(
        "objectives", "agenda_items", "pre_reads", Prefetch("participants", queryset=Participant.objects.select_related("stakeholder", "user"))
    )


def get_session(actor, product: Product, pk) -> Session:
    permissions.require(actor, product.workspace, "workspace.view")
    try:
        return product.sessions.select_related("product__workspace").prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.select_related("decision")),
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("objective", "decision")),
            Prefetch("participants", queryset=Participant.objects.select_related("stakeholder", "user")),
            "pre_reads",
        ).get(pk=int(pk))
    except (Session.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Session was not found.") from None


def _child(actor, session: Session, model, pk, what: str):
    permissions.require(actor, session.product.workspace, "workspace.view")
    try:
        return model.objects.select_related("session__product__workspace").get(pk=int(pk), session=session)
    except (model.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", f"{what} was not found.") from None


def get_objective(actor, session, pk) -> Objective:
    return _child(actor, session, Objective, pk, "Objective")


def get_agenda_item(actor, session, pk) -> AgendaItem:
    return _child(actor, session, AgendaItem, pk, "Agenda item")


def get_pre_read(actor, session, pk) -> PreRead:
    return _child(actor, session, PreRead, pk, "Pre-read")


def engagement_model(actor, product: Product) -> EngagementModel:
    permissions.require(actor, product.workspace, "workspace.view")
    return engagement_for(product)


def product_for_feed(token: str) -> Product:
    """The product whose calendar feed has this secret token (the link is the credential)."""
    model = EngagementModel.objects.select_related("product__workspace").filter(feed_token=token).first() if token else None
    if model is None:
        raise HeardError("not_found", "This calendar feed does not exist or its link was reset.")
    return model.product


def glossary(actor, workspace: Workspace) -> QuerySet[GlossaryTerm]:
    permissions.require(actor, workspace, "workspace.view")
    return workspace.glossary_terms.all()


def get_glossary_term(actor, workspace: Workspace, pk) -> GlossaryTerm:
    permissions.require(actor, workspace, "workspace.view")
    try:
        return workspace.glossary_terms.get(pk=int(pk))
    except (GlossaryTerm.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Glossary term was not found.") from None


# ---------------------------------------------------------------- flags

@dataclass(frozen=True)
class Flag:
    """Something a facilitator should fix or accept. ``target`` names the part at fault,
    e.g. "agenda_item:12", or "session" for the whole session."""

    code: str
    message: str
    target: str = "session"


def pre_read_is_late(pre_read: PreRead, session: Session, lead_days: int, now: datetime | None = None) -> bool:
    """Shared later than the lead time before the session, or not shared and already past it."""
    deadline = session.starts_at - timedelta(days=lead_days)
    if pre_read.shared_at is not None:
        return pre_read.shared_at > deadline
    return (now or timezone.now()) > deadline


def recording_consent_withdrawn(participants: list) -> list:
    """Stakeholder participants who once consented to recording and withdrew it (no consent
    for it is active now): a session recording that includes them must be flagged."""
    from heard.stakeholders.models import Consent, ConsentPurpose

    ids = [p.stakeholder_id for p in participants if p.stakeholder_id]
    if not ids:
        return []
    recording = Consent.objects.filter(stakeholder_id__in=ids, purpose=ConsentPurpose.RECORDING)
    withdrew = set(recording.filter(withdrawn_at__isnull=False).values_list("stakeholder_id", flat=True))
    active = set(recording.filter(withdrawn_at__isnull=True).values_list("stakeholder_id", flat=True))
    return [p for p in participants if p.stakeholder_id in withdrew - active]


def session_flags(session: Session, engagement: EngagementModel | None = None) -> list[Flag]:
    """What is wrong with a session's plan: agenda items without an outcome, late pre-reads,
    no one who decides, no customer, and stakeholders invited beyond the quarterly cap."""
    engagement = engagement or engagement_for(session.product)
    flags: list[Flag] = []
    participants = list(session.participants.all())
    if not session.objectives.all():
        flags.append(Flag("no_objectives", "No objectives: write down what this session must find out."))
    for item in session.agenda_items.all():
        if not item.has_outcome:
            flags.append(Flag("agenda_item_without_outcome", f"Agenda item “{item.title}” serves no objective or decision.", f"agenda_item:{item.pk}"))
    for pre_read in session.pre_reads.all():
        if pre_read_is_late(pre_read, session, engagement.pre_read_lead_days):
            when = "was shared" if pre_read.shared_at else "is not shared yet and is due"
            flags.append(Flag("late_pre_read", f"Pre-read “{pre_read.title}” {when} less than {engagement.pre_read_lead_days} days before the session.", f"pre_read:{pre_read.pk}"))
    if not any(p.right == DecisionRight.DECIDES for p in participants):
        flags.append(Flag("no_decider", "No participant decides: name who decides what this session informs."))
    if not any(p.is_customer for p in participants):
        flags.append(Flag("no_customer", "No customer takes part: only team members or internal proxies."))
    if session.recording_url:
        for p in recording_consent_withdrawn(participants):
            flags.append(Flag(
                "recording_consent_withdrawn",
                f"{p.stakeholder.name} withdrew consent to recording, and this session's recording includes them: cut them out of it or delete it.",
                f"participant:{p.pk}",
            ))
    for p in participants:
        if p.stakeholder_id:
            count = invitations_this_quarter(p.stakeholder, session.product, session.starts_at)
            if count > engagement.invitations_per_quarter:
                flags.append(Flag("over_invitation_cap", f"{p.stakeholder.name} is invited to {count} sessions this quarter (cap {engagement.invitations_per_quarter}).", f"participant:{p.pk}"))
    return flags


def flags_by_target(flags: list[Flag]) -> dict[str, list[Flag]]:
    grouped: dict[str, list[Flag]] = {}
    for flag in flags:
        grouped.setdefault(flag.target, []).append(flag)
    return grouped


def late_pre_read_ids(session: Session, engagement: EngagementModel | None = None) -> set[int]:
    lead = (engagement or engagement_for(session.product)).pre_read_lead_days
    return {p.pk for p in session.pre_reads.all() if pre_read_is_late(p, session, lead)}


# ---------------------------------------------------------------- plain language

def plain_language_report(session: Session) -> list[tuple[str, PlainLanguageCheck]]:
    """Readability and jargon of everything participants will read: description, objectives,
    agenda and pre-reads, checked against the workspace glossary."""
    texts = [("Description", session.description)]
    texts += [(f"Objective: {o.question}", f"{o.question}\n{o.evidence_needed}") for o in session.objectives.all()]
    agenda = "\n".join(f"{i.title}." for i in session.agenda_items.all())
    texts.append(("Agenda", agenda))
    texts += [(f"Pre-read: {p.title}", f"{p.title}. {p.body}") for p in session.pre_reads.all()]
    return check_many(texts, session.product.workspace)


# ---------------------------------------------------------------- calendar-like list

def by_week(items, tz_name: str = "UTC") -> list[tuple[date, list[Session]]]:
    """Sessions grouped by the Monday of their week, in the reader's time zone."""
    tz = zoneinfo.ZoneInfo(tz_name or "UTC")
    weeks: dict[date, list[Session]] = {}
    for session in items:
        day = session.starts_at.astimezone(tz).date()
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(session)
    return list(weeks.items())


def cadence_status(actor, product: Product) -> list[dict]:
    """For each channel with a cadence: the last session, when the next one is due, and
    whether it is overdue (no session held or planned within the cadence)."""
    model = engagement_model(actor, product)
    now = timezone.now()
    rows = []
    for channel, cadence in sorted(model.cadence.items()):
        days = CADENCE_DAYS.get(cadence)
        last = product.sessions.filter(channel=channel, starts_at__lte=now).order_by("-starts_at").first()
        upcoming = product.sessions.filter(channel=channel, starts_at__gt=now).order_by("starts_at").first()
        due = (last.starts_at + timedelta(days=days)) if (last and days) else None
        overdue = bool(days) and upcoming is None and (due is None or due < now)
        rows.append({"channel": channel, "label": Channel(channel).label, "cadence": cadence, "cadence_label": Cadence(cadence).label, "last": last, "next": upcoming, "due": due, "overdue": overdue})
    return rows
