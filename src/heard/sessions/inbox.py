"""Inbox lines from sessions: upcoming sessions whose plan is flagged, and pre-reads due soon."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone

from heard.core import inbox

from .actions import engagement_for
from .models import Participant, PreRead, Session
from .queries import session_flags

# The flags worth a person's attention before a session; the rest show on its page.
INBOX_FLAGS = ("late_pre_read", "no_decider", "no_customer", "agenda_item_without_outcome")
# Upcoming sessions looked at, soonest first: a product rarely plans more.
HORIZON = 200
# "Due soon": a pre-read whose deadline (start minus lead time) falls within this many days.
DUE_SOON_DAYS = 3


def _url(session: Session) -> str:
    product = session.product
    return reverse("sessions:detail", kwargs={"ws": product.workspace.slug, "product": product.slug, "pk": session.pk})


@inbox.register
class FlaggedSessions(inbox.Source):
    key = "sessions.flagged"
    title = "Upcoming sessions with flags"
    good = "Every upcoming session has a decider, a customer, pre-reads on time and an outcome for each agenda item."
    order = 40

    def collect(self, actor, product, *, limit):
        engagement = engagement_for(product)
        upcoming = (
            Session.objects.filter(product=product, ends_at__gte=timezone.now())
            .select_related("product__workspace")
            .prefetch_related("objectives", "agenda_items", "pre_reads", Prefetch("participants", queryset=Participant.objects.select_related("stakeholder")))
            .order_by("starts_at", "pk")[:HORIZON]
        )
        flagged = []
        for session in upcoming:
            flags = [f for f in session_flags(session, engagement, caps=False) if f.code in INBOX_FLAGS]
            if flags:
                flagged.append(inbox.Line(session.title, _url(session), session.starts_at, " ".join(f.message for f in flags)))
        flagged.sort(key=lambda ln: ln.at, reverse=True)
        return inbox.Found(len(flagged), flagged[:limit], reverse("sessions:list", kwargs={"ws": product.workspace.slug, "product": product.slug}))


@inbox.register
class PreReadsDueSoon(inbox.Source):
    key = "sessions.pre_reads_due"
    title = "Pre-reads due soon"
    good = f"No pre-read falls due in the next {DUE_SOON_DAYS} days without having been shared."
    order = 41

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
        for pre_read in qs.select_related("session__product__workspace").order_by(F("session__starts_at").desc(), "-pk")[:limit] if count else ():
            due = pre_read.session.starts_at - lead
            lines.append(inbox.Line(
                f"Share “{pre_read.title}” for {pre_read.session.title}", _url(pre_read.session), due,
                f"Due by {timezone.localtime(due):%d %b %Y %H:%M} ({lead.days} days before the session).",
            ))
        return inbox.Found(count, lines)
