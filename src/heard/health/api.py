"""Team API for collaboration health: /health/figures, /health/figures/{key},
/health/segments and /health/flags (docs/health.md). The workspace is ``?workspace=SLUG``
(or the caller's first) and the product ``?product=SLUG``. Everything is read from the
product's snapshot and flags: no call scans raw rows."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from ninja import Router, Schema

from heard.core.api import page_response as _page
from heard.core.api import workspace_for
from heard.core.queries import get_product

from . import export, queries

router = Router(tags=["health"])


class FigureOut(Schema):
    key: str
    group: str
    title: str
    unit: str
    better: str
    value: float | None
    previous: float | None
    change: float | None
    direction: str
    arrow: str
    verdict: str
    summary: str
    parts: dict


class FiguresOut(Schema):
    product: str
    state: str
    computed_at: str | None
    window: dict | None
    figures: list[FigureOut]


class SeriesFigureOut(FigureOut):
    definition: dict
    weekly: list[list]
    monthly: list[list]


class FlagOut(Schema):
    id: int
    rule: str
    rule_title: str
    object_type: str
    object_id: str
    title: str
    evidence: str
    advice: str
    at: datetime
    url: str


def _product(request, workspace, product):
    return get_product(request.auth, workspace_for(request, workspace), product)


@router.get("/health/figures", response=FiguresOut, summary="Every health figure of a product: value, trend and summary")
def list_figures(request, product: str, workspace: str | None = None):
    p = _product(request, workspace, product)
    data = queries.snapshot(request.auth, p, series=False)
    figures = [f for _, items in queries.groups(data) for f in items]
    return {"product": p.slug, "state": data["state"], "computed_at": data.get("computed_at"), "window": data.get("window"), "figures": figures}


@router.get("/health/figures/{key}", response=SeriesFigureOut, summary="One figure with its definition and weekly and monthly series")
def get_figure(request, key: str, product: str, workspace: str | None = None):
    return queries.figure(request.auth, _product(request, workspace, product), key)


@router.get("/health/figures/{key}/csv", summary="One figure's weekly and monthly series as CSV")
def figure_csv(request, key: str, product: str, workspace: str | None = None):
    p = _product(request, workspace, product)
    response = HttpResponse(export.figure_csv(p, queries.figure(request.auth, p, key)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{p.slug}-{key}.csv"'
    return response


@router.get("/health/segments", summary="Share of voice and of seats per segment against its target, with weekly shares")
def segments(request, product: str, workspace: str | None = None):
    p = _product(request, workspace, product)
    data = queries.snapshot(request.auth, p)
    return {"product": p.slug, "state": data["state"], "window": data.get("window"), "segments": data.get("segments", [])}


def _flag(flag) -> dict:
    return {"id": flag.pk, "rule": flag.rule, "rule_title": flag.get_rule_display(), "object_type": flag.object_type, "object_id": flag.object_id,
            "title": flag.title, "evidence": flag.evidence, "advice": flag.advice, "at": flag.at, "url": queries.flag_url(flag)}


@router.get("/health/flags", summary="Anti-patterns found in a product, newest first, optionally for one rule")
def flags(request, product: str, workspace: str | None = None, rule: str = "", page: int = 1, per_page: int | None = None):
    p = _product(request, workspace, product)
    return _page(queries.flags(request.auth, p, rule).select_related("product__workspace"), page, per_page, _flag)
