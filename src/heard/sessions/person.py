"""What sessions hold on a stakeholder: sessions they took part in (with their right and
attendance) and their comments, for their page (heard.stakeholders.person)."""

from django.urls import reverse

from heard.stakeholders import person

from .models import Comment, Participant


def _url(session):
    return reverse("sessions:detail", kwargs={"ws": session.product.workspace.slug, "product": session.product.slug, "pk": session.pk})


@person.register
class SessionsAttended(person.QueryPart):
    kind, label, order = "sessions", "Sessions", 20
    model, holder, newest, related = Participant, "stakeholder", ("-session__starts_at", "-pk"), ("session__product__workspace",)

    def entry(self, p):
        status = p.get_right_display() + (f" · {p.get_attendance_display().lower()}" if p.attendance else "")
        return person.Entry("sessions", p.session.starts_at, p.session.title, _url(p.session), status, p.session.get_channel_display(), p.session.product.name)


@person.register
class SessionComments(person.QueryPart):
    kind, label, order = "comments", "Comments", 40
    model, holder, newest, related = Comment, "author_stakeholder", ("-created_at", "-pk"), ("session__product__workspace", "pre_read")

    def entry(self, c):
        where = f"{c.session.title}{' · ' + c.pre_read.title if c.pre_read_id else ''}"
        return person.Entry("comments", c.created_at, c.body[:160], _url(c.session), "On a pre-read" if c.pre_read_id else "On a session", where, c.session.product.name)
