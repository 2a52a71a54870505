"""Every change to who takes part in something and what they wrote: inviting people with a
decision right, changing it, required advisers weighing in, attendance, and comments.

The thing (``subject``) is a session, a decision, or any kind registered in
``participation.subjects``; its kind says who may edit, which audit verbs to write, and
whether it is still open to changes. Each function is atomic, checks the actor's role,
writes one audit event and raises HeardError / HeardValidationErrors for bad input.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from heard.core import audit, permissions
from heard.core.errors import HeardError, HeardValidationErrors
from heard.core.queries import member_by_ref
from heard.core.validation import check_choice, check_required, collect
from heard.stakeholders.models import Stakeholder
from heard.stakeholders.queries import stakeholder_by_ref

from .models import Attendance, Right
from .subjects import KINDS, SubjectKind, kind_of


def _flag(raw: Any) -> bool:
    if isinstance(raw, str):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return bool(raw)


def _subject_of(participant_or_comment, kind: SubjectKind):
    return getattr(participant_or_comment, kind.name)


def _kind_of_part(obj) -> SubjectKind:
    for kind in KINDS.values():
        if isinstance(obj, kind.participant_model | kind.comment_model):
            return kind
    raise HeardError("invalid", f"{type(obj).__name__} is not a participant or a comment.")


def touch_heard(stakeholder: Stakeholder | None, when) -> None:
    """Keep the stakeholder's ``last_heard_at`` rollup current: never move it back."""
    if stakeholder is None:
        return
    Stakeholder.objects.filter(pk=stakeholder.pk).filter(Q(last_heard_at__isnull=True) | Q(last_heard_at__lt=when)).update(last_heard_at=when)


def _clean_attendance(raw: Any, field: str) -> str:
    value = str(raw or "").strip().lower()
    if value not in Attendance.values:
        raise HeardError("invalid", f"Attendance is attended, absent or empty, not “{raw}”.", field)
    return value


# ---------------------------------------------------------------- participants

@transaction.atomic
def add_participant(*, actor, subject, stakeholder: Any = None, user: Any = None, right: str = Right.CONTRIBUTES, required: Any = False):
    """Invite a stakeholder (id) or a team member (id or e-mail) with a decision right.

    ``required`` (where the kind takes advice) only applies to advisers: the thing then waits
    for their advice. The returned participant carries ``warnings``, a list of messages from
    the kind (e.g. a stakeholder invited more often than the engagement model asks).
    """
    kind = kind_of(subject)
    workspace = kind.workspace(subject)
    permissions.require(actor, workspace, kind.edit_capability)
    kind.check_changeable(subject)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    given_stakeholder, given_user = stakeholder not in (None, ""), user not in (None, "")
    if given_stakeholder == given_user:
        errors["stakeholder"] = "Choose either a stakeholder or a team member."
    elif given_stakeholder:
        collect(errors, cleaned, "stakeholder", lambda: stakeholder_by_ref(workspace, stakeholder))
    else:
        collect(errors, cleaned, "user", lambda: member_by_ref(workspace, user))
    collect(errors, cleaned, "right", lambda: check_choice(right or Right.CONTRIBUTES, Right, "right", "decision right"))
    if kind.advice:
        cleaned["required"] = _flag(required)
        if cleaned["required"] and cleaned.get("right") not in (None, Right.ADVISES):
            errors.setdefault("required", "Only advisers can be required to weigh in.")
    if not errors:
        field = "stakeholder" if "stakeholder" in cleaned else "user"
        person = cleaned[field]
        if subject.participants.filter(**{field: person}).exists():
            errors[field] = f"{getattr(person, 'display_name', person)} already takes part in this {kind.name}."
    if errors:
        raise HeardValidationErrors(errors)
    participant = kind.participant_model.objects.create(**{kind.name: subject}, **cleaned)
    participant.warnings = kind.warnings_on_invite(participant)
    audit.record(actor=actor, workspace=workspace, verb=f"{kind.verb_prefix}participant.added", target=participant, after=audit.snapshot(participant))
    return participant


@transaction.atomic
def update_participant(*, actor, participant, right: str | None = None, required: Any = None, attendance: str | None = None):
    """Change a participant's decision right, whether an adviser is required (kinds that take
    advice) and/or record attendance (kinds that meet: attended, absent, or "")."""
    kind = _kind_of_part(participant)
    subject = _subject_of(participant, kind)
    workspace = kind.workspace(subject)
    permissions.require(actor, workspace, kind.edit_capability)
    kind.check_changeable(subject)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if right is not None:
        collect(errors, cleaned, "right", lambda: check_choice(right, Right, "right", "decision right"))
    if kind.advice:
        new_right = cleaned.get("right", participant.right)
        new_required = _flag(required) if required is not None else (participant.required and new_right == Right.ADVISES)
        if new_required and new_right != Right.ADVISES:
            errors.setdefault("required", "Only advisers can be required to weigh in.")
        cleaned["required"] = new_required
    if attendance is not None and kind.attendance:
        collect(errors, cleaned, "attendance", lambda: _clean_attendance(attendance, "attendance"))
    if errors:
        raise HeardValidationErrors(errors)
    audit.save_changes(actor=actor, workspace=workspace, target=participant, changes=cleaned, verb=f"{kind.verb_prefix}participant.updated")
    return participant


