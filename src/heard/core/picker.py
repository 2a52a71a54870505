"""Search-as-you-type choosing of evidence and links (feedback, tickets, themes, backlog
items, decisions): one registry of searchable kinds, one query endpoint
(``/w/WS/p/PRODUCT/pick/?kind=KIND&q=TEXT``) and one template partial
(``{% include "core/_picker.html" %}``).

Each app registers the kinds it owns in its ``pickers.py`` (imported automatically)::

    from heard.core import picker

    @picker.register("feedback", "Feedback")
    def search_feedback(actor, product, q, *, limit):
        return [picker.Choice(str(f.pk), f"#{f.pk} {f.text[:80]}", f.get_disposition_display()) for f in ...]

A choice's ``value`` is what the form field receives: the same id (or key) a person could
type in by hand, so a form with the picker works unchanged without JavaScript.
docs/picker.md describes the partial.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from . import permissions
from .errors import HeardError
from .models import Product

LIMIT = 10


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    search: Callable[..., list[Choice]]


_kinds: dict[str, Kind] = {}
_discovered = False


def register(key: str, label: str):
    """Decorator: ``search(actor, product, q, *, limit) -> list[Choice]`` answers for ``key``."""

    def wrap(fn):
        _kinds[key] = Kind(key, label, fn)
        return fn

    return wrap


def kinds() -> dict[str, Kind]:
    global _discovered
    if not _discovered:
        autodiscover_modules("pickers")
        _discovered = True
    return _kinds


def search(actor, product: Product, kind: str, q: str, *, limit: int = LIMIT) -> list[Choice]:
    """Up to ``limit`` choices of ``kind`` in ``product`` matching ``q`` (an id, a key or
    words; empty: the newest)."""
    permissions.require(actor, product.workspace, "workspace.view")
    found = kinds().get(kind)
    if found is None:
        raise HeardError("invalid", f"Unknown kind “{kind}”; choose one of: {', '.join(sorted(kinds()))}.", "kind")
    return found.search(actor, product, (q or "").strip()[:200], limit=limit)
