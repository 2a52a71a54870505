"""Feedback as a choice in the search-as-you-type picker (heard.core.picker)."""

from heard.core import picker
from heard.core.errors import HeardError
from heard.core.validation import as_id

from .models import Feedback


@picker.register("feedback", "Feedback")
def search_feedback(actor, product, q, *, limit):
    qs = Feedback.objects.filter(product=product).select_related("stakeholder")
    number = q.lstrip("#")
    if as_id(number) is not None:
        qs = qs.filter(pk=as_id(number))
    elif q:
        qs = qs.filter(text__icontains=q)
    return [
        picker.Choice(str(f.pk), f"#{f.pk} {f.text[:100]}", f"{f.stakeholder.name if f.stakeholder_id else 'No stakeholder'} · {f.get_disposition_display()}")
        for f in qs.order_by("-said_at", "-id")[:limit]
    ]


@picker.register("backlog_target", "Backlog item or acceptance criterion")
def search_link_targets(actor, product, q, *, limit):
    """What feedback can be linked to: backlog items and their acceptance criteria. The value
    is what ``actions.find_link_target`` reads: the item's key or number, and ``/N`` for its
    Nth criterion (numbered as on the item's page). An item named exactly (``INV-142``,
    ``12``, ``INV-142/``) lists it with its criteria; words match titles and criteria."""
    from heard.backlog import queries as backlog_queries
    from heard.backlog.models import AcceptanceCriterion

    from .actions import find_link_target

    try:
        exact = find_link_target(product, q.rstrip("/")).get("backlog_item") if q.rstrip("/") else None
    except HeardError:
        exact = None
    if exact is not None:
        return ([_item_choice(exact)] + [_criterion_choice(exact, n, c) for n, c in enumerate(exact.criteria.all(), 1)])[:limit]
    items = list(backlog_queries.items(actor, product, q=q)[:limit])
    choices = [_item_choice(item) for item in items]
    if q and len(choices) < limit:
        found = AcceptanceCriterion.objects.filter(item__product=product, text__icontains=q).select_related("item").order_by("-item__updated_at", "item_id", "position", "id")
        for criterion in found[: limit - len(choices)]:
            number = list(criterion.item.criteria.values_list("pk", flat=True)).index(criterion.pk) + 1
            choices.append(_criterion_choice(criterion.item, number, criterion))
    return choices


def _ref(item) -> str:
    return item.external_key or str(item.pk)


def _item_choice(item) -> picker.Choice:
    return picker.Choice(_ref(item), str(item)[:120], f"Backlog item · {item.get_status_display()}{' · ' + item.increment if item.increment else ''}")


def _criterion_choice(item, number: int, criterion) -> picker.Choice:
    return picker.Choice(f"{_ref(item)}/{number}", f"Criterion {number}: {criterion.text[:100]}", f"Of {str(item)[:80]}")
