"""Every change to programs: the program, its cohorts and participants, thresholds (locked
at the start, then changed only with a reason), telemetry, and the confirmed go / no-go.

Each function is atomic, checks the actor's role, writes one audit event and raises
HeardError (with the field at fault) for bad input. Views, the API, the CLI, importers, the
demo and tests all call these.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import transaction
from django.utils import timezone

from heard.core import audit, permissions
from heard.core.errors import HeardError, HeardValidationErrors
from heard.core.importing import ImportReport
from heard.core.models import Product
from heard.core.products import require_active
from heard.core.validation import (
    as_id,
    check_choice,
    check_date,
    check_length,
    check_required,
    collect,
    unknown_fields,
)

from .models import (
    Cohort,
    Comparison,
    Direction,
    Participant,
    Program,
    ProgramKind,
    ProgramOutcome,
    ProgramStatus,
    Recommendation,
    Statistic,
    TelemetryRecord,
    Threshold,
    ThresholdChange,
)

PROGRAM_FIELDS = ("name", "kind", "description", "starts_on", "ends_on", "who_may_pause", "how_to_leave", "backlog_items")
COHORT_FIELDS = ("name", "segments", "rollout_share", "is_control")
THRESHOLD_FIELDS = ("name", "metric", "statistic", "direction", "limit", "comparison", "baseline_starts_on",
                    "baseline_ends_on", "minimum_sample", "is_guardrail")
MAX_API_BATCH = 10_000


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _flag(raw: Any) -> bool:
    if isinstance(raw, str):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return bool(raw)


def _ids(raw: Any) -> list:
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        return [part for part in raw.replace(";", ",").split(",") if part.strip()]
    if isinstance(raw, list | tuple | set):
        return list(raw)
    return [raw]


def _workspace(program: Program):
    return program.product.workspace


# ---------------------------------------------------------------- programs

def _backlog_items(product: Product, raw: Any) -> list:
    from heard.backlog.models import BacklogItem

    items = []
    for ref in _ids(raw):
        text = str(getattr(ref, "pk", ref)).strip()
        qs = BacklogItem.objects.filter(product=product)
        found = qs.filter(external_key__iexact=text).first() or (qs.filter(pk=as_id(text)).first() if as_id(text) else None)
        if found is None:
            raise HeardError("invalid", f"No backlog item “{text[:40]}” in {product.name}.", "backlog_items")
        items.append(found)
    return items


def clean_program(product: Product, data: dict, *, instance: Program | None = None) -> dict:
    errors = unknown_fields(data, PROGRAM_FIELDS)
    cleaned: dict[str, Any] = {}
    if "name" in data or instance is None:
        collect(errors, cleaned, "name", lambda: check_required(data.get("name"), "name", "Name", 200))
        name = cleaned.get("name")
        if name and product.programs.filter(name__iexact=name).exclude(pk=getattr(instance, "pk", None)).exists():
            errors["name"] = f"{product.name} already has a program “{name}”."
    if "kind" in data or instance is None:
        collect(errors, cleaned, "kind", lambda: check_choice(data.get("kind") or ProgramKind.PILOT, ProgramKind, "kind", "kind of program"))
    for field, label, limit in (("description", "Description", 5000), ("who_may_pause", "Who may pause", 2000), ("how_to_leave", "How participants leave", 2000)):
        if field in data:
            collect(errors, cleaned, field, lambda f=field, lab=label, lim=limit: check_length(data.get(f), f, lab, lim))
    for field in ("starts_on", "ends_on"):
        if field in data or instance is None:
            collect(errors, cleaned, field, lambda f=field: check_date(data.get(f), f))
    starts = cleaned.get("starts_on", getattr(instance, "starts_on", None))
    ends = cleaned.get("ends_on", getattr(instance, "ends_on", None))
    if starts and ends and ends < starts and "starts_on" not in errors and "ends_on" not in errors:
        errors["ends_on"] = "The program must end on or after its first day."
    if "backlog_items" in data:
        collect(errors, cleaned, "backlog_items", lambda: _backlog_items(product, data.get("backlog_items")))
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


def _program_snapshot(program: Program) -> dict:
    data = audit.snapshot(program)
    data["backlog_items"] = sorted(program.backlog_items.values_list("pk", flat=True)) if program.pk else []
    return data


@transaction.atomic
def create_program(*, actor, product: Product, data: dict) -> Program:
    """Create a program in draft: cohorts and thresholds are added next, then it starts."""
    permissions.require(actor, product.workspace, "programs.edit")
    require_active(product)
    cleaned = clean_program(product, data)
    items = cleaned.pop("backlog_items", [])
    program = Program.objects.create(product=product, created_by=_user(actor), **cleaned)
    program.backlog_items.set(items)
    audit.record(actor=actor, workspace=product.workspace, verb="program.created", target=program, after=_program_snapshot(program))
    return program


@transaction.atomic
def update_program(*, actor, program: Program, data: dict) -> Program:
    """Edit the program's description, dates, safeguards and items (thresholds are separate)."""
    permissions.require(actor, _workspace(program), "programs.edit")
    if program.status == ProgramStatus.ENDED:
        raise HeardError("conflict", "The program has ended; its record stays as it was.", "status")
    cleaned = clean_program(program.product, data, instance=program)
    before = _program_snapshot(program)
    items = cleaned.pop("backlog_items", None)
    for field, value in cleaned.items():
        setattr(program, field, value)
    program.save()
    if items is not None:
        program.backlog_items.set(items)
    after = _program_snapshot(program)
    if after != before:
        audit.record(actor=actor, workspace=_workspace(program), verb="program.updated", target=program, before=before, after=after)
    return program


