"""Program pages: the list, one program (cohorts, participants, thresholds, verdicts with
their intervals, telemetry, go / no-go), and the forms that change them. Thin: every rule
is in actions.py, every read in queries.py."""

from __future__ import annotations

import os
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from heard.core import permissions
from heard.core.errors import HeardError
from heard.core.forms import apply_heard_error, submit
from heard.core.queries import get_product, get_workspace
from heard.portal.auth import portal_login_required

from . import actions, queries
from .forms import (
    CohortForm,
    OutcomeForm,
    ParticipantForm,
    ProgramForm,
    TelemetryImportForm,
    ThresholdForm,
)
from .models import ProgramStatus


def _scope(request, ws, product, pk=None):
    workspace = get_workspace(request.user, ws)
    product = get_product(request.user, workspace, product)
    program = queries.get_program(request.user, product, pk) if pk is not None else None
    return workspace, product, program


def _back(program):
    return redirect("programs:detail", ws=program.product.workspace.slug, product=program.product.slug, pk=program.pk)


def _people(workspace, program):
    from heard.stakeholders.models import Stakeholder

    taking_part = program.participants.filter(left_at__isnull=True).values("stakeholder_id")
    return (Stakeholder.objects.filter(workspace=workspace, erased_at__isnull=True, consents__purpose="telemetry", consents__withdrawn_at__isnull=True)
            .exclude(pk__in=taking_part).distinct().order_by("name", "pk"))


def _open_decisions(product):
    from heard.decisions.models import OPEN_STATUSES

    return product.decisions.filter(status__in=OPEN_STATUSES).order_by("-created_at")[:50]


def _program_initial(program) -> dict:
    return {
        "name": program.name, "kind": program.kind, "description": program.description,
        "starts_on": program.starts_on.isoformat(), "ends_on": program.ends_on.isoformat(),
        "who_may_pause": program.who_may_pause, "how_to_leave": program.how_to_leave,
        "backlog_items": ", ".join(i.external_key or str(i.pk) for i in program.backlog_items.all()),
    }


def _detail(request, workspace, product, program, status=200, **forms):
    cohorts = queries.cohorts(program)
    results = queries.judge(request.user, program)
    can_edit = permissions.can(request.user, workspace, "programs.edit")
    forms.setdefault("cohort_form", CohortForm(segments=workspace.segments.all()))
    forms.setdefault("participant_form", ParticipantForm(cohorts=cohorts, people=_people(workspace, program)))
    forms.setdefault("threshold_form", ThresholdForm())
    forms.setdefault("telemetry_form", TelemetryImportForm())
    forms.setdefault("outcome_form", OutcomeForm(initial={"recommendation": results.suggestion}, decisions=_open_decisions(product)))
    return render(request, "programs/detail.html", {
        "workspace": workspace, "product": product, "program": program, "cohorts": cohorts,
        "participants": list(queries.participants(program)), "thresholds": queries.thresholds(program),
        "results": results, "counts": results.counts(), "telemetry": queries.telemetry_counts(program),
        "outcomes": list(queries.outcomes(program)),
        **dict(zip(("program_feedback", "feedback_total"), queries.participants_feedback(program), strict=True)),
        "can_edit": can_edit and program.status != ProgramStatus.ENDED,
        "can_send": permissions.can(request.user, workspace, "programs.telemetry") and program.status != ProgramStatus.DRAFT,
        "can_conclude": permissions.can(request.user, workspace, "programs.conclude") and program.status != ProgramStatus.DRAFT,
        **forms,
    }, status=status)


@login_required
def program_list(request, ws, product):
    workspace, product, _ = _scope(request, ws, product)
    status = request.GET.get("status", "")
    status = status if status in ProgramStatus.values else ""
    return render(request, "programs/list.html", {
        "workspace": workspace, "product": product, "programs": queries.programs(request.user, product, status=status),
        "status": status, "statuses": ProgramStatus.choices,
        "can_edit": permissions.can(request.user, workspace, "programs.edit"),
    })


