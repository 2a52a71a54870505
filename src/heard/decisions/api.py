"""API for decision records: /api/v1/decisions with nested options, evidence, participants
(and their advice), comments, and the verbs decide, escalate and supersede; and
/api/v1/escalation-forums.

The workspace is ``?workspace=SLUG`` (or the caller's first); decisions are addressed by id
within it, and lists take ``product=SLUG``. A decision answer carries its flags, the
disclosures of its advisers, whether a compliance voice was heard, the edge-case segments
without input and the plain-language check of the rationale.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Router, Schema, Status

from heard.core import part_api
from heard.core.api import answer_of, patch_of, workspace_for
from heard.core.api import given as _given
from heard.core.pagination import paginate
from heard.core.queries import get_product
from heard.participation import api as participation_api

from . import actions, queries
from .models import Decision, DecisionEvidence, EscalationForum

router = Router(tags=["decisions"])


# ---------------------------------------------------------------- schemas

class FlagOut(Schema):
    code: str
    message: str


class OptionIn(Schema):
    title: str
    value: str = ""
    cost: str = ""
    risk: str = ""
    notes: str = ""


OptionOut = answer_of(OptionIn)
OptionPatch = patch_of(OptionIn)


class DeclaredOut(Schema):
    """A disclosure (conflict of interest, incentive) of the person whose input this is."""

    id: int
    kind: str
    description: str
    declared_at: datetime


class EvidenceOut(Schema):
    id: int
    kind: str
    target_id: int
    label: str
    stakeholder_id: int | None
    note: str
    added_at: datetime
    declared: list[DeclaredOut] = Field([], description="Disclosures of the evidence's stakeholder in force when decided (or now).")

    @staticmethod
    def resolve_target_id(obj: DecisionEvidence):
        return obj.target.pk

    @staticmethod
    def resolve_label(obj: DecisionEvidence):
        return str(obj.target)[:300]

    @staticmethod
    def resolve_stakeholder_id(obj: DecisionEvidence):
        person = obj.stakeholder
        return person.pk if person else None

    @staticmethod
    def resolve_declared(obj: DecisionEvidence):
        person = obj.stakeholder
        found = getattr(person, "declared", None) if person else None
        if found is None and person is not None:
            from heard.stakeholders.queries import disclosures_in_force

            found = list(disclosures_in_force(obj.decision.decided_at).filter(stakeholder=person))
        return found or []


class EvidenceIn(Schema):
    kind: str = Field(..., description="feedback, ticket or backlog_item.")
    ref: str = Field(..., description="The item's id; for a ticket also its help-desk id, for a backlog item its key (e.g. INV-142).")
    note: str = ""


class ComplianceOut(Schema):
    required: bool
    heard: bool
    voices: list[str]


class SegmentOut(Schema):
    id: int
    slug: str
    name: str


_participation = participation_api.schemas("decision")


class DecisionSummary(Schema):
    id: int
    product: str
    question: str
    status: str
    due_date: date | None
    confidential: bool
    open_for_comment: bool
    touches_compliance: bool
    outcome_id: int | None
    decided_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_product(obj):
        return obj.product.slug


class DecisionOut(DecisionSummary):
    context: str
    criteria: list[str]
    tie_break: str
    rationale: str
    decided_by: str | None
    supersedes_id: int | None
    superseded_by: list[int]
    forum_id: int | None
    escalation_reason: str
    escalated_at: datetime | None
    escalation_deadline: date | None
    options: list[OptionOut]
    evidence: list[EvidenceOut]
    participants: list[_participation.participant_out]
    flags: list[FlagOut]
    disclosures: list[participation_api.DisclosureOut]
    compliance: ComplianceOut
    edge_segments_unheard: list[SegmentOut]
    rationale_check: dict | None

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by.email if obj.decided_by_id else None


class DecisionIn(Schema):
    product: str = Field(..., description="Product slug.")
    question: str
    context: str = ""
    criteria: list[str] = []
    due_date: date | None = None
    tie_break: str = Field("product_owner", description="product_owner, final_authority, customer_impact, lowest_risk or status_quo.")
    confidential: bool = False
    open_for_comment: bool = False
    touches_compliance: bool = Field(False, description="Touches privacy, safety or legal duties.")
    supersedes: int | None = Field(None, description="Id of the decision this one replaces (it is marked superseded).")


DecisionPatch = patch_of(DecisionIn, leave_out=("product", "supersedes"))


class SupersedeIn(Schema):
    question: str
    context: str = ""
    criteria: list[str] = []
    due_date: date | None = None
    tie_break: str = "product_owner"
    confidential: bool = False
    open_for_comment: bool = False
    touches_compliance: bool = False


class DecideIn(Schema):
    outcome: int = Field(..., description="Id of the chosen option.")
    rationale: str = Field(..., description="Why: “because …”.")


class EscalateIn(Schema):
    forum: int = Field(..., description="Id of an escalation forum of the workspace.")
    reason: str


class DecisionPage(Schema):
    items: list[DecisionSummary]
    total: int
    page: int
    pages: int
    per_page: int


class ForumOut(Schema):
    id: int
    name: str
    description: str
    final_authority: str
    members: list[str]
    deadline_days: int
    waiting: list[int] = Field(..., description="Ids of decisions escalated to the forum and not yet decided.")

    @staticmethod
    def resolve_final_authority(obj):
        return obj.final_authority.email

    @staticmethod
    def resolve_members(obj):
        return sorted(m.email for m in obj.members.all())

    @staticmethod
    def resolve_waiting(obj):
        return list(obj.decisions.filter(status="escalated").values_list("pk", flat=True))


class ForumIn(Schema):
    name: str
    description: str = ""
    final_authority: str | int = Field(..., description="The team member (id or e-mail) who settles escalated decisions.")
    members: list[str | int] = []
    deadline_days: int = 10


ForumPatch = patch_of(ForumIn)


# ---------------------------------------------------------------- helpers

def _decision(request, decision_id: int, workspace: str | None) -> Decision:
    return queries.decision_in_workspace(request.auth, workspace_for(request, workspace), decision_id)


class _DecisionView:
    """A decision with the computed parts of DecisionOut, without touching the model's
    related managers (options, evidence, participants)."""

    def __init__(self, decision: Decision, report: dict):
        self._decision = decision
        self.options = report["options"]
        self.evidence = report["evidence"]
        self.participants = report["participants"]
        self.flags = [{"code": f.code, "message": f.message} for f in report["flags"]]
        self.disclosures = participation_api.disclosures_out(report["disclosures"])
        voice = report["compliance"]
        self.compliance = {"required": voice.required, "heard": voice.heard, "voices": voice.voices}
        self.edge_segments_unheard = report["missing_segments"]
        self.rationale_check = report["rationale_check"].as_dict() if report["rationale_check"] else None
        self.superseded_by = [d.pk for d in report["superseded_by"]]

    def __getattr__(self, name):
        return getattr(self._decision, name)


def _out(request, decision: Decision) -> _DecisionView:
    decision = queries.get_decision(request.auth, decision.product, decision.pk)
    return _DecisionView(decision, queries.decision_report(request.auth, decision))


# ---------------------------------------------------------------- decisions

@router.get("/decisions", response=DecisionPage)
def list_decisions(request, product: str, workspace: str | None = None, status: str = "", q: str = "", page: int = 1, per_page: int = 50):
    """Decisions of a product, newest first; filter by ``status`` (open, decided, superseded, escalated) and text ``q``."""
    ws = workspace_for(request, workspace)
    product_obj = get_product(request.auth, ws, product)
    result = paginate(queries.decisions(request.auth, product_obj, status=status, q=q), page, per_page)
    return {"items": result.items, "total": result.total, "page": result.page, "pages": result.pages, "per_page": result.per_page}


@router.post("/decisions", response={201: DecisionOut})
def create_decision(request, payload: DecisionIn, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    product = get_product(request.auth, ws, payload.product)
    data = payload.model_dump()
    data.pop("product")
    decision = actions.create_decision(actor=request.auth, product=product, data=data)
    return Status(201, _out(request, decision))


@router.get("/decisions/{decision_id}", response=DecisionOut)
def get_decision(request, decision_id: int, workspace: str | None = None):
    return _out(request, _decision(request, decision_id, workspace))


@router.patch("/decisions/{decision_id}", response=DecisionOut)
def update_decision(request, decision_id: int, payload: DecisionPatch, workspace: str | None = None):
    decision = _decision(request, decision_id, workspace)
    actions.update_decision(actor=request.auth, decision=decision, data=_given(payload))
    return _out(request, decision)


@router.delete("/decisions/{decision_id}", response={204: None})
def delete_decision(request, decision_id: int, workspace: str | None = None):
    actions.delete_decision(actor=request.auth, decision=_decision(request, decision_id, workspace))
    return Status(204, None)


@router.post("/decisions/{decision_id}/decide", response=DecisionOut)
def decide(request, decision_id: int, payload: DecideIn, workspace: str | None = None):
    """Record the outcome. 409 while a required adviser has not weighed in or no one holds the right to decide."""
    decision = _decision(request, decision_id, workspace)
    actions.decide(actor=request.auth, decision=decision, outcome=payload.outcome, rationale=payload.rationale)
    return _out(request, decision)


@router.post("/decisions/{decision_id}/escalate", response=DecisionOut)
def escalate(request, decision_id: int, payload: EscalateIn, workspace: str | None = None):
    """Move the decision to an escalation forum; its final authority then decides."""
    decision = _decision(request, decision_id, workspace)
    actions.escalate(actor=request.auth, decision=decision, forum=payload.forum, reason=payload.reason)
    return _out(request, decision)


@router.post("/decisions/{decision_id}/supersede", response={201: DecisionOut})
def supersede(request, decision_id: int, payload: SupersedeIn, workspace: str | None = None):
    """Open a new decision that replaces this one; this one is marked superseded."""
    decision = _decision(request, decision_id, workspace)
    new = actions.supersede(actor=request.auth, decision=decision, data=payload.model_dump())
    return Status(201, _out(request, new))


# ---------------------------------------------------------------- options

part_api.add_routes(router, "/decisions/{decision_id}/options/{option_id}", _decision,
                    (OptionOut, OptionIn, OptionPatch), listing=queries.options)


# ---------------------------------------------------------------- evidence

@router.get("/decisions/{decision_id}/evidence", response=list[EvidenceOut])
def list_evidence(request, decision_id: int, workspace: str | None = None):
    return queries.evidence(_decision(request, decision_id, workspace))


@router.post("/decisions/{decision_id}/evidence", response={201: EvidenceOut})
def add_evidence(request, decision_id: int, payload: EvidenceIn, workspace: str | None = None):
    decision = _decision(request, decision_id, workspace)
    return Status(201, actions.add_evidence(actor=request.auth, decision=decision, kind=payload.kind, ref=payload.ref, note=payload.note))


@router.delete("/decisions/{decision_id}/evidence/{evidence_id}", response={204: None})
def remove_evidence(request, decision_id: int, evidence_id: int, workspace: str | None = None):
    decision = _decision(request, decision_id, workspace)
    actions.remove_evidence(actor=request.auth, evidence=queries.get_evidence(request.auth, decision, evidence_id))
    return Status(204, None)


# ---------------------------------------------------------------- participants, advice and comments

participation_api.add_routes(router, "decision", prefix="/decisions/{decision_id}", lookup=_decision)


# ---------------------------------------------------------------- escalation forums

def _forum(request, forum_id: int, workspace: str | None) -> EscalationForum:
    return queries.get_forum(request.auth, workspace_for(request, workspace), forum_id)


@router.get("/escalation-forums", response=list[ForumOut])
def list_forums(request, workspace: str | None = None):
    return list(queries.forums(request.auth, workspace_for(request, workspace)))


@router.post("/escalation-forums", response={201: ForumOut})
def create_forum(request, payload: ForumIn, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    forum = actions.create_forum(actor=request.auth, workspace=ws, data=payload.model_dump())
    return Status(201, queries.get_forum(request.auth, ws, forum.pk))


@router.get("/escalation-forums/{forum_id}", response=ForumOut)
def get_forum(request, forum_id: int, workspace: str | None = None):
    return _forum(request, forum_id, workspace)


@router.patch("/escalation-forums/{forum_id}", response=ForumOut)
def update_forum(request, forum_id: int, payload: ForumPatch, workspace: str | None = None):
    forum = _forum(request, forum_id, workspace)
    actions.update_forum(actor=request.auth, forum=forum, data=_given(payload))
    return queries.get_forum(request.auth, forum.workspace, forum.pk)


@router.delete("/escalation-forums/{forum_id}", response={204: None})
def delete_forum(request, forum_id: int, workspace: str | None = None):
    actions.delete_forum(actor=request.auth, forum=_forum(request, forum_id, workspace))
    return Status(204, None)