@transaction.atomic
def start_program(*, actor, program: Program) -> Program:
    """Start a draft program: its thresholds are locked from now on."""
    permissions.require(actor, _workspace(program), "programs.edit")
    if program.status != ProgramStatus.DRAFT:
        raise HeardError("conflict", f"The program is {program.get_status_display().lower()}, not a draft.", "status")
    errors = {}
    if not program.thresholds.exists():
        errors["thresholds"] = "Register at least one threshold before the start: what success means, and what must not get worse."
    if not program.cohorts.filter(is_control=False).exists():
        errors["cohorts"] = "Add at least one cohort that gets the change."
    needs_control = program.thresholds.filter(comparison=Comparison.CONTROL).exists()
    if needs_control and not program.cohorts.filter(is_control=True).exists():
        errors["cohorts"] = "A threshold compares against the control cohort: add one."
    if errors:
        raise HeardValidationErrors(errors)
    program.status = ProgramStatus.RUNNING
    program.started_at = timezone.now()
    program.started_by = _user(actor)
    program.save(update_fields=["status", "started_at", "started_by"])
    audit.record(actor=actor, workspace=_workspace(program), verb="program.started", target=program,
                 after={"status": program.status, "thresholds": [audit.snapshot(t) for t in program.thresholds.all()]})
    return program


@transaction.atomic
def end_program(*, actor, program: Program) -> Program:
    permissions.require(actor, _workspace(program), "programs.edit")
    if program.status != ProgramStatus.RUNNING:
        raise HeardError("conflict", "Only a running program can end.", "status")
    program.status = ProgramStatus.ENDED
    program.ended_at = timezone.now()
    program.save(update_fields=["status", "ended_at"])
    audit.record(actor=actor, workspace=_workspace(program), verb="program.ended", target=program, after={"status": program.status})
    return program


@transaction.atomic
def delete_program(*, actor, program: Program) -> None:
    permissions.require(actor, _workspace(program), "programs.edit")
    if program.status != ProgramStatus.DRAFT:
        raise HeardError("conflict", "Only a draft program can be deleted; a started one is part of the record.", "status")
    audit.delete_with_event(actor=actor, workspace=_workspace(program), target=program, verb="program.deleted")


# ---------------------------------------------------------------- cohorts and participants

def _segments(workspace, raw: Any) -> list:
    from heard.stakeholders.models import Segment

    found = []
    for ref in _ids(raw):
        text = str(getattr(ref, "pk", ref)).strip()
        qs = Segment.objects.filter(workspace=workspace)
        segment = qs.filter(slug=text).first() or (qs.filter(pk=as_id(text)).first() if as_id(text) else None)
        if segment is None:
            raise HeardError("invalid", f"No segment “{text[:40]}” in this workspace.", "segments")
        found.append(segment)
    return found


