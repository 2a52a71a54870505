"""Inbox lines from health: anti-patterns found in the last 90 days (the rule, on what, and
the evidence). Upcoming sessions' agendas without outcomes are left to the sessions
source, which already lists them."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from heard.core import inbox

from .models import Flag, Rule
from .queries import flag_url

RECENT_DAYS = 90


def anti_patterns(product, *, limit: int, now=None):
    """The product's recent flags, newest first (an indexed query on product and time)."""
    now = now or timezone.now()
    return (Flag.objects.filter(product=product, at__gte=now - timedelta(days=RECENT_DAYS))
            .exclude(Q(rule=Rule.AGENDA_WITHOUT_OUTCOME) & Q(at__gt=now))
            .select_related("product__workspace").order_by("-at", "-id"))


@inbox.register
class AntiPatterns(inbox.Source):
    key = "health.anti_patterns"
    title = "Anti-patterns in how we listen"
    good = "No anti-patterns found in the last 90 days: what customers said led somewhere."
    order = 55

    def collect(self, actor, product, *, limit):
        qs = anti_patterns(product, limit=limit)
        lines = [inbox.Line(text=f"{flag.get_rule_display()}: {flag.title}", url=flag_url(flag), at=flag.at, detail=flag.evidence)
                 for flag in qs[:limit]]
        return inbox.Found(count=qs.count(), lines=lines, more_url=flag_url_list(product))


def flag_url_list(product) -> str:
    from django.urls import reverse

    return reverse("health:flags", kwargs={"ws": product.workspace.slug, "product": product.slug})
