from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from heard.core import permissions
from heard.core.forms import apply_heard_error, submit
from heard.core.htmx import is_htmx, render_page
from heard.core.products import open_for_new
from heard.core.queries import scope
from heard.core.validation import as_id

from . import actions, queries
from .forms import DispositionForm, FeedbackForm, ImportForm, LinkForm, MergeForm
from .models import Disposition, FeedbackChannel, QualityBand


def _filters(request) -> dict:
    return {k: request.GET.get(k, "").strip() for k in queries.LIST_FILTERS}


def _list_context(request, workspace, product) -> dict:
    filters = _filters(request)
    can_record = permissions.can(request.user, workspace, "feedback.record")
    return {
        "workspace": workspace, "product": product, "filters": filters,
        "page": queries.page_of(queries.feedback_list(request.user, product, **filters), request.GET.get("page")),
        "channels": FeedbackChannel.choices, "dispositions": Disposition.choices, "bands": QualityBand.choices,
        "segments": workspace.segments.all(), "can_record": can_record,
        "can_dispose": permissions.can(request.user, workspace, "feedback.dispose"),
        "bulk_link_form": LinkForm(prefix="bulk", auto_id="%s") if can_record else None,
    }


@login_required
def feedback_list(request, ws, product):
    """The triage list: dense rows, inline disposition, and bulk actions on the selected rows."""
    workspace, product = scope(request.user, ws, product)
    return render_page(request, "feedback/list.html", _list_context(request, workspace, product), partial="results")


def _bulk_items(request, product) -> list:
    from heard.core.errors import HeardError

    ids = [i for i in request.POST.getlist("items") if i.strip()]
    if not ids:
        raise HeardError("invalid", "Select at least one feedback item first.", "items")
    return [queries.get_feedback(request.user, product, pk) for pk in ids]


@login_required
@require_POST
def feedback_bulk(request, ws, product):
    """Apply one action to the selected items: set a disposition, link them, or merge them.

    Each item goes through the same action as on its own page; if one is refused, none is
    changed and the message names the item and the field.
    """
    from django.db import transaction
    from django.utils.http import url_has_allowed_host_and_scheme

    from heard.core.errors import HeardError

    workspace, product = scope(request.user, ws, product)
    verb = request.POST.get("action", "")
    try:
        with transaction.atomic():
            chosen = _bulk_items(request, product)
            done = _apply_bulk(request, product, verb, chosen)
    except HeardError as exc:
        context = _list_context(request, workspace, product)
        field = getattr(exc, "field", None)
        errors = getattr(exc, "errors", None) or {field: exc.message}
        context["bulk_errors"] = [{"field": f, "message": m} for f, m in errors.items()]
        context["bulk_selected"] = {str(i) for i in request.POST.getlist("items")}
        return render(request, "feedback/list.html", context, status=getattr(exc, "status", 400))
    messages.success(request, done)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("feedback:list", kwargs={"ws": ws, "product": product.slug})
    return redirect(target)


def _apply_bulk(request, product, verb, chosen) -> str:
    from heard.core.errors import HeardError

    n = len(chosen)
    if verb == "disposition":
        status = request.POST.get("status", "")
        for feedback in chosen:
            try:
                actions.set_disposition(actor=request.user, feedback=feedback, status=status,
                                        increment=request.POST.get("increment", ""), reason=request.POST.get("reason", ""))
            except HeardError as exc:
                exc.message = f"#{feedback.pk}: {exc.message}" if n > 1 else exc.message
                if getattr(exc, "errors", None):
                    exc.errors = {f: f"#{feedback.pk}: {m}" if n > 1 else m for f, m in exc.errors.items()}
                raise
        label = dict(Disposition.choices).get(status, status)
        return f"Disposition set to “{label}” on {n} item{'s' if n != 1 else ''}."
    if verb == "link":
        form = LinkForm(request.POST, prefix="bulk", auto_id="%s")
        if not form.is_valid():
            raise HeardError("invalid", "Choose the backlog item or acceptance criterion to link them to.", "bulk-target")
        target = actions.find_link_target(product, form.cleaned_data["target"], field="bulk-target")
        for feedback in chosen:
            actions.link_feedback(actor=request.user, feedback=feedback, weight=form.cleaned_data["weight"], **target)
        return f"Linked {n} item{'s' if n != 1 else ''}."
    if verb == "merge":
        merged = actions.merge_feedback(actor=request.user, product=product, items=[f.pk for f in chosen])
        return f"Merged {n} items into #{merged.pk}. The originals stay readable, marked merged."
    raise HeardError("invalid", "Choose what to do with the selected items: set disposition, link or merge.", "action")