def _share(raw: Any) -> float:
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(str(raw).strip().rstrip("%") or "0")
    except (InvalidOperation, ValueError):
        raise HeardError("invalid", "Rollout share must be a number of percent from 0 to 100.", "rollout_share") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise HeardError("invalid", "Rollout share must be from 0 to 100 percent.", "rollout_share")
    return value.quantize(Decimal("0.01"))


def clean_cohort(program: Program, data: dict, *, instance: Cohort | None = None) -> dict:
    errors = unknown_fields(data, COHORT_FIELDS)
    cleaned: dict[str, Any] = {}
    if "name" in data or instance is None:
        collect(errors, cleaned, "name", lambda: check_required(data.get("name"), "name", "Name", 120))
        name = cleaned.get("name")
        if name and program.cohorts.filter(name__iexact=name).exclude(pk=getattr(instance, "pk", None)).exists():
            errors["name"] = f"The program already has a cohort “{name}”."
    if "rollout_share" in data:
        collect(errors, cleaned, "rollout_share", lambda: _share(data.get("rollout_share")))
    if "is_control" in data:
        cleaned["is_control"] = _flag(data.get("is_control"))
        if cleaned["is_control"] and program.cohorts.filter(is_control=True).exclude(pk=getattr(instance, "pk", None)).exists():
            errors["is_control"] = "The program already has a control cohort."
    if "segments" in data:
        collect(errors, cleaned, "segments", lambda: _segments(_workspace(program), data.get("segments")))
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


def _unless_ended(program: Program) -> None:
    if program.status == ProgramStatus.ENDED:
        raise HeardError("conflict", "The program has ended; its cohorts stay as they were.", "status")


@transaction.atomic
def add_cohort(*, actor, program: Program, data: dict) -> Cohort:
    permissions.require(actor, _workspace(program), "programs.edit")
    _unless_ended(program)
    cleaned = clean_cohort(program, data)
    segments = cleaned.pop("segments", [])
    cohort = Cohort.objects.create(program=program, **cleaned)
    cohort.segments.set(segments)
    audit.record(actor=actor, workspace=_workspace(program), verb="program.cohort_added", target=cohort, after=audit.snapshot(cohort))
    return cohort


@transaction.atomic
def update_cohort(*, actor, cohort: Cohort, data: dict) -> Cohort:
    program = cohort.program
    permissions.require(actor, _workspace(program), "programs.edit")
    _unless_ended(program)
    if program.status != ProgramStatus.DRAFT and "is_control" in data and _flag(data["is_control"]) != cohort.is_control:
        raise HeardError("conflict", "Which cohort is the control is fixed once the program started.", "is_control")
    cleaned = clean_cohort(program, data, instance=cohort)
    segments = cleaned.pop("segments", None)
    before = audit.snapshot(cohort)
    for field, value in cleaned.items():
        setattr(cohort, field, value)
    cohort.save()
    if segments is not None:
        cohort.segments.set(segments)
    audit.record(actor=actor, workspace=_workspace(program), verb="program.cohort_updated", target=cohort, before=before, after=audit.snapshot(cohort))
    return cohort


@transaction.atomic
def remove_cohort(*, actor, cohort: Cohort) -> None:
    program = cohort.program
    permissions.require(actor, _workspace(program), "programs.edit")
    if program.status != ProgramStatus.DRAFT:
        raise HeardError("conflict", "A started program keeps its cohorts (their telemetry is its evidence).", "status")
    audit.delete_with_event(actor=actor, workspace=_workspace(program), target=cohort, verb="program.cohort_removed")


@transaction.atomic
def add_participant(*, actor, cohort: Cohort, stakeholder: Any) -> Participant:
    """Name a stakeholder in a cohort. They must hold telemetry consent."""
    from heard.stakeholders.queries import has_active_consent, stakeholder_by_ref

    program = cohort.program
    workspace = _workspace(program)
    permissions.require(actor, workspace, "programs.edit")
    _unless_ended(program)
    person = stakeholder_by_ref(workspace, stakeholder, "stakeholder")
    if not has_active_consent(person, "telemetry"):
        raise HeardError("invalid", f"{person.name} has not consented to telemetry; record their consent first (stakeholder page, Consents).", "stakeholder")
    existing = program.participants.filter(stakeholder=person).select_related("cohort").first()
    if existing is not None:
        if existing.left_at is None:
            raise HeardError("invalid", f"{person.name} already takes part, in the cohort “{existing.cohort.name}”.", "stakeholder")
        before = audit.snapshot(existing)
        existing.cohort, existing.left_at, existing.joined_at = cohort, None, timezone.now()
        existing.save(update_fields=["cohort", "left_at", "joined_at"])
        audit.record(actor=actor, workspace=workspace, verb="program.participant_rejoined", target=existing, before=before, after=audit.snapshot(existing))
        return existing
    participant = Participant.objects.create(program=program, cohort=cohort, stakeholder=person)
    audit.record(actor=actor, workspace=workspace, verb="program.participant_added", target=participant, after=audit.snapshot(participant))
    return participant