@login_required
def program_create(request, ws, product):
    workspace, product, _ = _scope(request, ws, product)
    permissions.require(request.user, workspace, "programs.edit")
    form = ProgramForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        program = submit(form, lambda: actions.create_program(actor=request.user, product=product, data=form.cleaned_data))
        if program is not None:
            messages.success(request, "Program created. Add its cohorts and register its thresholds, then start it.")
            return _back(program)
    return render(request, "programs/form.html", {"workspace": workspace, "product": product, "form": form, "program": None},
                  status=400 if form.is_bound else 200)


@login_required
def program_edit(request, ws, product, pk):
    workspace, product, program = _scope(request, ws, product, pk)
    permissions.require(request.user, workspace, "programs.edit")
    form = ProgramForm(request.POST if request.method == "POST" else None, initial=_program_initial(program))
    if request.method == "POST":
        saved = submit(form, lambda: actions.update_program(actor=request.user, program=program, data=form.cleaned_data))
        if saved is not None:
            messages.success(request, "Program saved.")
            return _back(saved)
    return render(request, "programs/form.html", {"workspace": workspace, "product": product, "form": form, "program": program},
                  status=400 if form.is_bound else 200)


@login_required
def program_detail(request, ws, product, pk):
    workspace, product, program = _scope(request, ws, product, pk)
    return _detail(request, workspace, product, program)


def _post_form(request, ws, product, pk, form_name, make_form, do, done):
    workspace, product, program = _scope(request, ws, product, pk)
    form = make_form(workspace, program)
    if submit(form, lambda: do(program, form)) is not None:
        messages.success(request, done)
        return _back(program)
    return _detail(request, workspace, product, program, status=400, **{form_name: form})


@login_required
@require_POST
def cohort_add(request, ws, product, pk):
    return _post_form(
        request, ws, product, pk, "cohort_form",
        lambda w, p: CohortForm(request.POST, segments=w.segments.all()),
        lambda p, f: actions.add_cohort(actor=request.user, program=p, data=f.cleaned_data),
        "Cohort added.",
    )


@login_required
@require_POST
def participant_add(request, ws, product, pk):
    def do(program, form):
        cohort = queries.get_cohort(request.user, program, form.cleaned_data["cohort"])
        return actions.add_participant(actor=request.user, cohort=cohort, stakeholder=form.cleaned_data["stakeholder"])

    return _post_form(
        request, ws, product, pk, "participant_form",
        lambda w, p: ParticipantForm(request.POST, cohorts=p.cohorts.all(), people=_people(w, p)),
        do, "Participant added.",
    )


@login_required
@require_POST
def participant_leave(request, ws, product, pk, participant_pk):
    workspace, product, program = _scope(request, ws, product, pk)
    participant = queries.get_participant(request.user, program, participant_pk)
    actions.leave_program(actor=request.user, participant=participant)
    messages.success(request, f"{participant.stakeholder.name} left the program; their telemetry until today stays.")
    return _back(program)


@login_required
@require_POST
def threshold_add(request, ws, product, pk):
    return _post_form(
        request, ws, product, pk, "threshold_form",
        lambda w, p: ThresholdForm(request.POST),
        lambda p, f: actions.add_threshold(actor=request.user, program=p, data=f.cleaned_data),
        "Threshold registered.",
    )


@login_required
def threshold_edit(request, ws, product, pk, threshold_pk):
    workspace, product, program = _scope(request, ws, product, pk)
    permissions.require(request.user, workspace, "programs.edit")
    threshold = queries.get_threshold(request.user, program, threshold_pk)
    locked = program.thresholds_locked
    initial = {f: getattr(threshold, f) for f in actions.THRESHOLD_FIELDS}
    for f in ("baseline_starts_on", "baseline_ends_on"):
        initial[f] = initial[f].isoformat() if initial[f] else ""
    initial["limit"] = f"{threshold.limit:g}"
    form = ThresholdForm(request.POST if request.method == "POST" else None, initial=initial, locked=locked)
    if request.method == "POST":
        def do():
            data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            return actions.update_threshold(actor=request.user, threshold=threshold, data=data, reason=form.cleaned_data.get("reason", ""))

        if submit(form, do) is not None:
            messages.success(request, "Threshold changed." + (" The change is shown as made after the start." if locked else ""))
            return _back(program)
    return render(request, "programs/threshold_form.html", {
        "workspace": workspace, "product": product, "program": program, "threshold": threshold, "form": form, "locked": locked,
    }, status=400 if form.is_bound else 200)


