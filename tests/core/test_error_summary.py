"""The error summary (GOV.UK pattern) at the top of every form page: a heading, one link per
error to its field, role=alert, focus moved to it on load; each error printed once inline."""

from __future__ import annotations

import re

import pytest

from heard.decisions import actions as decision_actions
from heard.feedback import actions as feedback_actions
from tests.conftest import axe_serious

INCREMENT_MESSAGE = "Say which increment it is planned for"


def summary_of(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


@pytest.fixture
def feedback_item(product):
    return feedback_actions.record_feedback(actor=None, product=product, data={"text": "Month-end takes a day because bank lines are copied by hand."})


@pytest.fixture
def decision(product, member):
    decision = decision_actions.create_decision(actor=None, product=product, data={"question": "Build bank feeds?"})
    decision_actions.add_option(actor=None, decision=decision, data={"title": "Build it now"})
    decision_actions.add_participant(actor=None, decision=decision, user=member("product_owner").pk, right="decides")
    return decision


@pytest.mark.django_db
def test_a_refused_disposition_is_summarised_at_the_top_and_linked_to_its_field(client_as, feedback_item):
    r = client_as("product_owner").post(f"/w/acme/p/app/feedback/{feedback_item.pk}/disposition/", {"status": "planned", "increment": ""})
    assert r.status_code == 400
    html = r.content.decode()
    summary = summary_of(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "There is a problem" in summary
    assert 'href="#id_increment"' in summary and INCREMENT_MESSAGE in summary
    assert html.index("error-summary") < html.index("<h1")  # at the top of the page
    assert html.count(INCREMENT_MESSAGE) == 2  # the summary and next to the field, once
    assert 'id="id_increment"' in html
    assert "<title>Error: " in html


@pytest.mark.django_db
def test_a_refused_decide_is_printed_once_next_to_the_form_and_in_the_summary(client_as, decision):
    r = client_as("owner").post(f"/w/acme/p/app/decisions/{decision.pk}/decide/", {"outcome": str(decision.options.get().pk), "rationale": "Because."})
    assert r.status_code == 400
    html = r.content.decode()
    message = "You cannot record this outcome"
    assert message in summary_of(html)
    assert html.count(message) == 2  # was printed twice below the form, and not at the top
    assert 'href="#decide_outcome_0"' in summary_of(html)  # a radio group links to its first option


@pytest.mark.django_db
def test_field_errors_name_the_field_in_the_summary(client_as):
    r = client_as("owner").post("/w/acme/stakeholders/new/", {"name": "", "kind": "end_user"})
    summary = summary_of(r.content.decode())
    assert re.search(r'<a href="#id_name">Name: ', summary)


@pytest.mark.django_db
def test_a_page_without_errors_has_no_summary(client_as, feedback_item):
    html = client_as("product_owner").get(f"/w/acme/p/app/feedback/{feedback_item.pk}/").content.decode()
    assert "error-summary" not in html.split("<main", 1)[1]


def submit_and_find_summary(page, button: str):
    """Submit with ``button``; return the summary of the page that comes back, which must have focus."""
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert summary.evaluate("el => el === document.activeElement")
    return summary


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_summary_takes_focus_and_its_link_opens_and_focuses_the_field(page, login, feedback_item):
    login("product_owner@acme.example")
    page.goto(f"/w/acme/p/app/feedback/{feedback_item.pk}/")
    page.locator("#id_status").select_option("planned")
    summary = submit_and_find_summary(page, "Set disposition")
    assert summary.is_visible() and summary.evaluate("el => el.getBoundingClientRect().top >= -1 && el.getBoundingClientRect().bottom <= window.innerHeight")
    assert axe_serious(page) == []
    # Scroll the field away, as a user reading on may have: the link brings it back and focuses it.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    summary.get_by_role("link", name=re.compile(INCREMENT_MESSAGE)).click()
    assert page.evaluate("document.activeElement.id") == "id_increment"
    assert page.locator("#id_increment").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_refused_decide_on_a_long_page_shows_the_summary_in_view(page, login, decision, member):
    # The decider is offered the form, and refused while a required adviser has not weighed in.
    decision_actions.add_participant(actor=None, decision=decision, user=member("developer").pk, right="advises", required=True)
    login("product_owner@acme.example")
    page.goto(f"/w/acme/p/app/decisions/{decision.pk}/")
    page.get_by_label("Build it now").check()
    page.get_by_label("Rationale: because …").fill("Because it saves a day.")
    summary = submit_and_find_summary(page, "Record the decision")
    assert "has not weighed in yet" in summary.inner_text()
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "decide_outcome_0"


@pytest.mark.django_db
def test_an_error_outside_a_form_class_joins_the_summary(client_as, decision, member):
    adviser = decision_actions.add_participant(actor=None, decision=decision, user=member("developer").pk, right="advises")
    r = client_as("product_owner").post(f"/w/acme/p/app/decisions/{decision.pk}/participants/{adviser.pk}/weigh-in/", {"advice": " "})
    assert r.status_code == 400
    assert f'href="#advice-{adviser.pk}"' in summary_of(r.content.decode())
