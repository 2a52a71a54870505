"""Tickets' product and requester are checked by the importer, not by database foreign keys
(see heard.tickets.references): deleting either still applies on_delete, a requester
deleted during an import is looked up or created again, and a deletion that crosses an
open import transaction never leaves a ticket pointing at nobody."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from heard.core.errors import HeardError
from heard.stakeholders import actions as stakeholder_actions
from heard.stakeholders.models import Stakeholder
from heard.tickets.actions import TicketImportReport, TicketWriter
from heard.tickets.models import Ticket
from heard.tickets.parsing import RowPreparer

CREATED = "2025-03-01T10:00:00Z"


def rows(product, *pairs):
    """PREPARED tuples for (external_id, requester e-mail) pairs."""
    preparer = RowPreparer("csv", connection.vendor == "postgresql")
    time_text = preparer.time(CREATED, "created_at")
    out = []
    for external_id, email in pairs:
        values = (
            email,
            "",
            f"Subject {external_id}",
            "Body",
            "open",
            "normal",
            "[]",
            time_text,
            None,
            None,
            None,
        )
        out.append((external_id, *values, f"hash-{external_id}"))
    return out


def dangling_tickets() -> int:
    return (
        Ticket.objects.exclude(requester=None)
        .exclude(requester_id__in=Stakeholder.objects.values("id"))
        .count()
    )


@pytest.mark.django_db
def test_deleting_a_stakeholder_keeps_their_tickets_without_a_requester(workspace, product, owner):
    writer = TicketWriter(product, "csv", None)
    writer.write_rows(
        rows(product, ("1", "amara@kestrel.example"), ("2", "ben@pinecrest.example")),
        TicketImportReport(kind="tickets"),
    )
    amara = Stakeholder.objects.get(email="amara@kestrel.example")
    stakeholder_actions.delete_stakeholder(actor=owner, stakeholder=amara)
    assert Ticket.objects.get(external_id="1").requester is None
    assert Ticket.objects.get(external_id="2").requester.email == "ben@pinecrest.example"
    assert dangling_tickets() == 0


@pytest.mark.django_db
def test_deleting_a_product_deletes_its_tickets(workspace, product):
    TicketWriter(product, "csv", None).write_rows(
        rows(product, ("1", "amara@kestrel.example")), TicketImportReport(kind="tickets")
    )
    product.delete()
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_a_requester_deleted_between_batches_is_created_again(workspace, product, owner):
    writer = TicketWriter(product, "csv", None)
    report = TicketImportReport(kind="tickets")
    writer.write_rows(rows(product, ("1", "amara@kestrel.example")), report)
    first = Stakeholder.objects.get(email="amara@kestrel.example")
    stakeholder_actions.delete_stakeholder(actor=owner, stakeholder=first)

    writer.write_rows(rows(product, ("2", "amara@kestrel.example")), report)

    again = Ticket.objects.get(external_id="2").requester
    assert again is not None and again.pk != first.pk and again.email == "amara@kestrel.example"
    assert again.created_by_import
    assert report.requesters_created == 2
    assert dangling_tickets() == 0


@pytest.mark.django_db
def test_an_import_into_a_deleted_product_stops_with_a_clear_error(workspace, product):
    writer = TicketWriter(product, "csv", None)
    product.delete()
    with pytest.raises(HeardError) as caught:
        writer.write_rows(
            rows(product, ("1", "amara@kestrel.example")), TicketImportReport(kind="tickets")
        )
    assert caught.value.field == "product"
    assert "deleted" in caught.value.message


@pytest.mark.django_db(transaction=True)
def test_a_deletion_that_crosses_an_open_import_transaction_leaves_no_dangling_ticket(
    workspace, product, owner
):
    """The import writes tickets for a requester and keeps its transaction open; meanwhile
    the requester is deleted. The deletion waits for the import to commit and then clears
    the requester of every ticket, the new ones included."""
    writer = TicketWriter(product, "csv", None)
    writer.write_rows(
        rows(product, ("1", "amara@kestrel.example")), TicketImportReport(kind="tickets")
    )
    amara = Stakeholder.objects.get(email="amara@kestrel.example")
    written = threading.Event()
    finished: dict[str, float] = {}
    errors: list[BaseException] = []

    def import_more():
        try:
            with transaction.atomic():
                writer.write_rows(
                    rows(product, ("2", "amara@kestrel.example"), ("3", "amara@kestrel.example")),
                    TicketImportReport(kind="tickets"),
                )
                written.set()
                time.sleep(0.6)  # the deletion starts while this transaction is open
                finished["import"] = time.monotonic()
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
            written.set()
        finally:
            connection.close()

    def delete_requester():
        try:
            written.wait(10)
            for _attempt in range(100):
                try:
                    stakeholder_actions.delete_stakeholder(
                        actor=owner, stakeholder=Stakeholder.objects.get(pk=amara.pk)
                    )
                    break
                except OperationalError as exc:
                    # SQLite's in-memory test database answers "locked" at once where a
                    # database file waits for the writer (its busy timeout): wait here.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.05)
            finished["delete"] = time.monotonic()
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=import_more), threading.Thread(target=delete_requester)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert finished["delete"] >= finished["import"]
    assert set(Ticket.objects.values_list("external_id", "requester")) == {
        ("1", None),
        ("2", None),
        ("3", None),
    }
    assert dangling_tickets() == 0
