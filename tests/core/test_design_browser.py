"""The design system in a real browser: the phone menu by keyboard, the theme switch,
tables that become cards at 390 px, and the shortcuts dialog."""

from __future__ import annotations

import pytest

from tests.conftest import axe_serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _feedback(product, n=3):
    from heard.feedback import actions

    for i in range(n):
        actions.record_feedback(actor=None, product=product, data={"text": f"The export to DATEV fails on invoice {i} with two VAT rates.", "channel": "email"})


def test_phone_menu_opens_and_closes_by_keyboard(page, login, product):
    _feedback(product, 2)
    page.set_viewport_size({"width": 390, "height": 844})
    login("developer@acme.example")
    page.goto("/w/acme/p/app/feedback/")
    members = page.get_by_role("link", name="Members")
    assert not members.is_visible()
    toggle = page.get_by_role("button", name="Menu")
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert members.is_visible()
    members.focus()
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not members.is_visible()
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "site-menu"
    sections = page.get_by_role("button", name="Sections")
    sections.click()
    assert page.locator("#product-menu").get_by_role("link", name="Backlog").is_visible()
    # The list is one card per row, each value labelled with its column.
    assert page.locator("table[data-cards] td[data-label='Channel']").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_serious(page) == []


def test_theme_switch_changes_the_colours_and_is_remembered(page, login, product):
    login("developer@acme.example")
    page.goto("/w/acme/")
    background = "getComputedStyle(document.documentElement).backgroundColor"
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    assert not page.get_by_role("button", name="Apply").is_visible()
    page.get_by_label("Theme").select_option("dark")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate(background) == "rgb(16, 18, 24)"
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.get_by_label("Theme").input_value() == "dark"
    assert axe_serious(page) == []


def test_system_dark_preference_is_followed_until_light_is_chosen(browser, live_server, product):
    context = browser.new_context(base_url=live_server.url, color_scheme="dark")
    page = context.new_page()
    page.goto("/accounts/login/")
    background = "getComputedStyle(document.documentElement).backgroundColor"
    assert page.evaluate(background) == "rgb(16, 18, 24)"
    page.get_by_label("Theme").select_option("light")
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    context.close()


def test_question_mark_lists_the_shortcuts_in_a_dialog(page, login, product):
    login("developer@acme.example")
    page.goto("/w/acme/")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    assert dialog.is_visible()
    assert "Show this list" in dialog.inner_text()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
