"""API for products: /api/v1/products.

Same rules as the pages (the actions hold them): every member lists and reads; owners and
product owners add, change and archive. DELETE archives (nothing is deleted; the product's
history stays); ``POST /products/{slug}/unarchive`` brings it back. The portal branding (issue
12): ``accent`` in PATCH, the logo with ``PUT``/``DELETE /products/{slug}/logo``.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from . import actions, part_api, queries
from .api import PageMeta, page_response, workspace_for
from .errors import HeardError

router = Router(tags=["products"])


class ProductOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    created_at: datetime
    archived: bool
    archived_at: datetime | None
    accent: str = Field(..., description="The product's colour in the stakeholder portal: blue, teal, green, purple, magenta, orange, red or slate.")
    has_logo: bool = Field(..., description="Whether the portal shows a logo for the product (set it with PUT /products/{slug}/logo).")

    @staticmethod
    def resolve_archived(obj):
        return obj.is_archived

    @staticmethod
    def resolve_has_logo(obj):
        return bool(obj.logo_type)


class ProductIn(Schema):
    slug: str = Field(..., description="Lowercase letters, digits and hyphens; unique in the workspace; used in addresses.")
    name: str = Field(..., description="Up to 200 characters.")
    description: str = Field("", description="Up to 2000 characters.")


class ProductPatch(Schema):
    slug: str | None = None
    name: str | None = None
    description: str | None = None
    accent: str | None = Field(None, description="The portal colour: blue, teal, green, purple, magenta, orange, red or slate.")


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


part_api.add_thing_routes(router, "/products/{slug}", queries.get_product, (ProductOut, ProductPatch), thing="product", id_type=str,
                          module=__name__, delete="archive", docs={"get": "One product, archived or not.",
                                                  "delete": "Archive the product: it leaves navigation and lists; its history is kept."})


@router.post("/products/{slug}/unarchive", response=ProductOut)
def unarchive_product(request, slug: str, workspace: str | None = None):
    product = queries.get_product(request.auth, workspace_for(request, workspace), slug)
    return actions.unarchive_product(actor=request.auth, product=product)


LOGO_BODY = {"requestBody": {"required": True, "description": "The image itself (PNG, JPEG, GIF or WebP, under 200 kB; SVG is refused).",
                             "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ("image/png", "image/jpeg", "image/gif", "image/webp")}}}


@router.put("/products/{slug}/logo", response=ProductOut, openapi_extra=LOGO_BODY)
def set_logo(request, slug: str, workspace: str | None = None):
    """Give the product its logo for the portal: send the image as the request body."""
    product = queries.get_product(request.auth, workspace_for(request, workspace), slug)
    if not request.body:
        raise HeardError("invalid", "Send the image as the request body; DELETE /products/{slug}/logo takes a logo away.", "logo")
    return actions.set_product_logo(actor=request.auth, product=product, raw=request.body)


@router.delete("/products/{slug}/logo", response=ProductOut)
def remove_logo(request, slug: str, workspace: str | None = None):
    """Take the logo away; the portal then shows the product's name alone."""
    product = queries.get_product(request.auth, workspace_for(request, workspace), slug)
    return actions.set_product_logo(actor=request.auth, product=product, raw=None)
