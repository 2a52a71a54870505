import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from heard.core import permissions
from heard.core.forms import submit
from heard.core.htmx import render_page
from heard.core.importing import ImportReport
from heard.core.pagination import paginate
from heard.core.queries import get_workspace
from heard.core.validation import time_zones

from . import actions, person, queries
from .forms import (
    ConsentForm,
    DisclosureForm,
    EraseForm,
    ImportForm,
    OrganisationForm,
    SegmentForm,
    StakeholderForm,
)
from .models import StakeholderKind


def _filters(request) -> dict:
    return {k: request.GET.get(k, "").strip() for k in ("kind", "segment", "organisation", "q")}


@login_required
def stakeholder_list(request, ws):
    workspace = get_workspace(request.user, ws)
    filters = _filters(request)
    page = paginate(queries.stakeholders(request.user, workspace, **filters), request.GET.get("page"))
    return render_page(request, "stakeholders/list.html", {
        "workspace": workspace, "page": page, "filters": filters, "kinds": StakeholderKind.choices,
        "segments": queries.segments(request.user, workspace), "organisations": queries.organisations(request.user, workspace),
        "can_edit": permissions.can(request.user, workspace, "stakeholders.edit"),
    }, partial="results")


def _stakeholder_form_page(request, workspace, form, stakeholder=None):
    return render(request, "stakeholders/form.html", {"workspace": workspace, "form": form, "stakeholder": stakeholder, "time_zones": sorted(time_zones())})


@login_required
def stakeholder_create(request, ws):
    workspace = get_workspace(request.user, ws, "stakeholders.edit")
    form = StakeholderForm(request.POST if request.method == "POST" else None, workspace=workspace)
    if request.method == "POST":
        stakeholder = submit(form, lambda: actions.create_stakeholder(actor=request.user, workspace=workspace, data=form.action_data()))
        if stakeholder:
            messages.success(request, f"Added {stakeholder.name}.")
            return redirect("stakeholders:detail", ws=ws, pk=stakeholder.pk)
    return _stakeholder_form_page(request, workspace, form)


@login_required
def stakeholder_edit(request, ws, pk):
    workspace = get_workspace(request.user, ws, "stakeholders.edit")
    stakeholder = queries.get_stakeholder(request.user, workspace, pk)
    initial = {
        "name": stakeholder.name, "email": stakeholder.email, "organisation": str(stakeholder.organisation_id or ""),
        "kind": stakeholder.kind, "segments": [s.slug for s in stakeholder.segments.all()], "role_title": stakeholder.role_title,
        "influence": stakeholder.influence, "interest": stakeholder.interest, "time_zone": stakeholder.time_zone,
        "language": stakeholder.language, "accessibility_needs": stakeholder.accessibility_needs, "notes": stakeholder.notes,
    }
    form = StakeholderForm(request.POST if request.method == "POST" else None, workspace=workspace, initial=initial)
    if request.method == "POST":
        if submit(form, lambda: actions.update_stakeholder(actor=request.user, stakeholder=stakeholder, data=form.action_data())):
            messages.success(request, f"Saved {stakeholder.name}.")
            return redirect("stakeholders:detail", ws=ws, pk=stakeholder.pk)
    return _stakeholder_form_page(request, workspace, form, stakeholder)


def _detail_page(request, workspace, stakeholder, *, consent_form=None, disclosure_form=None, status=200):
    """The person's page: facts, everything heard holds on them newest first, consents, disclosures."""
    products = list(workspace.products.active())  # archived products take no new feedback
    return render(request, "stakeholders/detail.html", {
        "workspace": workspace, "stakeholder": stakeholder,
        "consents": stakeholder.consents.all(), "disclosures": stakeholder.disclosures.all(),
        "consent_form": consent_form or ConsentForm(), "disclosure_form": disclosure_form or DisclosureForm(),
        "timeline": person.timeline(request.user, stakeholder, kind=request.GET.get("show", "").strip(), page=request.GET.get("page")),
        "products": products,
        "can_record": permissions.can(request.user, workspace, "feedback.record") and not stakeholder.is_erased and bool(products),
        "can_edit": permissions.can(request.user, workspace, "stakeholders.edit") and not stakeholder.is_erased,
        "can_erase": permissions.can(request.user, workspace, "stakeholders.erase") and not stakeholder.is_erased,
        "can_export": permissions.can(request.user, workspace, "stakeholders.export"),
    }, status=status)


