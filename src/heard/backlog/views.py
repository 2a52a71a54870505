from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from heard.core import permissions
from heard.core.forms import submit
from heard.core.htmx import render_page
from heard.core.pagination import paginate
from heard.core.products import open_for_new
from heard.core.queries import scope
from heard.themes.forms import link_to_theme_form

from . import actions, queries
from .forms import BacklogItemForm, CriterionForm, FeedbackLinkForm, ImportForm
from .importers import EXPORT_COLUMNS, export_csv, import_backlog, items_for_export
from .models import BacklogStatus


def _list_context(request, workspace, product) -> dict:
    """The backlog as a board by status (default) or, with ?view=list, as a plain paged list."""
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "increment", "q")}
    view = "list" if request.GET.get("view") == "list" else "board"
    context = {
        "workspace": workspace, "product": product, "filters": filters, "statuses": BacklogStatus.choices, "view": view,
        "can_edit": permissions.can(request.user, workspace, "backlog.edit"),
    }
    if view == "board":
        context["columns"] = queries.board(request.user, product, increment=filters["increment"], q=filters["q"])
        context["column_limit"] = queries.BOARD_COLUMN_LIMIT
    else:
        context["page"] = paginate(queries.items(request.user, product, **filters), request.GET.get("page"))
    return context


@login_required
def item_list(request, ws, product):
    workspace, product = scope(request.user, ws, product)
    return render_page(request, "backlog/list.html", _list_context(request, workspace, product), partial="results")


@login_required
@require_POST
def item_move(request, ws, product, pk):
    """Move an item to another status: the board's drag and drop, arrow keys and "Move to"
    select all post here. A script gets the moved card back; a plain form the board."""
    from heard.core.errors import HeardError
    from heard.core.htmx import is_htmx

    workspace, product = scope(request.user, ws, product, "backlog.edit")
    item = queries.get_item(request.user, product, pk)
    try:
        status = request.POST.get("status", "").strip()
        if not status:
            raise HeardError("invalid", "Choose the status to move the item to.", "status")
        actions.update_item(actor=request.user, item=item, data={"status": status})
    except HeardError as exc:
        message = getattr(exc, "errors", {}).get("status") or exc.message
        if is_htmx(request):
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        context = _list_context(request, workspace, product)
        context["move_error"] = message
        return render(request, "backlog/list.html", context, status=400)
    item.refresh_from_db()
    if is_htmx(request):
        return render(request, "backlog/_card.html", {"workspace": workspace, "product": product, "item": item,
                                                     "statuses": BacklogStatus.choices, "can_edit": True})
    messages.success(request, f"Moved “{item.title}” to {item.get_status_display()}.")
    if request.POST.get("next") == "detail":
        return redirect("backlog:detail", ws=ws, product=product.slug, pk=item.pk)
    return redirect(f"{reverse('backlog:list', kwargs={'ws': ws, 'product': product.slug})}#item-{item.pk}")


@login_required
@open_for_new
def item_edit(request, ws, product, pk=None):
    workspace, product = scope(request.user, ws, product, "backlog.edit")
    item = queries.get_item(request.user, product, pk) if pk else None
    initial = {f: getattr(item, f) for f in actions.ITEM_FIELDS} if item else {}
    form = BacklogItemForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if item:
            done = submit(form, lambda: actions.update_item(actor=request.user, item=item, data=form.cleaned_data))
        else:
            done = submit(form, lambda: actions.create_item(actor=request.user, product=product, data=form.cleaned_data))
        if done:
            messages.success(request, f"Saved “{done.title}”.")
            return redirect("backlog:detail", ws=ws, product=product.slug, pk=done.pk)
    return render(request, "backlog/form.html", {"workspace": workspace, "product": product, "form": form, "item": item}, status=400 if form.errors else 200)


def _detail(request, workspace, product, item, criterion_form=None, link_form=None, status=200):
    return render(request, "backlog/detail.html", {
        "workspace": workspace, "product": product, "item": item,
        "criteria": item.criteria.prefetch_related("co_writers").all(),
        "conversations": queries.conversations(request.user, item),
        "theme_links": queries.linked_themes(item),
        "theme_link_form": link_to_theme_form(request.user, workspace, "backlog_item", item.pk),
        "criterion_form": criterion_form or CriterionForm(workspace=workspace),
        "link_form": link_form or FeedbackLinkForm(item=item),
        "can_edit": permissions.can(request.user, workspace, "backlog.edit"), "statuses": BacklogStatus.choices,
        "can_link": permissions.can(request.user, workspace, "feedback.record"),
    }, status=status)


INLINE_FIELDS = {"title": False, "description": True, "increment": False}  # field -> shown on several lines


