"""Reads of decision records, scoped to the actor's workspace and role, and the checks a
decision page shows: flags, disclosures of advisers, the compliance voice, edge-case
segments and the plain-language check of the rationale."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from heard.core import permissions
from heard.core.errors import HeardError
from heard.core.models import Product, Workspace
from heard.core.plain_language import PlainLanguageCheck, check
from heard.core.validation import as_id
from heard.participation import queries as participation
from heard.participation.queries import comments, deciders, participants, waiting_advisers
from heard.stakeholders.models import Disclosure, Segment, Stakeholder, StakeholderKind

from .models import (
    OPEN_STATUSES,
    Decision,
    DecisionEvidence,
    DecisionOption,
    DecisionParticipant,
    DecisionRight,
    DecisionStatus,
    EscalationForum,
)


def decisions(actor, product: Product, *, status: str = "", q: str = "") -> QuerySet[Decision]:
    """Decisions of a product, newest first; ``status`` one of DecisionStatus, ``q`` text."""
    permissions.require(actor, product.workspace, "workspace.view")
    qs = product.decisions.select_related("outcome", "forum")
    if status:
        if status not in DecisionStatus.values:
            raise HeardError("invalid", f"Unknown status “{status}”; choose one of: {', '.join(DecisionStatus.values)}.", "status")
        qs = qs.filter(status=status)
    if q:
        term = q.strip()
        qs = qs.filter(Q(question__icontains=term) | Q(context__icontains=term) | Q(rationale__icontains=term))
    return qs.order_by("-created_at", "-pk")


def get_decision(actor, product: Product, pk) -> Decision:
    permissions.require(actor, product.workspace, "workspace.view")
    try:
        return product.decisions.select_related("outcome", "forum__final_authority", "supersedes", "decided_by", "product__workspace").get(pk=as_id(pk))
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Decision was not found.") from None


def decision_in_workspace(actor, workspace: Workspace, pk) -> Decision:
    """A decision by id anywhere in the workspace (the API addresses decisions by id)."""
    permissions.require(actor, workspace, "workspace.view")
    found = Decision.objects.filter(pk=as_id(pk), product__workspace=workspace).select_related("product").first() if as_id(pk) is not None else None
    if found is None:
        raise HeardError("not_found", "Decision was not found.")
    return get_decision(actor, found.product, pk)


def _part(qs, pk, what):
    try:
        return qs.get(pk=as_id(pk))
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", f"{what} was not found.") from None


def get_option(actor, decision: Decision, pk) -> DecisionOption:
    permissions.require(actor, decision.product.workspace, "workspace.view")
    return _part(decision.options.all(), pk, "Option")


def get_evidence(actor, decision: Decision, pk) -> DecisionEvidence:
    permissions.require(actor, decision.product.workspace, "workspace.view")
    return _part(decision.evidence.all(), pk, "Evidence")


def options(decision: Decision) -> list[DecisionOption]:
    return list(decision.options.all())


def evidence(decision: Decision) -> list[DecisionEvidence]:
    """The decision's evidence; each feedback's stakeholder and ticket's requester carries
    ``declared`` (their disclosures in force when it was decided, or now), shown next to it."""
    from django.db.models import Prefetch

    from heard.stakeholders.queries import disclosures_in_force

    declared = disclosures_in_force(_moment(decision))
    return list(decision.evidence.select_related("feedback__stakeholder", "ticket__requester", "backlog_item", "program_outcome__program").prefetch_related(
        Prefetch("feedback__stakeholder__disclosures", queryset=declared, to_attr="declared"),
        Prefetch("ticket__requester__disclosures", queryset=declared, to_attr="declared"),
    ))


def forums(actor, workspace: Workspace) -> QuerySet[EscalationForum]:
    permissions.require(actor, workspace, "workspace.view")
    return workspace.escalation_forums.select_related("final_authority").prefetch_related("members")


def get_forum(actor, workspace: Workspace, pk) -> EscalationForum:
    permissions.require(actor, workspace, "workspace.view")
    return _part(forums(actor, workspace), pk, "Escalation forum")


def forum_decisions(actor, forum: EscalationForum) -> QuerySet[Decision]:
    """Decisions waiting in a forum, the earliest deadline first."""
    permissions.require(actor, forum.workspace, "workspace.view")
    return forum.decisions.filter(status=DecisionStatus.ESCALATED).select_related("product").order_by("escalation_deadline", "pk")


# ---------------------------------------------------------------- for the stakeholder portal

def open_for_comment(stakeholder: Stakeholder) -> QuerySet[Decision]:
    """Decisions a stakeholder may read and comment on in the portal: flagged open for
    comment, not confidential, still open (or escalated), of products in their workspace.
    Nothing for an erased stakeholder."""
    if stakeholder is None or stakeholder.is_erased:
        return Decision.objects.none()
    return (
        Decision.objects.filter(product__workspace_id=stakeholder.workspace_id, open_for_comment=True, confidential=False, status__in=OPEN_STATUSES)
        .select_related("product")
        .order_by("due_date", "-created_at", "pk")
    )


# ---------------------------------------------------------------- checks shown on a decision

@dataclass
class Flag:
    code: str
    message: str


@dataclass
class ComplianceVoice:
    """Whether a regulator was heard before the decision (or, while open, so far)."""

    required: bool
    heard: bool
    voices: list[str] = field(default_factory=list)


def _moment(decision: Decision):
    return decision.decided_at or timezone.now()


def _heard_stakeholders(decision: Decision, parts: list[DecisionParticipant], links: list[DecisionEvidence]) -> dict[int, tuple[Stakeholder, str]]:
    """Stakeholders whose input reached the decision before it was taken: advice they gave,
    comments they wrote, and evidence from them linked before the decision."""
    until = _moment(decision)
    heard: dict[int, tuple[Stakeholder, str]] = {}
    for p in parts:
        if p.stakeholder_id and p.weighed_in_at and p.weighed_in_at <= until:
            heard.setdefault(p.stakeholder_id, (p.stakeholder, "weighed in"))
    for e in links:
        person = e.stakeholder
        if person is not None and e.added_at <= until:
            heard.setdefault(person.pk, (person, f"{e.get_kind_display().lower()} linked as evidence"))
    for c in decision.comments.filter(author_stakeholder__isnull=False, created_at__lte=until).select_related("author_stakeholder"):
        heard.setdefault(c.author_stakeholder_id, (c.author_stakeholder, "commented"))
    return heard


def compliance_voice(decision: Decision, parts=None, links=None) -> ComplianceVoice:
    parts = participants(decision) if parts is None else parts
    links = evidence(decision) if links is None else links
    heard = _heard_stakeholders(decision, parts, links)
    voices = [f"{s.name} ({how})" for s, how in heard.values() if s.kind == StakeholderKind.REGULATOR]
    return ComplianceVoice(required=decision.touches_compliance, heard=bool(voices), voices=voices)


def missing_edge_segments(decision: Decision, parts=None, links=None) -> list[Segment]:
    """Edge-case segments of the workspace with no input on this decision: no participant
    from them (other than merely informed), no evidence from them."""
    parts = participants(decision) if parts is None else parts
    links = evidence(decision) if links is None else links
    edge = list(decision.product.workspace.segments.filter(is_edge_case=True))
    if not edge:
        return []
    people = {p.stakeholder_id for p in parts if p.stakeholder_id and p.right != DecisionRight.INFORMED}
    people |= {e.stakeholder.pk for e in links if e.stakeholder is not None}
    people |= set(decision.comments.filter(author_stakeholder__isnull=False).values_list("author_stakeholder_id", flat=True))
    covered = set(Segment.objects.filter(stakeholders__in=people, is_edge_case=True).values_list("pk", flat=True)) if people else set()
    return [s for s in edge if s.pk not in covered]


def adviser_disclosures(decision: Decision, parts=None) -> list[tuple[DecisionParticipant, Disclosure]]:
    """Disclosures of the decision's advisers, current when it was taken (or now)."""
    return participation.adviser_disclosures(participants(decision) if parts is None else parts, _moment(decision))


