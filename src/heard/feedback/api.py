"""API for feedback: record, list (filtered), score, similar items, disposition, links, merges.

Lists are paginated (``page``, ``per_page``) and answer ``{"items", "total", "page",
"pages", "per_page"}``. The workspace is ``?workspace=SLUG`` or the caller's first one;
``product`` is a product slug.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from heard.core import part_api
from heard.core.api import PageMeta, patch_of, workspace_for
from heard.core.queries import get_product

from . import actions, queries

router = Router(tags=["feedback"])


class PersonRef(Schema):
    id: int
    name: str
    kind: str


class LinkOut(Schema):
    id: int
    feedback_id: int
    backlog_item_id: int | None
    criterion_id: int | None
    weight: int
    created_at: datetime


class FeedbackOut(Schema):
    id: int
    product: str
    stakeholder: PersonRef | None
    channel: str
    said_at: datetime
    text: str
    job: str
    constraints: str
    environment: str
    observed: str
    expected: str
    example: str
    session_id: int | None
    is_proxy: bool
    quality_score: int
    quality_band: str
    quality_parts: dict
    quality_hint: str
    disposition: str
    disposition_at: datetime
    is_merge: bool
    merged_into_id: int | None
    originals: list[int]
    links: list[LinkOut]
    created_at: datetime

    @staticmethod
    def resolve_product(obj):
        return obj.product.slug

    @staticmethod
    def resolve_originals(obj):
        return [o.pk for o in obj.originals.all()]

    @staticmethod
    def resolve_links(obj):
        return list(obj.links.all())


def limited(default, limit: int, description: str | None = None):
    """A text field whose limit the OpenAPI document states; the action enforces it, with a
    message that says by how much (a 400 naming the field)."""
    return Field(default, description=description, json_schema_extra={"maxLength": limit})


class FeedbackIn(Schema):
    product: str = Field(..., description="Product slug.")
    text: str = limited(..., actions.TEXT_MAX, "What they said.")
    stakeholder: str | int | None = Field(None, description="Stakeholder id, e-mail or exact name; omit for proxy input.")
    channel: str = Field("session_note", description="session_note, interview, demo, support_ticket, beta, pilot, telemetry_briefing, written_comment, email or other.")
    said_at: datetime | str | None = Field(None, description="When they said it; default now.")
    job: str = limited("", actions.CONTEXT_MAX)
    constraints: str = limited("", actions.CONTEXT_MAX)
    environment: str = limited("", actions.CONTEXT_MAX)
    observed: str = limited("", actions.CONTEXT_MAX)
    expected: str = limited("", actions.CONTEXT_MAX, "What they expected, or the agreed target.")
    example: str = limited("", actions.CONTEXT_MAX)
    session: int | None = None
    external_id: str = ""


FeedbackPatch = patch_of(FeedbackIn, leave_out=("product", "external_id"))


class FeedbackPage(PageMeta):
    items: list[FeedbackOut]
    total_is_capped: bool = Field(False, description="True when more than 10 000 items match; total is then 10 000.")


class ScoreIn(Schema):
    text: str
    observed: str = ""
    expected: str = ""
    example: str = ""
    job: str = ""
    constraints: str = ""
    environment: str = ""
    linked: bool = False


class ScoreOut(Schema):
    score: int
    band: str
    parts: dict
    hint: str
    weakest: str


class SimilarOut(Schema):
    feedback: FeedbackOut
    similarity: float


class DispositionIn(Schema):
    status: str = Field(..., description="new, under_review, planned, if_time_remains, deferred, declined, duplicate or already_done.")
    increment: str = limited("", 60, "Required for planned.")
    reason: str = limited("", actions.CONTEXT_MAX, "Required for declined.")


class DispositionOut(Schema):
    status: str
    increment: str
    reason: str
    at: datetime
    by: str

    @staticmethod
    def resolve_by(obj):
        return obj.by_label


class LinkIn(Schema):
    backlog_item: int | None = Field(None, description="A backlog item id — or give criterion, not both.")
    criterion: int | None = Field(None, description="An acceptance criterion id.")
    weight: int = Field(2, description="1 (touches it), 2 (shapes it) or 3 (drives it).")


class MergeIn(Schema):
    product: str
    items: list[int] = Field(..., description="Two or more feedback ids of the product.")
    text: str = limited("", actions.TEXT_MAX, "Wording of the merged item; default the originals' words.")


def _capped_page(qs, page, per_page):
    result = queries.page_of(qs, page, per_page)
    return {"items": result.items, "total": result.total, "total_is_capped": result.total_is_capped, "page": result.page, "pages": result.pages, "per_page": result.per_page}


def _product(request, workspace, slug):
    ws = workspace_for(request, workspace)
    return get_product(request.auth, ws, slug)


def _given(payload: Schema) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if isinstance(data.get("said_at"), datetime):
        data["said_at"] = data["said_at"].isoformat()
    return data


@router.get("/feedback", response=FeedbackPage)
def list_feedback(request, product: str, workspace: str | None = None, channel: str = "", segment: str = "", disposition: str = "",
                  quality: str = "", stakeholder: str = "", merged: str = "", page: int = 1, per_page: int = 50):
    """Feedback of a product, newest first. ``quality`` is a band: low, medium or high."""
    prod = _product(request, workspace, product)
    qs = queries.feedback_list(request.auth, prod, channel=channel, segment=segment, disposition=disposition, quality=quality,
                               stakeholder=stakeholder, merged=merged).select_related("product").prefetch_related("links", "originals")
    return _capped_page(qs, page, per_page)


@router.post("/feedback", response={201: FeedbackOut})
def create_feedback(request, payload: FeedbackIn, workspace: str | None = None):
    prod = _product(request, workspace, payload.product)
    data = _given(payload)
    data.pop("product", None)
    return Status(201, actions.record_feedback(actor=request.auth, product=prod, data=data))


@router.post("/feedback/score", response=ScoreOut)
def score_feedback(request, payload: ScoreIn):
    """The quality score a draft would get (nothing is stored)."""
    result = queries.preview(**payload.model_dump())
    return {"score": result.score, "band": result.band, "parts": result.parts, "hint": result.hint, "weakest": result.weakest}


@router.get("/feedback/similar", response=list[SimilarOut])
def similar_feedback(request, product: str, text: str, workspace: str | None = None, limit: int = 5, exclude: int | None = None):
    """Feedback of the product most like ``text`` (for suggestions while typing)."""
    prod = _product(request, workspace, product)
    found = queries.similar_items(request.auth, prod, text, exclude=(exclude,) if exclude else (), limit=max(1, min(20, limit)))
    return [{"feedback": s.feedback, "similarity": s.similarity} for s in found]


@router.post("/feedback/merges", response={201: FeedbackOut})
def merge_feedback(request, payload: MergeIn, workspace: str | None = None):
    """Merge two or more items into a new one that keeps every speaker, channel, date and link."""
    prod = _product(request, workspace, payload.product)
    return Status(201, actions.merge_feedback(actor=request.auth, product=prod, items=payload.items, text=payload.text))


part_api.add_thing_routes(router, "/feedback/{feedback_id}", queries.get_feedback_in_workspace, (FeedbackOut, FeedbackPatch))


@router.post("/feedback/{feedback_id}/disposition", response=FeedbackOut)
def set_disposition(request, feedback_id: int, payload: DispositionIn, workspace: str | None = None):
    feedback = queries.get_feedback_in_workspace(request.auth, workspace_for(request, workspace), feedback_id)
    return actions.set_disposition(actor=request.auth, feedback=feedback, **payload.model_dump())


@router.get("/feedback/{feedback_id}/dispositions", response=list[DispositionOut])
def disposition_history(request, feedback_id: int, workspace: str | None = None):
    """Every disposition change, oldest first."""
    feedback = queries.get_feedback_in_workspace(request.auth, workspace_for(request, workspace), feedback_id)
    return list(queries.disposition_history(feedback))


@router.get("/feedback/{feedback_id}/links", response=list[LinkOut])
def list_links(request, feedback_id: int, workspace: str | None = None):
    feedback = queries.get_feedback_in_workspace(request.auth, workspace_for(request, workspace), feedback_id)
    return queries.influenced(feedback)


@router.post("/feedback/{feedback_id}/links", response={201: LinkOut})
def create_link(request, feedback_id: int, payload: LinkIn, workspace: str | None = None):
    """Link to a backlog item or one acceptance criterion, weight 1–3 (linking again changes the weight)."""
    feedback = queries.get_feedback_in_workspace(request.auth, workspace_for(request, workspace), feedback_id)
    return Status(201, actions.link_feedback(actor=request.auth, feedback=feedback, backlog_item=payload.backlog_item, criterion=payload.criterion, weight=payload.weight))


@router.delete("/feedback-links/{link_id}", response={204: None})
def delete_link(request, link_id: int, workspace: str | None = None):
    link = queries.get_link(request.auth, workspace_for(request, workspace), link_id)
    actions.unlink_feedback(actor=request.auth, link=link)
    return Status(204, None)
