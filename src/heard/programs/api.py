"""API for beta and pilot programs: /api/v1/programs, their cohorts, participants,
thresholds, telemetry (batched), verdicts and the confirmed go / no-go.

A program is addressed by its id; the caller must be a member of its workspace (a token
made for another workspace gets 404).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Router, Schema, Status

from heard.core.api import PageMeta, workspace_for
from heard.core.api import given as _given
from heard.core.api import page_response as _page
from heard.core.queries import get_product

from . import actions, queries

router = Router(tags=["programs"])


class CohortOut(Schema):
    id: int
    name: str
    rollout_share: Decimal
    is_control: bool
    segments: list[str]

    @staticmethod
    def resolve_segments(obj):
        return [s.slug for s in obj.segments.all()]


class ParticipantOut(Schema):
    id: int
    stakeholder_id: int
    name: str
    cohort_id: int
    joined_at: datetime
    left_at: datetime | None

    @staticmethod
    def resolve_name(obj):
        return obj.stakeholder.name


class ThresholdChangeOut(Schema):
    changed_by: str
    changed_at: datetime
    reason: str
    before: dict
    after: dict

    @staticmethod
    def resolve_changed_by(obj):
        return obj.changed_by_label


class ThresholdOut(Schema):
    id: int
    name: str
    metric: str
    statistic: str = Field(..., description="rate, mean or p95.")
    direction: str = Field(..., description="at_least or at_most.")
    limit: float = Field(..., description="In the metric's unit; for a rate in percent, for a comparison the allowed difference.")
    comparison: str = Field(..., description="absolute, baseline or control.")
    baseline_starts_on: date | None
    baseline_ends_on: date | None
    minimum_sample: int
    is_guardrail: bool
    changes_after_start: list[ThresholdChangeOut]

    @staticmethod
    def resolve_changes_after_start(obj):
        return list(obj.changes.all())


class ProgramOut(Schema):
    id: int
    product: str
    name: str
    kind: str = Field(..., description="beta or pilot.")
    status: str = Field(..., description="draft, running or ended.")
    description: str
    starts_on: date
    ends_on: date
    who_may_pause: str
    how_to_leave: str
    backlog_items: list[int]
    started_at: datetime | None
    thresholds_locked: bool

    @staticmethod
    def resolve_product(obj):
        return obj.product.slug

    @staticmethod
    def resolve_backlog_items(obj):
        return list(obj.backlog_items.values_list("pk", flat=True))


class ProgramDetailOut(ProgramOut):
    cohorts: list[CohortOut]
    participants: list[ParticipantOut]
    thresholds: list[ThresholdOut]

    @staticmethod
    def resolve_cohorts(obj):
        return queries.cohorts(obj)

    @staticmethod
    def resolve_participants(obj):
        return list(queries.participants(obj))

    @staticmethod
    def resolve_thresholds(obj):
        return queries.thresholds(obj)


class ProgramPage(PageMeta):
    items: list[ProgramOut]


class ProgramIn(Schema):
    product: str = Field(..., description="The product's slug.")
    name: str
    kind: str = Field("pilot", description="beta or pilot.")
    description: str = ""
    starts_on: date
    ends_on: date
    who_may_pause: str = ""
    how_to_leave: str = ""
    backlog_items: list[str] = Field([], description="Backlog item ids or keys (e.g. INV-142).")


class ProgramPatch(Schema):
    name: str | None = None
    kind: str | None = None
    description: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    who_may_pause: str | None = None
    how_to_leave: str | None = None
    backlog_items: list[str] | None = None


class CohortIn(Schema):
    name: str
    rollout_share: Decimal = Field(Decimal(0), description="Percent, 0–100.")
    is_control: bool = False
    segments: list[str] = Field([], description="Segment slugs or ids.")


class ParticipantIn(Schema):
    stakeholder: int = Field(..., description="A stakeholder's id; they must hold telemetry consent.")


class ThresholdIn(Schema):
    name: str
    metric: str
    statistic: str = "rate"
    direction: str = "at_least"
    limit: float
    comparison: str = "absolute"
    baseline_starts_on: date | None = None
    baseline_ends_on: date | None = None
    minimum_sample: int = 100
    is_guardrail: bool = False


class ThresholdPatch(Schema):
    name: str | None = None
    metric: str | None = None
    statistic: str | None = None
    direction: str | None = None
    limit: float | None = None
    comparison: str | None = None
    baseline_starts_on: date | None = None
    baseline_ends_on: date | None = None
    minimum_sample: int | None = None
    is_guardrail: bool | None = None
    reason: str = Field("", description="Required once the program started: why the locked threshold changes.")


class TelemetryIn(Schema):
    records: list[Any] = Field(..., description="Up to 10 000 rows: metric, day or at, participant or cohort, value, "
                                          "and event_id (single events) or count (daily aggregates), optionally sum_sq.")


class ProblemOut(Schema):
    line: int = Field(..., description="The record's position in the batch (1 = first).")
    field: str | None
    message: str


class TelemetryReportOut(Schema):
    created: int
    unchanged: int
    rejected: int
    problems: list[ProblemOut]


class VerdictOut(Schema):
    threshold: int
    name: str
    rule: str
    is_guardrail: bool
    status: str = Field(..., description="met, not_met or undecidable.")
    label: str
    value: float | None
    low: float | None
    high: float | None
    method: str
    confidence: float
    n: int
    reference_n: int | None
    reason: str


class JudgementOut(Schema):
    program: int
    suggestion: str = Field(..., description="go, no_go or extend (keep running).")
    met: int
    verdicts: list[VerdictOut]


class OutcomeIn(Schema):
    recommendation: str = Field(..., description="go, no_go or extend.")
    message: str = Field("", description="What participants read in their closure note.")
    decision: int | None = Field(None, description="An open decision of the product; a new one is opened when empty.")


class OutcomeOut(Schema):
    id: int
    program_id: int
    suggested: str
    recommendation: str
    met: int
    judged: int
    message: str
    decision_id: int | None
    confirmed_at: datetime


def _program(request, program_id: int, capability: str = "workspace.view"):
    return queries.program_by_id(request.auth, program_id, capability)


@router.get("/programs", response=ProgramPage)
def list_programs(request, product: str, workspace: str | None = None, status: str = "", kind: str = "", page: int = 1, per_page: int = 50):
    ws = workspace_for(request, workspace)
    return _page(queries.programs(request.auth, get_product(request.auth, ws, product), status=status, kind=kind), page, per_page)


@router.post("/programs", response={201: ProgramDetailOut})
def create_program(request, payload: ProgramIn, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    product = get_product(request.auth, ws, payload.product)
    data = payload.model_dump(exclude={"product"})
    return Status(201, actions.create_program(actor=request.auth, product=product, data=data))


@router.get("/programs/{program_id}", response=ProgramDetailOut)
def get_program(request, program_id: int):
    return _program(request, program_id)


@router.patch("/programs/{program_id}", response=ProgramDetailOut)
def update_program(request, program_id: int, payload: ProgramPatch):
    return actions.update_program(actor=request.auth, program=_program(request, program_id), data=_given(payload))


@router.post("/programs/{program_id}/start", response=ProgramDetailOut)
def start_program(request, program_id: int):
    return actions.start_program(actor=request.auth, program=_program(request, program_id))


@router.post("/programs/{program_id}/end", response=ProgramDetailOut)
def end_program(request, program_id: int):
    return actions.end_program(actor=request.auth, program=_program(request, program_id))


@router.post("/programs/{program_id}/cohorts", response={201: CohortOut})
def add_cohort(request, program_id: int, payload: CohortIn):
    return Status(201, actions.add_cohort(actor=request.auth, program=_program(request, program_id), data=payload.model_dump()))


@router.post("/programs/{program_id}/cohorts/{cohort_id}/participants", response={201: ParticipantOut})
def add_participant(request, program_id: int, cohort_id: int, payload: ParticipantIn):
    program = _program(request, program_id)
    cohort = queries.get_cohort(request.auth, program, cohort_id)
    return Status(201, actions.add_participant(actor=request.auth, cohort=cohort, stakeholder=payload.stakeholder))


@router.post("/programs/{program_id}/participants/{participant_id}/leave", response=ParticipantOut)
def leave_program(request, program_id: int, participant_id: int):
    program = _program(request, program_id)
    return actions.leave_program(actor=request.auth, participant=queries.get_participant(request.auth, program, participant_id))


@router.post("/programs/{program_id}/thresholds", response={201: ThresholdOut})
def add_threshold(request, program_id: int, payload: ThresholdIn):
    return Status(201, actions.add_threshold(actor=request.auth, program=_program(request, program_id), data=payload.model_dump()))


@router.patch("/programs/{program_id}/thresholds/{threshold_id}", response=ThresholdOut)
def update_threshold(request, program_id: int, threshold_id: int, payload: ThresholdPatch):
    program = _program(request, program_id)
    threshold = queries.get_threshold(request.auth, program, threshold_id)
    data = _given(payload)
    reason = data.pop("reason", "")
    return actions.update_threshold(actor=request.auth, threshold=threshold, data=data, reason=reason)


@router.post("/programs/{program_id}/telemetry", response=TelemetryReportOut)
def send_telemetry(request, program_id: int, payload: TelemetryIn):
    """A batch of events or daily aggregates. Idempotent: a row whose event_id (or, for an
    aggregate, day + participant or cohort + metric) the program holds already is counted
    unchanged. Bad rows are listed by position; the good ones are kept."""
    report = actions.record_telemetry(actor=request.auth, program=_program(request, program_id), records=payload.records)
    return {"created": report.created, "unchanged": report.unchanged, "rejected": report.rejected, "problems": [p.as_dict() for p in report.problems]}


@router.get("/programs/{program_id}/verdicts", response=JudgementOut)
def verdicts(request, program_id: int):
    program = _program(request, program_id)
    results = queries.judge(request.auth, program)
    return {"program": program.pk, "suggestion": results.suggestion, "met": results.met, "verdicts": [v.as_dict() for v in results.verdicts]}


@router.post("/programs/{program_id}/outcome", response={201: OutcomeOut})
def confirm_outcome(request, program_id: int, payload: OutcomeIn):
    program = _program(request, program_id)
    return Status(201, actions.confirm_outcome(actor=request.auth, program=program, recommendation=payload.recommendation,
                                               message=payload.message, decision=payload.decision))
