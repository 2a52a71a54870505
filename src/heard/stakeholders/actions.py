"""Every change to the stakeholder map: organisations, segments, stakeholders, consents,
disclosures, import, erasure.

Each function is atomic, checks the actor's role, writes one audit event per changed object
and raises HeardError (or HeardValidationErrors, several fields at once) for bad input.
Fields arrive as plain values (strings, numbers, lists), the same from forms, the API and
the CSV import, and are cleaned here in one place.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from heard.core import audit, permissions
from heard.core.errors import HeardError, HeardValidationErrors
from heard.core.models import Workspace
from heard.core.validation import as_id, check_email, check_range, check_time_zone, taken_by_another

from .models import (
    Consent,
    ConsentPurpose,
    Disclosure,
    DisclosureKind,
    Organisation,
    Segment,
    Stakeholder,
    StakeholderKind,
)

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
STAKEHOLDER_FIELDS = (
    "name", "email", "organisation", "kind", "segments", "role_title", "influence", "interest",
    "time_zone", "language", "accessibility_needs", "notes",
)
ERASED_NAME = "Erased stakeholder"


# ---------------------------------------------------------------- lookups used by cleaning

def _kind_value(raw: Any) -> str:
    text = str(raw or "").strip()
    for value, label in StakeholderKind.choices:
        if text.lower() in (value, label.lower(), value.replace("_", " ")):
            return value
    raise HeardError(
        "invalid",
        f"Unknown kind “{text}”; choose one of: {', '.join(v for v, _ in StakeholderKind.choices)}.",
        "kind",
    )


def find_segment(workspace: Workspace, ref: Any) -> Segment | None:
    """A segment by id, slug or name (case-insensitive)."""
    if isinstance(ref, Segment):
        return ref if ref.workspace_id == workspace.pk else None
    text = str(ref).strip()
    qs = workspace.segments.all()
    if as_id(text) is not None:
        found = qs.filter(pk=as_id(text)).first()
        if found:
            return found
    return qs.filter(Q(slug__iexact=text) | Q(name__iexact=text)).first()


def find_organisation(workspace: Workspace, ref: Any) -> Organisation | None:
    if isinstance(ref, Organisation):
        return ref if ref.workspace_id == workspace.pk else None
    text = str(ref).strip()
    qs = workspace.organisations.all()
    if as_id(text) is not None:
        found = qs.filter(pk=as_id(text)).first()
        if found:
            return found
    return qs.filter(name__iexact=text).first()


def _split_list(raw: Any) -> list:
    if raw is None or raw == "":
        return []
    if isinstance(raw, list | tuple | set):
        return [r for r in raw if str(r).strip()]
    return [part.strip() for part in re.split(r"[;,|]", str(raw)) if part.strip()]


def clean_stakeholder(workspace: Workspace, data: dict, *, instance: Stakeholder | None = None) -> dict:
    """Check the given stakeholder fields; return cleaned values or raise HeardValidationErrors.

    Only keys present in ``data`` are checked (so updates can be partial). ``organisation``
    and ``segments`` accept objects, ids, names or slugs.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}

    def attempt(field, fn):
        try:
            cleaned[field] = fn()
        except HeardError as exc:
            errors[exc.field or field] = exc.message

    unknown = set(data) - set(STAKEHOLDER_FIELDS)
    if unknown:
        errors[sorted(unknown)[0]] = f"Unknown field “{sorted(unknown)[0]}”."
    if "name" in data or instance is None:
        def _name():
            name = str(data.get("name") or "").strip()
            if not name:
                raise HeardError("invalid", "Name is required.", "name")
            if len(name) > 200:
                raise HeardError("invalid", "Name must be at most 200 characters.", "name")
            return name
        attempt("name", _name)
    if "email" in data:
        def _email():
            raw = str(data.get("email") or "").strip()
            if not raw:
                return ""
            email = check_email(raw)
            if taken_by_another(workspace.stakeholders.filter(email__iexact=email), instance):
                raise HeardError("conflict", f"Another stakeholder in this workspace already uses {email}.", "email")
            return email
        attempt("email", _email)
    if "organisation" in data:
        def _org():
            ref = data.get("organisation")
            if ref in (None, ""):
                return None
            org = find_organisation(workspace, ref)
            if org is None:
                raise HeardError("invalid", f"Unknown organisation “{ref}”.", "organisation")
            return org
        attempt("organisation", _org)
    if "kind" in data:
        attempt("kind", lambda: _kind_value(data.get("kind")))
    if "segments" in data:
        def _segments():
            found = []
            for ref in _split_list(data.get("segments")):
                segment = find_segment(workspace, ref)
                if segment is None:
                    raise HeardError("invalid", f"Unknown segment “{ref}”; create it first or check the spelling.", "segments")
                found.append(segment)
            return found
        attempt("segments", _segments)
    for field in ("influence", "interest"):
        if field in data:
            attempt(field, lambda f=field: check_range(data.get(f), 1, 5, f))
    if "time_zone" in data:
        attempt("time_zone", lambda: check_time_zone(str(data.get("time_zone") or "UTC")))
    if "language" in data:
        def _language():
            tag = str(data.get("language") or "en").strip()
            if not LANGUAGE_TAG.match(tag):
                raise HeardError("invalid", f"“{tag}” is not a language tag; use e.g. en, de or pt-BR.", "language")
            return tag
        attempt("language", _language)
    for field in ("role_title", "accessibility_needs", "notes"):
        if field in data:
            cleaned[field] = str(data.get(field) or "").strip()
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


