"""What decisions hold on a stakeholder: decisions they have a right in (advising,
deciding…), decisions their feedback or tickets are evidence in, and their comments."""

from django.db.models import Q
from django.urls import reverse

from heard.stakeholders import person

from .models import DecisionComment, DecisionEvidence, DecisionParticipant


def _url(decision):
    return reverse("decisions:detail", kwargs={"ws": decision.product.workspace.slug, "product": decision.product.slug, "pk": decision.pk})


class _DecisionPart(person.QueryPart):
    kind, label = "decisions", "Decisions"
    newest, related = ("-added_at", "-pk"), ("decision__product__workspace",)


@person.register
class DecisionRights(_DecisionPart):
    order = 30
    newest = ("-invited_at", "-pk")

    def rows(self, stakeholder):
        return DecisionParticipant.objects.filter(stakeholder=stakeholder)

    def entry(self, p):
        status = p.get_right_display() + (" (required)" if p.required else "")
        if p.weighed_in_at:
            status += " · weighed in"
        elif p.required:
            status += " · advice awaited"
        return person.Entry("decisions", p.weighed_in_at or p.invited_at, p.decision.question, _url(p.decision), status,
                            p.advice[:160] or p.decision.get_status_display(), p.decision.product.name)


@person.register
class DecisionEvidenceFrom(_DecisionPart):
    order = 31

    def rows(self, stakeholder):
        return DecisionEvidence.objects.filter(Q(feedback__stakeholder=stakeholder) | Q(ticket__requester=stakeholder))

    def entry(self, e):
        return person.Entry("decisions", e.added_at, e.decision.question, _url(e.decision),
                            f"Their {'feedback' if e.feedback_id else 'ticket'} is evidence", e.note[:160] or e.decision.get_status_display(),
                            e.decision.product.name)


@person.register
class DecisionComments(_DecisionPart):
    kind, label, order = "comments", "Comments", 41
    newest = ("-created_at", "-pk")

    def rows(self, stakeholder):
        return DecisionComment.objects.filter(author_stakeholder=stakeholder)

    def entry(self, c):
        return person.Entry("comments", c.created_at, c.body[:160], _url(c.decision), "On a decision", c.decision.question, c.decision.product.name)