@transaction.atomic
def leave_program(*, actor, participant: Participant) -> Participant:
    """A participant leaves (they asked, or withdrew consent): telemetry from them is no
    longer accepted; what came before stays."""
    workspace = _workspace(participant.program)
    permissions.require(actor, workspace, "programs.edit")
    if participant.left_at is not None:
        raise HeardError("conflict", f"{participant.stakeholder.name} already left.", "participant")
    participant.left_at = timezone.now()
    participant.save(update_fields=["left_at"])
    audit.record(actor=actor, workspace=workspace, verb="program.participant_left", target=participant, after={"left_at": participant.left_at})
    return participant


# ---------------------------------------------------------------- thresholds

def _limit(raw: Any) -> float:
    try:
        value = float(str(raw).strip().rstrip("%"))
    except (TypeError, ValueError):
        raise HeardError("invalid", "Limit must be a number, e.g. 80 (percent) or 2000 (ms).", "limit") from None
    if not math.isfinite(value) or abs(value) > 1e15:
        raise HeardError("invalid", "Limit must be a finite number.", "limit")
    return value


def _minimum(raw: Any) -> int:
    text = str(raw if raw is not None else "").strip()
    if not text.isascii() or not text.isdecimal() or not 1 <= int(text) <= 1_000_000_000:
        raise HeardError("invalid", "Minimum sample must be a whole number from 1 to 1 000 000 000.", "minimum_sample")
    return int(text)


def clean_threshold(program: Program, data: dict, *, instance: Threshold | None = None) -> dict:
    errors = unknown_fields(data, THRESHOLD_FIELDS)
    cleaned: dict[str, Any] = {}
    new = instance is None
    if "name" in data or new:
        collect(errors, cleaned, "name", lambda: check_required(data.get("name"), "name", "Name", 200))
        name = cleaned.get("name")
        if name and program.thresholds.filter(name__iexact=name).exclude(pk=getattr(instance, "pk", None)).exists():
            errors["name"] = f"The program already has a threshold “{name}”."
    if "metric" in data or new:
        def _metric():
            from .telemetry import METRIC

            text = check_required(data.get("metric"), "metric", "Metric", 60)
            if not METRIC.match(text):
                raise HeardError("invalid", "Metric: letters, digits and _ . : - only, as it is named in the telemetry.", "metric")
            return text
        collect(errors, cleaned, "metric", _metric)
    for field, choices, label, default in (
        ("statistic", Statistic, "statistic", Statistic.RATE), ("direction", Direction, "direction", Direction.AT_LEAST),
        ("comparison", Comparison, "comparison", Comparison.ABSOLUTE),
    ):
        if field in data or new:
            collect(errors, cleaned, field, lambda f=field, c=choices, lab=label, d=default: check_choice(data.get(f) or d, c, f, lab))
    if "limit" in data or new:
        collect(errors, cleaned, "limit", lambda: _limit(data.get("limit")))
    if "minimum_sample" in data or new:
        collect(errors, cleaned, "minimum_sample", lambda: _minimum(data.get("minimum_sample") if data.get("minimum_sample") not in (None, "") else 100))
    if "is_guardrail" in data:
        cleaned["is_guardrail"] = _flag(data.get("is_guardrail"))
    for field in ("baseline_starts_on", "baseline_ends_on"):
        if field in data:
            collect(errors, cleaned, field, lambda f=field: check_date(data.get(f), f) if data.get(f) not in (None, "") else None)
    comparison = cleaned.get("comparison", getattr(instance, "comparison", Comparison.ABSOLUTE))
    if comparison == Comparison.BASELINE:
        b_start = cleaned.get("baseline_starts_on", getattr(instance, "baseline_starts_on", None))
        b_end = cleaned.get("baseline_ends_on", getattr(instance, "baseline_ends_on", None))
        if not b_start and "baseline_starts_on" not in errors:
            errors["baseline_starts_on"] = "A comparison against a baseline needs the baseline period's first day."
        if not b_end and "baseline_ends_on" not in errors:
            errors["baseline_ends_on"] = "A comparison against a baseline needs the baseline period's last day."
        if b_start and b_end and b_end < b_start:
            errors["baseline_ends_on"] = "The baseline period must end on or after its first day."
        if b_end and b_end >= program.starts_on and "baseline_ends_on" not in errors:
            errors["baseline_ends_on"] = f"The baseline period must end before the program starts ({program.starts_on:%Y-%m-%d})."
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


