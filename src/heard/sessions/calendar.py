"""iCalendar output: one session as a file, a product's sessions as a subscribable feed.

Times carry the session's own time zone (with its VTIMEZONE), so calendar clients show the
session at the right moment wherever the reader is.
"""

from __future__ import annotations

import zoneinfo
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Confidentiality, Mode, Session

PRODID = "-//heard//sessions//EN"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _event(session: Session, base_url: str) -> Event:
    tz = zoneinfo.ZoneInfo(session.time_zone or "UTC")
    product = session.product
    url = base_url.rstrip("/") + reverse("sessions:detail", kwargs={"ws": product.workspace.slug, "product": product.slug, "pk": session.pk})
    event = Event()
    event.add("uid", f"session-{session.pk}@{product.workspace.slug}.heard")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    event.add("summary", f"{session.title} ({session.get_channel_display()})")
    event.add("url", url)
    event.add("last-modified", session.updated_at)
    if session.location:
        event.add("location", session.location)
    # Team-only sessions say nothing more than their title in a calendar that may be shared.
    if session.confidentiality != Confidentiality.TEAM:
        lines = [session.description] if session.description else []
        lines += [f"Objective: {o.question}" for o in session.objectives.all()]
        if session.mode == Mode.ASYNCHRONOUS:
            lines.append("Asynchronous: comment in writing before it closes.")
        lines.append(f"Details: {url}")
        event.add("description", "\n".join(lines))
    event.add("status", "CONFIRMED" if session.is_published else "TENTATIVE")
    event.add("class", "PUBLIC" if session.confidentiality == Confidentiality.OPEN else "PRIVATE")
    return event


def _serialise(cal: Calendar) -> bytes:
    cal.add_missing_timezones()
    return cal.to_ical()


def session_calendar(session: Session, base_url: str) -> bytes:
    cal = _calendar(session.title)
    cal.add("method", "PUBLISH")
    cal.add_component(_event(session, base_url))
    return _serialise(cal)


def product_calendar(product, base_url: str, *, past_days: int = 180) -> bytes:
    """The product's sessions from ``past_days`` ago onwards, for a calendar subscription."""
    cal = _calendar(f"{product.name} sessions")
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")
    since = timezone.now() - timedelta(days=past_days)
    for session in product.sessions.filter(ends_at__gte=since).select_related("product__workspace").prefetch_related("objectives").order_by("starts_at"):
        cal.add_component(_event(session, base_url))
    return _serialise(cal)
