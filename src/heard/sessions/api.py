"""API for sessions: /api/v1/sessions with nested objectives, agenda items, pre-reads, and
participants and comments (participation.api, the same routes as on decisions); the engagement model; the plain-language check; the glossary.

The workspace is ``?workspace=SLUG`` (or the caller's first); lists of sessions take
``product=SLUG``. Times are ISO 8601: with an offset they are taken as given, without one
they are read in the session's ``time_zone``. Answers give times in UTC plus ``time_zone``.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from heard.core import part_api
from heard.core.api import answer_of, patch_of, workspace_for
from heard.core.api import given as _given
from heard.core.pagination import paginate
from heard.core.plain_language import check
from heard.core.queries import get_product
from heard.participation import api as participation_api

from . import actions, calendar, queries
from .models import PreRead, Session

router = Router(tags=["sessions"])


class FlagOut(Schema):
    code: str
    message: str
    target: str


class ObjectiveOut(Schema):
    id: int
    question: str
    evidence_needed: str
    outcome_kind: str
    decision_id: int | None


class ObjectiveIn(Schema):
    question: str
    evidence_needed: str = ""
    outcome_kind: str = Field("clarify_fit", description="clarify_fit, validate_usability, reduce_risk or other.")
    decision: int | None = Field(None, description="Id of the decision it informs (same product).")


ObjectivePatch = patch_of(ObjectiveIn)


class AgendaItemOut(Schema):
    id: int
    title: str
    timebox_minutes: int
    objective_id: int | None
    decision_id: int | None
    has_outcome: bool
    flagged: bool = Field(..., description="True when the item serves neither an objective nor a decision.")

    @staticmethod
    def resolve_flagged(obj):
        return not obj.has_outcome


class AgendaItemIn(Schema):
    title: str
    timebox_minutes: int
    objective: int | None = None
    decision: int | None = None


AgendaItemPatch = patch_of(AgendaItemIn)


class PreReadOut(Schema):
    id: int
    title: str
    url: str
    body: str
    shared_at: datetime | None
    late: bool = False


class PreReadIn(Schema):
    title: str
    url: str = ""
    body: str = ""
    shared_at: str | None = Field(None, description="When it was shared; empty if not yet.")


PreReadPatch = patch_of(PreReadIn)


_participation = participation_api.schemas("session")


class SessionSummary(Schema):
    id: int
    product: str
    title: str
    channel: str
    mode: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    confidentiality: str
    published_at: datetime | None
    flags: list[FlagOut] = []

    @staticmethod
    def resolve_product(obj):
        return obj.product.slug


class SessionOut(SessionSummary):
    description: str
    location: str
    recording_url: str
    captions_url: str
    length_minutes: int
    objectives: list[ObjectiveOut]
    agenda_items: list[AgendaItemOut]
    participants: list[_participation.participant_out]
    pre_reads: list[PreReadOut]

    @staticmethod
    def resolve_objectives(obj):
        return list(obj.objectives.all())

    @staticmethod
    def resolve_agenda_items(obj):
        return list(obj.agenda_items.all())

    @staticmethod
    def resolve_participants(obj):
        return list(obj.participants.all())

    @staticmethod
    def resolve_pre_reads(obj):
        return getattr(obj, "pre_reads_out", None) or list(obj.pre_reads.all())


class SessionIn(Schema):
    product: str = Field(..., description="Product slug.")
    title: str
    channel: str = Field(..., description="interview, demo, workshop, refinement, review, beta_review, support_review, telemetry_briefing or async_review.")
    mode: str = Field("remote", description="live, remote or asynchronous.")
    starts_at: str
    ends_at: str
    time_zone: str = "UTC"
    description: str = ""
    location: str = ""
    confidentiality: str | None = Field(None, description="open, participants or team; default from the engagement model.")
    recording_url: str = ""
    captions_url: str = ""


SessionPatch = patch_of(SessionIn, leave_out=("product",))


class SessionPage(Schema):
    items: list[SessionSummary]
    total: int
    page: int
    pages: int
    per_page: int


class EngagementOut(Schema):
    product: str
    cadence: dict
    pre_read_lead_days: int
    default_confidentiality: str
    input_consideration_days: int
    invitations_per_quarter: int
    calendar_feed: bool

    @staticmethod
    def resolve_product(obj):
        return obj.product.slug

    @staticmethod
    def resolve_calendar_feed(obj):
        return bool(obj.feed_token)


class EngagementPatch(Schema):
    cadence: dict | None = Field(None, description='Channel to weekly, fortnightly, monthly, quarterly or as_needed, e.g. {"demo": "monthly"}.')
    pre_read_lead_days: int | None = None
    default_confidentiality: str | None = None
    input_consideration_days: int | None = None
    invitations_per_quarter: int | None = None


class PlainLanguageIn(Schema):
    text: str


class GlossaryIn(Schema):
    term: str
    plain: str = ""
    note: str = ""


GlossaryOut = answer_of(GlossaryIn)


def _session(request, session_id: int, workspace: str | None) -> Session:
    ws = workspace_for(request, workspace)
    session = Session.objects.select_related("product__workspace").filter(pk=session_id, product__workspace=ws).first()
    if session is None:
        from heard.core.errors import not_found

        raise not_found("Session")
    return queries.get_session(request.auth, session.product, session_id)


def _with_flags(session: Session) -> Session:
    session.flags = queries.session_flags(session)
    late = queries.late_pre_read_ids(session)
    session.pre_reads_out = list(session.pre_reads.all())
    for pre_read in session.pre_reads_out:
        pre_read.late = pre_read.pk in late
    return session


def _out(session: Session) -> Session:
    return _with_flags(session)


# ------------------------------------------------------------------ sessions

@router.get("/sessions", response=SessionPage)
def list_sessions(request, product: str, workspace: str | None = None, upcoming: bool | None = None, channel: str = "", page: int = 1, per_page: int = 50):
    """Sessions of a product, soonest first; ``upcoming=true`` for those not yet ended."""
    ws = workspace_for(request, workspace)
    product_obj = get_product(request.auth, ws, product)
    result = paginate(queries.sessions(request.auth, product_obj, upcoming=upcoming, channel=channel), page, per_page)
    engagement = queries.engagement_model(request.auth, product_obj)
    for s in result.items:
        s.flags = queries.session_flags(s, engagement)
    return {"items": result.items, "total": result.total, "page": result.page, "pages": result.pages, "per_page": result.per_page}


@router.post("/sessions", response={201: SessionOut})
def create_session(request, payload: SessionIn, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    product = get_product(request.auth, ws, payload.product)
    data = _given(payload) | {"title": payload.title, "channel": payload.channel, "starts_at": payload.starts_at, "ends_at": payload.ends_at}
    data.pop("product", None)
    if data.get("confidentiality") is None:
        data.pop("confidentiality", None)
    session = actions.create_session(actor=request.auth, product=product, data=data)
    return Status(201, _out(queries.get_session(request.auth, product, session.pk)))


@router.get("/sessions/{session_id}", response=SessionOut)
def get_session(request, session_id: int, workspace: str | None = None):
    return _out(_session(request, session_id, workspace))


@router.patch("/sessions/{session_id}", response=SessionOut)
def update_session(request, session_id: int, payload: SessionPatch, workspace: str | None = None):
    session = _session(request, session_id, workspace)
    actions.update_session(actor=request.auth, session=session, data=_given(payload))
    return _out(queries.get_session(request.auth, session.product, session.pk))


@router.delete("/sessions/{session_id}", response={204: None})
def delete_session(request, session_id: int, workspace: str | None = None):
    actions.delete_session(actor=request.auth, session=_session(request, session_id, workspace))
    return Status(204, None)


@router.post("/sessions/{session_id}/publish", response=SessionOut)
def publish_session(request, session_id: int, workspace: str | None = None):
    session = _session(request, session_id, workspace)
    actions.publish_session(actor=request.auth, session=session)
    return _out(session)


@router.get("/sessions/{session_id}/plain-language")
def session_plain_language(request, session_id: int, workspace: str | None = None):
    """Readability and jargon of the description, objectives, agenda and pre-reads."""
    session = _session(request, session_id, workspace)
    return {"items": [{"label": label} | result.as_dict() for label, result in queries.plain_language_report(session)]}


@router.get("/sessions/{session_id}/calendar.ics")
def session_ics(request, session_id: int, workspace: str | None = None):
    session = _session(request, session_id, workspace)
    return HttpResponse(calendar.session_calendar(session, request.build_absolute_uri("/")), content_type="text/calendar; charset=utf-8")


# ------------------------------------------------------------------ objectives and agenda items

part_api.add_routes(router, "/sessions/{session_id}/objectives/{objective_id}", _session,
                    (ObjectiveOut, ObjectiveIn, ObjectivePatch), listing=lambda s: s.objectives.all())
part_api.add_routes(router, "/sessions/{session_id}/agenda-items/{item_id}", _session,
                    (AgendaItemOut, AgendaItemIn, AgendaItemPatch), listing=lambda s: s.agenda_items.all(), part="agenda_item")


# ------------------------------------------------------------------ participants and comments

participation_api.add_routes(router, "session", prefix="/sessions/{session_id}", lookup=_session)


# ------------------------------------------------------------------ pre-reads

def _pre_read_out(session, pre_read) -> PreRead:
    lead = actions.engagement_for(session.product).pre_read_lead_days
    pre_read.late = queries.pre_read_is_late(pre_read, session, lead)
    return pre_read


@router.get("/sessions/{session_id}/pre-reads", response=list[PreReadOut])
def list_pre_reads(request, session_id: int, workspace: str | None = None):
    return _out(_session(request, session_id, workspace)).pre_reads_out


@router.post("/sessions/{session_id}/pre-reads", response={201: PreReadOut})
def add_pre_read(request, session_id: int, payload: PreReadIn, workspace: str | None = None):
    session = _session(request, session_id, workspace)
    return Status(201, _pre_read_out(session, actions.add_pre_read(actor=request.auth, session=session, data=payload.model_dump())))


@router.patch("/sessions/{session_id}/pre-reads/{pre_read_id}", response=PreReadOut)
def update_pre_read(request, session_id: int, pre_read_id: int, payload: PreReadPatch, workspace: str | None = None):
    session = _session(request, session_id, workspace)
    pre_read = actions.update_pre_read(actor=request.auth, pre_read=queries.get_pre_read(request.auth, session, pre_read_id), data=_given(payload))
    return _pre_read_out(session, pre_read)


@router.post("/sessions/{session_id}/pre-reads/{pre_read_id}/share", response=PreReadOut)
def share_pre_read(request, session_id: int, pre_read_id: int, workspace: str | None = None):
    """Record that the pre-read went out now."""
    session = _session(request, session_id, workspace)
    pre_read = actions.share_pre_read(actor=request.auth, pre_read=queries.get_pre_read(request.auth, session, pre_read_id))
    return _pre_read_out(session, pre_read)


@router.delete("/sessions/{session_id}/pre-reads/{pre_read_id}", response={204: None})
def remove_pre_read(request, session_id: int, pre_read_id: int, workspace: str | None = None):
    session = _session(request, session_id, workspace)
    actions.remove_pre_read(actor=request.auth, pre_read=queries.get_pre_read(request.auth, session, pre_read_id))
    return Status(204, None)


# ------------------------------------------------------------------ engagement model

@router.get("/engagement-models/{product}", response=EngagementOut)
def get_engagement_model(request, product: str, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    return queries.engagement_model(request.auth, get_product(request.auth, ws, product))


@router.patch("/engagement-models/{product}", response=EngagementOut)
def update_engagement_model(request, product: str, payload: EngagementPatch, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    product_obj = get_product(request.auth, ws, product)
    return actions.update_engagement_model(actor=request.auth, product=product_obj, data=_given(payload))


# ------------------------------------------------------------------ plain language and glossary

@router.post("/plain-language")
def plain_language(request, payload: PlainLanguageIn, workspace: str | None = None):
    """Score any text and list its jargon, using the workspace glossary."""
    ws = workspace_for(request, workspace)
    return check(payload.text, ws).as_dict()


@router.get("/glossary", response=list[GlossaryOut])
def list_glossary(request, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    return list(queries.glossary(request.auth, ws))


@router.post("/glossary", response={201: GlossaryOut})
def set_glossary_term(request, payload: GlossaryIn, workspace: str | None = None):
    """Add or change a term (owners). An empty ``plain`` accepts the term."""
    ws = workspace_for(request, workspace)
    return Status(201, actions.set_glossary_term(actor=request.auth, workspace=ws, term=payload.term, plain=payload.plain, note=payload.note))


@router.delete("/glossary/{term_id}", response={204: None})
def delete_glossary_term(request, term_id: int, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    actions.delete_glossary_term(actor=request.auth, entry=queries.get_glossary_term(request.auth, ws, term_id))
    return Status(204, None)