def _stakeholder_snapshot(stakeholder: Stakeholder) -> dict:
    data = audit.snapshot(stakeholder)
    data.pop("updated_at", None)
    data["segments"] = sorted(stakeholder.segments.values_list("slug", flat=True))
    return data


# ---------------------------------------------------------------- stakeholders

@transaction.atomic
def create_stakeholder(*, actor, workspace: Workspace, data: dict, created_by_import: bool = False) -> Stakeholder:
    """Create a stakeholder from plain field values (see STAKEHOLDER_FIELDS)."""
    permissions.require(actor, workspace, "stakeholders.edit")
    cleaned = clean_stakeholder(workspace, data)
    segments = cleaned.pop("segments", [])
    stakeholder = Stakeholder.objects.create(workspace=workspace, created_by_import=created_by_import, **cleaned)
    if segments:
        stakeholder.segments.set(segments)
    audit.record(actor=actor, workspace=workspace, verb="stakeholder.created", target=stakeholder, after=_stakeholder_snapshot(stakeholder))
    return stakeholder


@transaction.atomic
def update_stakeholder(*, actor, stakeholder: Stakeholder, data: dict) -> Stakeholder:
    """Change the given fields only."""
    workspace = stakeholder.workspace
    permissions.require(actor, workspace, "stakeholders.edit")
    if stakeholder.is_erased:
        raise HeardError("conflict", "This stakeholder was erased and can no longer be edited.")
    cleaned = clean_stakeholder(workspace, data, instance=stakeholder)
    before = _stakeholder_snapshot(stakeholder)
    segments = cleaned.pop("segments", None)
    for field, value in cleaned.items():
        setattr(stakeholder, field, value)
    if segments is not None:
        stakeholder.segments.set(segments)
    after = _stakeholder_snapshot(stakeholder)
    if after != before:
        stakeholder.save()
        audit.record(actor=actor, workspace=workspace, verb="stakeholder.updated", target=stakeholder, before=before, after=after)
    return stakeholder


@transaction.atomic
def delete_stakeholder(*, actor, stakeholder: Stakeholder) -> None:
    """Delete a stakeholder outright. To remove a person but keep the trace, use erase_stakeholder."""
    workspace = stakeholder.workspace
    permissions.require(actor, workspace, "stakeholders.erase")
    before = _stakeholder_snapshot(stakeholder)
    audit.record(actor=actor, workspace=workspace, verb="stakeholder.deleted", target=stakeholder, before=before)
    stakeholder.delete()


