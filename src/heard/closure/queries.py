"""Reads of closure cycles, notes, enablement notes and shared figures, for the team."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from heard.core import permissions
from heard.core.errors import HeardError
from heard.core.models import Product, Workspace

from .models import ClosureCycle, ClosureNote, EnablementNote, NoteStatus, ProductShare, SharedGoal


def cycles(actor, product: Product) -> QuerySet[ClosureCycle]:
    permissions.require(actor, product.workspace, "workspace.view")
    return product.closure_cycles.annotate(
        note_count=Count("notes", distinct=True),
        sent_count=Count("notes", filter=Q(notes__status=NoteStatus.SENT), distinct=True),
        reviewed_count=Count("notes", filter=Q(notes__status=NoteStatus.REVIEWED), distinct=True),
    ).order_by("-ends_on", "-id")


def get_cycle(actor, product: Product, pk) -> ClosureCycle:
    permissions.require(actor, product.workspace, "workspace.view")
    try:
        return product.closure_cycles.get(pk=int(pk))
    except (ClosureCycle.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Closure cycle was not found.") from None


def cycle_by_name(actor, product: Product, name: str) -> ClosureCycle:
    permissions.require(actor, product.workspace, "workspace.view")
    cycle = product.closure_cycles.filter(name__iexact=(name or "").strip()).first()
    if cycle is None:
        raise HeardError("not_found", f"No closure cycle “{name}” for {product.name}.", "cycle")
    return cycle


def notes(actor, cycle: ClosureCycle, *, status: str = "") -> QuerySet[ClosureNote]:
    permissions.require(actor, cycle.product.workspace, "workspace.view")
    qs = cycle.notes.select_related("stakeholder", "reviewed_by").annotate(item_count=Count("feedback"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("stakeholder__name", "id")


def notes_in_workspace(actor, workspace: Workspace, *, product: str = "", cycle: str = "", status: str = "") -> QuerySet[ClosureNote]:
    permissions.require(actor, workspace, "workspace.view")
    qs = ClosureNote.objects.filter(cycle__product__workspace=workspace).select_related("stakeholder", "cycle__product")
    if product:
        qs = qs.filter(cycle__product__slug=product)
    if cycle:
        qs = qs.filter(cycle_id=int(cycle)) if str(cycle).isdigit() else qs.filter(cycle__name__iexact=cycle)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("cycle_id", "stakeholder__name", "id")


def note_replies(actor, note: ClosureNote):
    """What the person wrote back on their note in the portal, oldest first, with the feedback item each reply is."""
    permissions.require(actor, note.cycle.product.workspace, "workspace.view")
    return note.replies.select_related("feedback").order_by("created_at", "id")


def get_note(actor, workspace: Workspace, pk) -> ClosureNote:
    permissions.require(actor, workspace, "workspace.view")
    try:
        return ClosureNote.objects.select_related("stakeholder", "cycle__product").get(pk=int(pk), cycle__product__workspace=workspace)
    except (ClosureNote.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Closure note was not found.") from None


def enablement_notes(actor, product: Product) -> QuerySet[EnablementNote]:
    permissions.require(actor, product.workspace, "workspace.view")
    return EnablementNote.objects.filter(backlog_item__product=product).select_related("backlog_item").annotate(
        delivery_count=Count("deliveries")
    ).order_by("-created_at", "-id")


def get_enablement_note(actor, product: Product, pk) -> EnablementNote:
    permissions.require(actor, product.workspace, "workspace.view")
    try:
        return EnablementNote.objects.select_related("backlog_item").get(pk=int(pk), backlog_item__product=product)
    except (EnablementNote.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Enablement note was not found.") from None


def released_items(actor, product: Product):
    permissions.require(actor, product.workspace, "workspace.view")
    return product.backlog_items.filter(status="released").order_by("title", "id")


def goal_candidates(actor, product: Product):
    """Backlog items with an increment, with whether their title is shared."""
    permissions.require(actor, product.workspace, "workspace.view")
    shared = set(SharedGoal.objects.filter(backlog_item__product=product).values_list("backlog_item_id", flat=True))
    items = list(product.backlog_items.exclude(increment="").order_by("increment", "title", "id"))
    for item in items:
        item.is_shared = item.pk in shared
    return items


def figures(actor, product: Product) -> QuerySet[ProductShare]:
    permissions.require(actor, product.workspace, "workspace.view")
    return product.shared_figures.all()


def get_figure(actor, product: Product, pk) -> ProductShare:
    permissions.require(actor, product.workspace, "workspace.view")
    try:
        return product.shared_figures.get(pk=int(pk))
    except (ProductShare.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Figure was not found.") from None


def get_cycle_in_workspace(actor, workspace: Workspace, pk) -> ClosureCycle:
    permissions.require(actor, workspace, "workspace.view")
    try:
        return ClosureCycle.objects.select_related("product").get(pk=int(pk), product__workspace=workspace)
    except (ClosureCycle.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Closure cycle was not found.") from None
