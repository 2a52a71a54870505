"""Withdrawn recording consent flags every session whose recording includes the person (issue 13)."""

from __future__ import annotations

from heard.sessions import actions, queries
from heard.stakeholders import actions as stakeholder_actions


def _codes(session):
    session.refresh_from_db()
    return [f.code for f in queries.session_flags(session)]


def test_withdrawn_recording_consent_flags_a_recorded_session_that_includes_them(session, customer, proxy):
    actions.add_participant(actor=None, session=session, stakeholder=customer.pk, right="contributes")
    actions.add_participant(actor=None, session=session, stakeholder=proxy.pk, right="contributes")
    consent = stakeholder_actions.grant_consent(actor=None, stakeholder=customer, purpose="recording", disclosure_text="We record the call.")
    session.recording_url = "https://video.example/rec/1"
    session.save(update_fields=["recording_url"])
    assert "recording_consent_withdrawn" not in _codes(session)
    stakeholder_actions.withdraw_consent(actor=None, consent=consent)
    flags = [f for f in queries.session_flags(session) if f.code == "recording_consent_withdrawn"]
    assert len(flags) == 1 and "Ada Customer withdrew consent to recording" in flags[0].message
    # A session without a recording is not flagged; a renewed consent clears the flag.
    session.recording_url = ""
    session.save(update_fields=["recording_url"])
    assert "recording_consent_withdrawn" not in _codes(session)
    session.recording_url = "https://video.example/rec/1"
    session.save(update_fields=["recording_url"])
    stakeholder_actions.grant_consent(actor=None, stakeholder=customer, purpose="recording", disclosure_text="We record the call.")
    assert "recording_consent_withdrawn" not in _codes(session)
