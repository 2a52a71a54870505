"""Writing audit events. Every action calls ``record`` once."""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.db import models

from .models import AuditEvent


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, bytes | memoryview):
        # Files (a product's logo) are audited by size and digest, not stored twice.
        import hashlib

        raw = bytes(value)
        return f"{len(raw)} bytes, sha256 {hashlib.sha256(raw).hexdigest()[:16]}" if raw else ""
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-safe dict of the object's concrete fields (or just ``fields``), for before/after."""
    data = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        data[f.name] = _jsonable(getattr(obj, f.attname))
    return data


def record(*, actor, workspace, verb: str, target: models.Model, before=None, after=None) -> AuditEvent:
    """Write one audit event. ``actor`` may be a User or None (the system, e.g. an import task)."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor.email
        actor_obj = actor
    else:
        label = str(actor) if actor else "system"
        actor_obj = None
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor_obj,
        actor_label=label,
        verb=verb,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        object_repr=str(target)[:300],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )


def save_changes(*, actor, workspace, target: models.Model, changes: dict, verb: str) -> bool:
    """Apply ``changes`` (field -> value) to ``target``, save and audit before/after.

    Saves and writes the event only when something really changed; returns whether it did.
    """
    before = snapshot(target)
    for field, value in changes.items():
        setattr(target, field, value)
    after = snapshot(target)
    if after == before:
        return False
    target.save()
    record(actor=actor, workspace=workspace, verb=verb, target=target, before=before, after=snapshot(target))
    return True


def delete_with_event(*, actor, workspace, target: models.Model, verb: str) -> None:
    """Delete ``target`` after recording what it was."""
    record(actor=actor, workspace=workspace, verb=verb, target=target, before=snapshot(target))
    target.delete()


# ------------------------------------------------------------------ erasure

REDACTED = "(erased)"


def _redact_value(value, pattern):
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, list):
        return [_redact_value(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _redact_value(v, pattern) for k, v in value.items()}
    return value


def _blank_fields(snapshot_value, fields):
    if not isinstance(snapshot_value, dict):
        return snapshot_value
    return {k: (REDACTED if k in fields and v not in ("", None) else v) for k, v in snapshot_value.items()}


def redact_person(*, workspace, texts: list[str], targets: list[models.Model] = (), fields: frozenset[str] = frozenset()) -> int:
    """Remove a person's personal data from the workspace's audit log: every occurrence of
    ``texts`` (their name, e-mail...) in any event's before/after snapshot or label, and the
    ``fields`` (free text such as notes) of the events about ``targets`` (their own rows: the
    stakeholder, its consents and disclosures). Who acted, the verb, the ids and the times stay, so the log
    still says what happened. Returns how many events changed.

    Used by erasure (stakeholders.actions.erase_stakeholder), after the other apps' erasure
    hooks, so what those hooks audited is redacted too.
    """
    import json
    import re

    from django.db.models import Q, TextField
    from django.db.models.functions import Cast

    texts = sorted({t.strip() for t in texts if t and len(t.strip()) >= 2}, key=len, reverse=True)
    if not texts and not targets:
        return 0
    # Names match as whole words ("Al" must not eat "Also"); e-mails anywhere.
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in texts), re.IGNORECASE) if texts else None
    own = Q()
    for target in targets:
        own |= Q(object_type=target._meta.label_lower, object_id=str(target.pk))
    mentions = Q()
    for text in texts:
        # SQLite keeps JSON ASCII-escaped ("Zo\u00eb"), PostgreSQL as written: look for both.
        for form in {text, json.dumps(text)[1:-1]}:
            mentions |= Q(before_text__icontains=form) | Q(after_text__icontains=form) | Q(object_repr__icontains=form)
    events = AuditEvent.objects.filter(workspace=workspace).annotate(
        before_text=Cast("before", TextField()), after_text=Cast("after", TextField()),
    ).filter(own | mentions if texts else own)
    own_keys = {(t._meta.label_lower, str(t.pk)) for t in targets}
    changed = 0
    for event in events.iterator():
        before, after, label = event.before, event.after, event.object_repr
        if (event.object_type, event.object_id) in own_keys:
            before, after = _blank_fields(before, fields), _blank_fields(after, fields)
        if pattern is not None:
            before, after, label = _redact_value(before, pattern), _redact_value(after, pattern), pattern.sub(REDACTED, label)
        if (before, after, label) != (event.before, event.after, event.object_repr):
            AuditEvent.objects.filter(pk=event.pk).update(before=before, after=after, object_repr=label[:300])
            changed += 1
    return changed
