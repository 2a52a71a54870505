"""API for demos and sign-off: /api/v1/demos.

- ``GET /demos?product=SLUG`` lists demo sessions; ``GET /demos/{session_id}`` one demo with
  its demonstrated criteria (with scenario) and verdicts.
- ``POST /demos/{session_id}/demonstrations`` demonstrates an item's criteria; ``PATCH`` /
  ``DELETE /demos/{session_id}/demonstrations/{id}`` change the scenario or take it off.
- ``GET|POST /demos/{session_id}/verdicts``, ``DELETE /demos/{session_id}/verdicts/{id}``.
- ``GET /demos/items/{item_id}/verdicts`` (per criterion, over time) and
  ``GET|POST /demos/items/{item_id}/sign-offs``.

The workspace is ``?workspace=SLUG`` (or the caller's first). Errors name the field.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from heard.core.api import given, workspace_for
from heard.core.errors import not_found
from heard.core.queries import get_product

from . import actions, queries
from .models import Demonstration, DemoVerdict

router = Router(tags=["demos"])


class VerdictOut(Schema):
    id: int
    criterion_id: int
    item_id: int
    session_id: int
    stakeholder_id: int
    stakeholder: str
    verdict: str
    note: str
    criterion_text: str = Field(..., description="The wording of the criterion when it was judged.")
    judged_earlier_wording: bool
    from_portal: bool
    feedback_id: int | None
    recorded_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_criterion_id(obj):
        return obj.demonstration.criterion_id

    @staticmethod
    def resolve_item_id(obj):
        return obj.demonstration.criterion.item_id

    @staticmethod
    def resolve_session_id(obj):
        return obj.demonstration.session_id

    @staticmethod
    def resolve_stakeholder(obj):
        return obj.stakeholder.name

    @staticmethod
    def resolve_judged_earlier_wording(obj):
        return obj.criterion_text != obj.demonstration.criterion.text


class DemonstrationOut(Schema):
    id: int
    criterion_id: int
    item_id: int
    item: str
    criterion_text: str
    data_volume: str
    device: str
    assistive_technology: str
    connectivity: str
    scenario_notes: str
    scenario: str = Field(..., description="The scenario in one line.")

    @staticmethod
    def resolve_item_id(obj):
        return obj.criterion.item_id

    @staticmethod
    def resolve_item(obj):
        return str(obj.criterion.item)

    @staticmethod
    def resolve_criterion_text(obj):
        return obj.criterion.text

    @staticmethod
    def resolve_scenario(obj):
        return obj.scenario_summary


class DemoSummary(Schema):
    id: int
    title: str
    channel: str
    starts_at: datetime
    ends_at: datetime
    criteria_count: int = 0
    verdict_count: int = 0
    item_count: int = 0


class DemoOut(DemoSummary):
    product: str
    participants: list[dict]
    demonstrations: list[DemonstrationOut]
    verdicts: list[VerdictOut]


class DemonstrationIn(Schema):
    item: int | str = Field(..., description="Backlog item id or key (e.g. INV-101).")
    criteria: list[int] | None = Field(None, description="Ids of some of its criteria; default: all of them.")
    data_volume: str = ""
    device: str = Field("", description="desktop, laptop, tablet, phone, other, or empty.")
    assistive_technology: str = ""
    connectivity: str = Field("", description="broadband, mobile, weak, offline, or empty.")
    scenario_notes: str = ""


class ScenarioPatch(Schema):
    data_volume: str | None = None
    device: str | None = None
    assistive_technology: str | None = None
    connectivity: str | None = None
    scenario_notes: str | None = None


class VerdictIn(Schema):
    criterion: int = Field(..., description="Id of a criterion demonstrated in this session.")
    stakeholder: int | str = Field(..., description="Id, e-mail or name of a stakeholder taking part.")
    verdict: str = Field(..., description="fits, partly_fits, does_not_fit or cannot_judge.")
    note: str = ""
    as_feedback: bool = Field(False, description="Also record the note as feedback linked to the criterion (partly_fits, does_not_fit).")


class SignOffIn(Schema):
    stakeholder: int | str = Field(..., description="Id, e-mail or name of the stakeholder.")
    session: int | None = Field(None, description="The demo (session id) it happened at.")
    at: str | None = Field(None, description="When (ISO 8601); default now; never in the future.")
    note: str = ""


class SignOffOut(Schema):
    id: int
    item_id: int
    stakeholder_id: int
    stakeholder: str
    session_id: int | None
    at: datetime
    note: str
    last_minute: bool = Field(..., description="True when they had never been involved with the item before (flagged).")
    involvement: list[str]

    @staticmethod
    def resolve_item_id(obj):
        return obj.backlog_item_id

    @staticmethod
    def resolve_stakeholder(obj):
        return obj.stakeholder.name


class CriterionVerdicts(Schema):
    criterion_id: int
    number: int
    text: str
    changed_after_verdict: bool
    changed_at: list[datetime]
    verdicts: list[VerdictOut]


class ItemVerdictsOut(Schema):
    item_id: int
    criteria: list[CriterionVerdicts]
    sign_offs: list[SignOffOut]


def _session(request, session_id: int, workspace: str | None):
    from heard.sessions.models import Session

    ws = workspace_for(request, workspace)
    found = Session.objects.select_related("product__workspace").filter(pk=session_id, product__workspace=ws).first()
    if found is None:
        raise not_found("Session")
    return queries.get_demo(request.auth, found.product, session_id)


def _item(request, item_id: int, workspace: str | None):
    from heard.backlog.models import BacklogItem
    from heard.backlog.queries import get_item

    ws = workspace_for(request, workspace)
    found = BacklogItem.objects.select_related("product__workspace").filter(pk=item_id, product__workspace=ws).first()
    if found is None:
        raise not_found("Backlog item")
    return get_item(request.auth, found.product, item_id)


def _demo_out(request, session) -> dict:
    shown = queries.demonstrations(session)
    return {
        "id": session.pk, "title": session.title, "channel": session.channel, "starts_at": session.starts_at, "ends_at": session.ends_at,
        "product": session.product.slug, "criteria_count": len(shown), "item_count": len({d.criterion.item_id for d in shown}),
        "verdict_count": sum(len(d.verdicts.all()) for d in shown),
        "participants": [{"stakeholder_id": p.stakeholder_id, "name": p.stakeholder.name, "right": p.right, "attendance": p.attendance}
                         for p in queries.stakeholder_participants(session)],
        "demonstrations": shown, "verdicts": list(queries.verdicts(request.auth, session)),
    }


@router.get("/demos", response=list[DemoSummary])
def list_demos(request, product: str, workspace: str | None = None, q: str = ""):
    """Demo sessions of a product (demo, review and beta review channels, or any that demonstrate criteria), newest first."""
    ws = workspace_for(request, workspace)
    return list(queries.demo_sessions(request.auth, get_product(request.auth, ws, product), q=q)[:500])


@router.get("/demos/items/{item_id}/verdicts", response=ItemVerdictsOut)
def item_verdicts(request, item_id: int, workspace: str | None = None):
    """Every verdict on the item's criteria, oldest first, and whether each criterion changed after a verdict or sign-off."""
    item = _item(request, item_id, workspace)
    data = queries.item_verdicts(request.auth, item)
    return {"item_id": item.pk, "sign_offs": data["sign_offs"], "criteria": [
        {"criterion_id": r["criterion"].pk, "number": r["number"], "text": r["criterion"].text, "changed_after_verdict": bool(r["changed_at"]),
         "changed_at": r["changed_at"], "verdicts": r["verdicts"]} for r in data["rows"]]}


