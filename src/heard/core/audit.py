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
