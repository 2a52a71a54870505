"""Feedback as a choice in the search-as-you-type picker (heard.core.picker)."""

from heard.core import picker

from .models import Feedback


@picker.register("feedback", "Feedback")
def search_feedback(actor, product, q, *, limit):
    qs = Feedback.objects.filter(product=product).select_related("stakeholder")
    number = q.lstrip("#")
    if number.isdigit():
        qs = qs.filter(pk=int(number))
    elif q:
        qs = qs.filter(text__icontains=q)
    return [
        picker.Choice(str(f.pk), f"#{f.pk} {f.text[:100]}", f"{f.stakeholder.name if f.stakeholder_id else 'No stakeholder'} · {f.get_disposition_display()}")
        for f in qs.order_by("-said_at", "-id")[:limit]
    ]
