"""The first owner's first login: a wizard through the steps of ``steps.STEPS``.

Each step reuses the form and action of the page where the thing lives (products, the
engagement model, the stakeholder import, the members page); each can be skipped, and the
last one (or "Finish") marks the workspace set up so the wizard is not offered again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from heard.core import actions, queries
from heard.core.forms import MemberForm, ProductForm, WorkspaceNameForm, submit
from heard.sessions import actions as session_actions
from heard.sessions.forms import EngagementForm
from heard.stakeholders.forms import ImportForm
from heard.stakeholders.importers import import_upload

from .queries import done_so_far, first_product
from .steps import STEP_SLUGS, STEPS, home_of, next_step


def _forward(request, workspace, step: str):
    following = next_step(step)
    if following is None:
        actions.finish_setup(actor=request.user, workspace=workspace)
        messages.success(request, f"{workspace.name} is set up. Everything you added is on the pages linked below; this page is your workspace's home.")
        return redirect("workspace", ws=workspace.slug)
    return redirect("firstrun:step", ws=workspace.slug, step=following)


@login_required
def start(request, ws):
    queries.get_workspace(request.user, ws, "workspace.manage")
    return redirect("firstrun:step", ws=ws, step=STEP_SLUGS[0])


@login_required
def step(request, ws, step):
    workspace = queries.get_workspace(request.user, ws, "workspace.manage")
    if step not in STEP_SLUGS:
        raise Http404("No such setup step.")
    if request.method == "POST" and "skip" in request.POST:
        return _forward(request, workspace, step)
    handler = {"workspace": _workspace_step, "product": _product_step, "engagement": _engagement_step,
               "stakeholders": _stakeholders_step, "members": _members_step}[step]
    return handler(request, workspace)


def _page(request, workspace, step: str, context: dict, status: int = 200):
    current = next(s for s in STEPS if s.slug == step)
    return render(request, "firstrun/step.html", {
        "workspace": workspace, "steps": STEPS, "current": current, "number": STEP_SLUGS.index(step) + 1,
        "total": len(STEPS), "is_last": next_step(step) is None, "done_so_far": done_so_far(request.user, workspace),
        "lives_at_url": home_of(step, workspace, first_product(workspace)), **context,
    }, status=status)


def _bound(request):
    return request.POST if request.method == "POST" else None


def _workspace_step(request, workspace):
    form = WorkspaceNameForm(_bound(request), initial={"name": workspace.name})
    if request.method == "POST":
        if submit(form, lambda: actions.rename_workspace(actor=request.user, workspace=workspace, name=form.cleaned_data["name"])):
            messages.success(request, f"The workspace is called {workspace.name}.")
            return _forward(request, workspace, "workspace")
        return _page(request, workspace, "workspace", {"form": form}, status=400)
    return _page(request, workspace, "workspace", {"form": form})


def _product_step(request, workspace):
    form = ProductForm(_bound(request))
    if request.method == "POST":
        product = submit(form, lambda: actions.create_product(actor=request.user, workspace=workspace, **form.cleaned_data))
        if product is not None:
            messages.success(request, f"Added the product {product.name}; it is listed on the products page.")
            return _forward(request, workspace, "product")
        return _page(request, workspace, "product", {"form": form}, status=400)
    return _page(request, workspace, "product", {"form": form, "existing": first_product(workspace)})


def _engagement_step(request, workspace):
    product = first_product(workspace)
    if product is None:
        return _page(request, workspace, "engagement", {"form": None})
    model = session_actions.engagement_for(product)
    initial = {
        "pre_read_lead_days": model.pre_read_lead_days, "default_confidentiality": model.default_confidentiality,
        "input_consideration_days": model.input_consideration_days, "invitations_per_quarter": model.invitations_per_quarter,
        **{f"cadence_{k}": v for k, v in model.cadence.items()},
    }
    form = EngagementForm(_bound(request), initial=initial)
    if request.method == "POST":
        if submit(form, lambda: session_actions.update_engagement_model(actor=request.user, product=product, data=form.action_data())):
            messages.success(request, f"Saved the engagement model of {product.name}.")
            return _forward(request, workspace, "engagement")
        return _page(request, workspace, "engagement", {"form": form, "product": product}, status=400)
    return _page(request, workspace, "engagement", {"form": form, "product": product})


def _stakeholders_step(request, workspace):
    form = ImportForm(*((request.POST, request.FILES) if request.method == "POST" else (None,)))
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_upload(actor=request.user, workspace=workspace, upload=form.cleaned_data["file"])
        except UnicodeDecodeError:
            form.add_error("file", "The file is not UTF-8 text; save it as “CSV UTF-8” and try again.")
        if report is not None and not report.rejected:
            messages.success(request, " ".join(report.summary_lines()))
            return _forward(request, workspace, "stakeholders")
    status = 400 if (report and report.rejected) or form.errors else 200
    return _page(request, workspace, "stakeholders", {"form": form, "report": report}, status=status)


def _members_step(request, workspace):
    form = MemberForm(_bound(request))
    if request.method == "POST":
        membership = submit(form, lambda: actions.invite_member(actor=request.user, workspace=workspace, **form.cleaned_data))
        if membership is not None:
            messages.success(request, f"Invited {membership.user.email} as {membership.get_role_display()}; they were e-mailed. Invite someone else, or finish.")
            return redirect("firstrun:step", ws=workspace.slug, step="members")
        return _page(request, workspace, "members", {"form": form}, status=400)
    return _page(request, workspace, "members", {"form": form})
