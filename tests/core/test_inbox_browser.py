"""In a real browser: the product home's inbox leads to the place to act, the workspace home
sums it, and the person page shows what a stakeholder said, all without serious axe issues."""

from datetime import timedelta

import pytest
from django.utils import timezone

from heard.feedback import actions as feedback_actions
from heard.stakeholders import actions as stakeholder_actions
from tests.conftest import axe_serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inbox_line_leads_to_the_feedback_and_the_person_page_shows_it(page, login, workspace, product):
    noor = stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Noor Haddad", "kind": "operator"})
    item = feedback_actions.record_feedback(actor=None, product=product, data={
        "text": "Scanning a delivery note takes three tries in a dark warehouse.", "stakeholder": noor.pk,
        "said_at": (timezone.now() - timedelta(days=14)).strftime("%Y-%m-%d %H:%M")})
    login("developer@acme.example")

    page.goto("/w/acme/")
    assert page.get_by_text("1 thing needs a person now.").is_visible()
    page.get_by_role("link", name="Acme App (1)").click()
    page.wait_for_url("**/w/acme/p/app/#inbox-feedback-unconsidered")
    assert page.get_by_role("heading", level=1).inner_text() == "Acme App"
    assert axe_serious(page) == []

    section = page.get_by_role("region", name="Feedback with no disposition past its promised time (1)")
    section.get_by_role("link", name=f"#{item.pk} Scanning a delivery note").click()
    page.wait_for_url(f"**/feedback/{item.pk}/")
    page.get_by_role("link", name="Noor Haddad").first.click()
    page.wait_for_url(f"**/stakeholders/{noor.pk}/")
    history = page.get_by_role("table", name="Everything, newest first")
    assert history.get_by_role("link", name=f"#{item.pk} Scanning a delivery note takes three tries in a dark warehouse.").is_visible()
    assert axe_serious(page) == []

    page.get_by_role("link", name="Feedback (1)").click()
    assert page.get_by_role("table", name="Feedback, newest first").is_visible()
    page.get_by_role("link", name="Record feedback from Noor Haddad").click()
    page.wait_for_url(f"**/feedback/new/?stakeholder={noor.pk}")
    assert page.get_by_label("Who said it").input_value() == str(noor.pk)


def test_an_empty_product_home_is_accessible_and_says_what_good_looks_like(page, login, workspace, product):
    login("viewer@acme.example")
    page.goto("/w/acme/p/app/")
    assert page.get_by_text("Nothing needs attention now.").is_visible()
    assert page.get_by_role("heading", name="All clear").is_visible()
    assert axe_serious(page) == []
