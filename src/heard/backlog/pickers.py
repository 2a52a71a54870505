"""Backlog items as choices in the search-as-you-type picker (heard.core.picker)."""

from heard.core import picker

from . import queries


@picker.register("backlog_item", "Backlog item")
def search_items(actor, product, q, *, limit):
    number = q.lstrip("#")
    qs = queries.items(actor, product).filter(pk=int(number)) if number.isdigit() else queries.items(actor, product, q=q)
    # The value is the item's key when it has one (INV-142), else its number.
    return [
        picker.Choice(item.external_key or str(item.pk), str(item)[:120], f"{item.get_status_display()}{' · ' + item.increment if item.increment else ''}")
        for item in qs[:limit]
    ]
