import pytest

from heard.stakeholders import actions
from tests.conftest import axe_serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_create_a_stakeholder_and_find_them_on_the_grid(page, login, workspace):
    actions.create_segment(actor=None, workspace=workspace, data={"name": "Accessibility users", "slug": "accessibility"})
    login("scrum_master@acme.example")
    page.goto("/w/acme/stakeholders/")
    assert axe_serious(page) == []
    page.get_by_role("link", name="Add a stakeholder").click()
    assert axe_serious(page) == []
    page.get_by_label("Name").fill("Noor Haddad")
    page.get_by_label("Email").fill("noor@example.com")
    page.get_by_label("Kind").select_option("operator")
    page.get_by_label("Accessibility users").check()
    page.get_by_label("Influence").select_option("4")
    page.get_by_label("Interest").select_option("5")
    page.get_by_label("Time zone").fill("Asia/Amman")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/stakeholders/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Noor Haddad"
    assert axe_serious(page) == []

    page.get_by_role("link", name="Influence grid").click()
    svg_title = page.locator("svg g title").first.text_content()
    assert svg_title == "Influence 4, interest 5: Noor Haddad"
    table = page.get_by_role("table", name="Stakeholders by influence and interest")
    assert table.get_by_role("link", name="Noor Haddad").is_visible()
    assert axe_serious(page) == []


def test_a_bad_time_zone_is_shown_next_to_the_field(page, login, workspace):
    login("owner@acme.example")
    page.goto("/w/acme/stakeholders/new/")
    page.get_by_label("Name").fill("Tz Tester")
    page.get_by_label("Time zone").fill("Moon/Tranquility")
    page.get_by_role("button", name="Save").click()
    error = page.locator(".errorlist").first
    assert "is not a time zone heard knows" in error.inner_text()
    assert axe_serious(page) == []


def test_search_filters_as_you_type(page, login, workspace):
    for name in ("Alma Ruiz", "Bert Kowalski"):
        actions.create_stakeholder(actor=None, workspace=workspace, data={"name": name})
    login("viewer@acme.example")
    page.goto("/w/acme/stakeholders/")
    page.get_by_label("Search").fill("kowal")
    page.wait_for_function("() => !document.querySelector('#results').innerText.includes('Alma Ruiz')")
    assert "Bert Kowalski" in page.locator("#results").inner_text()
