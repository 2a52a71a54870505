"""The same URL returns the whole page, or for an HTMX request one named partial."""

from __future__ import annotations

from django.shortcuts import render


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_page(request, template: str, context: dict, *, partial: str | None = None, status: int = 200):
    """Render ``template``; for an HTMX request that names no other target, only ``partial``.

    Partials are declared with ``{% partialdef NAME inline %}`` in the page template.
    """
    if partial and is_htmx(request) and not request.headers.get("HX-Boosted"):
        return render(request, f"{template}#{partial}", context, status=status)
    return render(request, template, context, status=status)
