"""What the backlog holds on a stakeholder: acceptance criteria they co-wrote."""

from django.urls import reverse

from heard.stakeholders import person

from .models import AcceptanceCriterion


@person.register
class CriteriaCoWritten(person.Part):
    kind, label, order = "criteria", "Acceptance criteria co-written", 70

    def collect(self, stakeholder, *, limit):
        qs = AcceptanceCriterion.objects.filter(co_writers=stakeholder)
        count = qs.count()
        rows = qs.select_related("item__product__workspace").order_by("-created_at", "-pk")[:limit] if limit and count else []
        return count, [
            person.Entry(
                "criteria", c.created_at, c.text[:160],
                reverse("backlog:detail", kwargs={"ws": c.item.product.workspace.slug, "product": c.item.product.slug, "pk": c.item_id}),
                c.get_status_display(), str(c.item), c.item.product.name,
            )
            for c in rows
        ]
