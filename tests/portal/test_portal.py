"""The stakeholder portal: magic-link sign-in, what a person sees, and what they can do."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from heard.closure import actions as closure_actions
from heard.closure.models import ClosureNote
from heard.feedback.models import Feedback
from heard.portal import actions
from heard.portal.models import PortalLinkToken
from heard.sessions.models import Comment

from .helpers import portal_client

LINK = re.compile(r"https?://[^\s]+/portal/link/[^\s/]+/")


def _ask(client, email, ip="10.0.0.1"):
    return client.post("/portal/", {"email": email}, REMOTE_ADDR=ip)


def test_magic_link_signs_in_once_and_answers_the_same_for_unknown_addresses(world, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        known = _ask(client, "ALICE@kestrel.example")
        unknown = _ask(client, "nobody@nowhere.example")
    assert known.status_code == unknown.status_code == 200
    def without_csrf(r):
        return re.sub(rb'"X-CSRFToken": "[^"]*"', b"", r.content)

    assert without_csrf(known) == without_csrf(unknown)  # no enumeration
    # Alice's address exists in two workspaces: one e-mail, one link for each.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@kestrel.example"]
    links = LINK.findall(mail.outbox[0].body)
    assert len(links) == 2
    assert "30 minutes" in mail.outbox[0].body
    assert PortalLinkToken.objects.count() == 2
    assert all(len(t.token_hash) == 64 and t.token_hash not in mail.outbox[0].body for t in PortalLinkToken.objects.all())
    path = "/" + links[0].split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200  # a scanner following the link burns nothing
    r = client.post(path)
    assert r.status_code == 302 and r["Location"] == "/portal/me/"
    page = client.get("/portal/me/").content.decode()
    assert "Alice" in page
    # Single use.
    other = Client()
    r = other.post(path)
    assert r.status_code == 400 and "expired or was already used" in r.content.decode()
    assert other.get("/portal/me/").status_code == 302


def test_expired_links_do_not_work(world):
    url = actions.issue_link(world.alice)
    PortalLinkToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    r = Client().post(path)
    assert r.status_code == 400


def test_no_link_for_erased_people(world, django_capture_on_commit_callbacks):
    from heard.stakeholders import actions as s_actions

    url = actions.issue_link(world.alice)
    s_actions.erase_stakeholder(actor=None, stakeholder=world.bob)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(Client(), "bob@pinecrest.example")
    assert mail.outbox == []
    client = portal_client(world.alice)
    s_actions.erase_stakeholder(actor=None, stakeholder=world.alice)
    assert client.get("/portal/me/").status_code == 302  # the session ends with the person
    assert url


def test_requests_are_rate_limited_per_address_and_per_ip(world, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(actions.LINKS_PER_ADDRESS_PER_HOUR):
            assert _ask(client, "carol@lindenfeld.example", ip=f"10.0.1.{n}").status_code == 200
        r = _ask(client, "carol@lindenfeld.example", ip="10.0.2.1")
    assert r.status_code == 429 and "Too many sign-in links" in r.content.decode()
    assert len(mail.outbox) == actions.LINKS_PER_ADDRESS_PER_HOUR
    for n in range(actions.LINKS_PER_IP_PER_HOUR):
        assert _ask(client, f"someone{n}@example.com", ip="10.9.9.9").status_code == 200
    r = _ask(client, "fresh@example.com", ip="10.9.9.9")
    assert r.status_code == 429
    assert _ask(client, "fresh@example.com", ip="10.9.9.10").status_code == 200


def test_bad_address_is_a_field_error(world):
    r = _ask(Client(), "not an address")
    assert r.status_code == 200 and "Enter the e-mail address" in r.content.decode()


def test_overview_shows_own_feedback_notes_goals_figures_and_invitations(world):
    closure_actions.close_cycle(actor=None, cycle=world.cycle)
    for note in world.cycle.notes.all():
        closure_actions.review_note(actor=None, note=note)
    closure_actions.send_notes(actor=None, cycle=world.cycle)
    page = portal_client(world.alice).get("/portal/me/").content.decode()
    for text in ("The monthly report takes five minutes", "Please add a dark mode.", "What became of your feedback on Acme App",
                 "Faster monthly report", "Active customers", "1 240", "Pre-read: Report review",
                 "The monthly report for 100 records"):
        assert text in page, text
    for text in ("Our prices feel too high", "Secret pricing experiment", "Half of the customers", "Pre-read: Pricing strategy",
                 "Pre-read: Small business review", "Globex-only"):
        assert text not in page, text


def test_feedback_trace_shows_outcome_and_only_shared_titles(world):
    client = portal_client(world.bob)
    page = client.get(f"/portal/feedback/{world.b_secret.pk}/").content.decode()
    assert "Planned for 2026.2" in page and "not shared by the team" in page and "Secret pricing" not in page
    assert "@acme.example" not in page  # who on the team set it stays out
    page = portal_client(world.alice).get(f"/portal/feedback/{world.a_planned.pk}/").content.decode()
    assert "Faster monthly report" in page


def test_opening_and_acknowledging_a_note_are_recorded(world):
    closure_actions.close_cycle(actor=None, cycle=world.cycle)
    note = ClosureNote.objects.get(cycle=world.cycle, stakeholder=world.alice)
    client = portal_client(world.alice)
    assert client.get(f"/portal/notes/{note.pk}/").status_code == 404  # not sent yet
    closure_actions.review_note(actor=None, note=note)
    closure_actions.send_notes(actor=None, cycle=world.cycle, notes=[note])
    r = client.get(f"/portal/notes/{note.pk}/")
    assert r.status_code == 200 and "dark mode" in r.content.decode()
    note.refresh_from_db()
    assert note.opened_at is not None and note.acknowledged_at is None
    r = client.post(f"/portal/notes/{note.pk}/acknowledge/", follow=True)
    assert "Acknowledged" in r.content.decode()
    note.refresh_from_db()
    assert note.acknowledged_at is not None
    from heard.core.models import AuditEvent

    assert AuditEvent.objects.filter(verb="closure.note_acknowledged", object_id=str(note.pk), actor_label__contains="portal").exists()


def test_new_feedback_arrives_as_a_written_comment_feedback_item(world):
    client = portal_client(world.alice)
    r = client.post("/portal/feedback/new/", {"product": str(world.product.pk), "text": ""})
    assert r.status_code == 200 and "Write your feedback first." in r.content.decode()
    r = client.post("/portal/feedback/new/", {"product": str(world.product.pk), "text": "Exports should include the VAT number.", "job": "Month end"})
    assert r.status_code == 302
    item = Feedback.objects.get(text="Exports should include the VAT number.")
    assert item.stakeholder == world.alice and item.channel == "written_comment" and item.recorded_by is None and item.job == "Month end"
    world.alice.refresh_from_db()
    assert world.alice.last_heard_at == item.said_at


def test_commenting_on_a_pre_read_and_a_draft_criterion(world):
    client = portal_client(world.alice)
    r = client.post(f"/portal/pre-reads/{world.alice_pre_read.pk}/", {"body": "Please add the export timings."}, follow=True)
    assert r.status_code == 200 and "Please add the export timings." in r.content.decode()
    comment = Comment.objects.get(body="Please add the export timings.")
    assert comment.author_stakeholder == world.alice and comment.pre_read == world.alice_pre_read
    r = client.post(f"/portal/criteria/{world.report_draft.pk}/", {"body": "Two minutes is fine, but also for 500 records."}, follow=True)
    assert "also for 500 records" in r.content.decode()
    fb = Feedback.objects.get(text="Two minutes is fine, but also for 500 records.")
    assert fb.stakeholder == world.alice and fb.links.get().criterion == world.report_draft
    r = client.post(f"/portal/criteria/{world.report_draft.pk}/", {"body": ""})
    assert r.status_code == 400 and "Write your comment first." in r.content.decode()


def test_portal_api_for_the_signed_in_stakeholder(world):
    client = portal_client(world.alice)
    me = client.get("/api/v1/portal/me").json()
    assert me["name"] == "Alice Archer" and me["workspace"] == "acme"
    items = client.get("/api/v1/portal/feedback").json()
    assert {i["id"] for i in items} == {world.a_planned.pk, world.a_declined.pk, world.a_deferred.pk}
    r = client.post("/api/v1/portal/feedback", {"product": world.product.pk, "text": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["field"] == "text"
    r = client.post("/api/v1/portal/feedback", {"product": world.product.pk, "text": "From the API."}, content_type="application/json")
    assert r.status_code == 201 and r.json()["disposition"] == "new"
    invitations = client.get("/api/v1/portal/invitations").json()
    assert [p["id"] for p in invitations["pre_reads"]] == [world.alice_pre_read.pk]
    assert [c["id"] for c in invitations["criteria"]] == [world.report_draft.pk]
    goals = client.get("/api/v1/portal/goals").json()
    assert goals["goals"][0]["increments"][0]["items"][0]["title"] == "Faster monthly report"


def test_the_portal_link_command_prints_a_working_link(world):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("portal-link", "alice@kestrel.example", "--workspace", "acme", stdout=out, stderr=StringIO())
    url = out.getvalue().strip()
    assert "/portal/link/" in url
    r = Client().post("/" + url.split("://", 1)[1].split("/", 1)[1])
    assert r.status_code == 302
    with pytest.raises(CommandError):
        call_command("portal-link", "nobody@example.com", "--workspace", "acme", stdout=StringIO())


def test_commenting_on_a_decision_open_for_comment(world):
    from heard.decisions.models import DecisionComment

    client = portal_client(world.bob)
    page = client.get("/portal/me/").content.decode()
    assert "Should reminders skip public holidays?" in page
    assert "Which vendor do we drop?" not in page and "Do we raise prices?" not in page
    r = client.post(f"/portal/decisions/{world.open_decision.pk}/", {"body": "Yes, in every region we work in."}, follow=True)
    assert r.status_code == 200 and "Yes, in every region" in r.content.decode()
    comment = DecisionComment.objects.get(body="Yes, in every region we work in.")
    assert comment.author_stakeholder == world.bob and comment.decision == world.open_decision
    # Alice never sees Bob's comment.
    assert "Yes, in every region" not in portal_client(world.alice).get(f"/portal/decisions/{world.open_decision.pk}/").content.decode()
