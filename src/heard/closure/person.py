"""What closing the loop holds on a stakeholder: closure notes and enablement notes, each
with whether it was sent, opened and acknowledged."""

from django.urls import reverse

from heard.stakeholders import person

from .models import ClosureNote, EnablementDelivery


def _delivery(row) -> str:
    steps = ["sent" if row.sent_at else ("not e-mailed" if row.skip_reason else "not sent")]
    if row.opened_at:
        steps.append("opened")
    if row.acknowledged_at:
        steps.append("acknowledged")
    return " · ".join(steps).capitalize()


@person.register
class ClosureNotes(person.QueryPart):
    kind, label, order = "notes", "Closure and enablement notes", 50
    model, holder, newest, related = ClosureNote, "stakeholder", ("-created_at", "-pk"), ("cycle__product__workspace",)

    def entry(self, n):
        product = n.cycle.product
        status = n.get_status_display() if n.status in ("draft", "reviewed") else _delivery(n)
        return person.Entry(
            "notes", n.sent_at or n.created_at, n.subject,
            reverse("closure:note", kwargs={"ws": product.workspace.slug, "product": product.slug, "pk": n.pk}),
            status, f"Closure note, cycle {n.cycle.name}" + (f"; not e-mailed: {n.skip_reason}" if n.skip_reason else ""), product.name,
        )


@person.register
class EnablementNotes(person.QueryPart):
    kind, label, order = "notes", "Closure and enablement notes", 51
    model, holder, newest, related = EnablementDelivery, "stakeholder", ("-published_at", "-pk"), ("note__backlog_item__product__workspace",)

    def entry(self, d):
        product = d.note.backlog_item.product
        return person.Entry(
            "notes", d.sent_at or d.published_at, d.note.title,
            reverse("closure:enablement_detail", kwargs={"ws": product.workspace.slug, "product": product.slug, "pk": d.note.pk}),
            _delivery(d), f"{d.note.get_kind_display()} for {d.note.backlog_item}", product.name,
        )
