"""Every change to decision records: decisions, options, evidence, participants and their
advice, deciding, escalating, superseding, escalation forums and comments.

Each function is atomic, checks the actor's role, writes one audit event and raises
HeardError / HeardValidationErrors (field errors; nothing is saved) for bad input. Values
arrive as plain strings, numbers, ids or objects, the same from pages, the API and the CLI.
A decided or superseded decision is a record: change it by superseding it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from heard.core import audit, permissions
from heard.core.errors import HeardError, HeardValidationErrors
from heard.core.models import Product, Workspace
from heard.core.products import require_active
from heard.core.queries import member_by_ref
from heard.core.validation import (
    as_id,
    check_choice,
    check_date,
    check_required,
    collect,
    taken_by_another,
    unknown_fields,
)
from heard.participation import actions as participation
from heard.participation import subjects
from heard.participation.queries import waiting_advisers
from heard.stakeholders.models import Stakeholder

from .models import (
    EVIDENCE_FIELDS,
    Decision,
    DecisionComment,
    DecisionEvidence,
    DecisionOption,
    DecisionParticipant,
    DecisionRight,
    DecisionStatus,
    EscalationForum,
    EvidenceKind,
    TieBreak,
)

DECISION_FIELDS = ("question", "context", "criteria", "due_date", "tie_break", "confidential", "open_for_comment", "touches_compliance", "supersedes")
OPTION_FIELDS = ("title", "value", "cost", "risk", "notes")
FORUM_FIELDS = ("name", "description", "members", "final_authority", "deadline_days")


# ---------------------------------------------------------------- cleaning helpers

def _text(raw: Any) -> str:
    return str(raw or "").strip()


def _flag(raw: Any) -> bool:
    if isinstance(raw, str):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return bool(raw)


def _date(raw: Any, field: str) -> date | None:
    if raw in (None, ""):
        return None
    return check_date(raw, field)


def _criteria(raw: Any) -> list[str]:
    if raw in (None, ""):
        return []
    items = raw if isinstance(raw, list | tuple) else str(raw).splitlines()
    cleaned = [str(i).strip().lstrip("-•* ").strip() for i in items]
    cleaned = [c for c in cleaned if c]
    if any(len(c) > 300 for c in cleaned):
        raise HeardError("invalid", "Each criterion must be at most 300 characters.", "criteria")
    return cleaned


def _pk(ref: Any) -> int | None:
    text = str(getattr(ref, "pk", ref) or "").strip()
    return as_id(text)


def _workspace(decision: Decision) -> Workspace:
    return decision.product.workspace


def _still_open(decision: Decision) -> None:
    if not decision.is_open:
        raise HeardError("conflict", f"This decision is {decision.get_status_display().lower()}; it is kept as a record. Supersede it to change it.")


def _snapshot(decision: Decision) -> dict:
    data = audit.snapshot(decision)
    data.pop("updated_at", None)
    return data


# ---------------------------------------------------------------- decisions

def clean_decision(product: Product, data: dict, *, instance: Decision | None = None) -> dict:
    """Check the given decision fields (see DECISION_FIELDS); raise HeardValidationErrors."""
    errors = unknown_fields(data, DECISION_FIELDS)
    cleaned: dict[str, Any] = {}
    if "question" in data or instance is None:
        collect(errors, cleaned, "question", lambda: check_required(data.get("question"), "question", "Question", 300))
    if "context" in data:
        cleaned["context"] = _text(data.get("context"))
    if "criteria" in data:
        collect(errors, cleaned, "criteria", lambda: _criteria(data.get("criteria")))
    if "due_date" in data:
        collect(errors, cleaned, "due_date", lambda: _date(data.get("due_date"), "due_date"))
    if "tie_break" in data:
        collect(errors, cleaned, "tie_break", lambda: check_choice(data.get("tie_break") or TieBreak.PRODUCT_OWNER, TieBreak, "tie_break", "tie-break rule"))
    for field in ("confidential", "open_for_comment", "touches_compliance"):
        if field in data:
            cleaned[field] = _flag(data.get(field))
    if "supersedes" in data and data.get("supersedes") not in (None, ""):
        def _supersedes():
            pk = _pk(data["supersedes"])
            old = Decision.objects.filter(pk=pk, product=product).first() if pk else None
            if old is None:
                raise HeardError("invalid", f"No decision #{data['supersedes']} in this product to supersede.", "supersedes")
            if instance is not None and old.pk == instance.pk:
                raise HeardError("invalid", "A decision cannot supersede itself.", "supersedes")
            if old.status == DecisionStatus.SUPERSEDED:
                raise HeardError("invalid", f"“{old}” was already superseded.", "supersedes")
            return old
        collect(errors, cleaned, "supersedes", _supersedes)
    if cleaned.get("confidential") and cleaned.get("open_for_comment"):
        errors.setdefault("open_for_comment", "A confidential decision cannot be open for comment by stakeholders.")
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


def _mark_superseded(actor, old: Decision, new: Decision) -> None:
    before = _snapshot(old)
    old.status = DecisionStatus.SUPERSEDED
    old.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, workspace=_workspace(old), verb="decision.superseded", target=old, before=before, after=_snapshot(old) | {"superseded_by": new.pk})


@transaction.atomic
def create_decision(*, actor, product: Product, data: dict) -> Decision:
    """Open a decision. With ``supersedes`` the old decision is marked superseded."""
    workspace = product.workspace
    permissions.require(actor, workspace, "decisions.edit")
    require_active(product)
    cleaned = clean_decision(product, data)
    decision = Decision.objects.create(product=product, created_by=actor if getattr(actor, "is_authenticated", False) else None, **cleaned)
    audit.record(actor=actor, workspace=workspace, verb="decision.created", target=decision, after=_snapshot(decision))
    if decision.supersedes_id:
        _mark_superseded(actor, decision.supersedes, decision)
    return decision


@transaction.atomic
def update_decision(*, actor, decision: Decision, data: dict) -> Decision:
    """Change the given fields of an open (or escalated) decision."""
    workspace = _workspace(decision)
    permissions.require(actor, workspace, "decisions.edit")
    _still_open(decision)
    merged = {f: getattr(decision, f) for f in ("confidential", "open_for_comment")} | {k: v for k, v in data.items() if k in ("confidential", "open_for_comment")}
    cleaned = clean_decision(decision.product, data | {k: merged[k] for k in ("confidential", "open_for_comment")}, instance=decision)
    before = _snapshot(decision)
    old_supersedes = decision.supersedes_id
    for field, value in cleaned.items():
        setattr(decision, field, value)
    if _snapshot(decision) != before:
        decision.save()
        audit.record(actor=actor, workspace=workspace, verb="decision.updated", target=decision, before=before, after=_snapshot(decision))
        if decision.supersedes_id and decision.supersedes_id != old_supersedes:
            _mark_superseded(actor, decision.supersedes, decision)
    return decision


@transaction.atomic
def delete_decision(*, actor, decision: Decision) -> None:
    """Delete an open decision that was opened by mistake. Decided ones stay on record."""
    workspace = _workspace(decision)
    permissions.require(actor, workspace, "decisions.edit")
    if decision.status in (DecisionStatus.DECIDED, DecisionStatus.SUPERSEDED):
        raise HeardError("conflict", "A decided or superseded decision is kept on record and cannot be deleted.")
    audit.record(actor=actor, workspace=workspace, verb="decision.deleted", target=decision, before=_snapshot(decision))
    decision.delete()


@transaction.atomic
def supersede(*, actor, decision: Decision, data: dict) -> Decision:
    """Open a new decision that replaces ``decision`` (which is marked superseded)."""
    if decision.status == DecisionStatus.SUPERSEDED:
        raise HeardError("conflict", "This decision was already superseded.")
    return create_decision(actor=actor, product=decision.product, data={**data, "supersedes": decision.pk})


# ---------------------------------------------------------------- options

def _clean_option(data: dict, partial: bool) -> dict:
    errors = unknown_fields(data, OPTION_FIELDS)
    cleaned: dict[str, Any] = {}
    if "title" in data or not partial:
        collect(errors, cleaned, "title", lambda: check_required(data.get("title"), "title", "Title", 200))
    for field in ("value", "cost", "risk", "notes"):
        if field in data:
            cleaned[field] = _text(data.get(field))
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


@transaction.atomic
def add_option(*, actor, decision: Decision, data: dict) -> DecisionOption:
    workspace = _workspace(decision)
    permissions.require(actor, workspace, "decisions.edit")
    _still_open(decision)
    cleaned = _clean_option(data, partial=False)
    position = decision.options.count()
    option = DecisionOption.objects.create(decision=decision, position=position, **cleaned)
    audit.record(actor=actor, workspace=workspace, verb="decision_option.added", target=option, after=audit.snapshot(option))
    return option


@transaction.atomic
def update_option(*, actor, option: DecisionOption, data: dict) -> DecisionOption:
    decision = option.decision
    workspace = _workspace(decision)
    permissions.require(actor, workspace, "decisions.edit")
    _still_open(decision)
    cleaned = _clean_option(data, partial=True)
    audit.save_changes(actor=actor, workspace=workspace, target=option, changes=cleaned, verb="decision_option.updated")
    return option


@transaction.atomic
def remove_option(*, actor, option: DecisionOption) -> None:
    decision = option.decision
    workspace = _workspace(decision)
    permissions.require(actor, workspace, "decisions.edit")
    _still_open(decision)
    audit.delete_with_event(actor=actor, workspace=workspace, target=option, verb="decision_option.removed")


# ---------------------------------------------------------------- evidence

def find_evidence_target(product: Product, kind: str, ref: Any):
    """The feedback item, ticket or backlog item ``ref`` names in ``product``.

    ``ref`` is an id, or a ticket's help-desk id, or a backlog item's key (e.g. INV-142).
    """
    from heard.backlog.models import BacklogItem
    from heard.feedback.models import Feedback
    from heard.tickets.models import Ticket

    text = str(getattr(ref, "pk", ref) or "").strip().lstrip("#")
    if not text:
        raise HeardError("invalid", "Say which item: its number (or a ticket's help-desk id, or a backlog key).", "ref")
    found = None
    if kind == EvidenceKind.FEEDBACK:
        found = Feedback.objects.filter(product=product, pk=as_id(text)).first() if as_id(text) is not None else None
    elif kind == EvidenceKind.TICKET:
        qs = Ticket.objects.filter(product=product)
        found = qs.filter(external_id__iexact=text).first() or (qs.filter(pk=as_id(text)).first() if as_id(text) is not None else None)
    elif kind == EvidenceKind.BACKLOG_ITEM:
        qs = BacklogItem.objects.filter(product=product)
        found = qs.filter(external_key__iexact=text).first() or (qs.filter(pk=as_id(text)).first() if as_id(text) is not None else None)
    elif kind == EvidenceKind.PROGRAM:
        from heard.programs.models import ProgramOutcome

        found = ProgramOutcome.objects.filter(program__product=product, pk=as_id(text)).first() if as_id(text) is not None else None
    if found is None:
        label = dict(EvidenceKind.choices)[kind].lower()
        raise HeardError("invalid", f"No {label} “{text}” in {product.name}.", "ref")
    return found


@transaction.atomic
def add_evidence(*, actor, decision: Decision, kind: str, ref: Any, note: str = "") -> DecisionEvidence:
    """Link a feedback item, ticket or backlog item of the decision's product as evidence."""
    workspace = _workspace(decision)
    permissions.require(actor, workspace, "decisions.edit")
    _still_open(decision)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    collect(errors, cleaned, "kind", lambda: check_choice(kind, EvidenceKind, "kind", "kind of evidence"))
    if "kind" in cleaned:
        collect(errors, cleaned, "ref", lambda: find_evidence_target(decision.product, cleaned["kind"], ref))
    if not errors:
        field = EVIDENCE_FIELDS[cleaned["kind"]]
        if decision.evidence.filter(**{field: cleaned["ref"]}).exists():
            errors["ref"] = f"“{cleaned['ref']}” is already linked as evidence."
    if errors:
        raise HeardValidationErrors(errors)
    evidence = DecisionEvidence.objects.create(
        decision=decision, kind=cleaned["kind"], note=_text(note), **{EVIDENCE_FIELDS[cleaned["kind"]]: cleaned["ref"]},
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(actor=actor, workspace=workspace, verb="decision_evidence.added", target=evidence, after=audit.snapshot(evidence))
    return evidence


@transaction.atomic
def remove_evidence(*, actor, evidence: DecisionEvidence) -> None:
    decision = evidence.decision
    workspace = _workspace(decision)
    permissions.require(actor, workspace, "decisions.edit")
    _still_open(decision)
    audit.delete_with_event(actor=actor, workspace=workspace, target=evidence, verb="decision_evidence.removed")


# ---------------------------------------------------------------- participants and advice

def add_participant(*, actor, decision: Decision, **person) -> DecisionParticipant:
    """Give a stakeholder (``stakeholder=`` id) or a team member (``user=`` id or e-mail) a
    decision right (``right=``); ``required=True`` makes an adviser's advice a condition of
    deciding. See participation.actions.add_participant."""
    return participation.add_participant(actor=actor, subject=decision, **person)


def update_participant(*, actor, participant: DecisionParticipant, right: str | None = None, required: Any = None) -> DecisionParticipant:
    return participation.update_participant(actor=actor, participant=participant, right=right, required=required)


remove_participant = participation.remove_participant
weigh_in = participation.weigh_in


# ---------------------------------------------------------------- deciding

def missing_advisers(decision: Decision) -> list[DecisionParticipant]:
    return waiting_advisers(list(decision.participants.select_related("user", "stakeholder")))


def decide_refusal(actor, decision: Decision) -> HeardError | None:
    """Why ``actor`` may not record this decision's outcome, or None when they may: the rule
    :func:`decide` enforces, asked by pages so they offer the form only to someone who may
    use it. (Missing advice is not part of it: the decider sees the form and is told.)"""
    try:
        _may_decide(actor, decision)
    except HeardError as refusal:
        return refusal
    return None


def _may_decide(actor, decision: Decision) -> None:
    """Who may record the outcome: the forum's final authority for an escalated decision;
    otherwise a team member who holds the right to decide it (and whose role holds
    ``decisions.decide``). When only stakeholders hold the right, they have no team login,
    so someone whose role may decide records it for them. actor=None (CLI, system) may."""
    workspace = _workspace(decision)
    if decision.status == DecisionStatus.ESCALATED and decision.forum_id:
        if actor is None:
            return
        permissions.require(actor, workspace, "workspace.view")
        if decision.forum.final_authority_id != actor.pk:
            raise HeardError("forbidden", f"This decision was escalated to {decision.forum.name}; only its final authority, {decision.forum.final_authority.display_name}, can decide it.", "participants")
        return
    permissions.require(actor, workspace, "decisions.decide")
    deciders = list(decision.participants.filter(right=DecisionRight.DECIDES).select_related("user", "stakeholder"))
    if not deciders:
        raise HeardError("conflict", "No one holds the right to decide this decision. Add a participant who decides (or escalate it to a forum) first.", "participants")
    team_deciders = [p for p in deciders if p.user_id]
    if actor is None or not team_deciders or any(p.user_id == actor.pk for p in team_deciders):
        return
    names = " or ".join(p.person_name for p in team_deciders)
    raise HeardError(
        "forbidden",
        f"You cannot record this outcome: only {names}, who {'holds' if len(team_deciders) == 1 else 'hold'} the right to decide, can. "
        "Ask them to record it, change who decides, or escalate the decision.",
        "participants",
    )


@transaction.atomic
def decide(*, actor, decision: Decision, outcome: Any, rationale: str) -> Decision:
    """Record the outcome: the chosen option and the rationale ("because …").

    Refused while a required adviser has not weighed in, when no one holds the right to
    decide, for a team member who does not hold it, and (for an escalated decision) for
    anyone but the forum's final authority.
    """
    workspace = _workspace(decision)
    _still_open(decision)
    _may_decide(actor, decision)
    waiting = missing_advisers(decision)
    if waiting:
        names = ", ".join(p.person_name for p in waiting)
        raise HeardError("conflict", f"Required advice is missing: {names} {'has' if len(waiting) == 1 else 'have'} not weighed in yet.", "participants")
    errors: dict[str, str] = {}
    pk = _pk(outcome)
    option = decision.options.filter(pk=pk).first() if pk else None
    if option is None:
        errors["outcome"] = "Choose one of this decision's options as the outcome." if decision.options.exists() else "Add the options first, then choose one as the outcome."
    text = _text(rationale)
    if not text:
        errors["rationale"] = "Say why: the rationale (“because …”) is required."
    if errors:
        raise HeardValidationErrors(errors)
    before = _snapshot(decision)
    decision.outcome = option
    decision.rationale = text
    decision.status = DecisionStatus.DECIDED
    decision.decided_at = timezone.now()
    decision.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    decision.save()
    audit.record(actor=actor, workspace=workspace, verb="decision.decided", target=decision, before=before, after=_snapshot(decision))
    return decision


@transaction.atomic
def escalate(*, actor, decision: Decision, forum: Any, reason: str) -> Decision:
    """Move an open decision to an escalation forum, recording why; its deadline follows
    from the forum's ``deadline_days``."""
    workspace = _workspace(decision)
    permissions.require(actor, workspace, "decisions.edit")
    if decision.status != DecisionStatus.OPEN:
        raise HeardError("conflict", f"Only an open decision can be escalated; this one is {decision.get_status_display().lower()}.")
    errors: dict[str, str] = {}
    pk = _pk(forum)
    forum_obj = EscalationForum.objects.filter(pk=pk, workspace=workspace).select_related("final_authority").first() if pk else None
    if forum_obj is None:
        errors["forum"] = "Choose an escalation forum of this workspace."
    if not _text(reason):
        errors["reason"] = "Say why the decision is escalated."
    if errors:
        raise HeardValidationErrors(errors)
    before = _snapshot(decision)
    now = timezone.now()
    decision.status = DecisionStatus.ESCALATED
    decision.forum = forum_obj
    decision.escalation_reason = _text(reason)
    decision.escalated_at = now
    decision.escalation_deadline = timezone.localdate(now) + timedelta(days=forum_obj.deadline_days)
    decision.save()
    audit.record(actor=actor, workspace=workspace, verb="decision.escalated", target=decision, before=before, after=_snapshot(decision))
    return decision


# ---------------------------------------------------------------- escalation forums

def _clean_forum(workspace: Workspace, data: dict, instance: EscalationForum | None = None) -> dict:
    errors = unknown_fields(data, FORUM_FIELDS)
    cleaned: dict[str, Any] = {}
    if "name" in data or instance is None:
        def _name():
            name = check_required(data.get("name"), "name", "Name", 200)
            if taken_by_another(workspace.escalation_forums.filter(name__iexact=name), instance):
                raise HeardError("invalid", f"A forum called “{name}” already exists.", "name")
            return name
        collect(errors, cleaned, "name", _name)
    if "description" in data:
        cleaned["description"] = _text(data.get("description"))
    if "final_authority" in data or instance is None:
        def _authority():
            if data.get("final_authority") in (None, ""):
                raise HeardError("invalid", "Name the final authority: the team member who settles escalated decisions.", "final_authority")
            return member_by_ref(workspace, data.get("final_authority"), "final_authority")
        collect(errors, cleaned, "final_authority", _authority)
    if "members" in data:
        def _members():
            raw = data.get("members") or []
            refs = raw if isinstance(raw, list | tuple) else [r for r in str(raw).replace(";", ",").split(",") if r.strip()]
            return [member_by_ref(workspace, r, "members") for r in refs]
        collect(errors, cleaned, "members", _members)
    if "deadline_days" in data or instance is None:
        def _days():
            raw = data.get("deadline_days", 10)
            try:
                days = int(str(raw).strip())
            except (TypeError, ValueError):
                raise HeardError("invalid", "Deadline must be a whole number of days.", "deadline_days") from None
            if not 1 <= days <= 365:
                raise HeardError("invalid", f"Deadline must be from 1 to 365 days, not {days}.", "deadline_days")
            return days
        collect(errors, cleaned, "deadline_days", _days)
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


def _forum_snapshot(forum: EscalationForum) -> dict:
    return audit.snapshot(forum) | {"members": sorted(forum.members.values_list("pk", flat=True))}


@transaction.atomic
def create_forum(*, actor, workspace: Workspace, data: dict) -> EscalationForum:
    """An escalation forum: name, members, the final authority and a deadline in days."""
    permissions.require(actor, workspace, "decisions.decide")
    cleaned = _clean_forum(workspace, data)
    members = cleaned.pop("members", [])
    forum = EscalationForum.objects.create(workspace=workspace, **cleaned)
    forum.members.set(set(members) | {forum.final_authority})
    audit.record(actor=actor, workspace=workspace, verb="escalation_forum.created", target=forum, after=_forum_snapshot(forum))
    return forum


@transaction.atomic
def update_forum(*, actor, forum: EscalationForum, data: dict) -> EscalationForum:
    workspace = forum.workspace
    permissions.require(actor, workspace, "decisions.decide")
    cleaned = _clean_forum(workspace, data, forum)
    before = _forum_snapshot(forum)
    members = cleaned.pop("members", None)
    for field, value in cleaned.items():
        setattr(forum, field, value)
    forum.save()
    if members is not None:
        forum.members.set(set(members) | {forum.final_authority})
    else:
        forum.members.add(forum.final_authority)
    audit.record(actor=actor, workspace=workspace, verb="escalation_forum.updated", target=forum, before=before, after=_forum_snapshot(forum))
    return forum


@transaction.atomic
def delete_forum(*, actor, forum: EscalationForum) -> None:
    workspace = forum.workspace
    permissions.require(actor, workspace, "decisions.decide")
    if forum.decisions.filter(status=DecisionStatus.ESCALATED).exists():
        raise HeardError("conflict", "Decisions are waiting in this forum; decide them before deleting it.")
    audit.record(actor=actor, workspace=workspace, verb="escalation_forum.deleted", target=forum, before=_forum_snapshot(forum))
    forum.delete()


# ---------------------------------------------------------------- comments, and a person's data

def add_comment(*, actor=None, decision: Decision, stakeholder: Any = None, body: str) -> DecisionComment:
    """Written input on a decision; see participation.actions.add_comment. From the portal
    (``actor=None``) only on a decision open for comment."""
    return participation.add_comment(actor=actor, subject=decision, body=body, stakeholder=stakeholder)


def _portal_may_comment(decision: Decision) -> bool:
    return decision.open_for_comment and not decision.confidential and decision.is_open


def _export_person(stakeholder: Stakeholder):
    return "decisions", {
        "participations": [
            {"decision": p.decision.question, "right": p.right, "required": p.required, "advice": p.advice, "weighed_in_at": p.weighed_in_at}
            for p in DecisionParticipant.objects.filter(stakeholder=stakeholder).select_related("decision")
        ],
        "comments": [
            {"decision": c.decision.question, "body": c.body, "created_at": c.created_at}
            for c in DecisionComment.objects.filter(author_stakeholder=stakeholder).select_related("decision")
        ],
    }


def register_participation() -> None:
    """Decisions are a kind of thing people take part in: rights, required advice that must
    be in before deciding, comments (from the portal where open). Called from ready()."""
    from heard.stakeholders.actions import EXPORT_HOOKS, register_export_hook

    subjects.register(subjects.SubjectKind(
        name="decision", model=Decision, participant_model=DecisionParticipant, comment_model=DecisionComment,
        edit_capability="decisions.edit", verb_prefix="decision_", advice=True,
        check_changeable=_still_open, portal_may_comment=_portal_may_comment,
    ))
    if _export_person not in EXPORT_HOOKS:
        register_export_hook(_export_person)
