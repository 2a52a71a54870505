"""Team pages for closing the loop: cycles, note review and sending, enablement notes, and
what the product shares in the portal. Thin: actions and queries do the work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from heard.core import permissions
from heard.core.forms import submit
from heard.core.queries import get_product, get_workspace

from . import actions, queries
from .forms import CycleForm, EnablementForm, FigureForm, NoteForm
from .models import NoteStatus


def _product(request, ws, product, capability="workspace.view"):
    workspace = get_workspace(request.user, ws, capability)
    return workspace, get_product(request.user, workspace, product)


def _skipped_text(pairs) -> str:
    return "; ".join(f"{who.name}: {why}" for who, why in pairs)


@login_required
def cycle_list(request, ws, product):
    workspace, product_obj = _product(request, ws, product)
    can_send = permissions.can(request.user, workspace, "closure.send")
    form = CycleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        permissions.require(request.user, workspace, "closure.send")
        cycle = submit(form, lambda: actions.create_cycle(actor=request.user, product=product_obj, data=form.cleaned_data))
        if cycle:
            messages.success(request, f"Cycle {cycle.name} opened.")
            return redirect("closure:cycle", ws=ws, product=product, pk=cycle.pk)
    return render(request, "closure/list.html", {
        "workspace": workspace, "product": product_obj, "cycles": queries.cycles(request.user, product_obj),
        "form": form, "can_send": can_send,
    })


@login_required
def cycle_detail(request, ws, product, pk):
    workspace, product_obj = _product(request, ws, product)
    cycle = queries.get_cycle(request.user, product_obj, pk)
    notes = list(queries.notes(request.user, cycle))
    return render(request, "closure/cycle.html", {
        "workspace": workspace, "product": product_obj, "cycle": cycle, "notes": notes,
        "skipped": [n for n in notes if n.status == NoteStatus.SKIPPED],
        "counts": {s: sum(1 for n in notes if n.status == s) for s in NoteStatus.values},
        "can_send": permissions.can(request.user, workspace, "closure.send"),
        "target": actions.plain_language.TARGET_SCORE,
    })


@login_required
@require_POST
def cycle_close(request, ws, product, pk):
    workspace, product_obj = _product(request, ws, product, "workspace.view")
    cycle = queries.get_cycle(request.user, product_obj, pk)
    report = actions.close_cycle(actor=request.user, cycle=cycle)
    messages.success(request, f"Cycle {cycle.name} closed: {report.summary()}.")
    if report.skipped:
        messages.warning(request, "Not drafted: " + _skipped_text(report.skipped))
    return redirect("closure:cycle", ws=ws, product=product, pk=cycle.pk)


@login_required
@require_POST
def cycle_send(request, ws, product, pk):
    workspace, product_obj = _product(request, ws, product)
    cycle = queries.get_cycle(request.user, product_obj, pk)
    report = actions.send_notes(actor=request.user, cycle=cycle)
    messages.success(request, f"{report.summary()}.")
    if report.skipped:
        messages.warning(request, "Not e-mailed: " + _skipped_text((n.stakeholder, r) for n, r in report.skipped))
    return redirect("closure:cycle", ws=ws, product=product, pk=cycle.pk)


@login_required
def note_review(request, ws, product, pk):
    workspace, product_obj = _product(request, ws, product)
    note = queries.get_note(request.user, workspace, pk)
    if note.cycle.product_id != product_obj.pk:
        from heard.core.errors import not_found

        raise not_found("Closure note")
    form = NoteForm(request.POST if request.method == "POST" else None, initial={"subject": note.subject, "body": note.body})
    if request.method == "POST":
        reviewed = request.POST.get("reviewed") == "1"
        saved = submit(form, lambda: actions.review_note(actor=request.user, note=note, subject=form.cleaned_data["subject"],
                                                         body=form.cleaned_data["body"], reviewed=reviewed))
        if saved:
            messages.success(request, f"Note for {note.stakeholder.name} " + ("marked reviewed." if reviewed else "saved."))
            return redirect("closure:note", ws=ws, product=product, pk=note.pk)
    from heard.core.plain_language import check

    return render(request, "closure/note.html", {
        "workspace": workspace, "product": product_obj, "note": note, "cycle": note.cycle, "form": form,
        "replies": queries.note_replies(request.user, note),
        "check": check(form.data.get("body", note.body) if form.is_bound else note.body, workspace),
        "contact_problem": actions.reason_not_to_email(note.stakeholder),
        "can_send": permissions.can(request.user, workspace, "closure.send"),
        "editable": note.status in (NoteStatus.DRAFT, NoteStatus.REVIEWED),
    })


@login_required
def enablement_list(request, ws, product):
    workspace, product_obj = _product(request, ws, product)
    items = list(queries.released_items(request.user, product_obj))
    form = EnablementForm(request.POST if request.method == "POST" else None, items=items)
    if request.method == "POST":
        def do():
            item = next((i for i in items if str(i.pk) == form.cleaned_data["backlog_item"]), None)
            return actions.create_enablement_note(actor=request.user, backlog_item=item, data=form.cleaned_data)

        permissions.require(request.user, workspace, "closure.send")
        note = submit(form, do)
        if note:
            messages.success(request, f"Added “{note.title}”.")
            return redirect("closure:enablement_detail", ws=ws, product=product, pk=note.pk)
    return render(request, "closure/enablement_list.html", {
        "workspace": workspace, "product": product_obj, "notes": queries.enablement_notes(request.user, product_obj),
        "form": form, "items": items, "can_send": permissions.can(request.user, workspace, "closure.send"),
    })


@login_required
def enablement_detail(request, ws, product, pk):
    workspace, product_obj = _product(request, ws, product)
    note = queries.get_enablement_note(request.user, product_obj, pk)
    delivered = {d.stakeholder_id: d for d in note.deliveries.select_related("stakeholder")}
    recipients = [(p, delivered.get(p.pk), actions.reason_not_to_email(p)) for p in actions.shaped_by(note.backlog_item)]
    return render(request, "closure/enablement_detail.html", {
        "workspace": workspace, "product": product_obj, "note": note, "recipients": recipients,
        "can_send": permissions.can(request.user, workspace, "closure.send"),
    })


@login_required
@require_POST
def enablement_send(request, ws, product, pk):
    workspace, product_obj = _product(request, ws, product)
    note = queries.get_enablement_note(request.user, product_obj, pk)
    report = actions.send_enablement_note(actor=request.user, note=note)
    messages.success(request, f"{len(report.sent)} e-mailed, {len(report.skipped)} not e-mailed.")
    if report.skipped:
        messages.warning(request, "Not e-mailed: " + _skipped_text(report.skipped))
    return redirect("closure:enablement_detail", ws=ws, product=product, pk=note.pk)


@login_required
def sharing(request, ws, product):
    workspace, product_obj = _product(request, ws, product)
    form = FigureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        permissions.require(request.user, workspace, "closure.send")
        if submit(form, lambda: actions.save_figure(actor=request.user, product=product_obj, data=form.cleaned_data)):
            messages.success(request, "Figure shared.")
            return redirect("closure:sharing", ws=ws, product=product)
    return render(request, "closure/sharing.html", {
        "workspace": workspace, "product": product_obj, "items": queries.goal_candidates(request.user, product_obj),
        "figures": queries.figures(request.user, product_obj), "form": form,
        "can_send": permissions.can(request.user, workspace, "closure.send"),
    })


@login_required
@require_POST
def goal_toggle(request, ws, product):
    from heard.backlog.queries import get_item

    workspace, product_obj = _product(request, ws, product)
    item = get_item(request.user, product_obj, request.POST.get("item"))
    shared = request.POST.get("shared") == "1"
    actions.set_goal_shared(actor=request.user, backlog_item=item, shared=shared)
    messages.success(request, f"“{item.title}” is {'now shared' if shared else 'no longer shared'} in the portal.")
    return redirect("closure:sharing", ws=ws, product=product)


@login_required
@require_POST
def figure_delete(request, ws, product, pk):
    workspace, product_obj = _product(request, ws, product)
    figure = queries.get_figure(request.user, product_obj, pk)
    actions.delete_figure(actor=request.user, figure=figure)
    messages.success(request, "Figure removed from the portal.")
    return redirect("closure:sharing", ws=ws, product=product)