@transaction.atomic
def remove_participant(*, actor, participant) -> None:
    kind = _kind_of_part(participant)
    subject = _subject_of(participant, kind)
    workspace = kind.workspace(subject)
    permissions.require(actor, workspace, kind.edit_capability)
    kind.check_changeable(subject)
    audit.delete_with_event(actor=actor, workspace=workspace, target=participant, verb=f"{kind.verb_prefix}participant.removed")


@transaction.atomic
def record_attendance(*, actor, subject, attendance: dict) -> int:
    """Record who came, afterwards: ``{participant_id: "attended"|"absent"|""}``. One audit
    event for the whole roll call. Returns the number of participants changed."""
    kind = kind_of(subject)
    workspace = kind.workspace(subject)
    permissions.require(actor, workspace, kind.edit_capability)
    by_pk = {p.pk: p for p in subject.participants.all()}
    changes = {}
    for raw_pk, raw_value in attendance.items():
        try:
            participant = by_pk[int(raw_pk)]
        except (KeyError, ValueError, TypeError):
            raise HeardError("invalid", f"No participant #{raw_pk} in this {kind.name}.", f"attendance_{raw_pk}") from None
        value = _clean_attendance(raw_value, f"attendance_{raw_pk}")
        if participant.attendance != value:
            changes[participant.pk] = (participant.attendance, value)
            participant.attendance = value
            participant.save(update_fields=["attendance"])
    if changes:
        audit.record(actor=actor, workspace=workspace, verb=f"{kind.name}.attendance_recorded", target=subject,
                     before={str(k): v[0] for k, v in changes.items()}, after={str(k): v[1] for k, v in changes.items()})
    return len(changes)


@transaction.atomic
def weigh_in(*, actor, participant, advice: str):
    """Record a participant's advice. A team member weighs in for themselves; someone who
    may edit the thing can type in a stakeholder's (or a colleague's) advice."""
    kind = _kind_of_part(participant)
    subject = _subject_of(participant, kind)
    workspace = kind.workspace(subject)
    own = actor is not None and participant.user_id is not None and participant.user_id == getattr(actor, "pk", None)
    permissions.require(actor, workspace, "workspace.view" if own else kind.edit_capability)
    kind.check_changeable(subject)
    text = check_required(advice, "advice", "Advice", 10_000)
    before = audit.snapshot(participant)
    participant.advice = text
    participant.weighed_in_at = timezone.now()
    participant.save(update_fields=["advice", "weighed_in_at"])
    touch_heard(participant.stakeholder, participant.weighed_in_at)
    audit.record(actor=actor, workspace=workspace, verb=f"{kind.verb_prefix}participant.weighed_in", target=participant, before=before, after=audit.snapshot(participant))
    return participant


# ---------------------------------------------------------------- comments

@transaction.atomic
def add_comment(*, actor=None, subject, body: str, stakeholder: Any = None, **parts):
    """Written input on the thing, or on one of its parts (``pre_read=`` on a session).

    A team member comments as themselves. With ``stakeholder`` the comment is the
    stakeholder's: typed in by a team member (``actor``), or sent from the portal
    (``actor=None``), which only works where the kind lets stakeholders comment. A
    stakeholder's comment counts as hearing from them.
    """
    kind = kind_of(subject)
    workspace = kind.workspace(subject)
    permissions.require(actor, workspace, "feedback.record")
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    collect(errors, cleaned, "body", lambda: check_required(body, "body", "Comment", 10_000))
    for name, ref in parts.items():
        if name not in kind.comment_parts:
            raise HeardError("invalid", f"A comment on a {kind.name} cannot be about “{name}”.", name)
        if ref not in (None, ""):
            collect(errors, cleaned, name, lambda n=name, r=ref: kind.comment_parts[n](subject, r))
    if stakeholder not in (None, ""):
        collect(errors, cleaned, "stakeholder", lambda: stakeholder_by_ref(workspace, stakeholder))
    if errors:
        raise HeardValidationErrors(errors)
    team_member = actor if getattr(actor, "is_authenticated", False) else None
    author = cleaned.pop("stakeholder", None)
    if author is None and team_member is None:
        raise HeardError("invalid", "A comment needs an author: a team member or a stakeholder.", "stakeholder")
    if author is not None and team_member is None and not kind.portal_may_comment(subject):
        raise HeardError("not_found", f"{kind.name.capitalize()} was not found.")
    comment = kind.comment_model.objects.create(
        **{kind.name: subject}, body=cleaned.pop("body"), author_stakeholder=author,
        author_user=None if author else team_member, recorded_by=team_member if author else None, **cleaned,
    )
    touch_heard(author, comment.created_at)
    audit.record(actor=actor, workspace=workspace, verb=f"{kind.verb_prefix}comment.added", target=comment, after=audit.snapshot(comment))
    return comment


# ---------------------------------------------------------------- a person's data

def erase_person(stakeholder: Stakeholder) -> int:
    """Blank what the person wrote (comments and advice) wherever they took part; their
    participation and rights stay."""
    changed = 0
    for kind in KINDS.values():
        changed += kind.comment_model.objects.filter(author_stakeholder=stakeholder).update(body="(erased)")
        changed += kind.participant_model.objects.filter(stakeholder=stakeholder).exclude(advice="").update(advice="(erased)")
    return changed
