"""Reads of the backlog, scoped by the actor's workspace and role."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from heard.core import permissions
from heard.core.errors import HeardError
from heard.core.models import Product

from .models import AcceptanceCriterion, BacklogItem


def items(actor, product: Product, *, status: str = "", increment: str = "", q: str = "") -> QuerySet[BacklogItem]:
    permissions.require(actor, product.workspace, "workspace.view")
    qs = product.backlog_items.annotate(
        criteria_count=Count("criteria", distinct=True),
        feedback_count=Count("feedback_links", distinct=True) + Count("criteria__feedback_links", distinct=True),
    )
    if status:
        qs = qs.filter(status=status)
    if increment:
        qs = qs.filter(increment=increment)
    if q:
        term = q.strip()
        qs = qs.filter(Q(title__icontains=term) | Q(description__icontains=term) | Q(external_key__iexact=term))
    return qs.order_by("-updated_at", "-id")


BOARD_COLUMN_LIMIT = 100


def board(actor, product: Product, *, increment: str = "", q: str = "") -> list[dict]:
    """The backlog by status for the board: one column per status, in workflow order, each
    with its items (recently changed first, at most BOARD_COLUMN_LIMIT) and its full count."""
    from .models import BacklogStatus

    qs = items(actor, product, increment=increment, q=q)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id", distinct=True)))
    columns = []
    for value, label in BacklogStatus.choices:
        column_items = list(qs.filter(status=value)[:BOARD_COLUMN_LIMIT]) if counts.get(value) else []
        columns.append({"status": value, "label": label, "items": column_items, "total": counts.get(value, 0)})
    return columns


def get_item(actor, product: Product, pk) -> BacklogItem:
    permissions.require(actor, product.workspace, "workspace.view")
    try:
        return product.backlog_items.get(pk=int(pk))
    except (BacklogItem.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Backlog item was not found.") from None


def criteria(actor, product: Product, *, item: str = "", status: str = "") -> QuerySet[AcceptanceCriterion]:
    permissions.require(actor, product.workspace, "workspace.view")
    qs = AcceptanceCriterion.objects.filter(item__product=product).select_related("item").prefetch_related("co_writers")
    if item:
        qs = qs.filter(item_id=int(item)) if str(item).isdigit() else qs.none()
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("item_id", "position", "id")


def get_criterion(actor, workspace, pk) -> AcceptanceCriterion:
    permissions.require(actor, workspace, "workspace.view")
    try:
        return AcceptanceCriterion.objects.select_related("item__product").prefetch_related("co_writers").get(pk=int(pk), item__product__workspace=workspace)
    except (AcceptanceCriterion.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Acceptance criterion was not found.") from None


def conversations(actor, item: BacklogItem) -> list[dict]:
    """Every conversation that shaped the item: links to the item and to its criteria.

    One row per link: {link, feedback, criterion (or None), speakers: [(stakeholder or None,
    channel label, said_at)]}. A merged item lists every original's speaker.
    """
    from heard.feedback.models import FeedbackLink
    from heard.feedback.queries import speakers_of

    permissions.require(actor, item.product.workspace, "workspace.view")
    links = (
        FeedbackLink.objects.filter(Q(backlog_item=item) | Q(criterion__item=item))
        .filter(feedback__merged_into__isnull=True)
        .select_related("feedback__stakeholder", "criterion")
        .order_by("feedback__said_at", "id")
    )
    return [{"link": link, "feedback": link.feedback, "criterion": link.criterion, "speakers": speakers_of(link.feedback)} for link in links]


def linked_themes(item: BacklogItem) -> list:
    """Support themes linked to the item (ThemeLink rows with their theme), strongest first."""
    return list(item.theme_links.select_related("theme").order_by("-weight", "theme__name"))