@transaction.atomic
def add_threshold(*, actor, program: Program, data: dict) -> Threshold:
    """Register a threshold or guardrail; only before the start."""
    permissions.require(actor, _workspace(program), "programs.edit")
    if program.thresholds_locked:
        raise HeardError("conflict", "Thresholds are registered before the start; the program is running, so they are locked.", "status")
    threshold = Threshold.objects.create(program=program, **clean_threshold(program, data))
    audit.record(actor=actor, workspace=_workspace(program), verb="program.threshold_added", target=threshold, after=audit.snapshot(threshold))
    return threshold


@transaction.atomic
def update_threshold(*, actor, threshold: Threshold, data: dict, reason: str = "") -> Threshold:
    """Edit a threshold. Before the start it is a plain edit; after the start it needs a
    ``reason`` and is kept as a ThresholdChange (who, when, why, before and after)."""
    program = threshold.program
    workspace = _workspace(program)
    permissions.require(actor, workspace, "programs.edit")
    if program.status == ProgramStatus.ENDED:
        raise HeardError("conflict", "The program has ended; its thresholds stay as they were judged.", "status")
    locked = program.thresholds_locked
    reason = str(reason or "").strip()
    if locked and not reason:
        raise HeardError("invalid", "The program has started, so its thresholds are locked: say why this one changes (it is shown as a change after the start).", "reason")
    check_length(reason, "reason", "Reason", 2000)
    cleaned = clean_threshold(program, data, instance=threshold)
    fields = list(THRESHOLD_FIELDS)
    before = audit.snapshot(threshold, fields)
    for field, value in cleaned.items():
        setattr(threshold, field, value)
    after = audit.snapshot(threshold, fields)
    if after == before:
        return threshold
    threshold.save()
    if locked:
        ThresholdChange.objects.create(
            threshold=threshold, changed_by=_user(actor), changed_by_label=getattr(_user(actor), "email", "system"),
            reason=reason, before=before, after=after,
        )
    verb = "program.threshold_changed_after_start" if locked else "program.threshold_updated"
    audit.record(actor=actor, workspace=workspace, verb=verb, target=threshold, before=before, after={**after, **({"reason": reason} if locked else {})})
    return threshold


@transaction.atomic
def remove_threshold(*, actor, threshold: Threshold) -> None:
    program = threshold.program
    permissions.require(actor, _workspace(program), "programs.edit")
    if program.thresholds_locked:
        raise HeardError("conflict", "A started program keeps its thresholds; change one with a reason instead.", "status")
    audit.delete_with_event(actor=actor, workspace=_workspace(program), target=threshold, verb="program.threshold_removed")


# ---------------------------------------------------------------- telemetry

def _may_receive(program: Program) -> None:
    if program.status == ProgramStatus.DRAFT:
        raise HeardError("conflict", "Start the program before sending telemetry: thresholds must be locked first.", "program")