# Other apps register functions that anonymise the free text they hold about a stakeholder
# (feedback text, comments...). Each takes the stakeholder -- called before its name and
# e-mail are replaced, so it can look for them -- and returns a count of rows changed.
ERASURE_HOOKS: list = []
EXPORT_HOOKS: list = []
# The free-text fields of a stakeholder, consent or disclosure snapshot that erasure blanks in
# the audit log (names and e-mails are found wherever they occur).
PERSONAL_FIELDS = frozenset({"name", "email", "role_title", "accessibility_needs", "notes", "disclosure_text", "description"})


def register_erasure_hook(fn):
    ERASURE_HOOKS.append(fn)
    return fn


def register_export_hook(fn):
    """``fn(stakeholder) -> (section_name, jsonable)``, added to the personal-data export."""
    EXPORT_HOOKS.append(fn)
    return fn


# Apps that act on what a person allowed (telemetry in programs, ...). Each takes the
# withdrawn consent, inside the withdrawal's transaction.
WITHDRAWAL_HOOKS: list = []


def register_withdrawal_hook(fn):
    WITHDRAWAL_HOOKS.append(fn)
    return fn


@transaction.atomic
def erase_stakeholder(*, actor, stakeholder: Stakeholder, reason: str = "") -> Stakeholder:
    """Anonymise a person: name, e-mail and free text go; the row, counts and links stay.

    Consents are withdrawn (so nobody contacts them again) and disclosure texts blanked.
    Other apps' free text about the person is anonymised through ERASURE_HOOKS.
    """
    workspace = stakeholder.workspace
    permissions.require(actor, workspace, "stakeholders.erase")
    if stakeholder.is_erased:
        raise HeardError("conflict", "This stakeholder was already erased.")
    now = timezone.now()
    # What the audit log must forget: known before the fields are blanked below.
    personal = [stakeholder.name, stakeholder.email, stakeholder.role_title]
    own_rows = [stakeholder, *stakeholder.consents.all(), *stakeholder.disclosures.all()]
    # Hooks run first, while name and e-mail are still known, so they can find them in free text.
    changed = {hook.__module__: hook(stakeholder) for hook in ERASURE_HOOKS}
    stakeholder.name = f"{ERASED_NAME} #{stakeholder.pk}"
    stakeholder.email = ""
    stakeholder.role_title = ""
    stakeholder.accessibility_needs = ""
    stakeholder.notes = ""
    stakeholder.erased_at = now
    stakeholder.save()
    stakeholder.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    stakeholder.consents.update(disclosure_text="(erased)")
    stakeholder.disclosures.update(description="(erased)")
    # Earlier events (stakeholder.created, consent.granted, what the hooks audited) held the
    # name and e-mail in their snapshots: redact them, so the log and an export forget too.
    changed["audit"] = audit.redact_person(workspace=workspace, texts=personal, targets=own_rows, fields=PERSONAL_FIELDS)
    # The audit row keeps no personal data: only that an erasure happened, and why.
    audit.record(actor=actor, workspace=workspace, verb="stakeholder.erased", target=stakeholder, after={"reason": reason, "erased_at": now, "other_records": changed})
    return stakeholder


# ---------------------------------------------------------------- organisations

def _clean_organisation(workspace: Workspace, data: dict, instance: Organisation | None = None) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if "name" in data or instance is None:
        name = str(data.get("name") or "").strip()
        if not name:
            errors["name"] = "Name is required."
        else:
            if taken_by_another(workspace.organisations.filter(name__iexact=name), instance):
                errors["name"] = f"An organisation called “{name}” already exists."
            cleaned["name"] = name
    if "segment" in data:
        ref = data.get("segment")
        if ref in (None, ""):
            cleaned["segment"] = None
        else:
            segment = find_segment(workspace, ref)
            if segment is None:
                errors["segment"] = f"Unknown segment “{ref}”."
            cleaned["segment"] = segment
    for field in ("size_tier", "region", "notes"):
        if field in data:
            cleaned[field] = str(data.get(field) or "").strip()
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


