"""Rules about a product that every app's actions share.

An archived product keeps its history to read, but takes nothing new: every action that
records or creates something *in* a product (feedback, backlog items, sessions, decisions,
closure cycles, ticket imports, theme runs) calls :func:`require_active` first, so the
refusal is the same, with the same words, from a page, the API, the command line or an
import. Changes to what is already there (a disposition, a correction, an erasure) stay
possible: closing the loop on old input is still worth doing.
"""

from __future__ import annotations

from .errors import HeardError
from .models import Product


def require_active(product: Product) -> None:
    """Raise HeardError("conflict", …, field "product") when ``product`` is archived."""
    if product.archived_at is not None:
        raise HeardError(
            "conflict",
            f"“{product.name}” is archived: its history stays readable, but nothing new can be recorded in it. "
            "An owner or product owner can unarchive it on the products page.",
            "product",
        )
