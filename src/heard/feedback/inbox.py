"""Inbox lines from feedback: items with no disposition past the promised consideration time."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone

from heard.core import inbox

from .models import Disposition, Feedback

# The engagement model's default "input considered within" (sessions.EngagementModel),
# for a product that has not set one.
DEFAULT_CONSIDERATION_DAYS = 10


def consideration_days(product) -> int:
    try:
        return product.engagement_model.input_consideration_days
    except ObjectDoesNotExist:
        return DEFAULT_CONSIDERATION_DAYS


@inbox.register
class UnconsideredFeedback(inbox.QuerySource):
    key, order, title = "feedback.unconsidered", 30, "Feedback with no disposition past its promised time"
    good = "Every feedback item got a disposition within the time the engagement model promises."
    newest, related = ("-said_at", "-id"), ("stakeholder",)

    def rows(self, product):
        # Served by the (product, disposition, said_at, …, merged_into) index.
        cutoff = timezone.now() - timedelta(days=consideration_days(product))
        return Feedback.objects.filter(product=product, disposition=Disposition.NEW, merged_into__isnull=True, said_at__lt=cutoff)

    def line(self, f, product):
        who = f.stakeholder.name if f.stakeholder_id else "someone unnamed"
        return inbox.Line(
            f"#{f.pk} {f.text[:120]}", reverse("feedback:detail", kwargs={"ws": product.workspace.slug, "product": product.slug, "pk": f.pk}),
            f.said_at, f"From {who}, {f.get_channel_display().lower()}; no disposition after {(timezone.now() - f.said_at).days} days.",
        )

    def more(self, product):
        return reverse("feedback:list", kwargs={"ws": product.workspace.slug, "product": product.slug}) + "?disposition=new"
