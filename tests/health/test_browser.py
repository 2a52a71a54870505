import pytest

from heard.health import rollups
from tests.conftest import axe_serious

from .conftest import build_world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_health_pages_in_the_browser_are_accessible(page, login, workspace, product):
    build_world(product, feedback=80, sessions=16)
    rollups.refresh(product)
    login("viewer@acme.example")
    page.goto(f"/w/{workspace.slug}/p/{product.slug}/health/")
    assert page.get_by_role("heading", name=f"Collaboration health of {product.name}").is_visible()
    assert page.locator("svg.chart[role=img] title").count() >= 2
    assert axe_serious(page) == []
    page.get_by_role("link", name="Feedback only from internal proxies").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="What it counts").is_visible()
    page.get_by_text("The same numbers as a table").click()
    assert page.get_by_role("table").first.is_visible()
    assert axe_serious(page) == []
    page.get_by_role("link", name="Monthly, 24 months").click()
    page.wait_for_load_state()
    assert "period=monthly" in page.url
    page.goto(f"/w/{workspace.slug}/p/{product.slug}/health/flags/")
    assert axe_serious(page) == []
