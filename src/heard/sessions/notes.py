"""Session notes become feedback items linked to the session, its channel and its speakers.

The feedback app owns feedback; this module only maps a session to what
``heard.feedback.actions.record_feedback`` expects.
"""

from __future__ import annotations

from django.utils import timezone

from heard.core import permissions

from .models import Channel, Session

# Session channel -> feedback channel. Channels without a counterpart are session notes.
FEEDBACK_CHANNEL = {
    Channel.DEMO: "demo",
    Channel.INTERVIEW: "interview",
    Channel.TELEMETRY_BRIEFING: "telemetry_briefing",
    Channel.BETA_REVIEW: "beta",
    Channel.ASYNC_REVIEW: "written_comment",
}


def available() -> bool:
    try:
        from heard.feedback.actions import record_feedback  # noqa: F401
    except ImportError:
        return False
    return True


def feedback_channel(session: Session) -> str:
    return FEEDBACK_CHANNEL.get(session.channel, "session_note")


def said_at(session: Session):
    """Notes typed during the session are dated now; typed up afterwards, at the session's start."""
    now = timezone.now()
    return session.starts_at if now > session.ends_at else now


def record_note(*, actor, session: Session, text: str, stakeholder=None, observed: str = "", expected: str = ""):
    """Record one feedback item said in ``session`` by ``stakeholder`` (an id, or empty)."""
    from heard.feedback.actions import record_feedback

    data = {
        "text": text, "stakeholder": stakeholder or None, "channel": feedback_channel(session),
        "session": session.pk, "said_at": said_at(session), "observed": observed or "", "expected": expected or "",
    }
    return record_feedback(actor=actor, product=session.product, data=data)


def notes_of(actor, session: Session) -> list:
    """Feedback already recorded against this session, newest first."""
    permissions.require(actor, session.product.workspace, "workspace.view")
    if not available():
        return []
    return list(session.feedback.select_related("stakeholder").order_by("-created_at", "-pk")[:200])
