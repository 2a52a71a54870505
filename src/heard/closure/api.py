"""Team API for closing the loop: /closure-cycles and /closure-notes.

The workspace is ``?workspace=SLUG`` (or the caller's first); lists are paginated
(``page``, ``per_page``) and answer ``{"items", "total", "page", "pages"}``.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema, Status

from heard.core.api import page_response as _page
from heard.core.api import workspace_for
from heard.core.queries import get_product

from . import actions, queries

router = Router(tags=["closure"])


class CycleOut(Schema):
    id: int
    product: str
    name: str
    starts_on: date
    ends_on: date
    status: str


class CycleIn(Schema):
    product: str
    name: str
    starts_on: str
    ends_on: str


class NoteOut(Schema):
    id: int
    cycle: int
    stakeholder: int
    stakeholder_name: str
    status: str
    subject: str
    body: str
    readability_score: float | None
    readability_label: str
    skip_reason: str
    sent_at: datetime | None
    opened_at: datetime | None
    acknowledged_at: datetime | None


class NotePatch(Schema):
    subject: str | None = None
    body: str | None = None
    reviewed: bool = False


class ReportOut(Schema):
    summary: str
    skipped: list[dict]


def _cycle(c) -> dict:
    return {"id": c.pk, "product": c.product.slug, "name": c.name, "starts_on": c.starts_on, "ends_on": c.ends_on, "status": c.status}


def _note(n) -> dict:
    return {"id": n.pk, "cycle": n.cycle_id, "stakeholder": n.stakeholder_id, "stakeholder_name": n.stakeholder.name, "status": n.status,
            "subject": n.subject, "body": n.body, "readability_score": n.readability_score, "readability_label": n.readability_label,
            "skip_reason": n.skip_reason, "sent_at": n.sent_at, "opened_at": n.opened_at, "acknowledged_at": n.acknowledged_at}


@router.get("/closure-cycles", summary="Closure cycles of a product")
def list_cycles(request, product: str, workspace: str | None = None, page: int = 1, per_page: int | None = None):
    ws = workspace_for(request, workspace)
    return _page(queries.cycles(request.auth, get_product(request.auth, ws, product)), page, per_page, _cycle)


@router.post("/closure-cycles", response={201: CycleOut}, summary="Open a closure cycle")
def create_cycle(request, payload: CycleIn, workspace: str | None = None):
    ws = workspace_for(request, workspace)
    product = get_product(request.auth, ws, payload.product)
    cycle = actions.create_cycle(actor=request.auth, product=product, data=payload.dict(exclude={"product"}))
    return Status(201, _cycle(cycle))


@router.post("/closure-cycles/{cycle_id}/close", response=ReportOut, summary="Close the cycle and draft its notes")
def close_cycle(request, cycle_id: int, workspace: str | None = None):
    cycle = queries.get_cycle_in_workspace(request.auth, workspace_for(request, workspace), cycle_id)
    report = actions.close_cycle(actor=request.auth, cycle=cycle)
    return {"summary": report.summary(), "skipped": [{"stakeholder": p.pk, "reason": r} for p, r in report.skipped]}


@router.post("/closure-cycles/{cycle_id}/send", response=ReportOut, summary="Send every reviewed note of the cycle")
def send_cycle(request, cycle_id: int, workspace: str | None = None):
    cycle = queries.get_cycle_in_workspace(request.auth, workspace_for(request, workspace), cycle_id)
    report = actions.send_notes(actor=request.auth, cycle=cycle)
    return {"summary": report.summary(), "skipped": [{"stakeholder": n.stakeholder_id, "note": n.pk, "reason": r} for n, r in report.skipped]}


@router.get("/closure-notes", summary="Closure notes, filtered by product, cycle (id or name) and status")
def list_notes(request, workspace: str | None = None, product: str = "", cycle: str = "", status: str = "", page: int = 1, per_page: int | None = None):
    ws = workspace_for(request, workspace)
    return _page(queries.notes_in_workspace(request.auth, ws, product=product, cycle=cycle, status=status), page, per_page, _note)


@router.get("/closure-notes/{note_id}", response=NoteOut, summary="One closure note")
def get_note(request, note_id: int, workspace: str | None = None):
    return _note(queries.get_note(request.auth, workspace_for(request, workspace), note_id))


@router.patch("/closure-notes/{note_id}", response=NoteOut, summary="Edit a note; with reviewed=true it is ready to send")
def patch_note(request, note_id: int, payload: NotePatch, workspace: str | None = None):
    note = queries.get_note(request.auth, workspace_for(request, workspace), note_id)
    return _note(actions.review_note(actor=request.auth, note=note, subject=payload.subject, body=payload.body, reviewed=payload.reviewed))
