"""The API side of taking part, shared by every kind: one set of schemas, and the nested
routes ``{thing}/participants`` (list, add, change, remove, weigh in) and ``{thing}/comments``
(list, add), mounted on a kind's router by ``add_routes``.

A kind's schemas differ only by its features: attendance (sessions) adds ``attendance``,
``is_customer`` and ``warnings``; advice (decisions) adds ``kind``, ``required``, ``advice``
and ``weighed_in_at``; a comment part (a session's ``pre_read``) adds ``pre_read_id``.
"""

from __future__ import annotations

import inspect
from datetime import datetime
from functools import cache
from types import SimpleNamespace

from ninja import Field, Router, Schema, Status
from pydantic import create_model

from heard.core.api import patch_of

from . import actions, queries
from .subjects import kind_named


class ParticipantOut(Schema):
    id: int
    stakeholder_id: int | None
    user_id: int | None
    name: str
    right: str

    @staticmethod
    def resolve_name(obj):
        return obj.person_name


class AttendanceOut(Schema):
    attendance: str
    is_customer: bool
    warnings: list[str] = []

    @staticmethod
    def resolve_warnings(obj):
        return getattr(obj, "warnings", [])


class AdviceOut(Schema):
    kind: str = Field(..., description="team_member or the stakeholder's kind.")
    required: bool
    advice: str
    weighed_in_at: datetime | None

    @staticmethod
    def resolve_kind(obj):
        return obj.stakeholder.kind if obj.stakeholder_id else "team_member"


class ParticipantIn(Schema):
    stakeholder: int | None = Field(None, description="A stakeholder id (or give user).")
    user: str | int | None = Field(None, description="A team member's id or e-mail (or give stakeholder).")
    right: str = Field("contributes", description="decides, advises, contributes or informed.")


class AdviceIn(Schema):
    required: bool = Field(False, description="Advisers only: the decision waits for their advice.")


class ParticipantPatch(Schema):
    right: str | None = None


class AttendancePatch(Schema):
    attendance: str | None = Field(None, description="attended, absent, or empty for not recorded.")


AdvicePatch = patch_of(AdviceIn)


class WeighInIn(Schema):
    advice: str


class CommentOut(Schema):
    id: int
    author: str
    author_user_id: int | None
    author_stakeholder_id: int | None
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj):
        return obj.author_name


class CommentIn(Schema):
    body: str
    stakeholder: int | None = Field(None, description="When typing in a stakeholder's comment: their id.")


class DisclosureOut(Schema):
    participant_id: int
    stakeholder_id: int
    name: str
    kind: str
    description: str
    declared_at: datetime


def disclosures_out(disclosures: list[tuple]) -> list[dict]:
    return [
        {"participant_id": p.pk, "stakeholder_id": d.stakeholder_id, "name": p.person_name, "kind": d.kind, "description": d.description, "declared_at": d.declared_at}
        for p, d in disclosures
    ]


def _compose(name: str, base: type[Schema], *mixins: type[Schema]) -> type[Schema]:
    return type(name, (base, *mixins), {"__module__": __name__}) if mixins else base


@cache
def schemas(kind_name: str) -> SimpleNamespace:
    """The schemas of one kind: participant_out, participant_in, participant_patch,
    comment_out, comment_in (named after the kind in the OpenAPI document)."""
    kind = kind_named(kind_name)
    title = kind_name.title().replace("_", "")
    out = [m for m, on in ((AttendanceOut, kind.attendance), (AdviceOut, kind.advice)) if on]
    patch = [m for m, on in ((AttendancePatch, kind.attendance), (AdvicePatch, kind.advice)) if on]
    parts_out = {f"{part}_id": (int | None, ...) for part in kind.comment_parts}
    parts_in = {part: (int | None, None) for part in kind.comment_parts}
    return SimpleNamespace(
        participant_out=_compose(f"{title}ParticipantOut", ParticipantOut, *out),
        participant_in=_compose(f"{title}ParticipantIn", ParticipantIn, *([AdviceIn] if kind.advice else [])),
        participant_patch=_compose(f"{title}ParticipantPatch", ParticipantPatch, *patch),
        comment_out=create_model(f"{title}CommentOut", __base__=CommentOut, **parts_out) if parts_out else CommentOut,
        comment_in=create_model(f"{title}CommentIn", __base__=CommentIn, **parts_in) if parts_in else CommentIn,
    )


