"""Closure cycles: drafting from dispositions, review, sending through a real SMTP server,
who is skipped and why, enablement notes, the pages and the command line."""

import socket
from email import message_from_bytes
from email.policy import default as default_policy
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from heard.closure import actions, queries
from heard.closure.models import ClosureNote, EnablementDelivery, NoteStatus
from heard.core.errors import HeardError


def _draft(world):
    report = actions.close_cycle(actor=None, cycle=world.cycle)
    return report, {n.stakeholder_id: n for n in world.cycle.notes.all()}


def _review_all(world):
    for note in world.cycle.notes.all():
        actions.review_note(actor=None, note=note)


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=port,
                               EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="", EMAIL_USE_TLS=False):
            yield sink
    finally:
        controller.stop()


def test_closing_a_cycle_drafts_one_note_per_person_from_dispositions(world):
    report, notes = _draft(world)
    assert world.cycle.__class__.objects.get(pk=world.cycle.pk).status == "closed"
    assert set(notes) == {world.alice.pk, world.bob.pk, world.carol.pk, world.dan.pk}
    assert len(report.created) == 4
    alice = notes[world.alice.pk]
    heard = [row["said"] for row in alice.sections["heard"]]
    assert "Please add a dark mode." in heard  # their words
    will_change = alice.sections["will_change"]
    assert [r["feedback"] for r in will_change] == [world.a_planned.pk]
    assert "Planned for 2026.2" in will_change[0]["outcome"] and "Faster monthly report" in will_change[0]["outcome"]
    will_not = {r["feedback"]: r for r in alice.sections["will_not"]}
    assert set(will_not) == {world.a_declined.pk, world.a_deferred.pk}
    assert "delay the e-invoicing work" in will_not[world.a_declined.pk]["outcome"]
    assert "What will not change, and why" in alice.body and "dark mode" in alice.body
    assert set(alice.feedback.values_list("pk", flat=True)) == {world.a_planned.pk, world.a_declined.pk, world.a_deferred.pk}
    # A title the team did not share never reaches a draft.
    assert "Secret pricing" not in notes[world.bob.pk].body
    assert "Planned for 2026.2" in notes[world.bob.pk].body
    assert notes[world.carol.pk].sections["open"][0]["feedback"] == world.c_review.pk


def test_redrafting_adds_nothing_and_keeps_edited_notes(world):
    _, notes = _draft(world)
    actions.review_note(actor=None, note=notes[world.alice.pk], body="Hello Alice, we heard you. Thank you.", reviewed=False)
    report, _ = _draft(world)
    assert report.created == [] and ClosureNote.objects.filter(cycle=world.cycle).count() == 4
    assert {n.stakeholder_id for n in report.kept} == {world.alice.pk}
    assert ClosureNote.objects.get(pk=notes[world.alice.pk].pk).body == "Hello Alice, we heard you. Thank you."


def test_feedback_outside_the_cycle_is_not_in_it(world):
    from datetime import timedelta

    from heard.feedback.models import Feedback

    Feedback.objects.filter(pk__in=[world.c_review.pk]).update(said_at=world.c_review.said_at - timedelta(days=90))
    _, notes = _draft(world)
    assert world.carol.pk not in notes


def test_only_reviewed_notes_are_sent(world):
    _draft(world)
    report = actions.send_notes(actor=None, cycle=world.cycle)
    assert report.sent == [] and len(report.not_reviewed) == 4
    assert not world.cycle.notes.exclude(status=NoteStatus.DRAFT).exists()


def test_review_runs_the_plain_language_check_and_warns_but_allows_hard_notes(world):
    _, notes = _draft(world)
    hard = ("Going forward we will leverage synergies to operationalise a holistic, scalable paradigm, facilitating "
            "stakeholder alignment regarding prioritisation methodologies and the deprecation of legacy infrastructure.")
    note = actions.review_note(actor=None, note=notes[world.alice.pk], body=hard)
    assert note.status == NoteStatus.REVIEWED and note.edited
    assert note.readability_score is not None and note.readability_score < 60
    assert {"leverage", "synergies"} <= {j["term"] for j in note.jargon}
    report = actions.send_notes(actor=None, cycle=world.cycle, notes=[note])
    assert report.sent == [note] and report.hard_to_read == [note]


