"""Saving one field edited in place on a detail page (the `core/_inline_edit.html` component).

The page's script posts ``field`` and ``value``; the answer is the new value rendered by
`core/_inline_value.html`, or the message for that field as plain text with a 4xx status,
which the script shows next to the field. Without JavaScript the component's pencil is a link
to a normal edit form, so this endpoint only ever answers scripts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render

from .errors import HeardError


@dataclass(frozen=True)
class Field:
    """A field that may be edited in place: shown on several lines or one, and the words
    shown when it is empty."""

    multiline: bool = False
    empty: str = "—"


def save_field(request, fields: dict[str, Field], save: Callable[[str, str], object], reload: Callable[[], object]) -> HttpResponse:
    """Call ``save(field, value)`` (an action; it checks the role and the input) for the
    posted field, then answer the value read back from ``reload()``."""
    name = request.POST.get("field", "")
    try:
        if name not in fields:
            raise HeardError("invalid", f"“{name}” cannot be edited in place; use the edit page.", "field")
        save(name, request.POST.get("value", ""))
    except HeardError as exc:
        message = (getattr(exc, "errors", None) or {}).get(name) or exc.message
        return HttpResponse(message, status=exc.status, content_type="text/plain; charset=utf-8")
    field = fields[name]
    return render(request, "core/_inline_value.html", {"value": getattr(reload(), name), "multiline": field.multiline, "empty": field.empty})
