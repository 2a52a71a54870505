"""Themes as choices in the search-as-you-type picker (heard.core.picker)."""

from heard.core import picker

from . import queries


@picker.register("theme", "Support theme")
def search_themes(actor, product, q, *, limit):
    return [picker.Choice(str(t.pk), t.name, f"{t.size} tickets") for t in queries.themes(actor, product, q=q)[:limit]]
