"""The product's refresh request: one queued recount per burst of writes.

Its own module so that flag detection can ask for a recount without importing the rollups
(which run detection during a refresh).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from heard.core import tasks

from .models import RefreshRequest


def _ask_refresh(product_id: int) -> bool:
    """Set the product's refresh request unless one is waiting; True when this call set it
    (so this transaction enqueues the refresh)."""
    connection = transaction.get_connection()
    table = connection.ops.quote_name(RefreshRequest._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (product_id, requested_at) VALUES (%s, %s) ON CONFLICT (product_id) "
            f"DO UPDATE SET requested_at = excluded.requested_at WHERE {table}.requested_at IS NULL",
            [product_id, now],
        )
        return cursor.rowcount == 1


def request_refresh(product_id: int) -> None:
    """Enqueue one refresh task per burst of writes: only the write that finds no request
    waiting enqueues, after its commit (flags recorded outside a refresh use it to have
    the snapshot's flag counts redone)."""
    if _ask_refresh(product_id):
        _enqueue(product_id)


def waiting(product_id: int) -> bool:
    """Whether writes of the product wait to be counted."""
    return RefreshRequest.objects.filter(product_id=product_id, requested_at__isnull=False).exists()


def _enqueue(product_id: int) -> None:
    tasks.enqueue("health.refresh_health", product_id)
