"""API for support themes (mounted at /api/v1/, like every app's router).

``GET /themes?product=SLUG`` lists themes with their rollups; ``PATCH /themes/{id}`` renames
or pins; ``POST /themes:merge`` and ``POST /themes/{id}/split`` curate; ``/themes/{id}/links``
links to backlog items and decisions; ``POST /themes/{id}/feedback`` turns a theme into
feedback; ``POST /theme-runs`` starts a mining run (202) and ``GET /theme-runs/{id}``
reports its progress.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from heard.core.api import JobOut, PageMeta, ProductOut, page_response, workspace_for
from heard.core.errors import HeardError
from heard.core.queries import get_product

from . import actions, queries

router = Router(tags=["themes"])


class SpikeOut(Schema):
    week: str | None
    count: int
    baseline: float
    ratio: float
    z: float


class ThemeOut(ProductOut):
    id: int
    name: str
    label: str
    terms: list[str]
    status: str = Field(..., description="active, retired or merged.")
    merged_into: int | None = None
    pinned: bool
    curated: bool = Field(..., description="Merged or split by a person; re-runs keep it.")
    size: int
    representative_ticket_ids: list[int]
    weekly_start: str | None = Field(None, description="Monday of the first week in weekly_counts.")
    weekly_counts: list[int]
    spikes: list[SpikeOut]
    recent_spike: SpikeOut | None = None
    resolved_count: int
    resolution_median_hours: float | None
    resolution_p90_hours: float | None
    feedback_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_merged_into(obj):
        return obj.merged_into_id

    @staticmethod
    def resolve_representative_ticket_ids(obj):
        return obj.representative_ids

    @staticmethod
    def resolve_weekly_start(obj):
        return (obj.weekly or {}).get("start")

    @staticmethod
    def resolve_weekly_counts(obj):
        return (obj.weekly or {}).get("counts", [])


class ThemePage(PageMeta):
    items: list[ThemeOut]


class ThemePatch(Schema):
    name: str | None = None
    pinned: bool | None = None


class MergeIn(Schema):
    themes: list[int | str] = Field(..., description="Ids of two or more themes of one product.")
    name: str = ""


class SplitIn(Schema):
    k: int | str = 2


class LinkIn(Schema):
    backlog_item: int | str | None = None
    decision: int | str | None = None
    weight: int | str = 2


class LinkOut(Schema):
    id: int
    theme: int
    backlog_item: int | None
    decision: int | None
    weight: int
    created_at: datetime

    @staticmethod
    def resolve_theme(obj):
        return obj.theme_id

    @staticmethod
    def resolve_backlog_item(obj):
        return obj.backlog_item_id

    @staticmethod
    def resolve_decision(obj):
        return obj.decision_id


class RunIn(Schema):
    product: str


class RunOut(JobOut):
    phase: str
    percent: int
    tickets: int
    themes_added: int
    themes_grown: int
    themes_kept: int
    themes_retired: int
    unassigned: int


class FeedbackRef(Schema):
    id: int
    text: str
    is_merge: bool
    originals: int

    @staticmethod
    def resolve_originals(obj):
        return obj.originals.count()


def _theme(request, theme_id, workspace):
    return queries.get_theme(request.auth, workspace_for(request, workspace), theme_id)


@router.get("/themes", response=ThemePage)
def list_themes(request, product: str, workspace: str | None = None, status: str = "active", q: str = "",
                spiking: bool = False, page: int = 1, per_page: int = 50):
    """A product's themes (largest first, pinned on top). ``status``: active, retired, merged or all;
    ``spiking=true``: only themes with a spike in the last four weeks."""
    prod = get_product(request.auth, workspace_for(request, workspace), product)
    return page_response(queries.themes(request.auth, prod, status=status, q=q, spiking=spiking).select_related("product"), page, per_page)


@router.post("/themes:merge", response=ThemeOut)
def merge(request, payload: MergeIn, workspace: str | None = None):
    """Merge two or more themes into the largest (it keeps its id, name unless ``name`` is given, and links)."""
    ws = workspace_for(request, workspace)
    if not payload.themes:
        raise HeardError("invalid", "Choose at least two themes to merge.", "themes")
    first = queries.get_theme(request.auth, ws, payload.themes[0]) if str(payload.themes[0]).isdigit() else None
    if first is None:
        raise HeardError("invalid", f"Theme “{payload.themes[0]}” was not found.", "themes")
    return actions.merge_themes(actor=request.auth, product=first.product, themes=payload.themes, name=payload.name)


@router.get("/themes/{theme_id}", response=ThemeOut)
def get_theme(request, theme_id: int, workspace: str | None = None):
    return _theme(request, theme_id, workspace)


@router.patch("/themes/{theme_id}", response=ThemeOut)
def patch_theme(request, theme_id: int, payload: ThemePatch, workspace: str | None = None):
    """Rename (``name``) and/or pin (``pinned``) a theme."""
    theme = _theme(request, theme_id, workspace)
    if payload.name is not None:
        theme = actions.rename_theme(actor=request.auth, theme=theme, name=payload.name)
    if payload.pinned is not None:
        theme = actions.set_pinned(actor=request.auth, theme=theme, pinned=payload.pinned)
    return theme


@router.post("/themes/{theme_id}/split", response={201: list[ThemeOut]})
def split(request, theme_id: int, payload: SplitIn, workspace: str | None = None):
    """Split into ``k`` themes (2–10); the original keeps the largest part and comes first."""
    return Status(201, actions.split_theme(actor=request.auth, theme=_theme(request, theme_id, workspace), k=payload.k))


@router.get("/themes/{theme_id}/links", response=list[LinkOut])
def list_links(request, theme_id: int, workspace: str | None = None):
    return queries.theme_links(_theme(request, theme_id, workspace))


@router.post("/themes/{theme_id}/links", response={201: LinkOut})
def add_link(request, theme_id: int, payload: LinkIn, workspace: str | None = None):
    """Link to a backlog item or a decision (exactly one), ``weight`` 1–3; again = change the weight."""
    theme = _theme(request, theme_id, workspace)
    return Status(201, actions.link_theme(actor=request.auth, theme=theme, backlog_item=payload.backlog_item,
                                         decision=payload.decision, weight=payload.weight))


@router.delete("/themes/{theme_id}/links/{link_id}", response={204: None})
def delete_link(request, theme_id: int, link_id: int, workspace: str | None = None):
    theme = _theme(request, theme_id, workspace)
    link = theme.links.filter(pk=link_id).first()
    if link is None:
        raise HeardError("not_found", "Link was not found.")
    actions.unlink_theme(actor=request.auth, link=link)
    return Status(204, None)


@router.post("/themes/{theme_id}/feedback", response={201: FeedbackRef})
def to_feedback(request, theme_id: int, workspace: str | None = None):
    """Turn the theme into feedback (support channel; one item per requester, merged into one)."""
    return Status(201, actions.turn_into_feedback(actor=request.auth, theme=_theme(request, theme_id, workspace)))


@router.post("/theme-runs", response={202: RunOut})
def start_run(request, payload: RunIn, workspace: str | None = None):
    """Start theme mining for a product; it runs in the worker. Poll ``GET /theme-runs/{id}``."""
    prod = get_product(request.auth, workspace_for(request, workspace), payload.product)
    return Status(202, actions.start_theme_run(actor=request.auth, product=prod))


@router.get("/theme-runs", response=list[RunOut])
def list_runs(request, product: str, workspace: str | None = None):
    """The product's last 20 runs, newest first."""
    prod = get_product(request.auth, workspace_for(request, workspace), product)
    return list(queries.theme_runs(request.auth, prod)[:20])


@router.get("/theme-runs/{run_id}", response=RunOut)
def get_run(request, run_id: int, workspace: str | None = None):
    """Progress of a mining run: status, phase, percent, and what changed."""
    return queries.get_run(request.auth, workspace_for(request, workspace), run_id)
