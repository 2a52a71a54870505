"""What support holds on a stakeholder: the tickets they raised."""

from django.urls import reverse

from heard.stakeholders import person

from .models import Ticket


@person.register
class TicketsRaised(person.Part):
    kind, label, order = "tickets", "Support tickets", 60

    def collect(self, stakeholder, *, limit):
        qs = Ticket.objects.filter(requester=stakeholder)
        count = qs.count()
        rows = qs.select_related("product__workspace").order_by("-created_at", "-id")[:limit] if limit and count else []
        return count, [
            person.Entry(
                "tickets", t.created_at, str(t),
                reverse("support:detail", kwargs={"ws": t.product.workspace.slug, "product": t.product.slug, "pk": t.pk}),
                t.status or "—", t.get_source_display(), t.product.name,
            )
            for t in rows
        ]