@login_required
def stakeholder_detail(request, ws, pk):
    workspace = get_workspace(request.user, ws)
    return _detail_page(request, workspace, queries.get_stakeholder(request.user, workspace, pk))


@login_required
def stakeholder_export(request, ws, pk):
    workspace = get_workspace(request.user, ws)
    stakeholder = queries.get_stakeholder(request.user, workspace, pk)
    data = queries.export_stakeholder(request.user, stakeholder)
    response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="stakeholder-{stakeholder.pk}.json"'
    return response


@login_required
def stakeholder_erase(request, ws, pk):
    workspace = get_workspace(request.user, ws, "stakeholders.erase")
    stakeholder = queries.get_stakeholder(request.user, workspace, pk)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if submit(form, lambda: actions.erase_stakeholder(actor=request.user, stakeholder=stakeholder, reason=form.cleaned_data["reason"])):
            messages.success(request, "The stakeholder was erased. Their input still counts, without their name.")
            return redirect("stakeholders:detail", ws=ws, pk=stakeholder.pk)
    return render(request, "stakeholders/erase.html", {"workspace": workspace, "stakeholder": stakeholder, "form": form})


@login_required
@require_POST
def consent_add(request, ws, pk):
    workspace = get_workspace(request.user, ws, "stakeholders.edit")
    stakeholder = queries.get_stakeholder(request.user, workspace, pk)
    form = ConsentForm(request.POST)
    if submit(form, lambda: actions.grant_consent(actor=request.user, stakeholder=stakeholder, **form.cleaned_data)):
        messages.success(request, "Consent recorded.")
        return redirect("stakeholders:detail", ws=ws, pk=pk)
    return _detail_page(request, workspace, stakeholder, consent_form=form, status=400)


@login_required
@require_POST
def consent_withdraw(request, ws, pk, consent_pk):
    workspace = get_workspace(request.user, ws, "stakeholders.edit")
    consent = queries.get_consent(request.user, workspace, consent_pk)
    if consent.stakeholder_id != pk:
        from heard.core.errors import not_found

        raise not_found("Consent")
    actions.withdraw_consent(actor=request.user, consent=consent)
    messages.success(request, f"{consent.get_purpose_display()} consent withdrawn.")
    return redirect("stakeholders:detail", ws=ws, pk=pk)


@login_required
@require_POST
def disclosure_add(request, ws, pk):
    workspace = get_workspace(request.user, ws, "stakeholders.edit")
    stakeholder = queries.get_stakeholder(request.user, workspace, pk)
    form = DisclosureForm(request.POST)
    if submit(form, lambda: actions.add_disclosure(actor=request.user, stakeholder=stakeholder, **form.cleaned_data)):
        messages.success(request, "Disclosure recorded.")
        return redirect("stakeholders:detail", ws=ws, pk=pk)
    return _detail_page(request, workspace, stakeholder, disclosure_form=form, status=400)


GRID_SIZE = 5
CELL = 80
MARGIN = 60


@login_required
def grid(request, ws):
    workspace = get_workspace(request.user, ws)
    filters = _filters(request)
    data = queries.influence_grid(request.user, workspace, **filters)
    cells = []
    for (influence, interest), people in sorted(data["cells"].items()):
        cells.append({
            "influence": influence, "interest": interest, "people": people, "count": len(people),
            # interest on x (left→right), influence on y (bottom→top)
            "cx": MARGIN + (interest - 0.5) * CELL, "cy": MARGIN + (GRID_SIZE - influence + 0.5) * CELL,
            "r": min(CELL / 2 - 4, 10 + 4 * len(people)),
        })
    axis = [{"value": i, "x": MARGIN + (i - 0.5) * CELL, "y": MARGIN + (GRID_SIZE - i + 0.5) * CELL} for i in range(1, GRID_SIZE + 1)]
    return render(request, "stakeholders/grid.html", {
        "workspace": workspace, "data": data, "cells": cells, "axis": axis, "filters": filters,
        "size": MARGIN * 2 + CELL * GRID_SIZE, "plot": CELL * GRID_SIZE, "margin": MARGIN, "mid": MARGIN + CELL * GRID_SIZE / 2,
        "half": MARGIN + CELL * 2, "kinds": StakeholderKind.choices, "segments": queries.segments(request.user, workspace),
        "organisations": queries.organisations(request.user, workspace),
    })


