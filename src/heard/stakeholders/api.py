"""API for the stakeholder map: organisations, segments, stakeholders, consents, disclosures.

Every list is paginated (``page``, ``per_page``) and answers ``{"items", "total", "page",
"pages"}``. The workspace is ``?workspace=SLUG`` or, when omitted, the caller's first one.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from heard.core import part_api
from heard.core.api import PageMeta, patch_of, workspace_for
from heard.core.api import given as _given
from heard.core.api import page_response as _page

from . import actions, queries

router = Router(tags=["stakeholders"])


class SegmentRef(Schema):
    id: int
    slug: str
    name: str


class SegmentOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    target_share: Decimal | None
    is_edge_case: bool


class SegmentIn(Schema):
    name: str
    slug: str | None = None
    description: str = ""
    target_share: Decimal | None = Field(None, description="Target share of voice in percent, 0–100.")
    is_edge_case: bool = False


SegmentPatch = patch_of(SegmentIn)


class OrganisationOut(Schema):
    id: int
    name: str
    segment: SegmentRef | None
    size_tier: str
    region: str
    notes: str


class OrganisationIn(Schema):
    name: str
    segment: str | None = Field(None, description="Segment slug, name or id.")
    size_tier: str = ""
    region: str = ""
    notes: str = ""


OrganisationPatch = patch_of(OrganisationIn)


class StakeholderOut(Schema):
    id: int
    name: str
    email: str
    organisation: OrganisationRef | None = None
    kind: str
    segments: list[SegmentRef]
    role_title: str
    influence: int
    interest: int
    time_zone: str
    language: str
    accessibility_needs: str
    notes: str
    created_by_import: bool
    erased: bool
    last_heard_at: datetime | None

    @staticmethod
    def resolve_segments(obj):
        return list(obj.segments.all())

    @staticmethod
    def resolve_erased(obj):
        return obj.is_erased


class OrganisationRef(Schema):
    id: int
    name: str


StakeholderOut.model_rebuild()


class StakeholderIn(Schema):
    name: str
    email: str = ""
    organisation: str | int | None = Field(None, description="Organisation id or name.")
    kind: str = Field("end_user", description="end_user, buyer, operator, support, regulator, partner or internal_proxy.")
    segments: list[str | int] = Field(default_factory=list, description="Segment slugs, names or ids.")
    role_title: str = ""
    influence: int = Field(3, description="1 (little) to 5 (decisive).")
    interest: int = Field(3, description="1 (little) to 5 (very high).")
    time_zone: str = "UTC"
    language: str = "en"
    accessibility_needs: str = ""
    notes: str = ""


StakeholderPatch = patch_of(StakeholderIn)


class ConsentOut(Schema):
    id: int
    stakeholder_id: int
    purpose: str
    disclosure_text: str
    granted_at: datetime
    withdrawn_at: datetime | None
    active: bool

    @staticmethod
    def resolve_active(obj):
        return obj.is_active


class ConsentIn(Schema):
    stakeholder: int
    purpose: str = Field(..., description="recording, quoting, telemetry or contact.")
    disclosure_text: str = Field(..., description="The text the person saw when they agreed.")
    granted_at: datetime | None = None


class ConsentPatch(Schema):
    withdrawn: bool = Field(..., description="true to withdraw the consent.")


class DisclosureOut(Schema):
    id: int
    stakeholder_id: int
    kind: str
    description: str
    declared_at: datetime
    ends_at: datetime | None


class DisclosureIn(Schema):
    stakeholder: int
    kind: str = Field(..., description="conflict_of_interest or incentive.")
    description: str
    ends_at: datetime | None = None


class StakeholderPage(PageMeta):
    items: list[StakeholderOut]


class OrganisationPage(PageMeta):
    items: list[OrganisationOut]


class SegmentPage(PageMeta):
    items: list[SegmentOut]


class ConsentPage(PageMeta):
    items: list[ConsentOut]


# ------------------------------------------------------------------ segments

@router.get("/segments", response=SegmentPage)
def list_segments(request, workspace: str | None = None, page: int = 1, per_page: int = 50):
    ws = workspace_for(request, workspace)
    return _page(queries.segments(request.auth, ws), page, per_page)


@router.post("/segments", response={201: SegmentOut})
def create_segment(request, payload: SegmentIn, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    return Status(201, actions.create_segment(actor=request.auth, workspace=ws, data=_given(payload) | {"name": payload.name}))


part_api.add_thing_routes(router, "/segments/{segment_id}", queries.get_segment, (SegmentOut, SegmentPatch))


# ------------------------------------------------------------------ organisations

@router.get("/organisations", response=OrganisationPage)
def list_organisations(request, workspace: str | None = None, segment: str = "", q: str = "", page: int = 1, per_page: int = 50):
    ws = workspace_for(request, workspace)
    return _page(queries.organisations(request.auth, ws, segment=segment, q=q), page, per_page)


@router.post("/organisations", response={201: OrganisationOut})
def create_organisation(request, payload: OrganisationIn, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    return Status(201, actions.create_organisation(actor=request.auth, workspace=ws, data=_given(payload) | {"name": payload.name}))


part_api.add_thing_routes(router, "/organisations/{organisation_id}", queries.get_organisation, (OrganisationOut, OrganisationPatch))


# ------------------------------------------------------------------ stakeholders

@router.get("/stakeholders", response=StakeholderPage)
def list_stakeholders(request, workspace: str | None = None, kind: str = "", segment: str = "", organisation: str = "", q: str = "", page: int = 1, per_page: int = 50):
    ws = workspace_for(request, workspace)
    qs = queries.stakeholders(request.auth, ws, kind=kind, segment=segment, organisation=organisation, q=q)
    return _page(qs, page, per_page)


@router.post("/stakeholders", response={201: StakeholderOut})
def create_stakeholder(request, payload: StakeholderIn, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    data = payload.model_dump()
    return Status(201, actions.create_stakeholder(actor=request.auth, workspace=ws, data=data))


part_api.add_thing_routes(router, "/stakeholders/{stakeholder_id}", queries.get_stakeholder, (StakeholderOut, StakeholderPatch))


@router.get("/stakeholders/{stakeholder_id}/export")
def export_stakeholder(request, stakeholder_id: int, workspace: str | None = None):
    """Everything heard holds on this person, as JSON."""
    import json

    stakeholder = queries.get_stakeholder(request.auth, workspace_for(request, workspace), stakeholder_id)
    data = queries.export_stakeholder(request.auth, stakeholder)
    response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="stakeholder-{stakeholder.pk}.json"'
    return response


@router.post("/stakeholders/{stakeholder_id}/erase", response=StakeholderOut)
def erase_stakeholder(request, stakeholder_id: int, workspace: str | None = None):
    """Anonymise this person (name, e-mail, free text); counts and links stay intact."""
    stakeholder = queries.get_stakeholder(request.auth, workspace_for(request, workspace), stakeholder_id)
    return actions.erase_stakeholder(actor=request.auth, stakeholder=stakeholder)


# ------------------------------------------------------------------ consents

@router.get("/consents", response=ConsentPage)
def list_consents(request, workspace: str | None = None, stakeholder: str = "", purpose: str = "", active: bool | None = None, page: int = 1, per_page: int = 50):
    ws = workspace_for(request, workspace)
    return _page(queries.consents(request.auth, ws, stakeholder=stakeholder, purpose=purpose, active=active), page, per_page)


@router.post("/consents", response={201: ConsentOut})
def create_consent(request, payload: ConsentIn, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    stakeholder = queries.get_stakeholder(request.auth, ws, payload.stakeholder)
    return Status(201, actions.grant_consent(actor=request.auth, stakeholder=stakeholder, purpose=payload.purpose, disclosure_text=payload.disclosure_text, granted_at=payload.granted_at))


@router.get("/consents/{consent_id}", response=ConsentOut)
def get_consent(request, consent_id: int, workspace: str | None = None):
    return queries.get_consent(request.auth, workspace_for(request, workspace), consent_id)


@router.patch("/consents/{consent_id}", response=ConsentOut)
def update_consent(request, consent_id: int, payload: ConsentPatch, workspace: str | None = None):
    """Consents are not edited; they are withdrawn (``{"withdrawn": true}``) and granted anew."""
    from heard.core.errors import HeardError

    consent = queries.get_consent(request.auth, workspace_for(request, workspace), consent_id)
    if not payload.withdrawn:
        raise HeardError("invalid", "A withdrawn consent cannot be restored; grant a new one instead.", "withdrawn")
    return actions.withdraw_consent(actor=request.auth, consent=consent)


@router.delete("/consents/{consent_id}", response={204: None})
def delete_consent(request, consent_id: int, workspace: str | None = None):
    consent = queries.get_consent(request.auth, workspace_for(request, workspace), consent_id)
    actions.delete_consent(actor=request.auth, consent=consent)
    return Status(204, None)


# ------------------------------------------------------------------ disclosures

@router.post("/disclosures", response={201: DisclosureOut})
def create_disclosure(request, payload: DisclosureIn, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    stakeholder = queries.get_stakeholder(request.auth, ws, payload.stakeholder)
    return Status(201, actions.add_disclosure(actor=request.auth, stakeholder=stakeholder, kind=payload.kind, description=payload.description, ends_at=payload.ends_at))


@router.delete("/disclosures/{disclosure_id}", response={204: None})
def delete_disclosure(request, disclosure_id: int, workspace: str | None = None):
    disclosure = queries.get_disclosure(request.auth, workspace_for(request, workspace), disclosure_id)
    actions.remove_disclosure(actor=request.auth, disclosure=disclosure)
    return Status(204, None)
