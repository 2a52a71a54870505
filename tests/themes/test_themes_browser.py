import pytest

from heard.themes import actions
from heard.themes.models import Theme
from tests.conftest import axe_serious
from tests.themes.theme_data import make_tickets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_themes_page_and_a_fix_by_hand(page, login, product):
    make_tickets(product, {"vat": 30, "sync": 40}, recent={"sync": 20}, resolve_hours={"vat": [5, 30, 80]})
    actions.start_theme_run(actor=None, product=product, background=False)
    login("product_owner@acme.example")
    page.goto("/w/acme/p/app/support/themes/")
    assert page.get_by_role("button", name="Run theme mining").is_visible()
    assert page.get_by_role("img", name="Tickets per week").first.is_visible()
    assert page.get_by_text("Spike", exact=True).first.is_visible()
    assert axe_serious(page) == []
    theme = Theme.objects.filter(status="active").order_by("-pinned", "-size", "id").first()
    page.get_by_role("link", name=theme.name).click()
    assert page.get_by_role("heading", level=1).inner_text() == theme.name
    assert axe_serious(page) == []
    page.get_by_label("Name", exact=True).fill("Offline jobs lost")
    page.get_by_role("button", name="Rename").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Offline jobs lost"
    page.get_by_role("button", name="Pin").click()
    page.get_by_role("button", name="Unpin").wait_for()
