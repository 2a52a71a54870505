"""Reads of the stakeholder map, scoped to the actor's workspace and role."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from heard.core import permissions
from heard.core.errors import HeardError
from heard.core.models import AuditEvent, Workspace
from heard.core.validation import as_id, check_id

from .models import Consent, Disclosure, Organisation, Segment, Stakeholder, StakeholderKind


def stakeholders(actor, workspace: Workspace, *, kind: str = "", segment: str = "", organisation: str = "", q: str = "", include_erased: bool = True) -> QuerySet[Stakeholder]:
    """Stakeholders of the workspace, filtered. ``segment`` is a slug or id, ``organisation`` an id."""
    permissions.require(actor, workspace, "workspace.view")
    qs = workspace.stakeholders.select_related("organisation").prefetch_related("segments")
    if kind:
        qs = qs.filter(kind=kind)
    if segment:
        qs = qs.filter(segments__slug=segment) if as_id(segment) is None else qs.filter(segments__pk=as_id(segment))
    if organisation:
        if as_id(organisation) is not None:
            qs = qs.filter(organisation_id=as_id(organisation))
        else:
            qs = qs.filter(organisation__name__iexact=organisation)
    if q:
        term = q.strip()
        qs = qs.filter(
            Q(name__icontains=term) | Q(email__icontains=term) | Q(organisation__name__icontains=term)
            | Q(role_title__icontains=term) | Q(notes__icontains=term)
        )
    if not include_erased:
        qs = qs.filter(erased_at__isnull=True)
    return qs.distinct().order_by("name", "pk")


def get_stakeholder(actor, workspace: Workspace, pk) -> Stakeholder:
    permissions.require(actor, workspace, "workspace.view")
    try:
        return workspace.stakeholders.select_related("organisation").prefetch_related("segments").get(pk=int(pk))
    except (Stakeholder.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Stakeholder was not found.") from None


def organisations(actor, workspace: Workspace, *, segment: str = "", q: str = "") -> QuerySet[Organisation]:
    permissions.require(actor, workspace, "workspace.view")
    qs = workspace.organisations.select_related("segment").annotate(stakeholder_count=Count("stakeholders"))
    if segment:
        qs = qs.filter(segment__slug=segment) if as_id(segment) is None else qs.filter(segment_id=as_id(segment))
    if q:
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(region__icontains=q.strip()))
    return qs.order_by("name", "pk")


def get_organisation(actor, workspace: Workspace, pk) -> Organisation:
    permissions.require(actor, workspace, "workspace.view")
    try:
        return workspace.organisations.select_related("segment").get(pk=int(pk))
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Organisation was not found.") from None


def segments(actor, workspace: Workspace) -> QuerySet[Segment]:
    permissions.require(actor, workspace, "workspace.view")
    return workspace.segments.annotate(stakeholder_count=Count("stakeholders", distinct=True)).order_by("name", "pk")


def get_segment(actor, workspace: Workspace, pk) -> Segment:
    permissions.require(actor, workspace, "workspace.view")
    try:
        return workspace.segments.get(pk=int(pk))
    except (Segment.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Segment was not found.") from None


def consents(actor, workspace: Workspace, *, stakeholder: str = "", purpose: str = "", active: bool | None = None) -> QuerySet[Consent]:
    permissions.require(actor, workspace, "workspace.view")
    qs = Consent.objects.filter(stakeholder__workspace=workspace).select_related("stakeholder")
    if stakeholder:
        qs = qs.filter(stakeholder_id=check_id(stakeholder, "stakeholder"))
    if purpose:
        qs = qs.filter(purpose=purpose)
    if active is True:
        qs = qs.filter(withdrawn_at__isnull=True)
    elif active is False:
        qs = qs.filter(withdrawn_at__isnull=False)
    return qs.order_by("stakeholder__name", "purpose", "-granted_at", "pk")


def get_consent(actor, workspace: Workspace, pk) -> Consent:
    permissions.require(actor, workspace, "workspace.view")
    try:
        return Consent.objects.select_related("stakeholder").get(pk=int(pk), stakeholder__workspace=workspace)
    except (Consent.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Consent was not found.") from None


def get_disclosure(actor, workspace: Workspace, pk) -> Disclosure:
    permissions.require(actor, workspace, "workspace.view")
    try:
        return Disclosure.objects.select_related("stakeholder").get(pk=int(pk), stakeholder__workspace=workspace)
    except (Disclosure.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Disclosure was not found.") from None


def has_active_consent(stakeholder: Stakeholder, purpose: str) -> bool:
    """Whether the person currently consents to ``purpose``. Every app asks this before acting."""
    if stakeholder.is_erased:
        return False
    return stakeholder.consents.filter(purpose=purpose, withdrawn_at__isnull=True).exists()


def influence_grid(actor, workspace: Workspace, **filters) -> dict:
    """Stakeholders placed on the 5×5 influence/interest grid.

    Returns ``{"cells": {(influence, interest): [stakeholder, ...]}, "quadrants": {...}, "total": n}``.
    Quadrants follow Mendelow: manage closely (high/high), keep satisfied (high influence),
    keep informed (high interest), monitor.
    """
    people = list(stakeholders(actor, workspace, include_erased=False, **filters))
    cells: dict[tuple[int, int], list[Stakeholder]] = {}
    quadrants = {"manage_closely": [], "keep_satisfied": [], "keep_informed": [], "monitor": []}
    for person in people:
        cells.setdefault((person.influence, person.interest), []).append(person)
        high_influence, high_interest = person.influence >= 3, person.interest >= 3
        if high_influence and high_interest:
            quadrants["manage_closely"].append(person)
        elif high_influence:
            quadrants["keep_satisfied"].append(person)
        elif high_interest:
            quadrants["keep_informed"].append(person)
        else:
            quadrants["monitor"].append(person)
    return {"cells": cells, "quadrants": quadrants, "total": len(people), "people": people}


def not_heard_from(actor, workspace: Workspace, *, days: int = 90, kind: str = "", segment: str = "") -> dict:
    """Who has not been heard from in the last ``days`` days, grouped by kind and by segment.

    "Heard from" means any recorded input (feedback, comments, tickets), kept in
    ``Stakeholder.last_heard_at`` by the apps that record it.
    """
    since = timezone.now() - timedelta(days=days)
    qs = stakeholders(actor, workspace, kind=kind, segment=segment, include_erased=False).filter(
        Q(last_heard_at__isnull=True) | Q(last_heard_at__lt=since)
    )
    people = list(qs)
    by_kind: dict[str, list] = {label: [] for _, label in StakeholderKind.choices}
    by_segment: dict[str, list] = {}
    for person in people:
        by_kind[person.get_kind_display()].append(person)
        names = [s.name for s in person.segments.all()] or ["No segment"]
        for name in names:
            by_segment.setdefault(name, []).append(person)
    return {
        "days": days,
        "since": since,
        "people": people,
        "by_kind": {k: v for k, v in by_kind.items() if v},
        "by_segment": dict(sorted(by_segment.items())),
    }


def export_stakeholder(actor, stakeholder: Stakeholder) -> dict:
    """Everything heard holds on one person, as JSON-safe data (for a subject-access request)."""
    from heard.core.audit import _jsonable, snapshot

    from .actions import EXPORT_HOOKS

    permissions.require(actor, stakeholder.workspace, "stakeholders.export")
    data = {
        "exported_at": timezone.now().isoformat(),
        "workspace": stakeholder.workspace.slug,
        "stakeholder": snapshot(stakeholder),
        "organisation": snapshot(stakeholder.organisation) if stakeholder.organisation else None,
        "segments": [{"slug": s.slug, "name": s.name} for s in stakeholder.segments.all()],
        "consents": [snapshot(c) for c in stakeholder.consents.all()],
        "disclosures": [snapshot(d) for d in stakeholder.disclosures.all()],
        "audit_events": [
            {"at": e.at.isoformat(), "actor": e.actor_label, "verb": e.verb, "before": e.before, "after": e.after}
            for e in AuditEvent.objects.filter(object_type="stakeholders.stakeholder", object_id=str(stakeholder.pk)).order_by("at", "pk")
        ],
    }
    for hook in EXPORT_HOOKS:
        section, content = hook(stakeholder)
        data[section] = content
    return _jsonable(data)


def stakeholder_by_ref(workspace: Workspace, ref, field: str = "stakeholder") -> Stakeholder:
    """The workspace's stakeholder a payload names by id (or a Stakeholder); a HeardError on
    ``field`` when there is none, or when the person was erased (they can take part in
    nothing any more)."""
    text = str(getattr(ref, "pk", ref) or "").strip()
    stakeholder = Stakeholder.objects.filter(pk=as_id(text), workspace=workspace).first() if as_id(text) is not None else None
    if stakeholder is None:
        raise HeardError("invalid", f"No stakeholder #{text} in this workspace.", field)
    if stakeholder.is_erased:
        raise HeardError("invalid", "This stakeholder was erased and cannot take part.", field)
    return stakeholder


def disclosures_in_force(at=None):
    """Disclosures current at ``at`` (default now): declared by then and not ended. Used to
    show a conflict of interest next to the person's input wherever it is evidence
    (``Prefetch("stakeholder__disclosures", queryset=disclosures_in_force(...), to_attr=...)``)."""
    at = at or timezone.now()
    return Disclosure.objects.filter(declared_at__lte=at).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at)).order_by("-declared_at", "pk")
