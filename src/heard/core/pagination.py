"""One way to paginate, for pages and the API alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass
class PageOf:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def paginate(queryset, page: int | str | None = 1, per_page: int | str | None = None, max_per_page: int = 200) -> PageOf:
    try:
        page = max(1, int(page or 1))
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = min(max_per_page, max(1, int(per_page or settings.PAGE_SIZE)))
    except (TypeError, ValueError):
        per_page = settings.PAGE_SIZE
    total = queryset.count()
    start = (page - 1) * per_page
    return PageOf(items=list(queryset[start : start + per_page]), total=total, page=page, per_page=per_page)
