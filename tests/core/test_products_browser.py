"""Products in a real browser: add, a field error next to its field, archive after confirming."""

import pytest

from heard.core.models import Product

from ..conftest import axe_serious


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_owner_adds_and_archives_a_product_in_the_browser(workspace, product, page, login):
    login("product_owner@acme.example")
    page.goto("/w/acme/")
    page.get_by_role("link", name="Products", exact=True).first.click()
    page.get_by_role("heading", name="Products of Acme").wait_for()
    assert axe_serious(page) == []
    page.get_by_role("link", name="Add a product").click()
    page.get_by_label("Name", exact=True).fill("Second App")
    page.get_by_label("Slug (optional)").fill("app")
    page.get_by_role("button", name="Add product").click()
    slug = page.get_by_label("Slug (optional)")
    assert slug.get_attribute("aria-invalid") == "true"
    page.get_by_text("already uses the slug").first.wait_for()
    assert axe_serious(page) == []
    slug.fill("")
    page.get_by_role("button", name="Add product").click()
    page.get_by_text("Added the product Second App").wait_for()
    assert Product.objects.filter(workspace=workspace, slug="second-app").exists()

    page.get_by_role("link", name="Archive Second App").click()
    page.get_by_role("heading", name="Archive Second App?").wait_for()
    assert axe_serious(page) == []
    page.get_by_role("button", name="Archive Second App").click()
    page.get_by_text("Archived Second App").wait_for()
    assert Product.objects.get(slug="second-app").is_archived
    archived = page.get_by_role("region", name="Archived")
    archived.get_by_role("button", name="Unarchive Second App").wait_for()
