"""The kinds of things people take part in, and how each plugs into participation.

A kind registers once, in its app's ``ready()``::

    participation.subjects.register(SubjectKind(
        name="session", model=Session, participant_model=Participant, comment_model=Comment,
        edit_capability="sessions.edit", attendance=True,
    ))

``name`` is also the name of the foreign key from its participant and comment models to it.
Everything else has a default; see the fields below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from heard.core.errors import HeardError


def _always(subject) -> None:
    return None


def _workspace_of_product(subject):
    return subject.product.workspace


@dataclass(frozen=True)
class SubjectKind:
    """How one kind of thing people take part in behaves."""

    name: str  # "session"; the foreign key's name on the participant and comment models
    model: type[models.Model]
    participant_model: type[models.Model]
    comment_model: type[models.Model]
    edit_capability: str  # who may invite people and change their rights
    # Audit verbs: f"{verb_prefix}participant.added", f"{verb_prefix}comment.added", ...
    verb_prefix: str = ""
    workspace: Callable[[Any], Any] = _workspace_of_product
    # Features: advisers who must weigh in before the thing is settled; attendance afterwards.
    advice: bool = False
    attendance: bool = False
    # Raises a HeardError when the thing is a closed record that takes no more changes.
    check_changeable: Callable[[Any], None] = _always
    # Whether a stakeholder may comment from the portal (no team member typing it in).
    portal_may_comment: Callable[[Any], bool] = lambda subject: True
    # Messages about a new participant (the action succeeds, the page shows them).
    warnings_on_invite: Callable[[Any], list[str]] = lambda participant: []
    # Parts of the thing a comment may be about: {"pre_read": fn(subject, ref) -> part}.
    comment_parts: dict[str, Callable[[Any, Any], Any]] = field(default_factory=dict)


KINDS: dict[str, SubjectKind] = {}


def register(kind: SubjectKind) -> SubjectKind:
    KINDS[kind.name] = kind
    return kind


def kind_of(subject) -> SubjectKind:
    for kind in KINDS.values():
        if isinstance(subject, kind.model):
            return kind
    raise HeardError("invalid", f"People cannot take part in {type(subject).__name__}.")


def kind_named(name: str) -> SubjectKind:
    return KINDS[name]
