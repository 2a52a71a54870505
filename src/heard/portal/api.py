"""The portal's JSON API at /api/v1/portal/: what a signed-in stakeholder sees and does.

Authentication is the portal session (``PortalSession``: the magic-link session cookie,
CSRF checked on writes), never a team token or login. Everything is scoped to the
signed-in stakeholder; someone else's object answers 404.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema, Status

from heard.closure import actions as closure_actions

from . import actions, queries
from .auth import PortalSession

router = Router(tags=["portal"], auth=PortalSession())


class Me(Schema):
    id: int
    name: str
    email: str
    workspace: str


class FeedbackOut(Schema):
    id: int
    product: str
    text: str
    said_at: datetime
    disposition: str
    outcome: str


class TraceOut(FeedbackOut):
    history: list[dict]
    influenced: list[dict]


class PortalFeedbackIn(Schema):
    product: int
    text: str
    job: str = ""


class NoteOut(Schema):
    id: int
    product: str
    cycle: str
    subject: str
    body: str
    published_at: datetime | None
    opened_at: datetime | None
    acknowledged_at: datetime | None


class EnablementOut(Schema):
    id: int
    product: str
    kind: str
    title: str
    body: str
    url: str
    opened_at: datetime | None
    acknowledged_at: datetime | None


class CommentIn(Schema):
    body: str


class CommentOut(Schema):
    id: int
    body: str


def _feedback(item) -> dict:
    trace = queries.trace(item)
    return {"id": item.pk, "product": item.product.slug, "text": item.text, "said_at": item.said_at,
            "disposition": trace["outcome"]["status"], "outcome": trace["outcome"]["outcome"], "history": trace["history"],
            "influenced": trace["influenced"]}


def _note(note) -> dict:
    return {"id": note.pk, "product": note.cycle.product.slug, "cycle": note.cycle.name, "subject": note.subject, "body": note.body,
            "published_at": note.published_at, "opened_at": note.opened_at, "acknowledged_at": note.acknowledged_at}


def _enablement(d) -> dict:
    n = d.note
    return {"id": d.pk, "product": n.backlog_item.product.slug, "kind": n.kind, "title": n.title, "body": n.body, "url": n.url,
            "opened_at": d.opened_at, "acknowledged_at": d.acknowledged_at}


@router.get("/me", response=Me, summary="Who is signed in to the portal")
def me(request):
    s = request.auth
    return {"id": s.pk, "name": s.name, "email": s.email, "workspace": s.workspace.slug}


@router.get("/feedback", response=list[FeedbackOut], summary="Your feedback and what became of it")
def feedback_list(request):
    items = queries.my_feedback(request.auth).prefetch_related(
        "disposition_history", "links__backlog_item__shared_goal", "links__criterion__item__shared_goal",
        "merged_into__disposition_history", "merged_into__links__backlog_item__shared_goal", "merged_into__links__criterion__item__shared_goal",
    )[:500]
    return [_feedback(f) for f in items]


@router.get("/feedback/{feedback_id}", response=TraceOut, summary="One item of your feedback, with its trace")
def feedback_detail(request, feedback_id: int):
    return _feedback(queries.get_my_feedback(request.auth, feedback_id))


@router.post("/feedback", response={201: FeedbackOut}, summary="Give new feedback")
def feedback_create(request, payload: PortalFeedbackIn):
    product = queries.products(request.auth).filter(pk=payload.product).first()
    item = actions.give_feedback(stakeholder=request.auth, product=product, text=payload.text, job=payload.job)
    return Status(201, _feedback(queries.get_my_feedback(request.auth, item.pk)))


@router.get("/notes", response=list[NoteOut], summary="Your closure notes")
def notes(request):
    return [_note(n) for n in queries.my_notes(request.auth)]


@router.get("/notes/{note_id}", response=NoteOut, summary="One closure note (records that you opened it)")
def note(request, note_id: int):
    found = queries.get_my_note(request.auth, note_id)
    return _note(closure_actions.record_note_opened(stakeholder=request.auth, note=found))


@router.post("/notes/{note_id}/acknowledge", response=NoteOut, summary="Acknowledge a closure note")
def note_acknowledge(request, note_id: int):
    found = queries.get_my_note(request.auth, note_id)
    return _note(closure_actions.acknowledge_note(stakeholder=request.auth, note=found))


@router.post("/notes/{note_id}/replies", response={201: FeedbackOut}, summary="Reply to a closure note (it reaches the team as your feedback)")
def note_reply(request, note_id: int, payload: CommentIn):
    found = queries.get_my_note(request.auth, note_id)
    reply = actions.reply_to_note(stakeholder=request.auth, note=found, body=payload.body)
    return Status(201, _feedback(queries.get_my_feedback(request.auth, reply.feedback_id)))


@router.get("/enablement", response=list[EnablementOut], summary="Change notes, guides and videos for you")
def enablement_list(request):
    return [_enablement(d) for d in queries.my_enablement(request.auth)]


@router.get("/enablement/{delivery_id}", response=EnablementOut, summary="One enablement note (records that you opened it)")
def enablement(request, delivery_id: int):
    found = queries.get_my_enablement(request.auth, delivery_id)
    return _enablement(closure_actions.record_enablement_opened(stakeholder=request.auth, delivery=found))


@router.post("/enablement/{delivery_id}/acknowledge", response=EnablementOut, summary="Acknowledge an enablement note")
def enablement_acknowledge(request, delivery_id: int):
    found = queries.get_my_enablement(request.auth, delivery_id)
    return _enablement(closure_actions.acknowledge_enablement(stakeholder=request.auth, delivery=found))


@router.get("/goals", summary="Increment goals and figures the team shares")
def goals(request):
    return {
        "goals": [{"product": g["product"].slug, "increments": [{"increment": inc, "items": items} for inc, items in g["increments"]]}
                  for g in queries.goals(request.auth)],
        "figures": [{"product": f.product.slug, "kind": f.kind, "label": f.label, "value": f.value, "note": f.note}
                    for f in queries.figures(request.auth)],
    }


@router.get("/invitations", summary="What is open for your comment")
def invitations(request):
    found = queries.invitations(request.auth)
    return {
        "pre_reads": [{"id": p.pk, "title": p.title, "session": p.session.title, "body": p.body, "url": p.url} for p in found["pre_reads"]],
        "criteria": [{"id": c.pk, "product": c.item.product.slug, "text": c.text} for c in found["criteria"]],
        "decisions": [{"id": d.pk, "question": d.question,
                       "options": [{"title": o.title, "value": o.value, "cost": o.cost, "risk": o.risk} for o in d.options.all()]}
                      for d in found["decisions"]],
    }


@router.post("/pre-reads/{pre_read_id}/comments", response={201: CommentOut}, summary="Comment on a pre-read")
def pre_read_comment(request, pre_read_id: int, payload: CommentIn):
    found = queries.get_pre_read(request.auth, pre_read_id)
    comment = actions.comment_on_pre_read(stakeholder=request.auth, pre_read=found, body=payload.body)
    return Status(201, {"id": comment.pk, "body": comment.body})


@router.post("/criteria/{criterion_id}/comments", response={201: CommentOut}, summary="Comment on a draft acceptance criterion")
def criterion_comment(request, criterion_id: int, payload: CommentIn):
    found = queries.get_criterion(request.auth, criterion_id)
    feedback = actions.comment_on_criterion(stakeholder=request.auth, criterion=found, body=payload.body)
    return Status(201, {"id": feedback.pk, "body": feedback.text})


@router.post("/decisions/{decision_id}/comments", response={201: CommentOut}, summary="Comment on a decision open for comment")
def decision_comment(request, decision_id: int, payload: CommentIn):
    found = queries.get_decision(request.auth, decision_id)
    comment = actions.comment_on_decision(stakeholder=request.auth, decision=found, body=payload.body)
    return Status(201, {"id": comment.pk, "body": getattr(comment, "body", payload.body)})
