"""Reads of who takes part in something and what they wrote, scoped by the actor's role,
and the conflict-of-interest disclosures shown next to advisers' input."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from heard.core import permissions
from heard.core.errors import HeardError
from heard.stakeholders.models import Disclosure

from .models import Right
from .subjects import kind_of


def participants(subject) -> list:
    """Everyone taking part, in the order they were added, with what the pages show of them."""
    return list(subject.participants.select_related("user", "stakeholder__organisation").prefetch_related("stakeholder__segments"))


def get_participant(actor, subject, pk):
    permissions.require(actor, kind_of(subject).workspace(subject), "workspace.view")
    try:
        return subject.participants.select_related("user", "stakeholder").get(pk=int(pk))
    except (subject.participants.model.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Participant was not found.") from None


def comments(actor, subject) -> QuerySet:
    """Written input on the thing, oldest first, with authors (and the part it is about). A
    stakeholder author carries ``declared``: their disclosures in force now, shown next to
    what they wrote (a conflict of interest is shown wherever their input is evidence)."""
    from django.db.models import Prefetch

    from heard.stakeholders.queries import disclosures_in_force

    kind = kind_of(subject)
    permissions.require(actor, kind.workspace(subject), "workspace.view")
    return (
        subject.comments.select_related("author_user", "author_stakeholder", "recorded_by", *kind.comment_parts)
        .prefetch_related(Prefetch("author_stakeholder__disclosures", queryset=disclosures_in_force(), to_attr="declared"))
        .order_by("created_at", "pk")
    )


def deciders(parts: list) -> list:
    return [p for p in parts if p.right == Right.DECIDES]


def waiting_advisers(parts: list) -> list:
    """Required advisers who have not weighed in yet."""
    return [p for p in parts if p.right == Right.ADVISES and p.required and not p.has_weighed_in]


def adviser_disclosures(parts: list, until) -> list[tuple]:
    """Conflict-of-interest and incentive disclosures of stakeholders who advised (right
    "advises", or anyone who weighed in), current at ``until`` (when the thing was settled,
    or now): a list of (participant, disclosure)."""
    advisers = {p.stakeholder_id: p for p in parts if p.stakeholder_id and (p.right == Right.ADVISES or p.has_weighed_in)}
    if not advisers:
        return []
    rows = Disclosure.objects.filter(stakeholder_id__in=advisers, declared_at__lte=until).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=until)).order_by("stakeholder__name", "-declared_at")
    return [(advisers[d.stakeholder_id], d) for d in rows]