def _live_context(request, product, form_data: dict, exclude=()):
    text = form_data.get("text", "")
    fields = {k: form_data.get(k, "") for k in ("observed", "expected", "example", "job", "constraints", "environment")}
    return {
        "assessment": queries.preview(text, **fields) if text.strip() else None,
        "suggestions": queries.similar_items(request.user, product, text, exclude=exclude) if len(text.split()) >= 3 else [],
    }


@login_required
@open_for_new
def feedback_create(request, ws, product):
    """Quick entry: one form, keyboard first; the score and similar items follow the typing."""
    workspace, product = scope(request.user, ws, product, "feedback.record")
    initial = {"channel": request.GET.get("channel", "session_note"), "stakeholder": request.GET.get("stakeholder", "")}
    form = FeedbackForm(request.POST or None, workspace=workspace, initial=initial)
    if request.method == "POST":
        feedback = submit(form, lambda: actions.record_feedback(actor=request.user, product=product, data=form.action_data()))
        if feedback:
            messages.success(request, f"Recorded feedback #{feedback.pk} (quality {feedback.quality_score}/100). Ready for the next one.")
            if request.POST.get("then") == "detail":
                return redirect("feedback:detail", ws=ws, product=product.slug, pk=feedback.pk)
            # Keep who and how for the next note in the same session.
            return redirect(f"{request.path}?channel={feedback.channel}&stakeholder={feedback.stakeholder_id or ''}")
    context = {"workspace": workspace, "product": product, "form": form}
    context.update(_live_context(request, product, request.POST if request.method == "POST" else {}))
    return render(request, "feedback/form.html", context, status=400 if form.errors else 200)


@login_required
def feedback_preview(request, ws, product):
    """HTMX: the live score, hint and similar items for the text being typed."""
    workspace, product = scope(request.user, ws, product)
    exclude = tuple(filter(None, (as_id(x) for x in request.POST.getlist("exclude"))))
    context = {"workspace": workspace, "product": product}
    context.update(_live_context(request, product, request.POST, exclude))
    return render(request, "feedback/form.html#live", context)


@login_required
def feedback_edit(request, ws, product, pk):
    workspace, product = scope(request.user, ws, product, "feedback.record")
    feedback = queries.get_feedback(request.user, product, pk)
    initial = {f: getattr(feedback, f) for f in ("text", "channel", "job", "constraints", "environment", "observed", "expected", "example")}
    initial["stakeholder"] = str(feedback.stakeholder_id or "")
    initial["said_at"] = feedback.said_at.strftime("%Y-%m-%d %H:%M")
    form = FeedbackForm(request.POST or None, workspace=workspace, initial=initial)
    if request.method == "POST":
        if submit(form, lambda: actions.update_feedback(actor=request.user, feedback=feedback, data=form.action_data())):
            messages.success(request, "Saved.")
            return redirect("feedback:detail", ws=ws, product=product.slug, pk=feedback.pk)
    context = {"workspace": workspace, "product": product, "form": form, "feedback": feedback}
    context.update(_live_context(request, product, request.POST if request.method == "POST" else initial, (feedback.pk,)))
    return render(request, "feedback/form.html", context, status=400 if form.errors else 200)


def _detail(request, workspace, product, feedback, *, disposition_form=None, link_form=None, merge_form=None, status=200):
    can_dispose = permissions.can(request.user, workspace, "feedback.dispose")
    return render(request, "feedback/detail.html", {
        "workspace": workspace, "product": product, "feedback": feedback,
        "speakers": queries.speakers_of(feedback), "links": queries.influenced(feedback),
        "evidence_in": queries.evidence_in(feedback),
        "history": queries.disposition_history(feedback),
        "originals": feedback.originals.select_related("stakeholder").order_by("said_at") if feedback.is_merge else [],
        "similar": queries.similar_items(request.user, product, feedback.text, exclude=(feedback.pk,)) if not feedback.merged_into_id else [],
        "can_record": permissions.can(request.user, workspace, "feedback.record"), "can_dispose": can_dispose,
        "disposition_form": disposition_form or DispositionForm(initial={"status": feedback.disposition}),
        "link_form": link_form or LinkForm(), "merge_form": merge_form or MergeForm(),
        "assessment_parts": [
            {"label": label, "points": feedback.quality_parts.get(name, 0), "max": top}
            for name, label, top in (("specificity", "Specificity", 35), ("evidence", "Evidence", 30), ("relevance", "Decision relevance", 20), ("clarity", "Clarity", 15))
        ],
    }, status=status)


