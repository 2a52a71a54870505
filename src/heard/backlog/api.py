"""API for backlog items and acceptance criteria, with the conversations behind each item
and a CSV export (heard's, Jira's or GitHub's columns)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from heard.core import part_api
from heard.core.api import PageMeta, workspace_for
from heard.core.api import page_response as _page
from heard.core.errors import HeardError
from heard.core.queries import get_product

from . import actions, queries
from .importers import EXPORT_COLUMNS, export_csv, items_for_export

router = Router(tags=["backlog"])


class PersonRef(Schema):
    id: int
    name: str


class CriterionOut(Schema):
    id: int
    item_id: int
    text: str
    status: str
    position: int
    co_writers: list[PersonRef]

    @staticmethod
    def resolve_co_writers(obj):
        return list(obj.co_writers.all())


class ItemOut(Schema):
    id: int
    product: str
    title: str
    description: str
    status: str
    increment: str
    external_key: str
    criteria: list[CriterionOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_product(obj):
        return obj.product.slug

    @staticmethod
    def resolve_criteria(obj):
        return list(obj.criteria.all())


class ItemIn(Schema):
    product: str = Field(..., description="Product slug.")
    title: str
    description: str = ""
    status: str = Field("idea", description="idea, refined, ready, in_progress, done or released.")
    increment: str = ""
    external_key: str = Field("", description="Jira or GitHub key, e.g. INV-142 or #381.")


class ItemPatch(Schema):
    title: str | None = None
    description: str | None = None
    status: str | None = None
    increment: str | None = None
    external_key: str | None = None


class CriterionIn(Schema):
    item: int
    text: str
    status: str = Field("draft", description="draft, agreed or verified.")
    co_writers: list[int | str] = Field(default_factory=list, description="Stakeholder ids, e-mails or names.")


class CriterionPatch(Schema):
    text: str | None = None
    status: str | None = None
    co_writers: list[int | str] | None = None
    position: int | None = None


class Speaker(Schema):
    feedback_id: int
    stakeholder: PersonRef | None
    channel: str
    said_at: datetime
    is_proxy: bool


class ConversationOut(Schema):
    feedback_id: int
    text: str
    criterion_id: int | None
    weight: int
    disposition: str
    speakers: list[Speaker]


class ItemPage(PageMeta):
    items: list[ItemOut]


class CriterionPage(PageMeta):
    items: list[CriterionOut]


def _product(request, workspace, slug):
    return get_product(request.auth, workspace_for(request, workspace), slug)


def _item(request, workspace, item_id):
    ws = workspace_for(request, workspace)
    from .models import BacklogItem

    item = BacklogItem.objects.select_related("product").filter(pk=item_id, product__workspace=ws).first()
    if item is None:
        raise HeardError("not_found", "Backlog item was not found.")
    return item


@router.get("/backlog-items", response=ItemPage)
def list_items(request, product: str, workspace: str | None = None, status: str = "", increment: str = "", q: str = "", page: int = 1, per_page: int = 50):
    prod = _product(request, workspace, product)
    qs = queries.items(request.auth, prod, status=status, increment=increment, q=q).select_related("product").prefetch_related("criteria__co_writers")
    return _page(qs, page, per_page)


@router.get("/backlog-items/export")
def export_items(request, product: str, workspace: str | None = None, columns: str = "heard"):
    """The product's backlog as CSV; ``columns`` is heard, jira or github."""
    prod = _product(request, workspace, product)
    if columns not in EXPORT_COLUMNS:
        raise HeardError("invalid", "columns must be heard, jira or github.", "columns")
    response = HttpResponse(export_csv(items_for_export(prod), columns), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{prod.slug}-backlog-{columns}.csv"'
    return response


@router.post("/backlog-items", response={201: ItemOut})
def create_item(request, payload: ItemIn, workspace: str | None = None):
    prod = _product(request, workspace, payload.product)
    data = payload.model_dump()
    data.pop("product")
    return Status(201, actions.create_item(actor=request.auth, product=prod, data=data))


@router.get("/backlog-items/{item_id}", response=ItemOut)
def get_item(request, item_id: int, workspace: str | None = None):
    return _item(request, workspace, item_id)


@router.patch("/backlog-items/{item_id}", response=ItemOut)
def update_item(request, item_id: int, payload: ItemPatch, workspace: str | None = None):
    return actions.update_item(actor=request.auth, item=_item(request, workspace, item_id), data=payload.model_dump(exclude_unset=True))


@router.delete("/backlog-items/{item_id}", response={204: None})
def delete_item(request, item_id: int, workspace: str | None = None):
    actions.delete_item(actor=request.auth, item=_item(request, workspace, item_id))
    return Status(204, None)


@router.get("/backlog-items/{item_id}/conversations", response=list[ConversationOut])
def item_conversations(request, item_id: int, workspace: str | None = None):
    """Every conversation that shaped the item: who, when, which channel, and what it bore on."""
    rows = queries.conversations(request.auth, _item(request, workspace, item_id))
    return [{
        "feedback_id": r["feedback"].pk, "text": r["feedback"].text, "criterion_id": r["link"].criterion_id, "weight": r["link"].weight,
        "disposition": r["feedback"].disposition,
        "speakers": [{"feedback_id": s["feedback"].pk, "stakeholder": s["stakeholder"], "channel": s["feedback"].channel, "said_at": s["said_at"], "is_proxy": s["is_proxy"]} for s in r["speakers"]],
    } for r in rows]


@router.get("/acceptance-criteria", response=CriterionPage)
def list_criteria(request, product: str, workspace: str | None = None, item: str = "", status: str = "", page: int = 1, per_page: int = 50):
    prod = _product(request, workspace, product)
    return _page(queries.criteria(request.auth, prod, item=item, status=status), page, per_page)


@router.post("/acceptance-criteria", response={201: CriterionOut})
def create_criterion(request, payload: CriterionIn, workspace: str | None = None):
    data = payload.model_dump()
    item = _item(request, workspace, data.pop("item"))
    return Status(201, actions.add_criterion(actor=request.auth, item=item, data=data))


part_api.add_thing_routes(router, "/acceptance-criteria/{criterion_id}", queries.get_criterion, (CriterionOut, CriterionPatch))
