"""Demo pages for the team: the product's demos, one demo with its criteria, scenarios and
verdicts, the scenario of one demonstrated criterion, and signing off a backlog item.
Thin: every change goes through ``actions``, every read through ``queries``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from heard.core import permissions
from heard.core.errors import HeardError, not_found
from heard.core.forms import submit
from heard.core.queries import get_product, get_workspace
from heard.portal.auth import portal_login_required

from . import actions, queries
from .forms import DemonstrationForm, ScenarioFields, SignOffForm, VerdictForm
from .models import DEMO_CHANNELS, FEEDBACK_VERDICTS


def _scope(request, ws, product, capability="workspace.view"):
    workspace = get_workspace(request.user, ws, capability)
    return workspace, get_product(request.user, workspace, product)


def _demo_url(ws, product, pk) -> str:
    return reverse("demos:detail", kwargs={"ws": ws, "product": product, "pk": pk})


@login_required
def demo_list(request, ws, product):
    workspace, product_obj = _scope(request, ws, product)
    q = request.GET.get("q", "").strip()
    return render(request, "demos/list.html", {
        "workspace": workspace, "product": product_obj, "sessions": list(queries.demo_sessions(request.user, product_obj, q=q)[:200]), "q": q,
    })


def _items_for_planning(product):
    return list(product.backlog_items.filter(criteria__isnull=False).distinct().prefetch_related("criteria").order_by("external_key", "title")[:300])


def _verdict_forms(session, board, people, bound=None):
    for block in board["items"]:
        for row in block.rows:
            d = row.demonstration
            if bound is not None and bound.prefix == f"v{d.pk}":
                row.form = bound
            else:
                row.form = VerdictForm(prefix=f"v{d.pk}", people=people)


def _detail(request, workspace, product, session, *, status=200, demonstration_form=None, verdict_form=None, sign_off_form=None, sign_off_item=None):
    board = queries.board(request.user, session)
    can_plan = permissions.can(request.user, workspace, "demos.plan")
    can_record = permissions.can(request.user, workspace, "demos.record")
    if can_record:
        _verdict_forms(session, board, board["people"], verdict_form)
        stakeholders = list(workspace.stakeholders.filter(erased_at__isnull=True).order_by("name"))
        for block in board["items"]:
            bound = sign_off_form if sign_off_item == block.item.pk else None
            block.sign_off_form = bound or SignOffForm(prefix=f"s{block.item.pk}", people=stakeholders, sessions=[session], initial={"session": str(session.pk)})
    return render(request, "demos/detail.html", {
        "workspace": workspace, "product": product, "session": session, "board": board,
        "can_plan": can_plan, "can_record": can_record, "is_demo_channel": session.channel in DEMO_CHANNELS,
        "demonstration_form": demonstration_form or (DemonstrationForm(items=_items_for_planning(product)) if can_plan else None),
        "feedback_verdicts": FEEDBACK_VERDICTS,
    }, status=status)


@login_required
def demo_detail(request, ws, product, pk):
    workspace, product_obj = _scope(request, ws, product)
    return _detail(request, workspace, product_obj, queries.get_demo(request.user, product_obj, pk))


@login_required
@require_POST
def demonstration_add(request, ws, product, pk):
    workspace, product_obj = _scope(request, ws, product, "demos.plan")
    session = queries.get_demo(request.user, product_obj, pk)
    form = DemonstrationForm(request.POST, items=_items_for_planning(product_obj))
    added = submit(form, lambda: actions.add_demonstrations(actor=request.user, session=session, **form.action_args()))
    if added:
        messages.success(request, f"{len(added)} acceptance criteri{'on' if len(added) == 1 else 'a'} of “{added[0].criterion.item}” added to the demo.")
        return redirect(_demo_url(ws, product, pk))
    return _detail(request, workspace, product_obj, session, status=400, demonstration_form=form)


@login_required
def demonstration_edit(request, ws, product, pk, demonstration_pk):
    workspace, product_obj = _scope(request, ws, product, "demos.plan")
    session = queries.get_demo(request.user, product_obj, pk)
    demonstration = queries.get_demonstration(request.user, session, demonstration_pk)
    initial = {f: getattr(demonstration, f) for f in actions.SCENARIO_FIELDS}
    form = ScenarioFields(request.POST if request.method == "POST" else None, initial=initial)
    remove_error = ""
    if request.method == "POST":
        if request.POST.get("remove"):
            try:
                actions.remove_demonstration(actor=request.user, demonstration=demonstration)
            except HeardError as exc:
                remove_error = exc.message
                form = ScenarioFields(initial=initial)
            else:
                messages.success(request, "The criterion is no longer on this demo.")
                return redirect(_demo_url(ws, product, pk))
        elif submit(form, lambda: actions.update_demonstration(actor=request.user, demonstration=demonstration, data=form.cleaned_data)):
            messages.success(request, "Scenario saved.")
            return redirect(_demo_url(ws, product, pk))
    return render(request, "demos/demonstration_form.html", {
        "workspace": workspace, "product": product_obj, "session": session, "demonstration": demonstration, "form": form,
        "remove_error": remove_error,
    }, status=400 if form.errors or remove_error else 200)


@login_required
@require_POST
def verdict_add(request, ws, product, pk, demonstration_pk):
    workspace, product_obj = _scope(request, ws, product, "demos.record")
    session = queries.get_demo(request.user, product_obj, pk)
    demonstration = queries.get_demonstration(request.user, session, demonstration_pk)
    form = VerdictForm(request.POST, prefix=f"v{demonstration.pk}", people=queries.stakeholder_participants(session))
    done = submit(form, lambda: actions.record_verdict(actor=request.user, demonstration=demonstration, **form.cleaned_data))
    if done:
        extra = f" Feedback #{done.feedback_id} records the note on the criterion." if done.feedback_id and form.cleaned_data.get("as_feedback") else ""
        messages.success(request, f"{done.stakeholder.name}: {done.get_verdict_display().lower()}.{extra}")
        return redirect(_demo_url(ws, product, pk) + f"#criterion-{demonstration.pk}")
    return _detail(request, workspace, product_obj, session, status=400, verdict_form=form)


@login_required
@require_POST
def verdict_remove(request, ws, product, pk, verdict_pk):
    workspace, product_obj = _scope(request, ws, product, "demos.record")
    session = queries.get_demo(request.user, product_obj, pk)
    verdict = queries.get_verdict(request.user, session, verdict_pk)
    actions.remove_verdict(actor=request.user, verdict=verdict)
    messages.success(request, f"Removed the verdict of {verdict.stakeholder.name}.")
    return redirect(_demo_url(ws, product, pk))


@login_required
def sign_off(request, ws, product, item_pk):
    """Sign-off of a backlog item (the item's and the demo's pages post here; without
    JavaScript, or with an error, this page shows the form)."""
    from heard.backlog.queries import get_item

    workspace, product_obj = _scope(request, ws, product, "demos.record")
    item = get_item(request.user, product_obj, item_pk)
    people = list(workspace.stakeholders.filter(erased_at__isnull=True).order_by("name"))
    sessions = list(queries.demo_sessions_of_item(item))
    prefix = request.POST.get("prefix") or request.GET.get("prefix") or None
    if prefix is not None and prefix != f"s{item.pk}":
        prefix = None
    form = SignOffForm(request.POST if request.method == "POST" else None, prefix=prefix, people=people, sessions=sessions)
    if request.method == "POST":
        done = submit(form, lambda: actions.sign_off(actor=request.user, item=item, **form.cleaned_data))
        if done:
            text = f"{done.stakeholder.name} signed off “{item}”."
            if done.last_minute:
                messages.warning(request, text + " Flagged as a last-minute sign-off: they had not been involved with the item before.")
            else:
                messages.success(request, text)
            back = request.POST.get("next", "")
            if back.startswith("demo:") and back[5:].isdigit():
                return redirect(_demo_url(ws, product, int(back[5:])) + f"#item-{item.pk}")
            return redirect(reverse("backlog:detail", kwargs={"ws": ws, "product": product, "pk": item.pk}) + "#demo-verdicts")
    return render(request, "demos/sign_off.html", {"workspace": workspace, "product": product_obj, "item": item, "form": form,
                                                   "next": request.POST.get("next", "")}, status=400 if form.errors else 200)


# ---------------------------------------------------------------- the portal (the signed-in stakeholder's own verdicts)

def _portal_page(request, session, *, status=200, bound=None, sign_off_bound=None):
    from .forms import PortalSignOffForm

    items = queries.my_board(request.stakeholder, session)
    for entry in items:
        for row in entry["rows"]:
            d, mine = row["demonstration"], row["verdict"]
            prefix = f"v{d.pk}"
            initial = {"verdict": mine.verdict, "note": mine.note} if mine else {}
            row["form"] = bound if bound is not None and bound.prefix == prefix else VerdictForm(prefix=prefix, initial=initial)
        prefix = f"s{entry['item'].pk}"
        entry["sign_off_form"] = sign_off_bound if sign_off_bound is not None and sign_off_bound.prefix == prefix else PortalSignOffForm(prefix=prefix)
    return render(request, "demos/portal_demo.html", {"session": session, "items": items, "brand": session.product,
                                                      "person": request.stakeholder}, status=status)


@portal_login_required
def portal_demo(request, pk):
    return _portal_page(request, queries.get_my_demo(request.stakeholder, pk))


@require_POST
@portal_login_required
def portal_verdict(request, pk, demonstration_pk):
    person = request.stakeholder
    session = queries.get_my_demo(person, pk)
    demonstration = queries.get_my_demonstration(person, demonstration_pk)
    if demonstration.session_id != session.pk:
        raise not_found("Demonstrated criterion")
    form = VerdictForm(request.POST, prefix=f"v{demonstration.pk}")
    done = submit(form, lambda: actions.record_own_verdict(stakeholder=person, demonstration=demonstration, **form.cleaned_data))
    if done:
        sent = " Your note reached the team as feedback on it." if done.feedback_id and form.cleaned_data.get("as_feedback") else ""
        messages.success(request, f"Thank you. Your verdict on “{demonstration.criterion.text[:60]}”: {done.get_verdict_display().lower()}.{sent}")
        return redirect(reverse("demos_portal:demo", kwargs={"pk": session.pk}) + f"#criterion-{demonstration.pk}")
    return _portal_page(request, session, status=400, bound=form)


@require_POST
@portal_login_required
def portal_sign_off(request, pk, item_pk):
    from heard.backlog.models import BacklogItem

    from .forms import PortalSignOffForm

    person = request.stakeholder
    session = queries.get_my_demo(person, pk)
    item = BacklogItem.objects.filter(pk=item_pk, product=session.product).first()
    if item is None:
        raise not_found("Backlog item")
    form = PortalSignOffForm(request.POST, prefix=f"s{item.pk}")
    if submit(form, lambda: actions.sign_off_own(stakeholder=person, session=session, item=item, note=form.cleaned_data["note"])):
        messages.success(request, f"Thank you. You signed off “{item.title}”.")
        return redirect(reverse("demos_portal:demo", kwargs={"pk": session.pk}) + f"#item-{item.pk}")
    return _portal_page(request, session, status=400, sign_off_bound=form)