def import_telemetry(*, actor, program: Program, path: str, fmt: str | None = None, mapping: dict | None = None,
                     show_progress: bool = False, stream=None, rows_per_commit: int = 100_000) -> ImportReport:
    """Import a CSV or NDJSON file of events or daily aggregates. Streams. Run on its own
    (the command line) it commits every ``rows_per_commit`` rows, so an interrupted import
    keeps what it wrote and a re-run adds only the rest; inside a transaction (a request, a
    test) it is part of that one. One audit event for the whole file."""
    from itertools import islice

    from heard.core.importing import progress

    from . import telemetry

    permissions.require(actor, _workspace(program), "programs.telemetry")
    _may_receive(program)
    telemetry.format_of(path, fmt)
    report = ImportReport(kind="telemetry")
    rows = iter(progress(telemetry.file_rows(path, fmt, mapping), desc="telemetry", stream=stream, enabled=show_progress))
    if transaction.get_connection().in_atomic_block:
        telemetry.ingest(program, rows, report)
    else:
        while True:
            with transaction.atomic():
                consumed = telemetry.ingest(program, islice(rows, rows_per_commit), report)
            if consumed < rows_per_commit:
                break
    with transaction.atomic():
        _audit_ingest(actor, program, report, source=path)
    return report


@transaction.atomic
def record_telemetry(*, actor, program: Program, records: list) -> ImportReport:
    """A batch of telemetry rows sent to the API (at most MAX_API_BATCH); problems name
    the row by its position (1 = first)."""
    from . import telemetry

    permissions.require(actor, _workspace(program), "programs.telemetry")
    _may_receive(program)
    if not isinstance(records, list):
        raise HeardError("invalid", "records must be a list of telemetry rows.", "records")
    if len(records) > MAX_API_BATCH:
        raise HeardError("invalid", f"At most {MAX_API_BATCH:,} records per request; send the rest in another.", "records")
    report = ImportReport(kind="telemetry")
    rows = ((i, r if isinstance(r, dict) else None) for i, r in enumerate(records, start=1))
    telemetry.ingest(program, rows, report)
    _audit_ingest(actor, program, report, source="api")
    return report


def _audit_ingest(actor, program: Program, report: ImportReport, source: str) -> None:
    audit.record(actor=actor, workspace=_workspace(program), verb="program.telemetry_received", target=program,
                 after={"source": str(source)[-200:], "created": report.created, "unchanged": report.unchanged, "rejected": report.rejected})


# ---------------------------------------------------------------- go / no-go

def _decision_for(actor, program: Program, decision: Any):
    from heard.decisions import actions as decision_actions
    from heard.decisions.models import Decision

    if decision in (None, ""):
        created = decision_actions.create_decision(actor=actor, product=program.product, data={
            "question": f"Roll out {program.name} to everyone?"[:300],
            "context": f"The {program.get_kind_display().lower()} “{program.name}” ran from {program.starts_on:%d %B %Y} to {program.ends_on:%d %B %Y}.",
        })
        # The two answers a go / no-go is about, so the decision can be decided as it stands.
        for title in ("Roll out to everyone", "Do not roll out now"):
            decision_actions.add_option(actor=actor, decision=created, data={"title": title})
        return created
    found = Decision.objects.filter(product=program.product, pk=as_id(getattr(decision, "pk", decision))).first() if as_id(getattr(decision, "pk", decision)) else None
    if found is None:
        raise HeardError("invalid", f"No decision #{str(decision)[:20]} in {program.product.name}.", "decision")
    return found


@transaction.atomic
def confirm_outcome(*, actor, program: Program, recommendation: str, message: str = "", decision: Any = None) -> ProgramOutcome:
    """A person confirms (or overrides) the go / no-go heard suggests from the verdicts.

    The outcome keeps the verdicts as they were, becomes evidence on ``decision`` (an id of
    the product's open decisions, or a new decision when none is given) and is told to the
    participants in their next closure note.
    """
    from heard.decisions import actions as decision_actions
    from heard.decisions.models import EvidenceKind

    from . import queries

    workspace = _workspace(program)
    permissions.require(actor, workspace, "programs.conclude")
    if program.status == ProgramStatus.DRAFT:
        raise HeardError("conflict", "A draft program has no results yet; start it and collect telemetry first.", "status")
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    collect(errors, cleaned, "recommendation", lambda: check_choice(recommendation, Recommendation, "recommendation", "recommendation"))
    collect(errors, cleaned, "message", lambda: check_length(message, "message", "Message to participants", 2000))
    if errors:
        raise HeardValidationErrors(errors)
    results = queries.judge(actor, program)
    target = _decision_for(actor, program, decision)
    if not target.is_open:
        raise HeardError("invalid", "That decision is already decided; choose an open one or leave it empty for a new one.", "decision")
    outcome = ProgramOutcome.objects.create(
        program=program, suggested=results.suggestion, recommendation=cleaned["recommendation"],
        verdicts=[v.as_dict() for v in results.verdicts], met=results.met, judged=len(results.verdicts),
        message=cleaned["message"], decision=target, confirmed_by=_user(actor),
    )
    label = Recommendation(outcome.recommendation).label
    note = f"{label}. {results.met} of {len(results.verdicts)} thresholds met" + (
        f"; heard suggested {Recommendation(results.suggestion).label.lower()}." if results.suggestion != outcome.recommendation else "."
    )
    decision_actions.add_evidence(actor=actor, decision=target, kind=EvidenceKind.PROGRAM, ref=outcome, note=note)
    audit.record(actor=actor, workspace=workspace, verb="program.outcome_confirmed", target=program, after=audit.snapshot(outcome))
    return outcome


