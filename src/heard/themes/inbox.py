"""Inbox lines from support themes: themes whose tickets spiked this week or last."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from heard.core import inbox

from .models import Theme, ThemeStatus


def _spike_week(theme: Theme) -> date | None:
    spike = theme.recent_spike
    return date.fromisoformat(spike["week"]) if spike and spike.get("week") else None


@inbox.register
class ThemeSpikes(inbox.Source):
    key, order, title = "themes.spikes", 50, "Support themes spiking this week"
    good = "No support theme is spiking: this week's and last week's tickets are within each theme's usual range."

    def collect(self, actor, product, *, limit):
        today = timezone.localdate()
        # The current week has only begun, so a spike counted last week still needs a look.
        since = today - timedelta(days=today.weekday() + 7)
        # latest_spike_ratio is a rollup set only on themes with a spike in the last four weeks.
        candidates = Theme.objects.filter(product=product, status=ThemeStatus.ACTIVE, latest_spike_ratio__isnull=False).only(
            "id", "name", "spikes", "latest_spike_ratio", "product_id"
        )
        ws, slug = product.workspace.slug, product.slug
        lines = []
        for theme in candidates:
            week = _spike_week(theme)
            if week is None or week < since:
                continue
            spike = theme.recent_spike
            lines.append(inbox.Line(
                f"{theme.name}: {spike['count']} tickets in the week of {week:%d %b}",
                reverse("themes:detail", kwargs={"ws": ws, "product": slug, "pk": theme.pk}),
                timezone.make_aware(datetime.combine(week, time.min)),
                f"{spike['ratio']}× its usual {spike['baseline']} a week.",
            ))
        lines.sort(key=lambda ln: ln.at, reverse=True)
        return inbox.Found(len(lines), lines[:limit], reverse("themes:list", kwargs={"ws": ws, "product": slug}) + "?spiking=1")
