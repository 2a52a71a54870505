from pathlib import Path

import pytest

from heard.tickets.actions import import_tickets
from tests.conftest import axe_serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).parent / "fixtures"


def test_upload_watch_progress_and_browse_tickets(page, login, product):
    from django.core.management import call_command

    login("developer@acme.example")
    page.goto("/w/acme/p/app/support/import/")
    assert axe_serious(page) == []
    page.get_by_label("Export file").set_input_files(str(FIXTURES / "zendesk.json"))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/support/import/*/")
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    page.get_by_text("2 created").wait_for()  # the page polls the job without a reload
    assert page.get_by_role("table", name="Rejected rows").is_visible()
    assert axe_serious(page) == []
    page.get_by_role("link", name="See the tickets").click()
    page.get_by_label("Status").select_option("closed")
    page.get_by_text("1 ticket.").wait_for()
    page.get_by_role("link", name="Payment reminder sent twice").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Payment reminder sent twice"
    assert axe_serious(page) == []


def test_ticket_list_is_accessible(page, login, product):
    import_tickets(actor=None, product=product, path=str(FIXTURES / "freshdesk.csv"))
    login("viewer@acme.example")
    page.goto("/w/acme/p/app/support/")
    assert page.get_by_role("link", name="Bank feed stopped syncing").is_visible()
    assert axe_serious(page) == []