def rationale_check(decision: Decision) -> PlainLanguageCheck | None:
    if not decision.rationale.strip():
        return None
    return check(decision.rationale, decision.product.workspace)


def decision_flags(decision: Decision, parts=None, links=None) -> list[Flag]:
    """What a reader should notice: nobody decides, advice missing, no regulator heard on a
    compliance decision, edge-case segments without a voice, a deadline passed."""
    parts = participants(decision) if parts is None else parts
    links = evidence(decision) if links is None else links
    flags: list[Flag] = []
    taken = decision.status == DecisionStatus.DECIDED
    if decision.is_open and not any(p.right == DecisionRight.DECIDES for p in parts) and decision.status != DecisionStatus.ESCALATED:
        flags.append(Flag("no_decider", "No one holds the right to decide. Add a participant who decides."))
    if decision.is_open:
        waiting = [p.person_name for p in waiting_advisers(parts)]
        if waiting:
            flags.append(Flag("missing_advice", f"Waiting for required advice from {', '.join(waiting)}."))
    if decision.touches_compliance and decision.status != DecisionStatus.SUPERSEDED:
        voice = compliance_voice(decision, parts, links)
        if not voice.heard:
            flags.append(Flag("compliance_unheard", "Touches privacy, safety or legal duties, but no regulator or compliance stakeholder was heard before it was decided." if taken else "Touches privacy, safety or legal duties: hear a regulator or compliance stakeholder before deciding."))
    if decision.status != DecisionStatus.SUPERSEDED:
        for segment in missing_edge_segments(decision, parts, links):
            flags.append(Flag("edge_case_unheard", f"{'Decided' if taken else 'So far'} without any input from the edge-case segment “{segment.name}”."))
    if not links and decision.status != DecisionStatus.SUPERSEDED:
        flags.append(Flag("no_evidence", "No evidence is linked: no feedback, tickets or backlog items."))
    today = timezone.localdate()
    if decision.status == DecisionStatus.OPEN and decision.due_date and decision.due_date < today:
        flags.append(Flag("overdue", f"Was due on {decision.due_date:%d %b %Y}."))
    if decision.status == DecisionStatus.ESCALATED and decision.escalation_deadline and decision.escalation_deadline < today:
        flags.append(Flag("escalation_overdue", f"The forum's deadline ({decision.escalation_deadline:%d %b %Y}) has passed."))
    return flags


def decision_report(actor, decision: Decision) -> dict:
    """Everything the decision page and the API show beside the record itself."""
    permissions.require(actor, decision.product.workspace, "workspace.view")
    parts = participants(decision)
    links = evidence(decision)
    return {
        "options": options(decision),
        "evidence": links,
        "participants": parts,
        "deciders": deciders(parts),
        "flags": decision_flags(decision, parts, links),
        "disclosures": adviser_disclosures(decision, parts),
        "compliance": compliance_voice(decision, parts, links),
        "missing_segments": missing_edge_segments(decision, parts, links),
        "rationale_check": rationale_check(decision),
        "comments": list(comments(actor, decision)),
        "superseded_by": list(decision.superseded_by.all()),
    }


def linked_themes(decision: Decision) -> list:
    """Support themes linked to the decision (ThemeLink rows with their theme), strongest first."""
    return list(decision.theme_links.select_related("theme").order_by("-weight", "theme__name"))