# ---------------------------------------------------------------- hooks

def participant_lines(stakeholder, cycle) -> list[str]:
    """Closure-note lines for a stakeholder who took part in a program of the cycle's
    product whose outcome was confirmed during the cycle."""
    from heard.closure.actions import _window

    start, end = _window(cycle)
    outcomes = (
        ProgramOutcome.objects.filter(program__product=cycle.product, program__participants__stakeholder=stakeholder,
                                      confirmed_at__gte=start, confirmed_at__lt=end)
        .select_related("program").order_by("program_id", "-confirmed_at", "-id")
    )
    lines, seen = [], set()
    for outcome in outcomes:
        if outcome.program_id in seen:
            continue
        seen.add(outcome.program_id)
        kind = outcome.program.get_kind_display().lower()
        text = f"The {kind} you took part in ({outcome.program.name}) met {outcome.met} of {outcome.judged} thresholds"
        text += {"go": "; we will roll it out.", "no_go": "; we will not roll it out as it is.", "extend": "; we keep it running to learn more."}[outcome.recommendation]
        if outcome.message:
            text += " " + outcome.message
        lines.append(text)
    return lines


def participants_in(cycle) -> list:
    """Stakeholders to write to in a cycle because a program they took part in concluded in it."""
    from heard.closure.actions import _window
    from heard.stakeholders.models import Stakeholder

    start, end = _window(cycle)
    return list(Stakeholder.objects.filter(
        program_participations__program__product=cycle.product,
        program_participations__program__outcomes__confirmed_at__gte=start,
        program_participations__program__outcomes__confirmed_at__lt=end,
    ).distinct())


def _erase_person(stakeholder) -> int:
    # Telemetry holds no free text; the participation row goes, the numbers stay with the cohort.
    ids = list(Participant.objects.filter(stakeholder=stakeholder).values_list("pk", flat=True))
    TelemetryRecord.objects.filter(participant_id__in=ids).update(participant=None)
    return Participant.objects.filter(pk__in=ids).delete()[0]


def _export_person(stakeholder):
    return "programs", [
        {"program": p.program.name, "cohort": p.cohort.name, "joined_at": p.joined_at.isoformat(),
         "left_at": p.left_at.isoformat() if p.left_at else None}
        for p in Participant.objects.filter(stakeholder=stakeholder).select_related("program", "cohort")
    ]


def _telemetry_consent_withdrawn(consent) -> None:
    """Withdrawn telemetry consent keeps the person out of telemetry from then on: each
    program they take part in counts them as having left at that moment (later rows from them
    are refused; what came before stays)."""
    if consent.purpose != "telemetry":
        return
    for participant in Participant.objects.filter(stakeholder=consent.stakeholder, left_at__isnull=True).select_related("program"):
        participant.left_at = consent.withdrawn_at
        participant.save(update_fields=["left_at"])
        audit.record(actor=None, workspace=_workspace(participant.program), verb="program.participant_left", target=participant,
                     after={"left_at": participant.left_at, "reason": "telemetry consent withdrawn"})


def register_hooks() -> None:
    from heard.closure import drafting
    from heard.stakeholders.actions import (
        register_erasure_hook,
        register_export_hook,
        register_withdrawal_hook,
    )

    register_withdrawal_hook(_telemetry_consent_withdrawn)
    register_erasure_hook(_erase_person)
    register_export_hook(_export_person)
    drafting.register_contributor("programs", participant_lines, participants_in)
