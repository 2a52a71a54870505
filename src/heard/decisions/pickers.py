"""Decisions as choices in the search-as-you-type picker (heard.core.picker)."""

from heard.core import picker

from . import queries


@picker.register("decision", "Decision")
def search_decisions(actor, product, q, *, limit):
    qs = queries.decisions(actor, product)
    number = q.lstrip("#")
    qs = qs.filter(pk=int(number)) if number.isdigit() else queries.decisions(actor, product, q=q)
    return [picker.Choice(str(d.pk), d.question[:120], d.get_status_display()) for d in qs[:limit]]