def _create(actor, workspace: Workspace, model, clean, data: dict, verb: str):
    """An organisation or a segment of the map: ``clean(workspace, data)`` checks the input."""
    permissions.require(actor, workspace, "stakeholders.edit")
    made = model.objects.create(workspace=workspace, **clean(workspace, data))
    audit.record(actor=actor, workspace=workspace, verb=f"{verb}.created", target=made, after=audit.snapshot(made))
    return made


def _update(actor, target, clean, data: dict, verb: str):
    workspace = target.workspace
    permissions.require(actor, workspace, "stakeholders.edit")
    audit.save_changes(actor=actor, workspace=workspace, target=target, changes=clean(workspace, data, target), verb=f"{verb}.updated")
    return target


def _delete(actor, target, verb: str) -> None:
    permissions.require(actor, target.workspace, "stakeholders.edit")
    audit.delete_with_event(actor=actor, workspace=target.workspace, target=target, verb=f"{verb}.deleted")


def _crud(model, clean, verb: str):
    """``create_<verb>(*, actor, workspace, data)``, ``update_<verb>(*, actor, <verb>, data)``
    and ``delete_<verb>(*, actor, <verb>)`` of a plain part of the map, each atomic."""

    @transaction.atomic
    def create(*, actor, workspace: Workspace, data: dict):
        return _create(actor, workspace, model, clean, data, verb)

    @transaction.atomic
    def update(*, actor, data: dict, **target):
        return _update(actor, target.pop(verb), clean, data, verb)

    @transaction.atomic
    def delete(*, actor, **target) -> None:
        _delete(actor, target.pop(verb), verb)

    for fn, name in ((create, "create"), (update, "update"), (delete, "delete")):
        fn.__name__ = fn.__qualname__ = f"{name}_{verb}"
    return create, update, delete


create_organisation, update_organisation, delete_organisation = _crud(Organisation, _clean_organisation, "organisation")


# ---------------------------------------------------------------- segments

def _clean_segment(workspace: Workspace, data: dict, instance: Segment | None = None) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if "name" in data or instance is None:
        name = str(data.get("name") or "").strip()
        if not name:
            errors["name"] = "Name is required."
        cleaned["name"] = name
    if "slug" in data or instance is None:
        slug = slugify(str(data.get("slug") or "").strip() or cleaned.get("name", ""))
        if not slug:
            errors.setdefault("slug", "Give the segment a name or slug with letters or digits.")
        else:
            if taken_by_another(workspace.segments.filter(slug=slug), instance):
                errors["slug"] = f"A segment with the slug “{slug}” already exists."
        cleaned["slug"] = slug
    if "target_share" in data:
        raw = data.get("target_share")
        if raw in (None, ""):
            cleaned["target_share"] = None
        else:
            try:
                share = Decimal(str(raw).strip().rstrip("%"))
            except InvalidOperation:
                errors["target_share"] = f"Target share must be a percentage from 0 to 100, not “{raw}”."
            else:
                if not Decimal(0) <= share <= Decimal(100):
                    errors["target_share"] = f"Target share must be from 0 to 100 percent, not {share}."
                cleaned["target_share"] = share
    if "description" in data:
        cleaned["description"] = str(data.get("description") or "").strip()
    if "is_edge_case" in data:
        cleaned["is_edge_case"] = bool(data.get("is_edge_case"))
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


create_segment, update_segment, delete_segment = _crud(Segment, _clean_segment, "segment")


# ---------------------------------------------------------------- consents and disclosures