def _named(fn, id_name: str, **annotations):
    """``fn`` with its first path parameter called ``id_name`` (e.g. ``session_id``), so the
    OpenAPI document names it as the kind's own routes do."""
    params = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
              inspect.Parameter(id_name, inspect.Parameter.KEYWORD_ONLY, annotation=int)]
    for name, annotation in annotations.items():
        default = None if name == "workspace" else inspect.Parameter.empty
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default))

    def view(request, **kwargs):
        return fn(request, kwargs.pop(id_name), **kwargs)

    view.__signature__ = inspect.Signature(params)
    view.__name__ = fn.__name__
    view.__doc__ = fn.__doc__
    return view


def add_routes(router: Router, kind_name: str, *, prefix: str, lookup) -> SimpleNamespace:
    """Mount the participants and comments routes of one kind under ``prefix`` (e.g.
    "/sessions/{session_id}"). ``lookup(request, id, workspace)`` finds the thing the caller
    may see. Returns the kind's schemas, for the kind's own answers that embed participants."""
    kind = kind_named(kind_name)
    s = schemas(kind_name)
    id_name = prefix.rsplit("{", 1)[1].rstrip("}")
    where = {"workspace": str | None}

    def participant(request, subject_id, participant_id, workspace):
        return queries.get_participant(request.auth, lookup(request, subject_id, workspace), participant_id)

    def list_participants(request, subject_id, workspace=None):
        return queries.participants(lookup(request, subject_id, workspace))

    def add_participant(request, subject_id, payload, workspace=None):
        """Give a stakeholder or a team member a decision right (an invitation). Where the
        kind warns (e.g. over a session's quarterly cap) it succeeds with ``warnings``."""
        subject = lookup(request, subject_id, workspace)
        return Status(201, actions.add_participant(actor=request.auth, subject=subject, **payload.model_dump()))

    def update_participant(request, subject_id, participant_id, payload, workspace=None):
        """Change the decision right, whether an adviser is required, or record attendance."""
        found = participant(request, subject_id, participant_id, workspace)
        return actions.update_participant(actor=request.auth, participant=found, **payload.model_dump())

    def remove_participant(request, subject_id, participant_id, workspace=None):
        actions.remove_participant(actor=request.auth, participant=participant(request, subject_id, participant_id, workspace))
        return Status(204, None)

    def weigh_in(request, subject_id, participant_id, payload, workspace=None):
        """Record the participant's advice (your own, or typed in for a stakeholder)."""
        found = participant(request, subject_id, participant_id, workspace)
        return actions.weigh_in(actor=request.auth, participant=found, advice=payload.advice)

    def list_comments(request, subject_id, workspace=None):
        return list(queries.comments(request.auth, lookup(request, subject_id, workspace)))

    def add_comment(request, subject_id, payload, workspace=None):
        subject = lookup(request, subject_id, workspace)
        return Status(201, actions.add_comment(actor=request.auth, subject=subject, **payload.model_dump()))

    one = f"{prefix}/participants/{{participant_id}}"
    routes = [
        (router.get, f"{prefix}/participants", list_participants, list[s.participant_out], {}),
        (router.post, f"{prefix}/participants", add_participant, {201: s.participant_out}, {"payload": s.participant_in}),
        (router.patch, one, update_participant, s.participant_out, {"participant_id": int, "payload": s.participant_patch}),
        (router.delete, one, remove_participant, {204: None}, {"participant_id": int}),
        (router.get, f"{prefix}/comments", list_comments, list[s.comment_out], {}),
        (router.post, f"{prefix}/comments", add_comment, {201: s.comment_out}, {"payload": s.comment_in}),
    ]
    if kind.advice:
        routes.append((router.post, f"{one}/weigh-in", weigh_in, s.participant_out, {"participant_id": int, "payload": WeighInIn}))
    for method, path, fn, response, params in routes:
        view = _named(fn, id_name, **params, **where)
        method(path, response=response, operation_id=f"{kind_name}_{fn.__name__}")(view)
    return s
