"""Inbox lines from the stakeholder map: kinds and segments not heard from in a while.

"Heard from" is the ``Stakeholder.last_heard_at`` rollup, kept by the apps that record
input, so this reads the stakeholder table only (never feedback or tickets). It is about
the whole workspace: a stakeholder's voice is not tied to one product.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from heard.core import inbox

from .models import Segment, Stakeholder, StakeholderKind

UNHEARD_DAYS = 90


def _since_text(last) -> str:
    return f"last heard from on {timezone.localtime(last):%d %b %Y}" if last else "never heard from"


@inbox.register
class UnheardVoices(inbox.Source):
    key, order, title = "stakeholders.unheard", 60, f"Kinds and segments not heard from in {UNHEARD_DAYS} days"
    good = f"Every kind of stakeholder and every segment was heard from in the last {UNHEARD_DAYS} days."
    scope = inbox.WORKSPACE

    def collect(self, actor, workspace, *, limit):
        since = timezone.now() - timedelta(days=UNHEARD_DAYS)
        base = reverse("stakeholders:unheard", kwargs={"ws": workspace.slug})
        lines = []
        people = Stakeholder.objects.filter(workspace=workspace, erased_at__isnull=True)
        labels = dict(StakeholderKind.choices)
        for row in people.values("kind").annotate(n=Count("id"), last=Max("last_heard_at")).order_by("kind"):
            if row["last"] is None or row["last"] < since:
                lines.append(inbox.Line(
                    f"{labels.get(row['kind'], row['kind'])} ({row['n']})", f"{base}?{urlencode({'days': UNHEARD_DAYS, 'kind': row['kind']})}",
                    row["last"], f"Kind of stakeholder {_since_text(row['last'])}.",
                ))
        alive = Q(stakeholders__erased_at__isnull=True)
        segments = Segment.objects.filter(workspace=workspace).annotate(n=Count("stakeholders", filter=alive), last=Max("stakeholders__last_heard_at", filter=alive))
        for segment in segments.filter(n__gt=0).order_by("name"):
            if segment.last is None or segment.last < since:
                lines.append(inbox.Line(
                    f"Segment {segment.name} ({segment.n})", f"{base}?{urlencode({'days': UNHEARD_DAYS, 'segment': segment.slug})}",
                    segment.last, f"Segment {_since_text(segment.last)}.",
                ))
        return inbox.Found(len(lines), lines[:limit], f"{base}?days={UNHEARD_DAYS}")
