"""Every change to feedback: record, edit, score, dispose, link, merge, import.

Each function is atomic, checks the actor's role, writes one audit event and raises
HeardError / HeardValidationErrors for bad input. Fields arrive as plain values (strings,
ids, ISO dates), the same from forms, the API and the import, and are cleaned here.
Recording feedback keeps ``Stakeholder.last_heard_at``, the quality score and the
similar-items index current.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from heard.core import audit, permissions
from heard.core.errors import HeardError, HeardValidationErrors
from heard.core.models import Product
from heard.core.products import require_active
from heard.core.validation import as_id, check_length, collect

from . import quality, similar
from .models import Disposition, Feedback, FeedbackChannel, FeedbackDisposition, FeedbackLink
from .signals import feedback_imported

FEEDBACK_FIELDS = (
    "stakeholder", "channel", "said_at", "text", "job", "constraints", "environment",
    "observed", "expected", "example", "session", "program", "external_id",
)
TEXT_FIELDS = ("text", "job", "constraints", "environment", "observed", "expected", "example")
# Limits on what people type: generous for an interview note, small enough that one item
# stays readable on a page and cheap to score and index.
TEXT_MAX = 10_000
CONTEXT_MAX = 2_000
TEXT_LABELS = {"job": "The job they were doing", "constraints": "Their constraints", "environment": "Their environment",
               "observed": "What they observed", "expected": "What they expected", "example": "The example", "reason": "Reason"}
CHANNEL_ALIASES = {"session": "session_note", "note": "session_note", "ticket": "support_ticket", "support": "support_ticket",
                   "comment": "written_comment", "e-mail": "email", "mail": "email", "telemetry": "telemetry_briefing"}


# ---------------------------------------------------------------- cleaning

def find_stakeholder(workspace, ref):
    """A stakeholder of the workspace by id, e-mail or exact name (case-insensitive)."""
    from heard.stakeholders.models import Stakeholder

    if isinstance(ref, Stakeholder):
        return ref if ref.workspace_id == workspace.pk else None
    text = str(ref).strip()
    qs = workspace.stakeholders.all()
    if as_id(text) is not None:
        return qs.filter(pk=as_id(text)).first()
    if "@" in text:
        return qs.filter(email__iexact=text).first()
    return qs.filter(name__iexact=text).first()


def channel_value(raw: Any) -> str:
    text = str(raw or "").strip().lower()
    for value, label in FeedbackChannel.choices:
        if text in (value, label.lower(), value.replace("_", " ")):
            return value
    if text in CHANNEL_ALIASES:
        return CHANNEL_ALIASES[text]
    raise HeardError("invalid", f"Unknown channel “{raw}”; choose one of: {', '.join(FeedbackChannel.values)}.", "channel")


def parse_when(raw: Any, field: str = "said_at") -> datetime:
    if isinstance(raw, datetime):
        return raw if timezone.is_aware(raw) else timezone.make_aware(raw)
    text = str(raw or "").strip()
    try:
        value = parse_datetime(text) if text else None
        if value is None and text:
            day = parse_date(text)
            if day is not None:
                value = datetime.combine(day, time(12, 0))
        if value is not None:
            value = value if timezone.is_aware(value) else timezone.make_aware(value)
            value.astimezone(UTC)  # stored in UTC: 9999-12-31T23:59-14:00 is not
    except (ValueError, OverflowError):
        value = None  # well-formed but impossible: 2026-02-30, year 0000
    if value is None:
        raise HeardError("invalid", f"“{text[:40]}” is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM.", field)
    return value


def clean_feedback(product: Product, data: dict, *, instance: Feedback | None = None) -> dict:
    """Check the given fields; return cleaned values or raise HeardValidationErrors.

    Only keys present in ``data`` are checked, so updates can be partial. ``stakeholder``
    is an id, e-mail or name (or empty for proxy input written by the team).
    """
    workspace = product.workspace
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    unknown = set(data) - set(FEEDBACK_FIELDS)
    if unknown:
        errors[sorted(unknown)[0]] = f"Unknown field “{sorted(unknown)[0]}”."
    if "text" in data or instance is None:
        text = str(data.get("text") or "").strip()
        if not text:
            errors["text"] = "Write down what they said."
        cleaned["text"] = text
        collect(errors, cleaned, "text", lambda: check_length(text, "text", "Feedback text", TEXT_MAX))
    for name in TEXT_FIELDS[1:]:
        if name in data:
            value = str(data.get(name) or "").strip()
            collect(errors, cleaned, name, lambda value=value, name=name: check_length(value, name, TEXT_LABELS[name], CONTEXT_MAX))
    if "stakeholder" in data:
        ref = data.get("stakeholder")
        if ref in (None, ""):
            cleaned["stakeholder"] = None
        else:
            person = find_stakeholder(workspace, ref)
            if person is None:
                errors["stakeholder"] = f"Unknown stakeholder “{ref}”; add them to the stakeholder map first, or leave it empty for proxy input."
            elif person.is_erased:
                errors["stakeholder"] = "This stakeholder was erased; new input cannot be attributed to them."
            cleaned["stakeholder"] = person
    if "channel" in data or instance is None:
        try:
            cleaned["channel"] = channel_value(data.get("channel") or "session_note")
        except HeardError as exc:
            errors["channel"] = exc.message
    if "said_at" in data and data.get("said_at") not in (None, ""):
        try:
            cleaned["said_at"] = parse_when(data["said_at"])
            if cleaned["said_at"] > timezone.now() + timedelta(days=1):
                errors["said_at"] = "The date is in the future; when did they say it?"
        except HeardError as exc:
            errors["said_at"] = exc.message
    if "session" in data:
        ref = data.get("session")
        if ref in (None, ""):
            cleaned["session"] = None
        else:
            from heard.sessions.models import Session

            found = Session.objects.filter(product=product, pk=as_id(ref)).first() if as_id(ref) is not None else None
            if found is None:
                errors["session"] = f"Unknown session “{ref}” for this product."
            cleaned["session"] = found
    if "program" in data:
        ref = data.get("program")
        if ref in (None, ""):
            cleaned["program"] = None
        else:
            from heard.programs.models import Program

            found = Program.objects.filter(product=product, pk=as_id(ref)).first() if as_id(ref) is not None else None
            if found is None:
                errors["program"] = f"Unknown beta or pilot “{str(ref)[:40]}” for this product."
            cleaned["program"] = found
    if "external_id" in data:
        key = str(data.get("external_id") or "").strip()
        if len(key) > 100:
            errors["external_id"] = "External id must be at most 100 characters."
        cleaned["source_key"] = key
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


def content_key(product: Product, cleaned: dict) -> str:
    """The idempotency key of an imported row without an external id: a hash of who, how, when, what."""
    person = cleaned.get("stakeholder")
    said = cleaned.get("said_at")
    raw = "|".join([str(person.pk if person else ""), cleaned.get("channel", ""), said.isoformat() if said else "", cleaned.get("text", "")])
    return "sha:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def _proxy(stakeholder) -> bool:
    return stakeholder is None or stakeholder.is_proxy


def _assess(feedback: Feedback, *, linked: bool) -> None:
    result = quality.assess(
        feedback.text, observed=feedback.observed, expected=feedback.expected, example=feedback.example,
        job=feedback.job, constraints=feedback.constraints, environment=feedback.environment, linked=linked,
    )
    feedback.quality_score = result.score
    feedback.quality_parts = result.parts
    feedback.quality_hint = result.hint


def _heard_from(stakeholder, said_at) -> None:
    from heard.stakeholders.models import Stakeholder

    if stakeholder is None:
        return
    Stakeholder.objects.filter(pk=stakeholder.pk).filter(Q(last_heard_at__isnull=True) | Q(last_heard_at__lt=said_at)).update(last_heard_at=said_at)


def _label(actor) -> str:
    return actor.email if actor is not None and getattr(actor, "is_authenticated", False) else "system"


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------- record and edit

@transaction.atomic
def record_feedback(*, actor, product: Product, data: dict) -> Feedback:
    """Record what someone said (see FEEDBACK_FIELDS); scores it and indexes it for similar items."""
    permissions.require(actor, product.workspace, "feedback.record")
    require_active(product)
    cleaned = clean_feedback(product, data)
    feedback = Feedback(product=product, recorded_by=_user(actor), **cleaned)
    feedback.is_proxy = _proxy(feedback.stakeholder)
    _assess(feedback, linked=False)
    feedback.save()
    FeedbackDisposition.objects.create(feedback=feedback, status=Disposition.NEW, at=feedback.created_at, by=_user(actor), by_label=_label(actor))
    similar.index_items([feedback])
    _heard_from(feedback.stakeholder, feedback.said_at)
    audit.record(actor=actor, workspace=product.workspace, verb="feedback.recorded", target=feedback, after=audit.snapshot(feedback))
    return feedback


@transaction.atomic
def update_feedback(*, actor, feedback: Feedback, data: dict) -> Feedback:
    """Change the given fields; the score and the index follow."""
    product = feedback.product
    permissions.require(actor, product.workspace, "feedback.record")
    cleaned = clean_feedback(product, data, instance=feedback)
    before = audit.snapshot(feedback)
    for field, value in cleaned.items():
        setattr(feedback, field, value)
    feedback.is_proxy = _proxy(feedback.stakeholder) if not feedback.is_merge else feedback.is_proxy
    _assess(feedback, linked=feedback.links.exists())
    feedback.save()
    if any(f in cleaned for f in ("text", "observed", "expected")):
        similar.reindex_item(feedback)
    _heard_from(feedback.stakeholder, feedback.said_at)
    after = audit.snapshot(feedback)
    if {k: v for k, v in after.items() if k != "updated_at"} != {k: v for k, v in before.items() if k != "updated_at"}:
        audit.record(actor=actor, workspace=product.workspace, verb="feedback.updated", target=feedback, before=before, after=after)
    return feedback


@transaction.atomic
def delete_feedback(*, actor, feedback: Feedback) -> None:
    """Delete an item recorded by mistake. Merged originals go back to standing alone."""
    workspace = feedback.product.workspace
    permissions.require(actor, workspace, "feedback.dispose")
    audit.record(actor=actor, workspace=workspace, verb="feedback.deleted", target=feedback, before=audit.snapshot(feedback))
    originals = list(feedback.originals.all())
    similar.unindex_items([feedback])
    feedback.delete()
    for original in originals:
        original.merged_into = None
        original.save(update_fields=["merged_into", "updated_at"])
        similar.index_items([original])


# ---------------------------------------------------------------- disposition

@transaction.atomic
def set_disposition(*, actor, feedback: Feedback, status: str, increment: str = "", reason: str = "") -> Feedback:
    """Say what became of the item. Planned needs the increment; declined needs the reason.

    Every change is kept in ``disposition_history`` with its time and author.
    """
    workspace = feedback.product.workspace
    permissions.require(actor, workspace, "feedback.dispose")
    status = str(status or "").strip().lower()
    increment = str(increment or "").strip()
    reason = str(reason or "").strip()
    errors = {}
    if status not in Disposition.values:
        errors["status"] = f"Unknown disposition “{status}”; choose one of: {', '.join(Disposition.values)}."
    if status == Disposition.PLANNED and not increment:
        errors["increment"] = "Say which increment it is planned for (e.g. 2026.2), so the customer knows when."
    if status == Disposition.DECLINED and not reason:
        errors["reason"] = "Give the reason it is declined, in words the customer can read."
    collect(errors, {}, "increment", lambda: check_length(increment, "increment", "Increment", 60))
    collect(errors, {}, "reason", lambda: check_length(reason, "reason", "Reason", CONTEXT_MAX))
    if errors:
        raise HeardValidationErrors(errors)
    last = feedback.disposition_history.order_by("-at", "-id").first()
    if last and (last.status, last.increment, last.reason) == (status, increment, reason):
        return feedback
    before = {"disposition": feedback.disposition}
    now = timezone.now()
    FeedbackDisposition.objects.create(feedback=feedback, status=status, increment=increment, reason=reason, at=now, by=_user(actor), by_label=_label(actor))
    feedback.disposition = status
    feedback.disposition_at = now
    feedback.save(update_fields=["disposition", "disposition_at", "updated_at"])
    audit.record(actor=actor, workspace=workspace, verb="feedback.disposition_set", target=feedback, before=before,
                 after={"disposition": status, "increment": increment, "reason": reason})
    return feedback


# ---------------------------------------------------------------- links

def find_link_target(product: Product, ref: Any, field: str = "target") -> dict:
    """What a person typed (or chose in the picker) as a link target, as ``link_feedback``
    keyword arguments: an item by its key or number (``INV-142``, ``12``, ``#12``), or its
    Nth acceptance criterion as numbered on the item's page (``INV-142/2``)."""
    from heard.backlog.models import BacklogItem

    text = str(ref or "").strip()
    if not text:
        raise HeardError("invalid", "Choose the backlog item or acceptance criterion to link to.", field)
    head, slash, tail = text.rpartition("/")
    item_ref, nth = (head.strip(), tail.strip()) if slash and tail.strip().isdigit() else (text, "")
    items = BacklogItem.objects.filter(product=product)
    item = items.filter(external_key__iexact=item_ref).first() if item_ref else None
    if item is None and as_id(item_ref.lstrip("#")) is not None:
        item = items.filter(pk=as_id(item_ref.lstrip("#"))).first()
    if item is None:
        raise HeardError("invalid", f"No backlog item “{item_ref}” in this product. Type words to search, or give its key or number.", field)
    if not nth:
        return {"backlog_item": item}
    criteria = list(item.criteria.all())  # numbered as on the item's page
    n = int(nth)
    if not 1 <= n <= len(criteria):
        has = f"has {len(criteria)} acceptance criteri{'on' if len(criteria) == 1 else 'a'}" if criteria else "has no acceptance criteria yet"
        raise HeardError("invalid", f"“{item}” {has}; there is no criterion {n}.", field)
    return {"criterion": criteria[n - 1]}


def _resolve_target(product: Product, backlog_item, criterion):
    from heard.backlog.models import AcceptanceCriterion, BacklogItem

    given = [x for x in (backlog_item, criterion) if x not in (None, "")]
    if len(given) != 1:
        raise HeardError("invalid", "Link to exactly one thing: a backlog item or one acceptance criterion.", "backlog_item" if not given else "criterion")
    if backlog_item not in (None, ""):
        item = backlog_item if isinstance(backlog_item, BacklogItem) else BacklogItem.objects.filter(product=product, pk=as_id(backlog_item)).first()
        if item is None or item.product_id != product.pk:
            raise HeardError("invalid", f"Unknown backlog item “{backlog_item}” for this product.", "backlog_item")
        return item, None
    found = criterion if isinstance(criterion, AcceptanceCriterion) else AcceptanceCriterion.objects.select_related("item").filter(item__product=product, pk=as_id(criterion)).first()
    if found is None or found.item.product_id != product.pk:
        raise HeardError("invalid", f"Unknown acceptance criterion “{criterion}” for this product.", "criterion")
    return None, found


def _weight(raw) -> int:
    try:
        weight = int(raw)
    except (TypeError, ValueError):
        raise HeardError("invalid", "Weight must be 1 (touches it), 2 (shapes it) or 3 (drives it).", "weight") from None
    if weight not in (1, 2, 3):
        raise HeardError("invalid", f"Weight must be 1, 2 or 3, not {weight}.", "weight")
    return weight


def _rescore(feedback: Feedback) -> None:
    _assess(feedback, linked=feedback.links.exists())
    feedback.save(update_fields=["quality_score", "quality_parts", "quality_hint", "updated_at"])


@transaction.atomic
def link_feedback(*, actor, feedback: Feedback, backlog_item=None, criterion=None, weight=2) -> FeedbackLink:
    """Link feedback to a backlog item or to one acceptance criterion (ids or objects), weight 1–3.

    Linking the same target again changes the weight.
    """
    product = feedback.product
    permissions.require(actor, product.workspace, "feedback.record")
    weight = _weight(weight)
    item, found_criterion = _resolve_target(product, backlog_item, criterion)
    link = FeedbackLink.objects.filter(feedback=feedback, backlog_item=item, criterion=found_criterion).first()
    if link is not None:
        before = audit.snapshot(link)
        link.weight = weight
        link.save(update_fields=["weight"])
        audit.record(actor=actor, workspace=product.workspace, verb="feedback.link_updated", target=link, before=before, after=audit.snapshot(link))
        return link
    link = FeedbackLink.objects.create(feedback=feedback, backlog_item=item, criterion=found_criterion, weight=weight, created_by=_user(actor))
    _rescore(feedback)
    audit.record(actor=actor, workspace=product.workspace, verb="feedback.linked", target=link, after=audit.snapshot(link))
    return link


@transaction.atomic
def unlink_feedback(*, actor, link: FeedbackLink) -> None:
    feedback = link.feedback
    permissions.require(actor, feedback.product.workspace, "feedback.record")
    audit.delete_with_event(actor=actor, workspace=feedback.product.workspace, target=link, verb="feedback.unlinked")
    _rescore(feedback)


# ---------------------------------------------------------------- merge

def _joined(values) -> str:
    seen: dict[str, None] = {}
    for v in values:
        if v and v.strip():
            seen.setdefault(v.strip(), None)
    return "\n".join(seen)


@transaction.atomic
def merge_feedback(*, actor, product: Product, items: list, text: str = "") -> Feedback:
    """Merge two or more items of one product into a new item that stands for them.

    The merged item keeps every original's speaker, channel and date (through
    ``originals``) and a copy of every link (highest weight wins). The originals stay
    readable, marked merged (``merged_into``) with the disposition "duplicate".
    """
    permissions.require(actor, product.workspace, "feedback.dispose")
    require_active(product)
    ids = []
    for ref in items or []:
        ids.append(ref.pk if isinstance(ref, Feedback) else ref)
    try:
        ids = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        raise HeardError("invalid", "Name the items to merge by their numbers.", "items") from None
    if len(ids) < 2:
        raise HeardError("invalid", "Choose at least two feedback items to merge.", "items")
    originals = list(Feedback.objects.filter(product=product, pk__in=ids).select_related("stakeholder"))
    missing = set(ids) - {f.pk for f in originals}
    if missing:
        raise HeardError("invalid", f"Feedback #{min(missing)} was not found in this product.", "items")
    already = [f for f in originals if f.merged_into_id]
    if already:
        raise HeardError("conflict", f"Feedback #{already[0].pk} was already merged into #{already[0].merged_into_id}.", "items")
    check_length(text, "text", "Feedback text", TEXT_MAX)
    originals.sort(key=lambda f: (f.said_at, f.pk))
    speakers = {f.stakeholder_id for f in originals}
    merged = Feedback(
        product=product,
        recorded_by=_user(actor),
        stakeholder=originals[0].stakeholder if len(speakers) == 1 else None,
        channel=Counter(f.channel for f in originals).most_common(1)[0][0],
        said_at=originals[0].said_at,
        text=str(text or "").strip() or _joined(f.text for f in originals),
        is_merge=True,
        is_proxy=all(f.is_proxy for f in originals),
        **{name: _joined(getattr(f, name) for f in originals) for name in TEXT_FIELDS[1:]},
    )
    _assess(merged, linked=False)
    merged.save()
    FeedbackDisposition.objects.create(feedback=merged, status=Disposition.NEW, at=merged.created_at, by=_user(actor), by_label=_label(actor))
    targets: dict[tuple, int] = {}
    for link in FeedbackLink.objects.filter(feedback__in=originals):
        key = (link.backlog_item_id, link.criterion_id)
        targets[key] = max(targets.get(key, 0), link.weight)
    FeedbackLink.objects.bulk_create([
        FeedbackLink(feedback=merged, backlog_item_id=item_id, criterion_id=criterion_id, weight=weight, created_by=_user(actor))
        for (item_id, criterion_id), weight in targets.items()
    ])
    if targets:
        _rescore(merged)
    now = timezone.now()
    for original in originals:
        original.merged_into = merged
        original.disposition = Disposition.DUPLICATE
        original.disposition_at = now
        original.save(update_fields=["merged_into", "disposition", "disposition_at", "updated_at"])
        FeedbackDisposition.objects.create(feedback=original, status=Disposition.DUPLICATE, reason=f"Merged into #{merged.pk}.", at=now, by=_user(actor), by_label=_label(actor))
    similar.unindex_items(originals)
    similar.index_items([merged])
    audit.record(actor=actor, workspace=product.workspace, verb="feedback.merged", target=merged, after={"merged": audit.snapshot(merged), "originals": [f.pk for f in originals]})
    return merged


# ---------------------------------------------------------------- import (batched)

def record_feedback_batch(*, actor, product: Product, rows: list[tuple[int, dict]], report) -> None:
    """Record many rows at once for an import: cleaned row by row (bad rows go to the
    report with their line), written with bulk_create, one audit event per batch.

    Rows already imported (same external_id, or same content when there is none) are
    counted as unchanged, so re-running a file adds nothing.
    """
    permissions.require(actor, product.workspace, "feedback.record")
    require_active(product)
    ready: list[tuple[int, dict]] = []
    for line, data in rows:
        try:
            cleaned = clean_feedback(product, data)
        except HeardError as exc:
            for field, message in (getattr(exc, "errors", None) or {exc.field: exc.message}).items():
                report.reject(line, message, field)
            continue
        cleaned.setdefault("said_at", timezone.now())
        if not cleaned.get("source_key"):
            cleaned["source_key"] = content_key(product, cleaned)
        ready.append((line, cleaned))
    keys = [c["source_key"] for _, c in ready]
    existing = set(Feedback.objects.filter(product=product, source_key__in=keys).values_list("source_key", flat=True))
    fresh, seen = [], set()
    for _line, cleaned in ready:
        if cleaned["source_key"] in existing or cleaned["source_key"] in seen:
            report.unchanged += 1
            continue
        seen.add(cleaned["source_key"])
        feedback = Feedback(product=product, recorded_by=_user(actor), **cleaned)
        feedback.is_proxy = _proxy(feedback.stakeholder)
        _assess(feedback, linked=False)
        fresh.append(feedback)
    if not fresh:
        return
    with transaction.atomic():
        Feedback.objects.bulk_create(fresh, batch_size=500)
        if any(f.pk is None for f in fresh):  # backends without RETURNING ids
            by_key = dict(Feedback.objects.filter(product=product, source_key__in=[f.source_key for f in fresh]).values_list("source_key", "pk"))
            for f in fresh:
                f.pk = f.id = by_key[f.source_key]
        FeedbackDisposition.objects.bulk_create([
            FeedbackDisposition(feedback=f, status=Disposition.NEW, at=f.created_at, by=_user(actor), by_label=_label(actor)) for f in fresh
        ], batch_size=500)
        similar.index_items(fresh)
        feedback_imported.send(sender=Feedback, items=fresh)
        latest: dict = {}
        for f in fresh:
            if f.stakeholder is not None and (f.stakeholder.pk not in latest or latest[f.stakeholder.pk][1] < f.said_at):
                latest[f.stakeholder.pk] = (f.stakeholder, f.said_at)
        for person, said_at in latest.values():
            _heard_from(person, said_at)
        audit.record(actor=actor, workspace=product.workspace, verb="feedback.imported", target=product,
                     after={"count": len(fresh), "ids": [f.pk for f in fresh]})
    report.created += len(fresh)


# ---------------------------------------------------------------- personal data

def erase_person_from_feedback(stakeholder) -> int:
    """Erasure hook: replace the person's name and e-mail in the workspace's feedback free
    text with "[erased]". The rest of what was said (and every link, score and date) stays."""
    import re

    needles = [n for n in (stakeholder.name, stakeholder.email) if n and len(n) >= 3]
    if not needles:
        return 0
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)), re.IGNORECASE)
    match_any = Q()
    for needle in needles:
        for field in TEXT_FIELDS:
            match_any |= Q(**{f"{field}__icontains": needle})
    changed = 0
    for feedback in Feedback.objects.filter(product__workspace_id=stakeholder.workspace_id).filter(match_any):
        for field in TEXT_FIELDS:
            setattr(feedback, field, pattern.sub("[erased]", getattr(feedback, field)))
        feedback.save(update_fields=[*TEXT_FIELDS, "updated_at"])
        similar.reindex_item(feedback)
        changed += 1
    return changed


def export_person_feedback(stakeholder) -> tuple[str, list]:
    """Export hook: everything the person said, with what became of it."""
    rows = []
    for f in Feedback.objects.filter(stakeholder=stakeholder).select_related("product").prefetch_related("disposition_history"):
        rows.append({
            "id": f.pk, "product": f.product.slug, "channel": f.channel, "said_at": f.said_at.isoformat(),
            **{name: getattr(f, name) for name in TEXT_FIELDS},
            "disposition": f.disposition,
            "disposition_history": [{"status": d.status, "increment": d.increment, "reason": d.reason, "at": d.at.isoformat()} for d in f.disposition_history.all()],
            "merged_into": f.merged_into_id,
        })
    return "feedback", rows