@login_required
@require_POST
def item_inline(request, ws, product, pk):
    """Save one field edited in place on the item's page; answers the new value (or the
    message for the field, 400). The full edit page is the way without JavaScript."""
    from heard.core.errors import HeardError

    workspace, product = scope(request.user, ws, product, "backlog.edit")
    item = queries.get_item(request.user, product, pk)
    field = request.POST.get("field", "")
    try:
        if field not in INLINE_FIELDS:
            raise HeardError("invalid", f"“{field}” cannot be edited in place; use the edit page.", "field")
        actions.update_item(actor=request.user, item=item, data={field: request.POST.get("value", "")})
    except HeardError as exc:
        message = (getattr(exc, "errors", None) or {}).get(field) or exc.message
        return HttpResponse(message, status=exc.status, content_type="text/plain; charset=utf-8")
    item.refresh_from_db()
    return render(request, "core/_inline_value.html", {"value": getattr(item, field), "multiline": INLINE_FIELDS[field],
                                                       "empty": "not planned" if field == "increment" else "—"})


@login_required
def item_detail(request, ws, product, pk):
    workspace, product = scope(request.user, ws, product)
    return _detail(request, workspace, product, queries.get_item(request.user, product, pk))


@login_required
@require_POST
def feedback_link_add(request, ws, product, pk):
    """Link a feedback item (chosen with the picker, or by number) to this item or a criterion."""
    from heard.feedback import actions as feedback_actions
    from heard.feedback.queries import feedback_by_ref

    workspace, product = scope(request.user, ws, product, "feedback.record")
    item = queries.get_item(request.user, product, pk)
    form = FeedbackLinkForm(request.POST, item=item)

    def link():
        feedback = feedback_by_ref(request.user, product, form.cleaned_data["feedback"])
        target = {"criterion": form.cleaned_data["criterion"]} if form.cleaned_data["criterion"] else {"backlog_item": item}
        return feedback_actions.link_feedback(actor=request.user, feedback=feedback, weight=form.cleaned_data["weight"], **target)

    if submit(form, link):
        messages.success(request, "Feedback linked.")
        return redirect("backlog:detail", ws=ws, product=product.slug, pk=pk)
    return _detail(request, workspace, product, item, link_form=form, status=400)


@login_required
@require_POST
def criterion_add(request, ws, product, pk):
    workspace, product = scope(request.user, ws, product, "backlog.edit")
    item = queries.get_item(request.user, product, pk)
    form = CriterionForm(request.POST, workspace=workspace)
    if submit(form, lambda: actions.add_criterion(actor=request.user, item=item, data=form.cleaned_data)):
        messages.success(request, "Acceptance criterion added.")
        return redirect("backlog:detail", ws=ws, product=product.slug, pk=pk)
    return _detail(request, workspace, product, item, criterion_form=form, status=400)


@login_required
def criterion_edit(request, ws, product, pk):
    workspace, product = scope(request.user, ws, product, "backlog.edit")
    criterion = queries.get_criterion(request.user, workspace, pk)
    if criterion.item.product_id != product.pk:
        from heard.core.errors import not_found

        raise not_found("Acceptance criterion")
    initial = {"text": criterion.text, "status": criterion.status, "co_writers": [str(p.pk) for p in criterion.co_writers.all()]}
    form = CriterionForm(request.POST or None, workspace=workspace, initial=initial)
    if request.method == "POST":
        if request.POST.get("delete"):
            actions.delete_criterion(actor=request.user, criterion=criterion)
            messages.success(request, "Acceptance criterion deleted.")
            return redirect("backlog:detail", ws=ws, product=product.slug, pk=criterion.item_id)
        if submit(form, lambda: actions.update_criterion(actor=request.user, criterion=criterion, data=form.cleaned_data)):
            messages.success(request, "Acceptance criterion saved.")
            return redirect("backlog:detail", ws=ws, product=product.slug, pk=criterion.item_id)
    return render(request, "backlog/criterion_form.html", {"workspace": workspace, "product": product, "form": form, "criterion": criterion}, status=400 if form.errors else 200)


@login_required
def import_csv(request, ws, product):
    from io import TextIOWrapper

    workspace, product = scope(request.user, ws, product, "backlog.edit")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        handle = TextIOWrapper(form.cleaned_data["file"].file, encoding="utf-8-sig", newline="")
        try:
            report = import_backlog(actor=request.user, product=product, handle=handle)
        except UnicodeDecodeError:
            form.add_error("file", "The file is not UTF-8 text; save it as “CSV UTF-8” and try again.")
    return render(request, "backlog/import.html", {"workspace": workspace, "product": product, "form": form, "report": report},
                  status=400 if (report and report.rejected) or form.errors else 200)


@login_required
def export(request, ws, product):
    workspace, product = scope(request.user, ws, product)
    flavour = request.GET.get("columns", "heard")
    if flavour not in EXPORT_COLUMNS:
        flavour = "heard"
    response = HttpResponse(export_csv(items_for_export(product), flavour), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{product.slug}-backlog-{flavour}.csv"'
    return response
