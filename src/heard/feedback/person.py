"""What feedback holds on a stakeholder, for their page (heard.stakeholders.person)."""

from django.urls import reverse

from heard.stakeholders import person

from .models import Feedback


@person.register
class FeedbackGiven(person.QueryPart):
    kind, label, order = "feedback", "Feedback", 10
    model, holder, newest, related = Feedback, "stakeholder", ("-said_at", "-id"), ("product__workspace",)

    def entry(self, f):
        return person.Entry(
            "feedback", f.said_at, f"#{f.pk} {f.text[:160]}",
            reverse("feedback:detail", kwargs={"ws": f.product.workspace.slug, "product": f.product.slug, "pk": f.pk}),
            f.get_disposition_display() + (" (merged)" if f.merged_into_id else ""), f.get_channel_display(), f.product.name,
        )
