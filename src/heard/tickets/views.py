from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from heard.core import permissions
from heard.core.errors import HeardError
from heard.core.forms import apply_heard_error
from heard.core.htmx import render_page
from heard.core.pagination import paginate
from heard.core.products import open_for_new
from heard.core.queries import scope

from . import actions, queries
from .api import parse_mapping, store_upload
from .forms import TicketFilterForm, TicketImportForm
from .models import TicketSource


@login_required
def ticket_list(request, ws, product):
    workspace, product = scope(request.user, ws, product)
    form = TicketFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    filters = {k: v for k, v in filters.items() if v}
    try:
        qs = queries.tickets(request.user, product, **filters)
    except HeardError as exc:
        apply_heard_error(form, exc)
        qs = queries.tickets(request.user, product)
    page = paginate(qs, request.GET.get("page"))
    return render_page(request, "tickets/list.html", {
        "workspace": workspace, "product": product, "page": page, "form": form, "filters": filters,
        "statuses": queries.ticket_statuses(product), "sources": TicketSource.choices,
        "can_import": permissions.can(request.user, workspace, "tickets.import"),
    }, partial="results")


@login_required
def ticket_detail(request, ws, product, pk):
    workspace, product = scope(request.user, ws, product)
    ticket = queries.get_ticket(request.user, product, pk)
    return render(request, "tickets/detail.html", {"workspace": workspace, "product": product, "ticket": ticket})


@login_required
@open_for_new
def ticket_import(request, ws, product):
    workspace, product = scope(request.user, ws, product, "tickets.import")
    form = TicketImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = parse_mapping(form.cleaned_data["mapping"])
            path, name = store_upload(form.cleaned_data["file"])
            job = actions.start_ticket_import(
                actor=request.user, product=product, path=path, file_name=name,
                fmt=form.cleaned_data["format"] or None, mapping=mapping,
            )
        except HeardError as exc:
            apply_heard_error(form, exc)
        else:
            messages.success(request, f"{name} is being imported. This page shows its progress.")
            return redirect("tickets:import_job", ws=ws, product=product.slug, job_id=job.pk)
    jobs = queries.import_jobs(request.user, product)[:10]
    status = 400 if request.method == "POST" else 200
    return render(request, "tickets/import.html", {"workspace": workspace, "product": product, "form": form, "jobs": jobs}, status=status)


@login_required
def import_progress(request, ws, product, job_id):
    workspace, product = scope(request.user, ws, product)
    job = queries.get_import_job(request.user, workspace, job_id)
    if job.product_id != product.pk:
        raise HeardError("not_found", "Import was not found.")
    return render_page(request, "tickets/import_job.html", {"workspace": workspace, "product": product, "job": job}, partial="progress")
