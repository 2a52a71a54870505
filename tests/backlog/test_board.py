"""The backlog as a board by status: moves through the existing update action, by form,
by script, by drag and drop and by arrow keys (announced), with a plain-list fallback."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from heard.backlog import actions
from heard.backlog.models import BacklogItem
from heard.core.models import AuditEvent
from tests.conftest import axe_serious


def _item(product, title="Offline signatures", status="idea"):
    return actions.create_item(actor=None, product=product, data={"title": title, "status": status})


@pytest.mark.django_db
def test_board_shows_one_column_per_status_with_counts(client_as, product):
    _item(product, "Offline signatures", "idea")
    _item(product, "DATEV export", "ready")
    _item(product, "Dark mode", "ready")
    html = client_as("viewer").get("/w/acme/p/app/backlog/").content.decode()
    for label in ("Idea", "Refined", "Ready", "In progress", "Done", "Released"):
        assert f"<span>{label}</span>" in html
    ready = html[html.index('data-column="ready"'):html.index('data-column="in_progress"')]
    assert "DATEV export" in ready and "Dark mode" in ready and '<span class="board-count" data-count>2</span>' in ready
    # A viewer sees the board but no way to move anything.
    assert "data-move-url" not in html and "Move “" not in html
    listing = client_as("viewer").get("/w/acme/p/app/backlog/?view=list").content.decode()
    assert "<table>" in listing and "Dark mode" in listing


@pytest.mark.django_db
def test_move_without_javascript_uses_the_update_action_and_returns_to_the_board(client_as, product):
    item = _item(product)
    response = client_as("developer").post(f"/w/acme/p/app/backlog/{item.pk}/status/", {"status": "in_progress"})
    assert response.status_code == 302 and response["Location"].endswith(f"/backlog/#item-{item.pk}")
    item.refresh_from_db()
    assert item.status == "in_progress"
    event = AuditEvent.objects.filter(verb="backlog_item.updated").latest("id")
    assert (event.before["status"], event.after["status"]) == ("idea", "in_progress")


@pytest.mark.django_db
def test_a_refused_move_names_the_field_and_changes_nothing(client_as, product):
    item = _item(product)
    client = client_as("developer")
    bad = client.post(f"/w/acme/p/app/backlog/{item.pk}/status/", {"status": "shipped-to-mars"})
    assert bad.status_code == 400 and "Unknown status" in bad.content.decode()
    empty = client.post(f"/w/acme/p/app/backlog/{item.pk}/status/", {"status": ""}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 400 and empty.content.decode() == "Choose the status to move the item to."
    assert client_as("viewer").post(f"/w/acme/p/app/backlog/{item.pk}/status/", {"status": "done"}).status_code == 403
    assert BacklogItem.objects.get().status == "idea"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_keyboard_moves_a_card_across_the_board_and_announces_it(page, login, product):
    item = _item(product, "Offline signatures", "idea")
    _item(product, "Dark mode", "done")
    login("developer@acme.example")
    page.goto("/w/acme/p/app/backlog/")
    card = page.locator(f"#item-{item.pk}")
    card.focus()
    page.keyboard.press("ArrowRight")
    page.locator(f'[data-column="refined"] #item-{item.pk}').wait_for()
    page.keyboard.press("ArrowRight")
    page.locator(f'[data-column="ready"] #item-{item.pk}').wait_for()
    status = page.locator("[data-board-status]")
    expect(status).to_have_text("Moved “Offline signatures” to Ready, column 3 of 6.")
    # Focus stays on the moved card so the next arrow key moves it again.
    assert page.evaluate("document.activeElement.id") == f"item-{item.pk}"
    page.keyboard.press("ArrowLeft")
    page.locator(f'[data-column="refined"] #item-{item.pk}').wait_for()
    item.refresh_from_db()
    assert item.status == "refined"
    assert page.locator('[data-column="refined"] [data-count]').text_content() == "1"
    assert page.locator('[data-column="idea"] [data-count]').text_content() == "0"
    # The "Move to" list does the same for those who prefer it.
    page.get_by_label("Move “Offline signatures” to").select_option("done")
    page.locator(f'[data-column="done"] #item-{item.pk}').wait_for()
    assert page.locator('[data-column="done"] [data-count]').text_content() == "2"
    item.refresh_from_db()
    assert item.status == "done"
    assert axe_serious(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_drag_and_drop_moves_a_card(page, login, product):
    item = _item(product, "Offline signatures", "idea")
    login("developer@acme.example")
    page.goto("/w/acme/p/app/backlog/")
    page.locator(f"#item-{item.pk}").drag_to(page.locator('[data-column="in_progress"]'))
    page.locator(f'[data-column="in_progress"] #item-{item.pk}').wait_for()
    item.refresh_from_db()
    assert item.status == "in_progress"
