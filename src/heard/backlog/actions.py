"""Every change to the backlog: items and their acceptance criteria.

Each function is atomic, checks the actor's role (``backlog.edit``), writes one audit event
and raises HeardError / HeardValidationErrors for bad input. Fields arrive as plain values,
the same from forms, the API and the CSV import.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from heard.core import audit, permissions
from heard.core.errors import HeardError, HeardValidationErrors
from heard.core.models import Product
from heard.core.products import require_active
from heard.core.validation import as_id, check_length, collect, taken_by_another

from .models import AcceptanceCriterion, BacklogItem, BacklogStatus, CriterionStatus

ITEM_FIELDS = ("title", "description", "status", "increment", "external_key")
CRITERION_FIELDS = ("text", "status", "co_writers", "position")
# Limits on free text, so one item stays readable on a page and in a closure note.
DESCRIPTION_MAX = 20_000
CRITERION_MAX = 2_000

# Words other tools use for our statuses (Jira, GitHub, plain English).
STATUS_ALIASES = {
    "open": "idea", "new": "idea", "backlog": "idea", "to do": "ready", "todo": "ready", "selected for development": "ready",
    "in progress": "in_progress", "in review": "in_progress", "doing": "in_progress", "closed": "done",
    "resolved": "done", "complete": "done", "completed": "done", "shipped": "released", "released": "released",
}


def status_value(raw: Any, choices=BacklogStatus, field: str = "status", aliases: dict | None = None) -> str:
    text = str(raw or "").strip().lower()
    for value, label in choices.choices:
        if text in (value, label.lower(), value.replace("_", " ")):
            return value
    if aliases and text in aliases:
        return aliases[text]
    raise HeardError("invalid", f"Unknown status “{raw}”; choose one of: {', '.join(choices.values)}.", field)


def clean_item(product: Product, data: dict, *, instance: BacklogItem | None = None) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    unknown = set(data) - set(ITEM_FIELDS)
    if unknown:
        errors[sorted(unknown)[0]] = f"Unknown field “{sorted(unknown)[0]}”."
    if "title" in data or instance is None:
        title = str(data.get("title") or "").strip()
        if not title:
            errors["title"] = "Title is required."
        elif len(title) > 300:
            errors["title"] = "Title must be at most 300 characters."
        cleaned["title"] = title
    if "status" in data and data.get("status") not in (None, ""):
        try:
            cleaned["status"] = status_value(data["status"], aliases=STATUS_ALIASES)
        except HeardError as exc:
            errors["status"] = exc.message
    if "description" in data:
        description = str(data.get("description") or "").strip()
        collect(errors, cleaned, "description", lambda: check_length(description, "description", "Description", DESCRIPTION_MAX))
    if "increment" in data:
        cleaned["increment"] = str(data.get("increment") or "").strip()[:60]
    if "external_key" in data:
        key = str(data.get("external_key") or "").strip()
        if len(key) > 60:
            errors["external_key"] = "External key must be at most 60 characters."
        elif key:
            if taken_by_another(product.backlog_items.filter(external_key=key), instance):
                errors["external_key"] = f"Another backlog item of this product already has the key {key}."
        cleaned["external_key"] = key
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


@transaction.atomic
def create_item(*, actor, product: Product, data: dict) -> BacklogItem:
    """Create a backlog item from plain values (see ITEM_FIELDS)."""
    permissions.require(actor, product.workspace, "backlog.edit")
    require_active(product)
    item = BacklogItem.objects.create(product=product, **clean_item(product, data))
    audit.record(actor=actor, workspace=product.workspace, verb="backlog_item.created", target=item, after=audit.snapshot(item))
    return item


@transaction.atomic
def update_item(*, actor, item: BacklogItem, data: dict, report_change: bool = False):
    """Change the given fields. Returns the item, or with ``report_change`` whether anything changed."""
    product = item.product
    permissions.require(actor, product.workspace, "backlog.edit")
    cleaned = clean_item(product, data, instance=item)
    changed = {f: v for f, v in cleaned.items() if getattr(item, f) != v}
    if changed:
        audit.save_changes(actor=actor, workspace=product.workspace, target=item, changes=changed, verb="backlog_item.updated")
    return bool(changed) if report_change else item


@transaction.atomic
def delete_item(*, actor, item: BacklogItem) -> None:
    """Delete an item with its criteria; feedback that was linked to it stays, unlinked."""
    permissions.require(actor, item.product.workspace, "backlog.edit")
    audit.delete_with_event(actor=actor, workspace=item.product.workspace, target=item, verb="backlog_item.deleted")


def _co_writers(workspace, raw) -> list:
    from heard.stakeholders.models import Stakeholder

    refs = raw if isinstance(raw, list | tuple | set) else [r for r in str(raw or "").replace(";", ",").split(",")]
    found = []
    for ref in refs:
        if isinstance(ref, Stakeholder):
            person = ref if ref.workspace_id == workspace.pk else None
        else:
            text = str(ref).strip()
            if not text:
                continue
            qs = workspace.stakeholders.all()
            person = qs.filter(pk=as_id(text)).first() if as_id(text) is not None else (qs.filter(email__iexact=text).first() or qs.filter(name__iexact=text).first())
        if person is None:
            raise HeardError("invalid", f"Unknown stakeholder “{ref}” among the co-writers.", "co_writers")
        found.append(person)
    return found


def clean_criterion(item: BacklogItem, data: dict, *, instance: AcceptanceCriterion | None = None) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    unknown = set(data) - set(CRITERION_FIELDS)
    if unknown:
        errors[sorted(unknown)[0]] = f"Unknown field “{sorted(unknown)[0]}”."
    if "text" in data or instance is None:
        text = str(data.get("text") or "").strip()
        if not text:
            errors["text"] = "Write the criterion as a behaviour, e.g. “When a technician is offline, the signature is kept and sent later.”"
        cleaned["text"] = text
        collect(errors, cleaned, "text", lambda: check_length(text, "text", "Criterion", CRITERION_MAX))
    if "status" in data and data.get("status") not in (None, ""):
        try:
            cleaned["status"] = status_value(data["status"], CriterionStatus)
        except HeardError as exc:
            errors["status"] = exc.message
    if "co_writers" in data:
        try:
            cleaned["co_writers"] = _co_writers(item.product.workspace, data.get("co_writers") or [])
        except HeardError as exc:
            errors["co_writers"] = exc.message
    if "position" in data and data.get("position") not in (None, ""):
        try:
            cleaned["position"] = max(0, int(data["position"]))
        except (TypeError, ValueError):
            errors["position"] = "Position must be a whole number."
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


def _criterion_snapshot(criterion: AcceptanceCriterion) -> dict:
    data = audit.snapshot(criterion)
    data["co_writers"] = sorted(criterion.co_writers.values_list("pk", flat=True))
    return data


@transaction.atomic
def add_criterion(*, actor, item: BacklogItem, data: dict) -> AcceptanceCriterion:
    """Add an acceptance criterion; ``co_writers`` are stakeholder ids, e-mails or names."""
    permissions.require(actor, item.product.workspace, "backlog.edit")
    require_active(item.product)
    cleaned = clean_criterion(item, data)
    writers = cleaned.pop("co_writers", [])
    cleaned.setdefault("position", (item.criteria.count() + 1) * 10)
    criterion = AcceptanceCriterion.objects.create(item=item, **cleaned)
    criterion.co_writers.set(writers)
    audit.record(actor=actor, workspace=item.product.workspace, verb="criterion.created", target=criterion, after=_criterion_snapshot(criterion))
    return criterion


@transaction.atomic
def update_criterion(*, actor, criterion: AcceptanceCriterion, data: dict) -> AcceptanceCriterion:
    workspace = criterion.item.product.workspace
    permissions.require(actor, workspace, "backlog.edit")
    cleaned = clean_criterion(criterion.item, data, instance=criterion)
    before = _criterion_snapshot(criterion)
    writers = cleaned.pop("co_writers", None)
    for field, value in cleaned.items():
        setattr(criterion, field, value)
    criterion.save()
    if writers is not None:
        criterion.co_writers.set(writers)
    after = _criterion_snapshot(criterion)
    if after != before:
        audit.record(actor=actor, workspace=workspace, verb="criterion.updated", target=criterion, before=before, after=after)
    return criterion


@transaction.atomic
def delete_criterion(*, actor, criterion: AcceptanceCriterion) -> None:
    workspace = criterion.item.product.workspace
    permissions.require(actor, workspace, "backlog.edit")
    audit.record(actor=actor, workspace=workspace, verb="criterion.deleted", target=criterion, before=_criterion_snapshot(criterion))
    criterion.delete()
