"""What demos hold on a stakeholder, for their page (heard.stakeholders.person): the verdicts
they gave and the items they signed off."""

from django.urls import reverse

from heard.stakeholders import person

from .models import DemoVerdict, SignOff


@person.register
class DemoVerdictsGiven(person.QueryPart):
    kind, label, order = "verdicts", "Demo verdicts", 25
    newest, related = ("-recorded_at", "-pk"), ("demonstration__session__product__workspace", "demonstration__criterion")

    def rows(self, stakeholder):
        return DemoVerdict.objects.filter(stakeholder=stakeholder)

    def entry(self, v):
        session = v.demonstration.session
        url = reverse("demos:detail", kwargs={"ws": session.product.workspace.slug, "product": session.product.slug, "pk": session.pk})
        return person.Entry("verdicts", v.recorded_at, v.demonstration.criterion.text[:160], url, v.get_verdict_display(), session.title, session.product.name)


@person.register
class ItemsSignedOff(person.QueryPart):
    kind, label, order = "verdicts", "Sign-offs", 26
    newest, related = ("-at", "-pk"), ("backlog_item__product__workspace",)

    def rows(self, stakeholder):
        return SignOff.objects.filter(stakeholder=stakeholder)

    def entry(self, s):
        item = s.backlog_item
        url = reverse("backlog:detail", kwargs={"ws": item.product.workspace.slug, "product": item.product.slug, "pk": item.pk})
        return person.Entry("verdicts", s.at, str(item), url, "Signed off (last-minute)" if s.last_minute else "Signed off", "", item.product.name)