@login_required
def feedback_detail(request, ws, product, pk):
    workspace, product = scope(request.user, ws, product)
    return _detail(request, workspace, product, queries.get_feedback(request.user, product, pk))


@login_required
@require_POST
def feedback_disposition(request, ws, product, pk):
    workspace, product = scope(request.user, ws, product, "feedback.dispose")
    feedback = queries.get_feedback(request.user, product, pk)
    form = DispositionForm(request.POST)
    done = submit(form, lambda: actions.set_disposition(actor=request.user, feedback=feedback, **form.cleaned_data))
    if is_htmx(request):
        # The triage list's inline control: the new chip, or the message for the field.
        if done:
            return render(request, "feedback/_disposition_chip.html", {"f": feedback})
        first = next(iter(form.errors.values()))[0]
        return HttpResponse(first, status=400, content_type="text/plain; charset=utf-8")
    if done:
        messages.success(request, f"Disposition set to “{feedback.get_disposition_display()}”.")
        return redirect("feedback:detail", ws=ws, product=product.slug, pk=pk)
    return _detail(request, workspace, product, feedback, disposition_form=form, status=400)


@login_required
@require_POST
def feedback_link(request, ws, product, pk):
    workspace, product = scope(request.user, ws, product, "feedback.record")
    feedback = queries.get_feedback(request.user, product, pk)
    form = LinkForm(request.POST)
    if submit(form, lambda: actions.link_feedback(actor=request.user, feedback=feedback, weight=form.cleaned_data["weight"],
                                                  **actions.find_link_target(product, form.cleaned_data["target"]))):
        messages.success(request, "Linked.")
        return redirect("feedback:detail", ws=ws, product=product.slug, pk=pk)
    return _detail(request, workspace, product, feedback, link_form=form, status=400)


@login_required
@require_POST
def feedback_unlink(request, ws, product, pk, link_pk):
    workspace, product = scope(request.user, ws, product, "feedback.record")
    feedback = queries.get_feedback(request.user, product, pk)
    link = queries.get_link(request.user, workspace, link_pk)
    if link.feedback_id != feedback.pk:
        from heard.core.errors import not_found

        raise not_found("Link")
    actions.unlink_feedback(actor=request.user, link=link)
    messages.success(request, "Link removed.")
    return redirect("feedback:detail", ws=ws, product=product.slug, pk=pk)


@login_required
@require_POST
def feedback_merge(request, ws, product, pk):
    workspace, product = scope(request.user, ws, product, "feedback.dispose")
    feedback = queries.get_feedback(request.user, product, pk)
    form = MergeForm(request.POST)
    merged = submit(form, lambda: actions.merge_feedback(actor=request.user, product=product, items=form.ids(feedback.pk), text=form.cleaned_data["text"]))
    if merged:
        messages.success(request, f"Merged into #{merged.pk}. The originals stay readable, marked merged.")
        return redirect("feedback:detail", ws=ws, product=product.slug, pk=merged.pk)
    return _detail(request, workspace, product, feedback, merge_form=form, status=400)


@login_required
def feedback_import(request, ws, product):
    from io import TextIOWrapper

    from .importers import import_feedback

    workspace, product = scope(request.user, ws, product, "feedback.record")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        handle = TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
        try:
            report = import_feedback(actor=request.user, product=product, handle=handle, fmt="json" if upload.name.lower().endswith(".json") else "csv")
        except UnicodeDecodeError:
            form.add_error("file", "The file is not UTF-8 text; save it as “CSV UTF-8” and try again.")
        except Exception as exc:  # noqa: BLE001 - a malformed file is the user's input, shown on the form
            from heard.core.errors import HeardError

            if not isinstance(exc, HeardError):
                raise
            apply_heard_error(form, exc)
    return render(request, "feedback/import.html", {"workspace": workspace, "product": product, "form": form, "report": report},
                  status=400 if (report and report.rejected) or form.errors else 200)

