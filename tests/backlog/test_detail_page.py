"""The backlog item page: two columns, inline editing of title, description and increment,
and the secondary form in a dialog (a plain page section without JavaScript)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from heard.backlog import actions
from heard.backlog.models import BacklogItem
from tests.conftest import axe_serious


@pytest.fixture
def item(product):
    return actions.create_item(actor=None, product=product, data={"title": "Offline signatures", "description": "Sign on the device."})


@pytest.mark.django_db
def test_inline_edit_saves_one_field_through_the_update_action(client_as, item):
    client = client_as("developer")
    url = f"/w/acme/p/app/backlog/{item.pk}/inline/"
    ok = client.post(url, {"field": "description", "value": "Sign on the device.\nSend when back online."}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and ok.content.decode().strip() == "Sign on the device.<br>Send when back online."
    assert BacklogItem.objects.get().description == "Sign on the device.\nSend when back online."
    empty = client.post(url, {"field": "title", "value": "  "}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 400 and empty.content.decode() == "Title is required."
    odd = client.post(url, {"field": "status", "value": "done"}, HTTP_HX_REQUEST="true")
    assert odd.status_code == 400 and "cannot be edited in place" in odd.content.decode()
    assert client_as("viewer").post(url, {"field": "title", "value": "Mine"}).status_code == 403
    assert BacklogItem.objects.get().title == "Offline signatures"


@pytest.mark.django_db
def test_page_has_two_columns_and_the_dialog_form_is_reachable_without_javascript(client_as, item):
    html = client_as("developer").get(f"/w/acme/p/app/backlog/{item.pk}/").content.decode()
    assert '<div class="detail">' in html and '<aside class="detail-side"' in html
    assert '<dialog id="criterion-dialog"' in html and "<dialog id=\"criterion-dialog\" aria-labelledby=\"criterion-dialog-h\">" in html
    opened = client_as("developer").get(f"/w/acme/p/app/backlog/{item.pk}/?add=criterion").content.decode()
    assert 'aria-labelledby="criterion-dialog-h" open>' in opened
    refused = client_as("developer").post(f"/w/acme/p/app/backlog/{item.pk}/criteria/", {"text": "", "status": "draft"})
    assert refused.status_code == 400 and "data-open-on-load open>" in refused.content.decode()
    viewer = client_as("viewer").get(f"/w/acme/p/app/backlog/{item.pk}/").content.decode()
    assert "criterion-dialog" not in viewer and "data-inline-form" not in viewer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_edit_the_title_in_place_and_add_a_criterion_in_a_dialog(page, login, item):
    page.set_viewport_size({"width": 1366, "height": 768})
    login("developer@acme.example")
    page.goto(f"/w/acme/p/app/backlog/{item.pk}/")
    # The essentials fit above the fold.
    for selector in ("h1", ".detail-side .chip", "#criteria-h"):
        assert page.locator(selector).first.bounding_box()["y"] < 768
    page.get_by_role("link", name="Edit title").click()
    field = page.get_by_label("Title", exact=True)
    expect(field).to_be_focused()
    field.fill("")
    page.get_by_role("button", name="Save title").click()
    expect(page.locator("#inline-title-error")).to_have_text("Title is required.")
    field.fill("Offline signatures with a stylus")
    field.press("Enter")
    expect(page.locator("h1")).to_have_text("Offline signatures with a stylus")
    expect(page.get_by_role("link", name="Edit title")).to_be_focused()
    item.refresh_from_db()
    assert item.title == "Offline signatures with a stylus"
    page.get_by_role("link", name="Add a criterion").click()
    dialog = page.get_by_role("dialog", name="Add an acceptance criterion")
    expect(dialog).to_be_visible()
    assert axe_serious(page) == []
    dialog.get_by_label("Acceptance criterion").fill("When the device is offline, then the signature is kept and sent later.")
    dialog.get_by_role("button", name="Add criterion").click()
    page.wait_for_load_state()
    expect(page.locator(".criteria")).to_contain_text("the signature is kept and sent later")