@router.get("/demos/items/{item_id}/sign-offs", response=list[SignOffOut])
def list_sign_offs(request, item_id: int, workspace: str | None = None):
    item = _item(request, item_id, workspace)
    return list(queries.sign_offs(request.auth, item))


@router.post("/demos/items/{item_id}/sign-offs", response={201: SignOffOut})
def add_sign_off(request, item_id: int, payload: SignOffIn, workspace: str | None = None):
    """Record a stakeholder's sign-off; ``last_minute`` says whether it was flagged."""
    item = _item(request, item_id, workspace)
    return Status(201, actions.sign_off(actor=request.auth, item=item, **payload.model_dump()))


@router.get("/demos/{session_id}", response=DemoOut)
def get_demo(request, session_id: int, workspace: str | None = None):
    return _demo_out(request, _session(request, session_id, workspace))


@router.post("/demos/{session_id}/demonstrations", response={201: list[DemonstrationOut]})
def add_demonstrations(request, session_id: int, payload: DemonstrationIn, workspace: str | None = None):
    """Demonstrate a backlog item's criteria (all, or those listed) in one scenario."""
    session = _session(request, session_id, workspace)
    data = payload.model_dump()
    item, criteria = data.pop("item"), data.pop("criteria")
    return Status(201, actions.add_demonstrations(actor=request.auth, session=session, item=item, criteria=criteria, scenario=data))


@router.patch("/demos/{session_id}/demonstrations/{demonstration_id}", response=DemonstrationOut)
def update_demonstration(request, session_id: int, demonstration_id: int, payload: ScenarioPatch, workspace: str | None = None):
    session = _session(request, session_id, workspace)
    demonstration = queries.get_demonstration(request.auth, session, demonstration_id)
    actions.update_demonstration(actor=request.auth, demonstration=demonstration, data=given(payload))
    return Demonstration.objects.select_related("criterion__item").get(pk=demonstration.pk)


@router.delete("/demos/{session_id}/demonstrations/{demonstration_id}", response={204: None})
def remove_demonstration(request, session_id: int, demonstration_id: int, workspace: str | None = None):
    session = _session(request, session_id, workspace)
    actions.remove_demonstration(actor=request.auth, demonstration=queries.get_demonstration(request.auth, session, demonstration_id))
    return Status(204, None)


@router.get("/demos/{session_id}/verdicts", response=list[VerdictOut])
def list_verdicts(request, session_id: int, workspace: str | None = None):
    return list(queries.verdicts(request.auth, _session(request, session_id, workspace)))


@router.post("/demos/{session_id}/verdicts", response={201: VerdictOut})
def record_verdict(request, session_id: int, payload: VerdictIn, workspace: str | None = None):
    """Record (or change) a participating stakeholder's verdict on a demonstrated criterion."""
    session = _session(request, session_id, workspace)
    demonstration = queries.demonstration_for_criterion(request.auth, session, payload.criterion)
    verdict = actions.record_verdict(actor=request.auth, demonstration=demonstration, stakeholder=payload.stakeholder,
                                     verdict=payload.verdict, note=payload.note, as_feedback=payload.as_feedback)
    return Status(201, DemoVerdict.objects.select_related("stakeholder", "demonstration__criterion").get(pk=verdict.pk))


@router.delete("/demos/{session_id}/verdicts/{verdict_id}", response={204: None})
def remove_verdict(request, session_id: int, verdict_id: int, workspace: str | None = None):
    session = _session(request, session_id, workspace)
    actions.remove_verdict(actor=request.auth, verdict=queries.get_verdict(request.auth, session, verdict_id))
    return Status(204, None)
