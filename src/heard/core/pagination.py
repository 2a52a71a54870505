"""One way to paginate, for pages and the API alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

# Far beyond any real list, and small enough that (page - 1) * per_page fits every database.
MAX_PAGE = 10**9


@dataclass
class PageOf:
    items: list[Any]
    total: int
    page: int
    per_page: int
    total_is_capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def paginate(queryset, page: int | str | None = 1, per_page: int | str | None = None, max_per_page: int = 200, count_limit: int | None = None) -> PageOf:
    """One page of ``queryset``. A page number that is not one, or is past the end, shows the
    first or the last page. With ``count_limit`` the count stops there (counting every match of
    a filter over a large table costs more than the page) and ``total_is_capped`` says so."""
    try:
        page = max(1, int(page or 1))
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = min(max_per_page, max(1, int(per_page or settings.PAGE_SIZE)))
    except (TypeError, ValueError):
        per_page = settings.PAGE_SIZE
    if count_limit is None:
        total = queryset.count()
    else:
        total = queryset.order_by()[: count_limit + 1].count()
    capped = count_limit is not None and total > count_limit
    total = min(total, count_limit) if capped else total
    # A page past the end (however large the number) shows the last one: slicing at a
    # 30-digit offset would overflow the database. Past a capped count, paging goes on.
    if not capped:
        page = min(page, max(1, -(-total // per_page)))
    page = min(page, MAX_PAGE)
    start = (page - 1) * per_page
    return PageOf(items=list(queryset[start : start + per_page]), total=total, page=page, per_page=per_page, total_is_capped=capped)