@login_required
@require_POST
def program_start(request, ws, product, pk):
    workspace, product, program = _scope(request, ws, product, pk)
    try:
        actions.start_program(actor=request.user, program=program)
    except HeardError as exc:
        if exc.code in ("forbidden", "not_found"):
            raise
        messages.error(request, " ".join(getattr(exc, "errors", {}).values()) or exc.message)
        return _back(program)
    messages.success(request, "The program is running: its thresholds are locked.")
    return _back(program)


@login_required
@require_POST
def program_end(request, ws, product, pk):
    workspace, product, program = _scope(request, ws, product, pk)
    try:
        actions.end_program(actor=request.user, program=program)
    except HeardError as exc:
        if exc.code in ("forbidden", "not_found"):
            raise
        messages.error(request, exc.message)
        return _back(program)
    messages.success(request, "The program has ended.")
    return _back(program)


@login_required
@require_POST
def telemetry_import(request, ws, product, pk):
    workspace, product, program = _scope(request, ws, product, pk)
    form = TelemetryImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = "".join(os.path.splitext(upload.name.lower())[1:])[:10] or ".csv"
        handle, path = tempfile.mkstemp(suffix=suffix)
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            report = actions.import_telemetry(actor=request.user, program=program, path=path)
        except HeardError as exc:
            if exc.code in ("forbidden", "not_found"):
                raise
            apply_heard_error(form, HeardError(exc.code, exc.message, "file"))
        else:
            messages.success(request, " ".join(report.summary_lines()))
            for problem in report.problems[:20]:
                messages.warning(request, problem.describe())
            return _back(program)
        finally:
            os.unlink(path)
    return _detail(request, workspace, product, program, status=400, telemetry_form=form)


@login_required
@require_POST
def outcome_confirm(request, ws, product, pk):
    workspace, product, program = _scope(request, ws, product, pk)
    form = OutcomeForm(request.POST, decisions=_open_decisions(product))
    outcome = submit(form, lambda: actions.confirm_outcome(
        actor=request.user, program=program, recommendation=form.cleaned_data["recommendation"],
        message=form.cleaned_data["message"], decision=form.cleaned_data["decision"] or None,
    ))
    if outcome is not None:
        messages.success(request, f"Confirmed: {outcome.get_recommendation_display()}. It is evidence on the decision “{outcome.decision}”.")
        return _back(program)
    return _detail(request, workspace, product, program, status=400, outcome_form=form)


# ---------------------------------------------------------------- the portal

@portal_login_required
def portal_feedback(request, pk):
    """A participant tells the team about the beta or pilot: feedback with the program as its
    context, shown on the program's page."""
    from heard.portal import actions as portal_actions
    from heard.portal.forms import ProgramFeedbackForm

    person = request.stakeholder
    participation = queries.my_program(person, pk)
    program = participation.program
    form = ProgramFeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        item = submit(form, lambda: portal_actions.give_feedback(
            stakeholder=person, product=program.product, program=program,
            text=form.cleaned_data["text"], job=form.cleaned_data["job"]))
        if item:
            messages.success(request, f"Thank you. The team running {program.name} will consider it and you can follow it here.")
            return redirect("portal:feedback", pk=item.pk)
    return render(request, "programs/portal_feedback.html", {"form": form, "program": program, "cohort": participation.cohort},
                  status=400 if form.errors else 200)
