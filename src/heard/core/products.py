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


def open_for_new(view):
    """For a page whose only purpose is recording something new in a product (its "new"
    form, an import): opened on an archived product it answers 409 with the reason and a
    way back instead of a form whose every submission would be refused. A submission still
    reaches the view, whose action refuses it next to the form's field."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, ws, product, *args, **kwargs):
        from django.shortcuts import render

        if request.method not in ("GET", "HEAD"):
            return view(request, ws, product, *args, **kwargs)

        from . import queries

        workspace = queries.get_workspace(request.user, ws)  # 404 for who may not see it
        found = queries.get_product(request.user, workspace, product)
        try:
            require_active(found)
        except HeardError as exc:
            return render(request, "core/archived_product.html",
                          {"workspace": workspace, "product": found, "reason": exc.message}, status=409)
        return view(request, ws, product, *args, **kwargs)

    return wrapper