def test_review_rejects_an_empty_note_with_a_field_error(world):
    _, notes = _draft(world)
    with pytest.raises(HeardError) as exc:
        actions.review_note(actor=None, note=notes[world.alice.pk], body="   ")
    assert exc.value.field == "body"


def test_sending_delivers_through_a_real_smtp_server_and_skips_who_may_not_be_mailed(world, smtp_server, django_capture_on_commit_callbacks):
    _draft(world)
    _review_all(world)
    with django_capture_on_commit_callbacks(execute=True):
        report = actions.send_notes(actor=None, cycle=world.cycle)
    assert [n.stakeholder_id for n in report.sent] == [world.alice.pk]
    reasons = {n.stakeholder_id: r for n, r in report.skipped}
    assert reasons[world.bob.pk] == "No contact consent recorded."
    assert reasons[world.carol.pk].startswith("Contact consent withdrawn on")
    assert reasons[world.dan.pk] == "No e-mail address."
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["alice@kestrel.example"]
    message = message_from_bytes(envelope.original_content, policy=default_policy)
    assert message["Subject"] == "What became of your feedback on Acme App (2026.2)"
    text = message.get_body(("plain",)).get_content()
    assert "dark mode" in text and "/portal/notes/" in text
    assert message.get_body(("html",)) is not None
    alice = ClosureNote.objects.get(cycle=world.cycle, stakeholder=world.alice)
    assert alice.status == NoteStatus.SENT and alice.sent_at and alice.published_at
    bob = ClosureNote.objects.get(cycle=world.cycle, stakeholder=world.bob)
    assert bob.status == NoteStatus.SKIPPED and bob.sent_at is None and bob.published_at  # still in their portal


