"""Reads for the first-run steps."""

from __future__ import annotations

from heard.core import permissions
from heard.core.models import Product, Workspace

from .steps import home_of


def first_product(workspace: Workspace) -> Product | None:
    """The product the setup steps work on: the newest active one."""
    return workspace.products.active().order_by("-created_at", "-pk").first()


def done_so_far(actor, workspace: Workspace) -> list[dict]:
    """What the workspace has now, step by step, each with the page where it lives."""
    permissions.require(actor, workspace, "workspace.view")
    product = first_product(workspace)
    engagement = getattr(product, "engagement_model", None) if product else None
    stakeholders = workspace.stakeholders.filter(erased_at__isnull=True).count()
    members = workspace.memberships.count()
    return [
        {"step": "workspace", "text": workspace.name, "url": home_of("workspace", workspace), "done": True},
        {"step": "product", "text": product.name if product else "no product yet", "url": home_of("product", workspace), "done": product is not None},
        {"step": "engagement",
         "text": f"input considered within {engagement.input_consideration_days} days" if engagement else "not set yet (defaults apply)",
         "url": home_of("engagement", workspace, product), "done": engagement is not None},
        {"step": "stakeholders", "text": f"{stakeholders} stakeholder{'s' if stakeholders != 1 else ''}", "url": home_of("stakeholders", workspace), "done": stakeholders > 0},
        {"step": "members", "text": f"{members} member{'s' if members != 1 else ''}", "url": home_of("members", workspace), "done": members > 1},
    ]
