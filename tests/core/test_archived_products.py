"""An archived product keeps its history but takes nothing new: every app's actions refuse to
record or create in it with the same HeardError (field "product", one helper,
heard.core.products.require_active), and pages, the API and the command line show it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from heard.backlog import actions as backlog_actions
from heard.backlog.importers import import_backlog
from heard.closure import actions as closure_actions
from heard.core import actions as core_actions
from heard.core.errors import HeardError
from heard.decisions import actions as decision_actions
from heard.feedback import actions as feedback_actions
from heard.feedback.importers import import_feedback
from heard.feedback.models import Feedback
from heard.sessions import actions as session_actions
from heard.themes import actions as theme_actions
from heard.tickets import actions as ticket_actions

REFUSAL = "is archived: its history stays readable, but nothing new can be recorded in it"


@pytest.fixture
def history(product):
    """What a product held before it was archived."""
    feedback = [feedback_actions.record_feedback(actor=None, product=product, data={"text": f"Export fails with {n} invoices."}) for n in (20, 40)]
    item = backlog_actions.create_item(actor=None, product=product, data={"title": "Faster export"})
    decision = decision_actions.create_decision(actor=None, product=product, data={"question": "Build bank feeds?"})
    return {"feedback": feedback, "item": item, "decision": decision}


@pytest.fixture
def archived(product, history):
    core_actions.archive_product(actor=None, product=product)
    product.refresh_from_db()
    return product


def _ticket_file(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("id,subject,body,requester_email,created_at\n1,Export fails,It fails.,a@example.com,2026-11-01\n")
    return str(path)


WRITES = {
    "record feedback": lambda p, h, tmp: feedback_actions.record_feedback(actor=None, product=p, data={"text": "Export is slow."}),
    "import feedback": lambda p, h, tmp: import_feedback(actor=None, product=p, handle=io.StringIO("text\nExport is slow.\n"), fmt="csv"),
    "merge feedback": lambda p, h, tmp: feedback_actions.merge_feedback(actor=None, product=p, items=h["feedback"]),
    "create a backlog item": lambda p, h, tmp: backlog_actions.create_item(actor=None, product=p, data={"title": "Bank feeds"}),
    "import backlog items": lambda p, h, tmp: import_backlog(actor=None, product=p, handle=io.StringIO("title\nBank feeds\n")),
    "add a criterion": lambda p, h, tmp: backlog_actions.add_criterion(actor=None, item=h["item"], data={"text": "Exports 500 invoices in 10 s."}),
    "plan a session": lambda p, h, tmp: session_actions.create_session(actor=None, product=p, data={
        "title": "Review", "channel": "review", "starts_at": "2027-03-01 10:00", "ends_at": "2027-03-01 11:00"}),
    "open a decision": lambda p, h, tmp: decision_actions.create_decision(actor=None, product=p, data={"question": "Drop reminders?"}),
    "supersede a decision": lambda p, h, tmp: decision_actions.supersede(actor=None, decision=h["decision"], data={"question": "Buy instead?"}),
    "open a closure cycle": lambda p, h, tmp: closure_actions.create_cycle(actor=None, product=p, data={
        "name": "Q1", "starts_on": "2027-01-01", "ends_on": "2027-03-31"}),
    "mine themes": lambda p, h, tmp: theme_actions.start_theme_run(actor=None, product=p, background=True),
    "import tickets": lambda p, h, tmp: ticket_actions.import_tickets(actor=None, product=p, path=_ticket_file(tmp), fmt="csv"),
    "queue a ticket import": lambda p, h, tmp: ticket_actions.start_ticket_import(actor=None, product=p, path=_ticket_file(tmp), file_name="t.csv", fmt="csv"),
}


@pytest.mark.parametrize("what", sorted(WRITES))
def test_an_archived_product_refuses_new_records(what, archived, history, tmp_path):
    feedback_before = Feedback.objects.filter(product=archived).count()
    with pytest.raises(HeardError) as refused:
        WRITES[what](archived, history, tmp_path)
    assert refused.value.field == "product" and refused.value.code == "conflict"
    assert REFUSAL in refused.value.message and "Acme App" in refused.value.message
    assert Feedback.objects.filter(product=archived).count() == feedback_before


def test_its_history_can_still_be_closed_and_unarchiving_opens_it_again(archived, history):
    # Closing the loop on what is already there stays possible.
    item = history["feedback"][0]
    feedback_actions.set_disposition(actor=None, feedback=item, status="declined", reason="Out of scope now.")
    core_actions.unarchive_product(actor=None, product=archived)
    archived.refresh_from_db()
    assert feedback_actions.record_feedback(actor=None, product=archived, data={"text": "Back in use."}).pk


def test_the_api_answers_a_clear_conflict(api_as, archived):
    api = api_as("product_owner")
    for path, body in (
        ("/feedback", {"product": "app", "text": "Export is slow."}),
        ("/backlog-items", {"product": "app", "title": "Bank feeds"}),
        ("/decisions", {"product": "app", "question": "Drop reminders?"}),
        ("/closure-cycles", {"product": "app", "name": "Q1", "starts_on": "2027-01-01", "ends_on": "2027-03-31"}),
        ("/sessions", {"product": "app", "title": "Review", "channel": "review", "starts_at": "2027-03-01T10:00:00Z", "ends_at": "2027-03-01T11:00:00Z"}),
    ):
        r = api.post(path, body, workspace="acme")
        assert r.status_code == 409, (path, r.content)
        error = r.json()["error"]
        assert error["field"] == "product" and REFUSAL in error["message"], path


def test_pages_show_the_refusal_instead_of_saving(client_as, archived):
    client = client_as("product_owner")
    for path, form in (
        ("feedback/new/", {"text": "Export is slow.", "channel": "session_note"}),
        ("backlog/new/", {"title": "Bank feeds", "status": "idea"}),
        ("decisions/new/", {"question": "Drop reminders?", "tie_break": "product_owner"}),
    ):
        r = client.post(f"/w/acme/p/app/{path}", form)
        assert r.status_code == 400, (path, r.status_code)
        assert REFUSAL in r.content.decode(), path
    assert Feedback.objects.filter(product=archived, text="Export is slow.").count() == 0


def test_the_command_line_refuses_an_import(archived, tmp_path):
    path = tmp_path / "backlog.csv"
    path.write_text("title\nBank feeds\n")
    with pytest.raises(CommandError, match=REFUSAL):
        call_command("import", "backlog", str(path), product="acme/app", no_progress=True, stdout=io.StringIO(), stderr=io.StringIO())


def test_the_new_pages_of_an_archived_product_say_why_instead_of_offering_a_form(client_as, archived):
    client = client_as("product_owner")
    for path in ("feedback/new/", "backlog/new/", "decisions/new/", "sessions/new/", "support/import/"):
        r = client.get(f"/w/acme/p/app/{path}")
        assert r.status_code == 409, (path, r.status_code)
        page = r.content.decode()
        main = page.split("<main", 1)[1].split("</main>", 1)[0]
        assert REFUSAL in main and "<form" not in main, path
    archived_page = client.get("/w/acme/p/app/feedback/new/").content.decode()
    assert 'href="/w/acme/p/app/"' in archived_page
    # Someone signed out is sent to sign in first, as on any team page.
    from django.test import Client

    assert Client().get("/w/acme/p/app/feedback/new/").status_code == 302
