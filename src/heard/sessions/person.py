"""What sessions hold on a stakeholder: sessions they took part in (with their right and
attendance) and their comments, for their page (heard.stakeholders.person)."""

from django.urls import reverse

from heard.stakeholders import person

from .models import Comment, Participant


def _url(session):
    return reverse("sessions:detail", kwargs={"ws": session.product.workspace.slug, "product": session.product.slug, "pk": session.pk})


@person.register
class SessionsAttended(person.Part):
    kind, label, order = "sessions", "Sessions", 20

    def collect(self, stakeholder, *, limit):
        qs = Participant.objects.filter(stakeholder=stakeholder)
        count = qs.count()
        rows = qs.select_related("session__product__workspace").order_by("-session__starts_at", "-pk")[:limit] if limit and count else []
        entries = []
        for p in rows:
            status = p.get_right_display() + (f" · {p.get_attendance_display().lower()}" if p.attendance else "")
            entries.append(person.Entry("sessions", p.session.starts_at, p.session.title, _url(p.session), status, p.session.get_channel_display(), p.session.product.name))
        return count, entries


@person.register
class SessionComments(person.Part):
    kind, label, order = "comments", "Comments", 40

    def collect(self, stakeholder, *, limit):
        qs = Comment.objects.filter(author_stakeholder=stakeholder)
        count = qs.count()
        rows = qs.select_related("session__product__workspace", "pre_read").order_by("-created_at", "-pk")[:limit] if limit and count else []
        return count, [
            person.Entry(
                "comments", c.created_at, c.body[:160], _url(c.session), "On a pre-read" if c.pre_read_id else "On a session",
                f"{c.session.title}{' · ' + c.pre_read.title if c.pre_read_id else ''}", c.session.product.name,
            )
            for c in rows
        ]
