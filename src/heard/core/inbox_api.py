"""API for the inbox: GET /api/v1/inbox?workspace=SLUG[&product=SLUG].

A product's inbox, or (without ``product``) the workspace's, summed over its products. The
same sources and counts as the home pages (heard.core.inbox)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from ninja import Field, Router, Schema

from . import inbox, queries
from .api import workspace_for
from .errors import HeardError

router = Router(tags=["inbox"])


class LineOut(Schema):
    text: str
    detail: str
    url: str = Field(..., description="Absolute URL of the page where a person acts on it.")
    at: datetime | None
    product: str | None = Field(None, description="The product's slug (none for workspace-wide lines).")


class ProductCount(Schema):
    product: str
    count: int


class SectionOut(Schema):
    key: str = Field(..., description="The source, e.g. decisions.overdue.")
    title: str
    good: str = Field(..., description="What good looks like (shown when the count is 0).")
    count: int
    scope: str = Field(..., description="product (summed on the workspace) or workspace.")
    more_url: str
    by_product: list[ProductCount]
    lines: list[LineOut] = Field(..., description="The newest lines, at most `limit`.")


class InboxOut(Schema):
    workspace: str
    product: str | None
    total: int
    sections: list[SectionOut]


def _absolute(data: dict) -> dict:
    base = settings.BASE_URL
    for section in data["sections"]:
        if section["more_url"]:
            section["more_url"] = base + section["more_url"]
        for line in section["lines"]:
            line["url"] = base + line["url"]
    return data


@router.get("/inbox", response=InboxOut, summary="What needs a person now, per product or summed over a workspace")
def get_inbox(request, workspace: str = "", product: str = "", limit: int = inbox.DEFAULT_LIMIT):
    """``limit`` (0–100) lines per section; counts always cover everything."""
    if not 0 <= limit <= 100:
        raise HeardError("invalid", "limit must be between 0 and 100.", "limit")
    ws = workspace_for(request, workspace)
    if product:
        found = inbox.product_inbox(request.auth, queries.get_product(request.auth, ws, product), limit=limit)
    else:
        found = inbox.workspace_inbox(request.auth, ws, limit=limit)
    return _absolute(inbox.as_dict(found))
