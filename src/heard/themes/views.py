"""Theme pages: the list with trends and spikes, a mining run's progress, and one theme
with the fixes people make (rename, merge, split, pin, link, turn into feedback)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from heard.core import permissions
from heard.core.errors import HeardError
from heard.core.forms import apply_heard_error
from heard.core.htmx import render_page
from heard.core.queries import get_product, get_workspace

from . import actions, queries
from .forms import LinkToThemeForm, ThemeLinkForm, ThemeMergeForm, ThemeRenameForm, ThemeSplitForm


def _scope(request, ws, product):
    workspace = get_workspace(request.user, ws, "workspace.view")
    return workspace, get_product(request.user, workspace, product)


@login_required
def theme_list(request, ws, product):
    workspace, product = _scope(request, ws, product)
    status = request.GET.get("status") or "active"
    try:
        rows = queries.theme_rows(request.user, product, status=status, spiking=request.GET.get("spiking") == "1")
    except HeardError:
        status, rows = "active", queries.theme_rows(request.user, product)
    run = queries.latest_run(product)
    return render_page(request, "themes/list.html", {
        "workspace": workspace, "product": product, "rows": rows, "status": status,
        "spiking": request.GET.get("spiking") == "1", "run": run,
        "can_edit": permissions.can(request.user, workspace, "themes.edit"),
        # From the last finished run, not a count over all tickets per page view.
        "unassigned": run.unassigned if run and run.status == "done" else 0,
    }, partial="run")


@login_required
@require_POST
def theme_run_start(request, ws, product):
    workspace, product = _scope(request, ws, product)
    try:
        run = actions.start_theme_run(actor=request.user, product=product)
    except HeardError as exc:
        messages.error(request, exc.message)
        return redirect("themes:list", ws=ws, product=product.slug)
    messages.success(request, "Theme mining started. This page shows its progress.")
    return redirect("themes:run", ws=ws, product=product.slug, run_id=run.pk)


@login_required
def theme_run(request, ws, product, run_id):
    workspace, product = _scope(request, ws, product)
    run = queries.get_run(request.user, workspace, run_id)
    if run.product_id != product.pk:
        raise Http404
    return render_page(request, "themes/run.html", {"workspace": workspace, "product": product, "run": run}, partial="progress")


ACTIONS = ("rename", "pin", "unpin", "merge", "split", "link", "unlink", "feedback")


@login_required
def theme_detail(request, ws, product, pk):
    workspace, product = _scope(request, ws, product)
    theme = queries.get_theme(request.user, workspace, pk, product)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _forms(theme, product, request.POST if action else None, action)
    if action:
        if action not in ACTIONS:
            raise HeardError("invalid", f"Unknown action “{action}”.", "action")
        try:
            done = _apply(request, theme, forms, action)
        except HeardError as exc:
            if exc.code == "forbidden":
                raise
            target = forms.get(action)
            if target is None:
                messages.error(request, exc.message)
            else:
                apply_heard_error(target, exc)
            done = None
        if done is not None:
            messages.success(request, done[0])
            return redirect(done[1])
    context = {
        "workspace": workspace, "product": product, "theme": theme, "forms": forms,
        "tickets": queries.representative_tickets(theme), "weeks": queries.weeks(theme),
        "spark": queries.sparkline(theme, n=26, width=260, height=40), "links": queries.theme_links(theme),
        "can_edit": permissions.can(request.user, workspace, "themes.edit"),
        "can_feedback": permissions.can(request.user, workspace, "feedback.dispose"),
        "parts": theme.split_parts.filter(status="active"), "absorbed": theme.absorbed.all(),
    }
    return render(request, "themes/detail.html", context, status=400 if action else 200)


def _forms(theme, product, data, action):
    from heard.backlog.models import BacklogItem
    from heard.decisions.models import Decision

    def bound(name):
        return data if action == name else None

    return {
        "rename": ThemeRenameForm(bound("rename"), initial={"name": theme.name}, prefix="rename", label_suffix=""),
        "merge": ThemeMergeForm(bound("merge"), candidates=queries.merge_candidates(theme), prefix="merge", label_suffix=""),
        "split": ThemeSplitForm(bound("split"), prefix="split", label_suffix=""),
        "link": ThemeLinkForm(bound("link"), prefix="link", label_suffix="", items=BacklogItem.objects.filter(product=product).order_by("title"),
                              decisions=Decision.objects.filter(product=product).order_by("question")),
    }


def _apply(request, theme, forms, action):
    """Run one action; return (message, url) on success, None when a form shows errors."""
    user = request.user
    here = request.path
    form = forms.get(action)
    if form is not None and not form.is_valid():
        return None
    data = form.cleaned_data if form is not None else {}
    if action == "rename":
        actions.rename_theme(actor=user, theme=theme, name=data["name"])
        return "Renamed; re-runs keep this name.", here
    if action in ("pin", "unpin"):
        actions.set_pinned(actor=user, theme=theme, pinned=action == "pin")
        return ("Pinned: re-runs keep this theme as it is." if action == "pin" else "Unpinned."), here
    if action == "merge":
        merged = actions.merge_themes(actor=user, product=theme.product, themes=[theme.pk, *data["themes"]], name=data["name"])
        return f"Merged into “{merged.name}”.", _theme_url(merged)
    if action == "split":
        parts = actions.split_theme(actor=user, theme=theme, k=data["k"])
        return f"Split into {len(parts)} themes: " + ", ".join(f"“{p.name}”" for p in parts) + ".", here
    if action == "link":
        actions.link_theme(actor=user, theme=theme, backlog_item=data["backlog_item"], decision=data["decision"], weight=data["weight"])
        return "Linked.", here
    if action == "unlink":
        link = theme.links.filter(pk=request.POST.get("link") or 0).first() if str(request.POST.get("link", "")).isdigit() else None
        if link is None:
            raise HeardError("not_found", "Link was not found.")
        actions.unlink_theme(actor=user, link=link)
        return "Link removed.", here
    feedback = actions.turn_into_feedback(actor=user, theme=theme)
    return f"Turned into feedback #{feedback.pk}.", here


def _theme_url(theme):
    from django.urls import reverse

    return reverse("themes:detail", kwargs={"ws": theme.product.workspace.slug, "product": theme.product.slug, "pk": theme.pk})


@login_required
@require_POST
def link_to_theme(request, ws, product):
    """The form under "Support themes linked to it" on a backlog item or a decision: link the
    theme chosen with the picker, then back to that page; a refusal shows next to the field."""
    from heard.core.forms import submit

    workspace = get_workspace(request.user, ws, "themes.edit")
    product = get_product(request.user, workspace, product)
    form = LinkToThemeForm(request.POST)

    def link():
        theme = queries.theme_by_ref(request.user, product, form.cleaned_data["theme"])
        target = {form.cleaned_data["target"]: form.cleaned_data["target_id"]}
        return actions.link_theme(actor=request.user, theme=theme, weight=form.cleaned_data["weight"], **target)

    done = submit(form, link)
    if done:
        messages.success(request, f"Linked the theme “{done.theme.name}”.")
        name = "backlog:detail" if done.backlog_item_id else "decisions:detail"
        return redirect(name, ws=ws, product=product.slug, pk=done.backlog_item_id or done.decision_id)
    return render(request, "themes/link_to.html", {"workspace": workspace, "product": product, "form": form}, status=400)
