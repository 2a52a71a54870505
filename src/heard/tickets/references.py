"""Tickets' product and requester references, kept whole without per-row foreign keys.

``Ticket.product`` and ``Ticket.requester`` have no database constraint (see models.Ticket):
PostgreSQL checks a foreign key row by row, which at a million imported tickets costs as
much as storing them. The importer checks them a batch at a time instead, and an import
and a deletion are kept from crossing:

- Every import transaction holds its workspace's ticket-reference lock in shared mode
  (``hold_for_import``) and confirms, a batch at a time, that the requesters it is about to
  reference still exist (``RequesterIndex.confirm`` in actions.py); a requester deleted
  between two of its transactions is looked up or created again.
- Deleting a stakeholder or a product takes the same lock exclusively before Django applies
  ``on_delete`` (the ``pre_delete`` signal below). The deletion therefore waits until the
  import's open transaction has committed, and then sets those tickets' requester to null,
  or deletes the product's tickets, including the ones that import just wrote.

On PostgreSQL the lock is a transaction-level advisory lock; SQLite lets one writer at a
time, so there the lock is the database's own and these functions do nothing.
"""

from __future__ import annotations

from django.db import connection
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from heard.core.errors import HeardError
from heard.core.models import Product
from heard.stakeholders.models import Stakeholder

# The first key of heard's advisory locks on ticket references ("HT"); the second is the
# workspace's id.
LOCK_CLASS = 0x4854


def _key(workspace_id: int) -> list[int]:
    return [LOCK_CLASS, workspace_id % 2_147_483_647]


def hold_for_import(workspace_id: int) -> None:
    """Within the current transaction: no stakeholder or product of the workspace is deleted
    until it ends (others importing at the same time are not held up). Take it before
    checking that the references exist: a statement sees what was committed when it began."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", _key(workspace_id))


def product_gone() -> HeardError:
    return HeardError("gone", "The product was deleted while its tickets were being imported.", "product")


def hold_for_deletion(workspace_id: int) -> None:
    """Within the current transaction: wait for the workspace's imports' open transactions
    to commit, and keep new ones from starting until it ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", _key(workspace_id))


@receiver(pre_delete, sender=Stakeholder, dispatch_uid="support.references.stakeholder")
def _stakeholder_deleting(sender, instance, **kwargs) -> None:
    hold_for_deletion(instance.workspace_id)


@receiver(pre_delete, sender=Product, dispatch_uid="support.references.product")
def _product_deleting(sender, instance, **kwargs) -> None:
    hold_for_deletion(instance.workspace_id)


@receiver(post_delete, sender=Product, dispatch_uid="support.references.product_tickets")
def _product_deleted(sender, instance, **kwargs) -> None:
    # Django gathered the product's tickets before the lock was taken; tickets an import
    # committed in between go now.
    from .models import Ticket

    Ticket.objects.filter(product_id=instance.pk).delete()
