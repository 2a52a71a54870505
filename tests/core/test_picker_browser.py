"""The picker in a real browser: type words, hear how many matched, choose with the keyboard,
submit; and the same form without JavaScript, by number."""

import pytest
from playwright.sync_api import expect

from heard.decisions import actions as decision_actions
from heard.feedback import actions as feedback_actions
from tests.conftest import PASSWORD, axe_serious, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def decision(product):
    for text in ("The year-end export takes an hour.", "Exporting a quarter fails on 3G.", "Reminders arrive on holidays."):
        feedback_actions.record_feedback(actor=None, product=product, data={"text": text})
    return decision_actions.create_decision(actor=None, product=product, data={"question": "Cap export size?"})


def test_choose_evidence_by_typing_and_the_keyboard(page, login, decision):
    login("product_owner@acme.example")
    page.goto(f"/w/acme/p/app/decisions/{decision.pk}/")
    page.locator("summary", has_text="Link evidence").click()
    page.get_by_label("Kind of evidence").select_option("feedback")
    box = page.get_by_role("combobox", name="Item")
    box.press_sequentially("export", delay=30)
    listbox = page.get_by_role("listbox", name="Matches")
    # Focusing showed the newest items; the typed words narrow them to the two about exports.
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(page.locator("#evidence_ref_status")).to_have_text("2 matches. Use the down arrow to choose.")
    assert box.get_attribute("aria-expanded") == "true"
    assert axe_serious(page) == []
    box.press("ArrowDown")
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    chosen_value = page.locator(f"#{active}").get_attribute("data-value")
    box.press("Enter")
    assert box.input_value() == chosen_value
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator("#evidence_ref_chosen").text_content().startswith("Chosen: #")
    press(page, "Link evidence")
    assert decision.evidence.get().feedback_id == int(chosen_value)


def test_without_javascript_the_picker_is_a_text_field_for_the_number(browser, live_server, decision):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/accounts/login/")
        page.get_by_label("E-mail").fill("product_owner@acme.example")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"/w/acme/p/app/decisions/{decision.pk}/")
        page.locator("summary", has_text="Link evidence").click()
        assert page.get_by_role("link", name="Look up the number (opens a new tab)").is_visible()
        number = str(decision.product.feedback.get(text__startswith="Reminders").pk)
        page.get_by_label("Kind of evidence").select_option("feedback")
        page.get_by_label("Item").fill(number)
        press(page, "Link evidence")
        assert decision.evidence.get().feedback_id == int(number)
    finally:
        context.close()


def test_merge_with_several_items_chosen_by_typing(page, login, decision):
    from heard.feedback.models import Feedback

    first, second, third = Feedback.objects.order_by("pk")
    login("product_owner@acme.example")
    page.goto(f"/w/acme/p/app/feedback/{third.pk}/?add=merge")
    box = page.get_by_role("combobox", name="Merge with items")
    listbox = page.locator("#id_items_results").get_by_role("listbox", name="Matches")
    box.press_sequentially("year-end", delay=30)
    expect(listbox.get_by_role("option")).to_have_count(1)
    box.press("ArrowDown")
    box.press("Enter")
    assert box.input_value() == f"{first.pk}, "
    # The next words search again, after the comma; the first choice stays.
    box.press_sequentially("quarter", delay=30)
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option")).to_contain_text("Exporting a quarter fails")
    box.press("ArrowDown")
    box.press("Enter")
    assert box.input_value() == f"{first.pk}, {second.pk}, "
    expect(page.locator("#id_items_chosen")).to_contain_text("year-end export")
    expect(page.locator("#id_items_chosen")).to_contain_text("quarter fails")
    assert axe_serious(page) == []
    page.get_by_role("button", name="Merge", exact=True).click()
    page.wait_for_load_state()
    assert Feedback.objects.filter(merged_into__isnull=False).count() == 3
