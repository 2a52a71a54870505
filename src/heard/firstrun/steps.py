"""The first-run steps, in order, shared by `heard setup` and the web wizard.

Each step is done with the action that does it elsewhere (core, sessions, stakeholders), so
setting up a workspace and working in it later follow the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from heard.core.models import Product, Workspace


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    lives_at: str  # where the thing lives once set up, in words


STEPS = [
    Step("workspace", "Name the workspace", "the workspace home"),
    Step("product", "Add the first product", "the products page"),
    Step("engagement", "Set the engagement model", "the product's engagement model page"),
    Step("stakeholders", "Import stakeholders", "the stakeholders page"),
    Step("members", "Invite the team", "the members page"),
]
STEP_SLUGS = [s.slug for s in STEPS]


def home_of(step: str, workspace: Workspace, product: Product | None = None) -> str | None:
    """The path of the page where what ``step`` set up lives (None when it has no place yet)."""
    ws = workspace.slug
    if step == "workspace":
        return reverse("workspace", kwargs={"ws": ws})
    if step == "product":
        return reverse("core:products", kwargs={"ws": ws})
    if step == "engagement":
        return reverse("sessions:engagement", kwargs={"ws": ws, "product": product.slug}) if product else None
    if step == "stakeholders":
        return reverse("stakeholders:list", kwargs={"ws": ws})
    if step == "members":
        return reverse("core:members", kwargs={"ws": ws})
    raise KeyError(step)


def next_step(step: str) -> str | None:
    index = STEP_SLUGS.index(step)
    return STEP_SLUGS[index + 1] if index + 1 < len(STEP_SLUGS) else None
