"""API for products: /api/v1/products.

Same rules as the pages (the actions hold them): every member lists and reads; owners and
product owners add, change and archive. DELETE archives (nothing is deleted; the product's
history stays); ``POST /products/{slug}/unarchive`` brings it back.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from . import actions, queries
from .api import PageMeta, given, page_response, workspace_for

router = Router(tags=["products"])


class ProductOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    created_at: datetime
    archived: bool
    archived_at: datetime | None

    @staticmethod
    def resolve_archived(obj):
        return obj.is_archived


class ProductIn(Schema):
    slug: str = Field(..., description="Lowercase letters, digits and hyphens; unique in the workspace; used in addresses.")
    name: str = Field(..., description="Up to 200 characters.")
    description: str = Field("", description="Up to 2000 characters.")


class ProductPatch(Schema):
    slug: str | None = None
    name: str | None = None
    description: str | None = None


class ProductPage(PageMeta):
    items: list[ProductOut]


@router.get("/products", response=ProductPage)
def list_products(request, workspace: str | None = None, archived: bool = False, page: int = 1, per_page: int = 50):
    """The workspace's products by name; ``archived=true`` lists the archived ones instead."""
    ws = workspace_for(request, workspace)
    return page_response(queries.products(request.auth, ws, archived=archived), page, per_page)


@router.post("/products", response={201: ProductOut})
def create_product(request, payload: ProductIn, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    return Status(201, actions.create_product(actor=request.auth, workspace=ws, slug=payload.slug, name=payload.name, description=payload.description))


@router.get("/products/{slug}", response=ProductOut)
def get_product(request, slug: str, workspace: str | None = None):
    """One product, archived or not."""
    return queries.get_product(request.auth, workspace_for(request, workspace), slug)


@router.patch("/products/{slug}", response=ProductOut)
def update_product(request, slug: str, payload: ProductPatch, workspace: str | None = None):
    product = queries.get_product(request.auth, workspace_for(request, workspace), slug)
    return actions.update_product(actor=request.auth, product=product, data=given(payload))


@router.delete("/products/{slug}", response={204: None})
def archive_product(request, slug: str, workspace: str | None = None):
    """Archive the product: it leaves navigation and lists; its history is kept."""
    product = queries.get_product(request.auth, workspace_for(request, workspace), slug)
    actions.archive_product(actor=request.auth, product=product)
    return Status(204, None)


@router.post("/products/{slug}/unarchive", response=ProductOut)
def unarchive_product(request, slug: str, workspace: str | None = None):
    product = queries.get_product(request.auth, workspace_for(request, workspace), slug)
    return actions.unarchive_product(actor=request.auth, product=product)
