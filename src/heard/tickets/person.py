"""What the ticket app holds on a stakeholder: the tickets they raised."""

from django.urls import reverse

from heard.stakeholders import person

from .models import Ticket


@person.register
class TicketsRaised(person.QueryPart):
    kind, label, order = "tickets", "Support tickets", 60
    model, holder, newest, related = Ticket, "requester", ("-created_at", "-id"), ("product__workspace",)

    def entry(self, t):
        url = reverse("tickets:detail", kwargs={"ws": t.product.workspace.slug, "product": t.product.slug, "pk": t.pk})
        return person.Entry("tickets", t.created_at, str(t), url, t.status or "—", t.get_source_display(), t.product.name)
