"""Portal defects found on a first day (issue 10): a decision asked about without its
options, closure notes promising a reply the portal did not offer, times in UTC instead of
the stakeholder's zone, and the heard logo leading a stakeholder to the team's login."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from heard.closure import actions as closure_actions
from heard.closure.models import ClosureNote
from heard.decisions import actions as decision_actions
from heard.feedback.models import Feedback
from heard.stakeholders import actions as s_actions

from .helpers import portal_client

# 23:30 UTC two days ago (inside the test cycle) is 12:30 the next day in Auckland (UTC+13 in December, UTC+12 in June).
LATE = (datetime.now(UTC) - timedelta(days=2)).replace(hour=23, minute=30, second=0, microsecond=0)
UTC_DAY, AUCKLAND_DAY = f"{LATE:%Y-%m-%d}", f"{LATE + timedelta(days=1):%Y-%m-%d}"



@pytest.fixture
def sent_note(world):
    closure_actions.draft_notes(actor=None, cycle=world.cycle)
    note = ClosureNote.objects.get(cycle=world.cycle, stakeholder=world.alice)
    closure_actions.review_note(actor=None, note=note)
    closure_actions.send_notes(actor=None, cycle=world.cycle, notes=[note])
    note.refresh_from_db()
    return note


def test_the_portal_shows_a_decisions_options_when_asking_for_a_view(world):
    decision_actions.add_option(actor=None, decision=world.open_decision, data={"title": "Skip every public holiday", "value": "No angry calls", "cost": "A holiday calendar per region"})
    decision_actions.add_option(actor=None, decision=world.open_decision, data={"title": "Send on holidays as now"})
    page = portal_client(world.bob).get(f"/portal/decisions/{world.open_decision.pk}/").content.decode()
    for text in ("Skip every public holiday", "No angry calls", "A holiday calendar per region", "Send on holidays as now"):
        assert text in page, text


def test_a_stakeholder_replies_to_a_closure_note_and_the_team_sees_it_on_the_note(world, sent_note, client_as):
    client = portal_client(world.alice)
    page = client.get(f"/portal/notes/{sent_note.pk}/").content.decode()
    assert "You can reply in the portal" in sent_note.body and 'name="body"' in page
    r = client.post(f"/portal/notes/{sent_note.pk}/", {"body": "Two minutes would be fine; thank you for the dark mode answer."}, follow=True)
    assert r.status_code == 200 and "Two minutes would be fine" in r.content.decode()
    reply = Feedback.objects.get(text__startswith="Two minutes would be fine")
    assert reply.stakeholder == world.alice and reply.channel == "written_comment" and reply.product == world.product
    assert list(sent_note.replies.values_list("feedback", flat=True)) == [reply.pk]
    team_page = client_as("product_owner").get(f"/w/acme/p/app/closure/notes/{sent_note.pk}/").content.decode()
    assert "Two minutes would be fine" in team_page and f"/feedback/{reply.pk}/" in team_page
    # An empty reply is a field error; someone else's note is not found.
    assert client.post(f"/portal/notes/{sent_note.pk}/", {"body": "  "}).status_code == 400
    assert portal_client(world.bob).post(f"/portal/notes/{sent_note.pk}/", {"body": "Mine?"}).status_code == 404


def test_replying_through_the_portal_api(world, sent_note):
    client = portal_client(world.alice)
    r = client.post(f"/api/v1/portal/notes/{sent_note.pk}/replies", {"body": "Thanks, that helps."}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["text"] == "Thanks, that helps."
    assert sent_note.replies.count() == 1
    r = client.post(f"/api/v1/portal/notes/{sent_note.pk}/replies", {"body": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["field"] == "body"


def test_portal_times_are_in_the_stakeholders_time_zone(world):
    s_actions.update_stakeholder(actor=None, stakeholder=world.alice, data={"time_zone": "Pacific/Auckland"})
    Feedback.objects.filter(pk=world.a_planned.pk).update(said_at=LATE)
    page = portal_client(world.alice).get(f"/portal/feedback/{world.a_planned.pk}/").content.decode()
    assert AUCKLAND_DAY in page and UTC_DAY not in page
    home = portal_client(world.alice).get("/portal/me/").content.decode()
    assert AUCKLAND_DAY in home and UTC_DAY not in home


def test_closure_note_e_mails_are_written_in_the_stakeholders_time_zone(world, django_capture_on_commit_callbacks):
    s_actions.update_stakeholder(actor=None, stakeholder=world.alice, data={"time_zone": "Pacific/Auckland"})
    Feedback.objects.filter(pk=world.a_planned.pk).update(said_at=LATE)
    closure_actions.draft_notes(actor=None, cycle=world.cycle)
    note = ClosureNote.objects.get(cycle=world.cycle, stakeholder=world.alice)
    closure_actions.review_note(actor=None, note=note)
    with django_capture_on_commit_callbacks(execute=True):
        closure_actions.send_notes(actor=None, cycle=world.cycle, notes=[note])
    sent = [m for m in mail.outbox if "alice@kestrel.example" in m.to]
    assert sent and AUCKLAND_DAY in sent[0].body and UTC_DAY not in sent[0].body


def test_the_logo_on_portal_pages_leads_to_the_portal_home(world, client):
    page = portal_client(world.alice).get("/portal/me/").content.decode()
    assert 'class="brand" href="/portal/me/"' in page
    assert 'class="brand" href="/portal/"' in client.get("/portal/").content.decode()  # signed out: the portal's start