@login_required
def unheard(request, ws):
    workspace = get_workspace(request.user, ws)
    try:
        days = max(1, min(3650, int(request.GET.get("days", 90))))
    except ValueError:
        days = 90
    kind = request.GET.get("kind", "").strip()
    segment = request.GET.get("segment", "").strip()
    data = queries.not_heard_from(request.user, workspace, days=days, kind=kind, segment=segment)
    return render(request, "stakeholders/unheard.html", {
        "workspace": workspace, "data": data, "days": days, "kind": kind, "segment": segment,
        "kinds": StakeholderKind.choices, "segments": queries.segments(request.user, workspace),
    })


@login_required
def import_csv(request, ws):
    from .importers import import_upload

    workspace = get_workspace(request.user, ws, "stakeholders.import")
    form = ImportForm(*((request.POST, request.FILES) if request.method == "POST" else (None,)))
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_upload(actor=request.user, workspace=workspace, upload=form.cleaned_data["file"])
        except UnicodeDecodeError:
            form.add_error("file", "The file is not UTF-8 text; save it as “CSV UTF-8” and try again.")
    return render(request, "stakeholders/import.html", {"workspace": workspace, "form": form, "report": report}, status=400 if (report and report.rejected) else 200)


@login_required
def organisation_list(request, ws):
    workspace = get_workspace(request.user, ws)
    q = request.GET.get("q", "").strip()
    page = paginate(queries.organisations(request.user, workspace, q=q, segment=request.GET.get("segment", "")), request.GET.get("page"))
    return render(request, "stakeholders/organisations.html", {"workspace": workspace, "page": page, "q": q, "can_edit": permissions.can(request.user, workspace, "stakeholders.edit")})


@login_required
def organisation_edit(request, ws, pk=None):
    workspace = get_workspace(request.user, ws, "stakeholders.edit")
    organisation = queries.get_organisation(request.user, workspace, pk) if pk else None
    initial = {}
    if organisation:
        initial = {"name": organisation.name, "segment": organisation.segment.slug if organisation.segment else "", "size_tier": organisation.size_tier, "region": organisation.region, "notes": organisation.notes}
    form = OrganisationForm(request.POST if request.method == "POST" else None, workspace=workspace, initial=initial)
    if request.method == "POST":
        if organisation:
            done = submit(form, lambda: actions.update_organisation(actor=request.user, organisation=organisation, data=form.cleaned_data))
        else:
            done = submit(form, lambda: actions.create_organisation(actor=request.user, workspace=workspace, data=form.cleaned_data))
        if done:
            messages.success(request, f"Saved {done.name}.")
            return redirect("stakeholders:organisations", ws=ws)
    return render(request, "stakeholders/simple_form.html", {"workspace": workspace, "form": form, "title": f"Edit {organisation.name}" if organisation else "New organisation", "back": reverse("stakeholders:organisations", kwargs={"ws": ws})})


@login_required
def segment_list(request, ws):
    workspace = get_workspace(request.user, ws)
    return render(request, "stakeholders/segments.html", {"workspace": workspace, "segments": queries.segments(request.user, workspace), "can_edit": permissions.can(request.user, workspace, "stakeholders.edit")})


@login_required
def segment_edit(request, ws, pk=None):
    workspace = get_workspace(request.user, ws, "stakeholders.edit")
    segment = queries.get_segment(request.user, workspace, pk) if pk else None
    initial = {}
    if segment:
        initial = {"name": segment.name, "slug": segment.slug, "description": segment.description, "target_share": segment.target_share if segment.target_share is not None else "", "is_edge_case": segment.is_edge_case}
    form = SegmentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if segment:
            done = submit(form, lambda: actions.update_segment(actor=request.user, segment=segment, data=form.cleaned_data))
        else:
            done = submit(form, lambda: actions.create_segment(actor=request.user, workspace=workspace, data=form.cleaned_data))
        if done:
            messages.success(request, f"Saved {done.name}.")
            return redirect("stakeholders:segments", ws=ws)
    return render(request, "stakeholders/simple_form.html", {"workspace": workspace, "form": form, "title": f"Edit {segment.name}" if segment else "New segment", "back": reverse("stakeholders:segments", kwargs={"ws": ws})})
