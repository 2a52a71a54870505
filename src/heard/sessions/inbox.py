"""Inbox lines from sessions: upcoming sessions whose plan is flagged, and pre-reads due soon."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from heard.core import inbox
from heard.stakeholders.models import StakeholderKind

from .actions import engagement_for
from .models import AgendaItem, DecisionRight, Participant, PreRead, Session

# "Due soon": a pre-read whose deadline (start minus lead time) falls within this many days.
DUE_SOON_DAYS = 3


def _url(product, pk) -> str:
    return reverse("sessions:detail", kwargs={"ws": product.workspace.slug, "product": product.slug, "pk": pk})


# The flags worth a person's attention before a session (the rest show on its page), as
# the message each gets here; computed in the database so the home instantiates no more than
# the sessions it shows. tests/core/test_inbox.py checks them against session_flags.
INBOX_FLAG_TEXT = {
    "no_decider": "No participant decides.",
    "no_customer": "No customer takes part.",
    "agenda_item_without_outcome": "An agenda item serves no objective or decision.",
    "late_pre_read": "A pre-read is late.",
}


def flagged_sessions(product, now=None):
    """The product's sessions not yet ended, annotated with one boolean per inbox flag
    (``no_decider``, ``no_customer``, ``agenda_item_without_outcome``, ``late_pre_read``),
    only those with at least one."""
    now = now or timezone.now()
    lead = timedelta(days=engagement_for(product).pre_read_lead_days)
    here = OuterRef("pk")
    return (
        Session.objects.filter(product=product, ends_at__gte=now)
        .annotate(
            no_decider=~Exists(Participant.objects.filter(session=here, right=DecisionRight.DECIDES)),
            no_customer=~Exists(Participant.objects.filter(session=here, stakeholder__isnull=False).exclude(stakeholder__kind=StakeholderKind.INTERNAL_PROXY)),
            agenda_item_without_outcome=Exists(AgendaItem.objects.filter(session=here, objective__isnull=True, decision__isnull=True)),
            late_pre_read=Exists(PreRead.objects.filter(session=here).filter(
                Q(shared_at__gt=OuterRef("starts_at") - lead) | Q(shared_at__isnull=True, session__starts_at__lt=now + lead)
            )),
        )
        .filter(Q(no_decider=True) | Q(no_customer=True) | Q(agenda_item_without_outcome=True) | Q(late_pre_read=True))
    )


@inbox.register
class FlaggedSessions(inbox.Source):
    key, order, title = "sessions.flagged", 40, "Upcoming sessions with flags"
    good = "Every upcoming session has a decider, a customer, pre-reads on time and an outcome for each agenda item."

    def collect(self, actor, product, *, limit):
        # Sessions not yet ended are few: one query finds every flagged one.
        flagged = list(flagged_sessions(product).only("pk", "title", "starts_at").order_by("-starts_at", "-pk"))
        lines = [
            inbox.Line(s.title, _url(product, s.pk), s.starts_at, " ".join(message for code, message in INBOX_FLAG_TEXT.items() if getattr(s, code)))
            for s in flagged[:limit]
        ]
        return inbox.Found(len(flagged), lines, reverse("sessions:list", kwargs={"ws": product.workspace.slug, "product": product.slug}))


@inbox.register
class PreReadsDueSoon(inbox.Source):
    key, order, title = "sessions.pre_reads_due", 41, "Pre-reads due soon"
    good = f"No pre-read falls due in the next {DUE_SOON_DAYS} days without having been shared."

    def collect(self, actor, product, *, limit):
        lead = timedelta(days=engagement_for(product).pre_read_lead_days)
        now = timezone.now()
        # Due = session start minus the lead time; due soon = between now and DUE_SOON_DAYS.
        qs = PreRead.objects.filter(
            session__product=product, shared_at__isnull=True,
            session__starts_at__gte=now + lead, session__starts_at__lte=now + lead + timedelta(days=DUE_SOON_DAYS),
        )
        count = qs.count()
        lines = []
        for pre_read in qs.select_related("session").order_by(F("session__starts_at").desc(), "-pk")[:limit] if count else ():
            due = pre_read.session.starts_at - lead
            lines.append(inbox.Line(
                f"Share “{pre_read.title}” for {pre_read.session.title}", _url(product, pre_read.session_id), due,
                f"Due by {timezone.localtime(due):%d %b %Y %H:%M} ({lead.days} days before the session).",
            ))
        return inbox.Found(count, lines)
