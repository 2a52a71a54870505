"""Inbox lines from decisions: past their due date, and waiting for a required adviser."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from heard.core import inbox

from .models import OPEN_STATUSES, Decision, DecisionParticipant, DecisionRight, DecisionStatus


def _url(product, pk) -> str:
    return reverse("decisions:detail", kwargs={"ws": product.workspace.slug, "product": product.slug, "pk": pk})


@inbox.register
class OverdueDecisions(inbox.QuerySource):
    key, order, title = "decisions.overdue", 10, "Decisions past their due date"
    good = "Every open decision is still within its due date (or its forum's deadline)."
    newest, related = ("-due_date", "-escalation_deadline", "-pk"), ("forum",)

    def rows(self, product):
        today = timezone.localdate()
        return Decision.objects.filter(product=product).filter(
            Q(status=DecisionStatus.OPEN, due_date__lt=today) | Q(status=DecisionStatus.ESCALATED, escalation_deadline__lt=today)
        )

    def line(self, d, product):
        if d.status == DecisionStatus.ESCALATED:
            due, detail = d.escalation_deadline, f"Escalated to {d.forum.name if d.forum else 'a forum'}; its deadline was {d.escalation_deadline:%d %b %Y}."
        else:
            due, detail = d.due_date, f"Was due on {d.due_date:%d %b %Y}."
        return inbox.Line(d.question, _url(product, d.pk), timezone.make_aware(datetime.combine(due, time.min)), detail)

    def more(self, product):
        return reverse("decisions:list", kwargs={"ws": product.workspace.slug, "product": product.slug}) + "?status=open"


@inbox.register
class AwaitingAdvice(inbox.Source):
    key, order, title = "decisions.awaiting_advice", 11, "Decisions waiting for a required adviser"
    good = "No open decision is waiting for advice: every required adviser has weighed in."

    def collect(self, actor, product, *, limit):
        counts, lines = self.collect_many(actor, [product], limit=limit)
        return inbox.Found(counts.get(product.pk, 0), lines)

    def collect_many(self, actor, products, *, limit):
        # Required advisers still to weigh in on open decisions are few: one query for all.
        by_id = {p.pk: p for p in products}
        waiting = DecisionParticipant.objects.filter(
            decision__product__in=list(by_id), decision__status__in=OPEN_STATUSES,
            right=DecisionRight.ADVISES, required=True, weighed_in_at__isnull=True,
        ).values_list("decision_id", "decision__product_id", "decision__question", "decision__created_at", "stakeholder__name", "user__name", "user__email")
        by_decision: dict[int, list] = {}
        for pk, product_id, question, created, stakeholder, user_name, email in waiting:
            by_decision.setdefault(pk, [by_id[product_id], question, created, []])[3].append(stakeholder or user_name or email)
        counts: dict[int, int] = {}
        lines = []
        for pk, (product, question, created, names) in by_decision.items():
            counts[product.pk] = counts.get(product.pk, 0) + 1
            lines.append(inbox.Line(question, _url(product, pk), created, f"Waiting for advice from {', '.join(sorted(names))}.", product))
        lines.sort(key=lambda ln: ln.at, reverse=True)
        return counts, lines[:limit]
