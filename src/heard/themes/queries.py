"""Reads for support themes, scoped to the actor's workspace. Figures come from the rollups
on Theme (kept by ``actions.refresh_rollups``), never from a scan of the tickets per view."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet

from heard.core import permissions
from heard.core.errors import HeardError, not_found
from heard.core.models import Product
from heard.tickets.models import Ticket

from .models import Theme, ThemeLink, ThemeRun, ThemeStatus

SPARK_WEEKS = 12


def themes(actor, product: Product, *, status: str = "active", q: str = "", spiking: bool = False) -> QuerySet[Theme]:
    """A product's themes, largest first; ``status`` active (default), retired, merged or all."""
    permissions.require(actor, product.workspace, "workspace.view")
    qs = Theme.objects.filter(product=product)
    if status and status != "all":
        if status not in ThemeStatus.values:
            raise HeardError("invalid", f"Unknown status “{status}”; choose one of: {', '.join(ThemeStatus.values)}, all.", "status")
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(label__icontains=q)
    if spiking:
        qs = qs.filter(latest_spike_ratio__isnull=False)
    return qs.order_by("-pinned", "-size", "id")


def get_theme(actor, workspace, theme_id, product: Product | None = None) -> Theme:
    permissions.require(actor, workspace, "workspace.view")
    try:
        theme_id = int(theme_id)
    except (TypeError, ValueError):
        raise not_found("Theme") from None
    qs = Theme.objects.select_related("product__workspace", "merged_into", "feedback").filter(product__workspace=workspace, pk=theme_id)
    if product is not None:
        qs = qs.filter(product=product)
    found = qs.first()
    if found is None:
        raise not_found("Theme")
    return found


def representative_tickets(theme: Theme) -> list[Ticket]:
    by_id = Ticket.objects.select_related("requester").in_bulk(theme.representative_ids)
    return [by_id[i] for i in theme.representative_ids if i in by_id]


def member_tickets(theme: Theme) -> QuerySet[Ticket]:
    return Ticket.objects.filter(theme_membership__theme=theme).select_related("requester").order_by("-created_at", "-id")


def theme_links(theme: Theme) -> list[ThemeLink]:
    return list(theme.links.select_related("backlog_item", "decision"))


def weeks(theme: Theme) -> list[dict]:
    """Every week of the rollup: ``start`` (Monday), ``count`` and the spike, if flagged."""
    if not theme.weekly:
        return []
    first = date.fromisoformat(theme.weekly["start"])
    spikes = {s["index"]: s for s in theme.spikes}
    return [{"start": first + timedelta(weeks=i), "count": c, "spike": spikes.get(i)} for i, c in enumerate(theme.weekly["counts"])]


def sparkline(theme: Theme, n: int = SPARK_WEEKS, width: int = 120, height: int = 28) -> dict:
    """Points for an inline SVG of the last ``n`` weeks, and the same figures as text."""
    rows = weeks(theme)[-n:]
    counts = [r["count"] for r in rows]
    if not counts:
        return {"id": f"spark-{theme.pk}", "points": "", "text": "No weekly counts yet.", "width": width, "height": height, "marks": []}
    top = max(max(counts), 1)
    step = width / max(len(counts) - 1, 1)
    coords = [(round(i * step, 1), round(height - 2 - (c / top) * (height - 4), 1)) for i, c in enumerate(counts)]
    marks = [{"x": x, "y": y} for (x, y), r in zip(coords, rows, strict=True) if r["spike"]]
    text = f"Tickets per week, last {len(counts)} weeks (oldest first): {', '.join(map(str, counts))}."
    if marks:
        text += f" {len(marks)} spike week{'s' if len(marks) != 1 else ''} marked."
    return {"id": f"spark-{theme.pk}", "points": " ".join(f"{x},{y}" for x, y in coords), "text": text, "width": width, "height": height, "marks": marks}


def theme_rows(actor, product: Product, **filters) -> list[dict]:
    return [{"theme": t, "spark": sparkline(t)} for t in themes(actor, product, **filters)]


def theme_runs(actor, product: Product) -> QuerySet[ThemeRun]:
    permissions.require(actor, product.workspace, "workspace.view")
    return ThemeRun.objects.filter(product=product).defer("embedder").select_related("created_by")


def latest_run(product: Product) -> ThemeRun | None:
    return ThemeRun.objects.filter(product=product).defer("embedder").order_by("-created_at", "-id").first()


def get_run(actor, workspace, run_id: int) -> ThemeRun:
    permissions.require(actor, workspace, "workspace.view")
    run = ThemeRun.objects.defer("embedder").select_related("product").filter(product__workspace=workspace, pk=run_id).first()
    if run is None:
        raise not_found("Theme run")
    return run


def merge_candidates(theme: Theme) -> QuerySet[Theme]:
    return Theme.objects.filter(product=theme.product, status=ThemeStatus.ACTIVE).exclude(pk=theme.pk).order_by("name")


def duration_text(hours: float | None) -> str:
    """3.5 h under two days, else days with one decimal."""
    if hours is None:
        return "—"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"



def theme_by_ref(actor, product: Product, ref, field: str = "theme") -> Theme:
    """The product's theme a form names by number (``12`` or ``#12``); a HeardError on ``field``
    when there is none."""
    from heard.core.queries import by_number

    permissions.require(actor, product.workspace, "workspace.view")
    return by_number(Theme.objects.filter(product=product), ref, field=field, what="theme", where=product.name)
