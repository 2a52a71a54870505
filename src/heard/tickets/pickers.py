"""Tickets as choices in the search-as-you-type picker (heard.core.picker)."""

from django.db.models import Q

from heard.core import picker

from .models import Ticket


@picker.register("ticket", "Support ticket")
def search_tickets(actor, product, q, *, limit):
    # The value is the help desk's id: what a ticket is known by, and what evidence accepts.
    qs = Ticket.objects.filter(product=product)
    if q:
        qs = qs.filter(Q(external_id__iexact=q.lstrip("#")) | Q(subject__icontains=q))
    return [
        picker.Choice(t.external_id, str(t)[:120], f"{t.get_source_display()} · {t.status or 'no status'} · {t.created_at:%Y-%m-%d}")
        for t in qs.order_by("-created_at", "-id")[:limit]
    ]
