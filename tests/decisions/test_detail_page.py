"""The decision page: two columns (question, context, options, evidence and people on the
left; status, who decides, flags, facts and actions on the right), the question and the
context edited in place through update_decision, escalating in a dialog."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from heard.decisions import actions
from heard.decisions.models import Decision
from tests.conftest import axe_serious


def url(decision, tail=""):
    return f"/w/acme/p/app/decisions/{decision.pk}/{tail}"


@pytest.mark.django_db
def test_page_has_two_columns_with_status_people_and_actions_on_the_right(client_as, decision, member):
    actions.add_option(actor=None, decision=decision, data={"title": "Build it"})
    from heard.participation import actions as participation

    participation.add_participant(actor=None, subject=decision, user=member("product_owner").pk, right="decides")
    html = client_as("product_owner").get(url(decision)).content.decode()
    main, side = html.split('<aside class="detail-side"', 1)
    assert '<div class="detail">' in main and "<h1" in main and 'id="options-h"' in main and 'id="participants-h"' in main
    for heading in ('id="status-h"', 'id="flags-h"', 'id="people-h"', 'id="facts-h"', 'id="actions-h"'):
        assert heading in side
    assert 'data-status="open"' in side and "Who decides" in side and 'href="#decide"' in side
    assert '<dialog id="escalate-dialog"' in html
    assert 'aria-labelledby="escalate-h" open>' in client_as("product_owner").get(url(decision, "?add=escalate")).content.decode()
    viewer = client_as("viewer").get(url(decision)).content.decode()
    assert "data-inline-form" not in viewer and "escalate-dialog" not in viewer and 'id="actions-h"' not in viewer


@pytest.mark.django_db
def test_question_and_context_save_in_place_and_bad_input_is_a_field_message(client_as, decision):
    client = client_as("product_owner")
    ok = client.post(url(decision, "inline/"), {"field": "context", "value": "Clerks match payments by hand.\nEvery month."}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and ok.content.decode().strip() == "Clerks match payments by hand.<br>Every month."
    question = client.post(url(decision, "inline/"), {"field": "question", "value": "Do we build bank feeds this year?"})
    assert question.status_code == 200 and Decision.objects.get().question == "Do we build bank feeds this year?"
    empty = client.post(url(decision, "inline/"), {"field": "question", "value": ""})
    assert empty.status_code == 400 and empty.content.decode() == "Question is required."
    odd = client.post(url(decision, "inline/"), {"field": "status", "value": "decided"})
    assert odd.status_code == 400 and "cannot be edited in place" in odd.content.decode()
    assert client_as("viewer").post(url(decision, "inline/"), {"field": "question", "value": "Mine?"}).status_code == 403
    assert Decision.objects.get().question == "Do we build bank feeds this year?"


@pytest.mark.django_db
def test_a_refused_escalation_opens_its_dialog_with_the_errors(client_as, decision):
    refused = client_as("product_owner").post(url(decision, "escalate/"), {"forum": "", "reason": ""})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'data-open-on-load open>' in html and "errorlist" in html.split('<dialog id="escalate-dialog"', 1)[1]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_edit_the_question_in_place_and_the_essentials_fit_above_the_fold(page, login, decision, member):
    from heard.participation import actions as participation

    for title in ("Build native bank feeds", "Import bank files", "Wait a year"):
        actions.add_option(actor=None, decision=decision, data={"title": title, "value": "Saves a day a month", "cost": "Two sprints"})
    # Only who holds the decides right sees the decide form (and the Decide link to it).
    participation.add_participant(actor=None, subject=decision, user=member("product_owner").pk, right="decides")
    page.set_viewport_size({"width": 1366, "height": 768})
    login("product_owner@acme.example")
    page.goto(url(decision))
    for selector in ("h1", "[data-status]", "#status-h ~ dl.facts", "#options tbody tr", ".detail-side a[href='#decide']", "#flags-h"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["y"] + box["height"] <= 768, selector
    page.get_by_role("link", name="Edit question").click()
    field = page.get_by_label("Question", exact=True)
    expect(field).to_be_focused()
    field.fill("")
    field.press("Enter")
    expect(page.locator("#inline-question-error")).to_have_text("Question is required.")
    assert axe_serious(page) == []
    field.fill("Do we build native bank feeds this year?")
    field.press("Enter")
    expect(page.locator("h1")).to_have_text("Do we build native bank feeds this year?")
    expect(page.get_by_role("link", name="Edit question")).to_be_focused()
    decision.refresh_from_db()
    assert decision.question == "Do we build native bank feeds this year?"
    page.get_by_role("link", name="Escalate to a forum").click()
    expect(page.get_by_role("dialog", name="Escalate to a forum")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Escalate to a forum")).to_be_hidden()
