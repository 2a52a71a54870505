"""One person, one page: everything heard holds on a stakeholder, newest first, from the
parts each app contributes; feedback pages show the decisions they are evidence in, and
backlog items and decisions the themes linked to them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from heard.backlog import actions as backlog_actions
from heard.closure import actions as closure_actions
from heard.decisions import actions as decision_actions
from heard.feedback import actions as feedback_actions
from heard.sessions import actions as session_actions
from heard.stakeholders import actions as stakeholder_actions
from heard.stakeholders import person
from heard.themes.models import Theme, ThemeLink
from heard.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(workspace):
    return stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Ada Archer", "email": "ada@kestrel.example"})


@pytest.fixture
def history(product, workspace, ada, member):
    """Ada's life in heard: feedback, a session, a decision, comments, a closure note, a ticket."""
    now = timezone.now()
    stakeholder_actions.grant_consent(actor=None, stakeholder=ada, purpose="contact", disclosure_text="We may e-mail you about your feedback.")
    stakeholder_actions.add_disclosure(actor=None, stakeholder=ada, kind="incentive", description="Gets a discount for taking part.")
    old = feedback_actions.record_feedback(actor=None, product=product, data={"text": "Month-end takes me a whole day.", "stakeholder": ada.pk, "said_at": (now - timedelta(days=20)).strftime("%Y-%m-%d %H:%M")})
    feedback_actions.set_disposition(actor=None, feedback=old, status="planned", increment="2026.2")
    new = feedback_actions.record_feedback(actor=None, product=product, data={"text": "Reminders went out on a public holiday.", "stakeholder": ada.pk})
    start = now + timedelta(days=4)
    session = session_actions.create_session(actor=None, product=product, data={
        "title": "Export review", "channel": "review",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
    session_actions.add_participant(actor=None, session=session, stakeholder=ada.pk, right="advises")
    session_actions.add_comment(actor=None, session=session, body="Can we see the export with a full year?", stakeholder=ada.pk)
    decision = decision_actions.create_decision(actor=None, product=product, data={"question": "Build native bank feeds?", "open_for_comment": True})
    decision_actions.add_participant(actor=None, decision=decision, stakeholder=ada.pk, right="advises", required=True)
    decision_actions.add_evidence(actor=None, decision=decision, kind="feedback", ref=old.pk, note="The clearest cost of doing nothing.")
    decision_actions.add_comment(decision=decision, stakeholder=ada.pk, body="Please do it before the year end.")
    cycle = closure_actions.create_cycle(actor=None, product=product, data={"name": "2026.2", "starts_on": str(date.today() - timedelta(days=30)), "ends_on": str(date.today())})
    closure_actions.draft_notes(actor=None, cycle=cycle)
    ticket = Ticket.objects.create(product=product, source="zendesk", external_id="SUP-7", requester=ada, subject="Export button greyed out", created_at=now - timedelta(days=3), content_hash="x")
    item = backlog_actions.create_item(actor=None, product=product, data={"title": "Faster exports"})
    criterion = backlog_actions.add_criterion(actor=None, item=item, data={"text": "A year of invoices exports within a minute.", "co_writers": [str(ada.pk)]})
    return {"old": old, "new": new, "session": session, "decision": decision, "cycle": cycle, "ticket": ticket, "item": item, "criterion": criterion}


def _rows(html: str) -> list[str]:
    body = html[html.index('class="person-entries"'):]
    body = body[: body.index("</table>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("<tr>")[2:]]


def test_the_page_shows_everything_on_the_person_newest_first(product, ada, history, client_as):
    html = client_as("viewer").get(f"/w/acme/stakeholders/{ada.pk}/").content.decode()
    counts = dict(re.findall(r'show=(\w+)#timeline-h"[^>]*>[^<(]+\((\d+)\)', html))
    assert counts == {"feedback": "2", "sessions": "1", "decisions": "2", "comments": "2", "notes": "1", "tickets": "1", "criteria": "1", "consents": "2", "verdicts": "0"}
    rows = _rows(html)
    assert len(rows) == 12
    dates = [r[:10] for r in rows]
    assert dates == sorted(dates, reverse=True), "newest first"
    text = " | ".join(rows)
    assert "Month-end takes me a whole day. Interview" in text or "Month-end takes me a whole day." in text
    assert "Planned" in text and "New" in text  # dispositions
    assert "Export review" in text and "Advises" in text  # the session and their right
    assert "Build native bank feeds? " in text and "Advises (required) · advice awaited" in text
    assert "Their feedback is evidence" in text
    assert "Can we see the export with a full year?" in text and "Please do it before the year end." in text
    assert "Draft" in text and "Closure note, cycle 2026.2" in text
    assert "#SUP-7 Export button greyed out" in text
    assert "A year of invoices exports within a minute." in text
    assert "Consent to contact" in text and "Incentive" in text
    assert f'href="/w/acme/p/app/decisions/{history["decision"].pk}/"' in html
    assert f'href="/w/acme/p/app/feedback/{history["old"].pk}/"' in html


def test_closure_notes_say_sent_opened_acknowledged(product, ada, history, client_as, mailoutbox):
    note = history["cycle"].notes.get(stakeholder=ada)
    closure_actions.review_note(actor=None, note=note)
    closure_actions.send_notes(actor=None, cycle=history["cycle"])
    note.refresh_from_db()
    closure_actions.record_note_opened(stakeholder=ada, note=note)
    closure_actions.acknowledge_note(stakeholder=ada, note=note)
    html = client_as("viewer").get(f"/w/acme/stakeholders/{ada.pk}/?show=notes").content.decode()
    assert _rows(html)[0].count("Sent · opened · acknowledged") == 1


def test_one_kind_at_a_time_and_pages(product, ada, client_as):
    for i in range(7):
        feedback_actions.record_feedback(actor=None, product=product, data={"text": f"Point {i} about exports.", "stakeholder": ada.pk, "said_at": (timezone.now() - timedelta(days=i)).strftime("%Y-%m-%d %H:%M")})
    found = person.timeline(None, ada, kind="feedback", per_page=3, page=2)
    assert found.total == 7 and found.pages == 3
    assert [e.title.split(" ", 1)[1] for e in found.entries] == ["Point 3 about exports.", "Point 4 about exports.", "Point 5 about exports."]
    html = client_as("viewer").get(f"/w/acme/stakeholders/{ada.pk}/?show=tickets").content.decode()
    assert "Nothing of this kind yet." in html
    assert person.timeline(None, ada, kind="no-such-kind").entries == []


def test_record_feedback_from_them_prefills_the_stakeholder(product, ada, client_as):
    html = client_as("developer").get(f"/w/acme/stakeholders/{ada.pk}/").content.decode()
    link = f"/w/acme/p/app/feedback/new/?stakeholder={ada.pk}"
    assert f'href="{link}">Record feedback from Ada Archer</a>' in html
    form = client_as("developer").get(link).content.decode()
    assert re.search(rf'<option value="{ada.pk}" selected>Ada Archer', form)
    # A viewer may not record feedback, so the page does not offer it.
    assert "Record feedback from" not in client_as("viewer").get(f"/w/acme/stakeholders/{ada.pk}/").content.decode()


def test_a_person_with_nothing_yet_has_an_empty_state(ada, client_as):
    html = client_as("viewer").get(f"/w/acme/stakeholders/{ada.pk}/").content.decode()
    assert "Nothing recorded from or about Ada Archer yet." in html


def test_another_workspace_sees_nothing(ada, other_workspace):
    from django.test import Client

    from tests.conftest import PASSWORD

    outsider = Client()
    assert outsider.login(username="owner@globex.example", password=PASSWORD)
    assert outsider.get(f"/w/acme/stakeholders/{ada.pk}/").status_code == 404
    assert outsider.get(f"/w/globex/stakeholders/{ada.pk}/").status_code == 404


def test_feedback_page_shows_the_decisions_it_is_evidence_in(product, history, client_as):
    html = client_as("viewer").get(f"/w/acme/p/app/feedback/{history['old'].pk}/").content.decode()
    section = html[html.index('id="evidence-in-h"'):]
    section = section[: section.index("</section>")]
    assert f'href="/w/acme/p/app/decisions/{history["decision"].pk}/">Build native bank feeds?</a>' in section
    assert "The clearest cost of doing nothing." in section
    other = client_as("viewer").get(f"/w/acme/p/app/feedback/{history['new'].pk}/").content.decode()
    assert "Not evidence in any decision yet." in other


def test_items_and_decisions_show_their_linked_themes(product, history, client_as):
    theme = Theme.objects.create(product=product, name="Exports time out", size=42)
    ThemeLink.objects.create(theme=theme, backlog_item=history["item"], weight=3)
    ThemeLink.objects.create(theme=theme, decision=history["decision"], weight=1)
    client = client_as("viewer")
    item_page = client.get(f"/w/acme/p/app/backlog/{history['item'].pk}/").content.decode()
    assert f'href="/w/acme/p/app/support/themes/{theme.pk}/">Exports time out</a>' in item_page and "weight 3 of 3" in item_page
    decision_page = client.get(f"/w/acme/p/app/decisions/{history['decision'].pk}/").content.decode()
    assert f'href="/w/acme/p/app/support/themes/{theme.pk}/">Exports time out</a>' in decision_page and "weight 1 of 3" in decision_page
    bare = backlog_actions.create_item(actor=None, product=product, data={"title": "Nothing linked"})
    assert "No support theme is linked." in client.get(f"/w/acme/p/app/backlog/{bare.pk}/").content.decode()