def test_nothing_is_mailed_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    _draft(world)
    _review_all(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.send_notes(actor=None, cycle=world.cycle)
    assert len(callbacks) == 1 and mail.outbox == []


def test_an_erased_person_is_not_mailed_and_their_note_is_blanked(world, django_capture_on_commit_callbacks):
    from heard.stakeholders import actions as s_actions

    _draft(world)
    _review_all(world)
    s_actions.erase_stakeholder(actor=None, stakeholder=world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        report = actions.send_notes(actor=None, cycle=world.cycle)
    assert mail.outbox == [] and report.sent == []
    note = ClosureNote.objects.get(cycle=world.cycle, stakeholder=world.alice)
    assert note.body == "[erased]" and note.published_at is None and note.skip_reason.startswith("Erased")


def test_enablement_goes_to_the_people_whose_feedback_shaped_the_released_item(world, django_capture_on_commit_callbacks):
    with pytest.raises(HeardError) as exc:
        actions.create_enablement_note(actor=None, backlog_item=world.report, data={"title": "Faster report", "body": "It is faster."})
    assert exc.value.field == "backlog_item"
    with pytest.raises(HeardError) as exc:
        actions.create_enablement_note(actor=None, backlog_item=world.feeds, data={"kind": "video", "title": "Bank feeds in 2 minutes"})
    assert exc.value.field == "url"
    note = actions.create_enablement_note(actor=None, backlog_item=world.feeds, data={
        "kind": "guide", "title": "Bank feeds: a short guide", "body": "Connect your bank under Settings.", "url": "https://example.com/guide"})
    assert list(actions.shaped_by(world.feeds)) == [world.alice, world.bob]
    with django_capture_on_commit_callbacks(execute=True):
        report = actions.send_enablement_note(actor=None, note=note)
    assert [d.stakeholder_id for d in report.sent] == [world.alice.pk]
    assert report.skipped == [(world.bob, "No contact consent recorded.")]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@kestrel.example"]
    assert "Connect your bank" in mail.outbox[0].body and "/portal/enablement/" in mail.outbox[0].body
    # Sending again reaches no one twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = actions.send_enablement_note(actor=None, note=note)
    assert again.sent == [] and len(mail.outbox) == 1 and EnablementDelivery.objects.filter(note=note).count() == 2


def test_only_leads_send(world, member):
    _draft(world)
    with pytest.raises(HeardError) as exc:
        actions.send_notes(actor=member("developer"), cycle=world.cycle)
    assert exc.value.code == "forbidden"
    actions.send_notes(actor=member("product_owner"), cycle=world.cycle)


def test_cycle_page_says_who_was_skipped_and_why(world, client_as, django_capture_on_commit_callbacks):
    po = client_as("product_owner")
    base = f"/w/acme/p/app/closure/{world.cycle.pk}/"
    assert po.post(base + "close/").status_code == 302
    for note in world.cycle.notes.all():
        r = po.post(f"/w/acme/p/app/closure/notes/{note.pk}/", {"subject": note.subject, "body": note.body, "reviewed": "1"})
        assert r.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        r = po.post(base + "send/", follow=True)
    page = r.content.decode()
    assert "1 sent, 3 not e-mailed" in page
    assert "Bob Brand: No contact consent recorded." in page
    assert "Dan Dorsey: No e-mail address." in page
    assert "Carol Chen: Contact consent withdrawn on" in page
    assert len(mail.outbox) == 1


def test_note_review_page_shows_the_check_and_field_errors(world, client_as):
    _, notes = _draft(world)
    po = client_as("product_owner")
    url = f"/w/acme/p/app/closure/notes/{notes[world.alice.pk].pk}/"
    page = po.get(url).content.decode()
    assert "Plain-language check" in page and "reading ease" in page
    r = po.post(url, {"subject": "", "body": "Hi", "reviewed": "1"})
    assert r.status_code == 200 and "Give the note a subject line." in r.content.decode()
    assert "will not be e-mailed" in po.get(f"/w/acme/p/app/closure/notes/{notes[world.bob.pk].pk}/").content.decode()


def test_pages_respect_roles(world, client_as, other_workspace):
    _, notes = _draft(world)
    dev = client_as("developer")
    assert dev.get(f"/w/acme/p/app/closure/{world.cycle.pk}/").status_code == 200
    assert dev.post(f"/w/acme/p/app/closure/{world.cycle.pk}/send/").status_code == 403
    assert dev.post("/w/acme/p/app/closure/sharing/", {"kind": "defects", "label": "Open defects", "value": "3"}).status_code == 403
    from django.test import Client

    from tests.conftest import PASSWORD

    outsider = Client()
    assert outsider.login(username="owner@globex.example", password=PASSWORD)
    assert outsider.get(f"/w/acme/p/app/closure/{world.cycle.pk}/").status_code == 404
    assert outsider.get(f"/w/globex/p/app/closure/notes/{notes[world.alice.pk].pk}/").status_code == 404


def test_sharing_page_shares_goals_and_figures(world, client_as):
    po = client_as("product_owner")
    r = po.post("/w/acme/p/app/closure/sharing/goals/", {"item": world.secret.pk, "shared": "1"})
    assert r.status_code == 302 and hasattr(type(world.secret).objects.get(pk=world.secret.pk), "shared_goal")
    r = po.post("/w/acme/p/app/closure/sharing/", {"kind": "defects", "label": "Open defects", "value": ""})
    assert r.status_code == 200 and "Give the value" in r.content.decode()
    r = po.post("/w/acme/p/app/closure/sharing/", {"kind": "defects", "label": "Open defects", "value": "3"}, follow=True)
    assert "Open defects" in r.content.decode()
    assert [f.label for f in queries.figures(None, world.product)] == ["Active customers", "Open defects"]


def test_command_line_drafts_and_sends(world, django_capture_on_commit_callbacks):
    out = StringIO()
    call_command("closure", "draft", "--product", "acme/app", "--cycle", "2026.2", stdout=out)
    assert "4 drafted" in out.getvalue()
    out = StringIO()
    call_command("closure", "draft", "--product", "acme/app", "--cycle", "2026 Q3", "--start", "2026-07-01", "--end", "2026-09-30", stdout=out)
    assert "Cycle 2026 Q3" in out.getvalue() and "0 drafted" in out.getvalue()
    _review_all(world)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("closure", "send", "--product", "acme/app", "--cycle", "2026.2", stdout=out)
    assert "1 sent, 3 not e-mailed" in out.getvalue() and "not e-mailed: Bob Brand: No contact consent recorded." in out.getvalue()
    assert len(mail.outbox) == 1
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No closure cycle"):
        call_command("closure", "send", "--product", "acme/app", "--cycle", "nope")
