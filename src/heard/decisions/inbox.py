"""Inbox lines from decisions: past their due date, and waiting for a required adviser."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from heard.core import inbox

from .models import OPEN_STATUSES, Decision, DecisionParticipant, DecisionRight, DecisionStatus


def _url(decision: Decision) -> str:
    product = decision.product
    return reverse("decisions:detail", kwargs={"ws": product.workspace.slug, "product": product.slug, "pk": decision.pk})


@inbox.register
class OverdueDecisions(inbox.QuerySource):
    key = "decisions.overdue"
    title = "Decisions past their due date"
    good = "Every open decision is still within its due date (or its forum's deadline)."
    order = 10
    newest, related = ("-due_date", "-escalation_deadline", "-pk"), ("product__workspace", "forum")

    def rows(self, product):
        today = timezone.localdate()
        return Decision.objects.filter(product=product).filter(
            Q(status=DecisionStatus.OPEN, due_date__lt=today) | Q(status=DecisionStatus.ESCALATED, escalation_deadline__lt=today)
        )

    def line(self, d):
        if d.status == DecisionStatus.ESCALATED:
            due, detail = d.escalation_deadline, f"Escalated to {d.forum.name if d.forum else 'a forum'}; its deadline was {d.escalation_deadline:%d %b %Y}."
        else:
            due, detail = d.due_date, f"Was due on {d.due_date:%d %b %Y}."
        return inbox.Line(d.question, _url(d), timezone.make_aware(datetime.combine(due, time.min)), detail)

    def more(self, product):
        return reverse("decisions:list", kwargs={"ws": product.workspace.slug, "product": product.slug}) + "?status=open"


@inbox.register
class AwaitingAdvice(inbox.Source):
    key = "decisions.awaiting_advice"
    title = "Decisions waiting for a required adviser"
    good = "No open decision is waiting for advice: every required adviser has weighed in."
    order = 11

    def collect(self, actor, product, *, limit):
        # Required advisers still to weigh in on open decisions are few: one query for all.
        waiting = DecisionParticipant.objects.filter(
            decision__product=product, decision__status__in=OPEN_STATUSES,
            right=DecisionRight.ADVISES, required=True, weighed_in_at__isnull=True,
        ).select_related("decision__product__workspace", "user", "stakeholder")
        by_decision: dict[int, tuple[Decision, list[str]]] = {}
        for p in waiting:
            by_decision.setdefault(p.decision_id, (p.decision, []))[1].append(p.person_name)
        lines = [
            inbox.Line(d.question, _url(d), d.created_at, f"Waiting for advice from {', '.join(sorted(names))}.")
            for d, names in by_decision.values()
        ]
        lines.sort(key=lambda ln: ln.at, reverse=True)
        return inbox.Found(len(lines), lines[:limit])
