"""What the backlog holds on a stakeholder: acceptance criteria they co-wrote."""

from django.urls import reverse

from heard.stakeholders import person

from .models import AcceptanceCriterion


@person.register
class CriteriaCoWritten(person.QueryPart):
    kind, label, order = "criteria", "Acceptance criteria co-written", 70
    model, holder, newest, related = AcceptanceCriterion, "co_writers", ("-created_at", "-pk"), ("item__product__workspace",)

    def entry(self, c):
        product = c.item.product
        url = reverse("backlog:detail", kwargs={"ws": product.workspace.slug, "product": product.slug, "pk": c.item_id})
        return person.Entry("criteria", c.created_at, c.text[:160], url, c.get_status_display(), str(c.item), product.name)
