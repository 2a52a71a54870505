"""What decisions hold on a stakeholder: decisions they have a right in (advising,
deciding…), decisions their feedback or tickets are evidence in, and their comments."""

from django.db.models import Q
from django.urls import reverse

from heard.stakeholders import person

from .models import DecisionComment, DecisionEvidence, DecisionParticipant


def _url(decision):
    return reverse("decisions:detail", kwargs={"ws": decision.product.workspace.slug, "product": decision.product.slug, "pk": decision.pk})


@person.register
class DecisionRights(person.Part):
    kind, label, order = "decisions", "Decisions", 30

    def collect(self, stakeholder, *, limit):
        qs = DecisionParticipant.objects.filter(stakeholder=stakeholder)
        count = qs.count()
        rows = qs.select_related("decision__product__workspace").order_by("-added_at", "-pk")[:limit] if limit and count else []
        entries = []
        for p in rows:
            status = p.get_right_display() + (" (required)" if p.required else "")
            if p.weighed_in_at:
                status += " · weighed in"
            elif p.required:
                status += " · advice awaited"
            entries.append(person.Entry("decisions", p.weighed_in_at or p.added_at, p.decision.question, _url(p.decision), status,
                                        p.advice[:160] or p.decision.get_status_display(), p.decision.product.name))
        return count, entries


@person.register
class DecisionEvidenceFrom(person.Part):
    kind, label, order = "decisions", "Decisions", 31

    def collect(self, stakeholder, *, limit):
        qs = DecisionEvidence.objects.filter(Q(feedback__stakeholder=stakeholder) | Q(ticket__requester=stakeholder))
        count = qs.count()
        rows = qs.select_related("decision__product__workspace").order_by("-added_at", "-pk")[:limit] if limit and count else []
        return count, [
            person.Entry("decisions", e.added_at, e.decision.question, _url(e.decision),
                         f"Their {'feedback' if e.feedback_id else 'ticket'} is evidence", e.note[:160] or e.decision.get_status_display(),
                         e.decision.product.name)
            for e in rows
        ]


@person.register
class DecisionComments(person.Part):
    kind, label, order = "comments", "Comments", 41

    def collect(self, stakeholder, *, limit):
        qs = DecisionComment.objects.filter(author_stakeholder=stakeholder)
        count = qs.count()
        rows = qs.select_related("decision__product__workspace").order_by("-created_at", "-pk")[:limit] if limit and count else []
        return count, [
            person.Entry("comments", c.created_at, c.body[:160], _url(c.decision), "On a decision", c.decision.question, c.decision.product.name)
            for c in rows
        ]