def _purpose_value(raw: Any) -> str:
    text = str(raw or "").strip().lower()
    if text not in ConsentPurpose.values:
        raise HeardError("invalid", f"Unknown purpose “{raw}”; choose one of: {', '.join(ConsentPurpose.values)}.", "purpose")
    return text


@transaction.atomic
def grant_consent(*, actor, stakeholder: Stakeholder, purpose: str, disclosure_text: str, granted_at=None) -> Consent:
    """Record that the person agreed to ``purpose`` after seeing ``disclosure_text``.

    Granting again while a consent for that purpose is active is a conflict.
    """
    workspace = stakeholder.workspace
    permissions.require(actor, workspace, "stakeholders.edit")
    errors = {}
    try:
        purpose = _purpose_value(purpose)
    except HeardError as exc:
        errors["purpose"] = exc.message
    disclosure_text = str(disclosure_text or "").strip()
    if not disclosure_text:
        errors["disclosure_text"] = "Record the disclosure text the person saw when they agreed."
    if errors:
        raise HeardValidationErrors(errors)
    if stakeholder.is_erased:
        raise HeardError("conflict", "An erased stakeholder cannot give consent.")
    if stakeholder.consents.filter(purpose=purpose, withdrawn_at__isnull=True).exists():
        raise HeardError("conflict", f"{stakeholder} already has an active {purpose} consent; withdraw it first to record a new one.", "purpose")
    consent = Consent.objects.create(stakeholder=stakeholder, purpose=purpose, disclosure_text=disclosure_text, granted_at=granted_at or timezone.now())
    audit.record(actor=actor, workspace=workspace, verb="consent.granted", target=consent, after=audit.snapshot(consent))
    return consent


@transaction.atomic
def withdraw_consent(*, actor, consent: Consent, withdrawn_at=None) -> Consent:
    workspace = consent.stakeholder.workspace
    permissions.require(actor, workspace, "stakeholders.edit")
    if consent.withdrawn_at is not None:
        raise HeardError("conflict", "This consent was already withdrawn.")
    before = audit.snapshot(consent)
    consent.withdrawn_at = withdrawn_at or timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    audit.record(actor=actor, workspace=workspace, verb="consent.withdrawn", target=consent, before=before, after=audit.snapshot(consent))
    for hook in WITHDRAWAL_HOOKS:
        hook(consent)
    return consent


@transaction.atomic
def delete_consent(*, actor, consent: Consent) -> None:
    """Remove a consent recorded by mistake. Withdrawal (which keeps the history) is the usual path."""
    workspace = consent.stakeholder.workspace
    permissions.require(actor, workspace, "stakeholders.edit")
    audit.delete_with_event(actor=actor, workspace=workspace, target=consent, verb="consent.deleted")


@transaction.atomic
def add_disclosure(*, actor, stakeholder: Stakeholder, kind: str, description: str, ends_at=None) -> Disclosure:
    workspace = stakeholder.workspace
    permissions.require(actor, workspace, "stakeholders.edit")
    errors = {}
    kind = str(kind or "").strip().lower()
    if kind not in DisclosureKind.values:
        errors["kind"] = f"Unknown disclosure kind “{kind}”; choose one of: {', '.join(DisclosureKind.values)}."
    description = str(description or "").strip()
    if not description:
        errors["description"] = "Describe the conflict of interest or incentive."
    if errors:
        raise HeardValidationErrors(errors)
    disclosure = Disclosure.objects.create(stakeholder=stakeholder, kind=kind, description=description, ends_at=ends_at)
    audit.record(actor=actor, workspace=workspace, verb="disclosure.added", target=disclosure, after=audit.snapshot(disclosure))
    return disclosure


@transaction.atomic
def remove_disclosure(*, actor, disclosure: Disclosure) -> None:
    workspace = disclosure.stakeholder.workspace
    permissions.require(actor, workspace, "stakeholders.edit")
    audit.delete_with_event(actor=actor, workspace=workspace, target=disclosure, verb="disclosure.removed")
