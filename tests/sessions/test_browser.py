import pytest

from heard.sessions.models import Session
from tests.conftest import axe_serious


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_plan_a_session_in_the_browser(page, login, workspace, product, customer):
    login("scrum_master@acme.example")
    page.goto(f"/w/{workspace.slug}/p/{product.slug}/sessions/new/")
    assert axe_serious(page) == []
    page.get_by_label("Title").fill("Demo: bookkeeping export")
    page.get_by_label("Channel").select_option("demo")
    page.get_by_label("Starts").fill("2027-05-03T15:00")
    page.get_by_label("Ends").fill("2027-05-03T16:00")
    page.get_by_label("Time zone").fill("Europe/Berlin")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    session = Session.objects.get()
    assert page.url.endswith(f"/sessions/{session.pk}/")
    assert page.locator('[data-flag="no_customer"]').is_visible()

    page.get_by_text("Add an agenda item").click()
    page.locator("#agenda_title").fill("Open chat")
    page.get_by_label("Timebox (minutes)").fill("15")
    page.get_by_role("button", name="Add agenda item").click()
    page.wait_for_load_state()
    assert page.get_by_text("No outcome: serves no objective or decision").is_visible()

    page.get_by_text("Invite someone").click()
    page.get_by_label("Stakeholder").select_option(str(customer.pk))
    page.get_by_label("Decision right").select_option("decides")
    page.get_by_role("button", name="Invite").click()
    page.wait_for_load_state()
    assert page.locator('[data-flag="no_customer"]').count() == 0
    assert page.locator('[data-flag="no_decider"]').count() == 0
    assert axe_serious(page) == []
