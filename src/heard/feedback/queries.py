"""Reads of feedback, scoped by the actor's workspace and role."""

from __future__ import annotations

from django.db.models import QuerySet

from heard.core import permissions
from heard.core.errors import HeardError
from heard.core.models import Product

from . import quality, similar
from .models import QUALITY_BANDS, Disposition, Feedback, FeedbackChannel, FeedbackLink

LIST_FILTERS = ("channel", "segment", "disposition", "quality", "stakeholder", "merged")


def feedback_list(actor, product: Product, *, channel: str = "", segment: str = "", disposition: str = "", quality: str = "",
                  stakeholder: str = "", merged: str = "") -> QuerySet[Feedback]:
    """A product's feedback, newest first, filtered.

    ``segment`` is a segment slug (items whose speaker is in it), ``quality`` a band (low,
    medium, high), ``merged`` "include" to show originals that were merged into another
    item (hidden by default: the merged item stands for them). Unknown filter values match
    nothing rather than everything.
    """
    permissions.require(actor, product.workspace, "workspace.view")
    qs = Feedback.objects.filter(product=product)
    if merged != "include":
        qs = qs.filter(merged_into__isnull=True)
    if channel:
        qs = qs.filter(channel=channel) if channel in FeedbackChannel.values else qs.none()
    if disposition:
        qs = qs.filter(disposition=disposition) if disposition in Disposition.values else qs.none()
    if quality:
        if quality in QUALITY_BANDS:
            low, high = QUALITY_BANDS[quality]
            qs = qs.filter(quality_score__gte=low, quality_score__lte=high)
        else:
            qs = qs.none()
    if segment:
        # Stakeholders are few next to feedback: resolve the segment to ids first, so the
        # feedback side uses its (product, stakeholder, said_at) index instead of a join.
        people = list(product.workspace.stakeholders.filter(segments__slug=segment).values_list("pk", flat=True))
        qs = qs.filter(stakeholder_id__in=people)
    if stakeholder:
        qs = qs.filter(stakeholder_id=int(stakeholder)) if str(stakeholder).isdigit() else qs.none()
    return qs.select_related("stakeholder").order_by("-said_at", "-id")


# Counting every match of a filter over 100 000 items costs more than the page itself;
# beyond this many, lists say "10 000+" instead of the exact number.
COUNT_LIMIT = 10_000


def page_of(queryset, page, per_page=None):
    """Like core.pagination.paginate, but the count stops at COUNT_LIMIT (then ``total_is_capped``)."""
    from django.conf import settings

    from heard.core.pagination import PageOf

    try:
        page = max(1, int(page or 1))
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = min(200, max(1, int(per_page or settings.PAGE_SIZE)))
    except (TypeError, ValueError):
        per_page = settings.PAGE_SIZE
    total = queryset.order_by()[: COUNT_LIMIT + 1].count()
    start = (page - 1) * per_page
    result = PageOf(items=list(queryset[start : start + per_page]), total=min(total, COUNT_LIMIT), page=page, per_page=per_page)
    result.total_is_capped = total > COUNT_LIMIT
    return result


def get_feedback(actor, product: Product, pk) -> Feedback:
    permissions.require(actor, product.workspace, "workspace.view")
    try:
        return Feedback.objects.select_related("stakeholder", "recorded_by", "merged_into", "session").get(product=product, pk=int(pk))
    except (Feedback.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Feedback was not found.") from None


def get_feedback_in_workspace(actor, workspace, pk) -> Feedback:
    permissions.require(actor, workspace, "workspace.view")
    try:
        return Feedback.objects.select_related("stakeholder", "product__workspace", "merged_into").get(product__workspace=workspace, pk=int(pk))
    except (Feedback.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Feedback was not found.") from None


def feedback_by_ref(actor, product: Product, ref, field: str = "feedback") -> Feedback:
    """The product's feedback item a form names by number (``12`` or ``#12``); a HeardError
    on ``field`` when there is none."""
    from heard.core.queries import by_number

    permissions.require(actor, product.workspace, "workspace.view")
    return by_number(Feedback.objects.filter(product=product), ref, field=field, what="feedback", where=product.name)


def get_link(actor, workspace, pk) -> FeedbackLink:
    permissions.require(actor, workspace, "workspace.view")
    try:
        return FeedbackLink.objects.select_related("feedback__product").get(feedback__product__workspace=workspace, pk=int(pk))
    except (FeedbackLink.DoesNotExist, ValueError, TypeError):
        raise HeardError("not_found", "Link was not found.") from None


def speakers_of(feedback: Feedback) -> list[dict]:
    """Who said it, through which channel, when: one row per original for a merged item."""
    if not feedback.is_merge:
        return [{"feedback": feedback, "stakeholder": feedback.stakeholder, "channel": feedback.get_channel_display(), "said_at": feedback.said_at, "is_proxy": feedback.is_proxy}]
    rows = []
    for original in feedback.originals.select_related("stakeholder").order_by("said_at", "id"):
        rows.extend(speakers_of(original))
    return rows


def influenced(feedback: Feedback) -> list[FeedbackLink]:
    """Everything the item influenced: its links, with the backlog item and criterion."""
    return list(feedback.links.select_related("backlog_item", "criterion__item").order_by("id"))


def evidence_in(feedback: Feedback) -> list:
    """The decisions this item is evidence in (DecisionEvidence rows with their decision),
    newest first; for a merged item also those its originals are evidence in."""
    from django.apps import apps

    ids = [feedback.pk, *feedback.originals.values_list("pk", flat=True)] if feedback.is_merge else [feedback.pk]
    evidence = apps.get_model("decisions", "DecisionEvidence")
    return list(evidence.objects.filter(feedback_id__in=ids).select_related("decision__product__workspace", "decision__outcome").order_by("-added_at", "-pk"))


def disposition_history(feedback: Feedback):
    return feedback.disposition_history.select_related("by").order_by("at", "id")


def similar_items(actor, product: Product, text: str, *, exclude: tuple[int, ...] = (), limit: int = 5) -> list[similar.Suggestion]:
    permissions.require(actor, product.workspace, "workspace.view")
    return similar.similar_to(product, text, limit=limit, exclude_ids=exclude)


def preview(text: str, **fields) -> quality.Assessment:
    """The score a draft would get (not stored)."""
    return quality.assess(text, **fields)
