"""Reads for support: tickets and ticket imports, scoped to the actor's workspace."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from heard.core import permissions
from heard.core.errors import HeardError, not_found
from heard.core.models import Product

from .models import ImportJob, Ticket, TicketSource


def tickets(
    actor, product: Product, *, q: str = "", status: str = "", source: str = "", tag: str = "",
    requester: str | int = "", since: date | None = None, until: date | None = None,
) -> QuerySet[Ticket]:
    """A product's tickets, newest first, narrowed by the given filters.

    ``q`` searches subject and text; ``requester`` is a stakeholder id or an e-mail;
    ``since``/``until`` are dates of creation (inclusive).
    """
    permissions.require(actor, product.workspace, "workspace.view")
    qs = Ticket.objects.filter(product=product).select_related("requester")
    if q:
        qs = qs.filter(Q(subject__icontains=q) | Q(body__icontains=q) | Q(external_id=q))
    if status:
        qs = qs.filter(status=status.lower())
    if source:
        if source not in TicketSource.values:
            raise HeardError("invalid", f"Unknown source “{source}”; choose one of: {', '.join(TicketSource.values)}.", "source")
        qs = qs.filter(source=source)
    if tag:
        qs = qs.filter(tags__contains=[tag]) if _json_contains_supported() else qs.filter(tags__icontains=f'"{tag}"')
    if requester:
        text = str(requester).strip()
        qs = qs.filter(requester_id=int(text)) if text.isdigit() else qs.filter(requester_email__iexact=text)
    if since:
        qs = qs.filter(created_at__gte=_start_of(since))
    if until:
        qs = qs.filter(created_at__lt=_start_of(until) + timezone.timedelta(days=1))
    return qs


def _json_contains_supported() -> bool:
    from django.db import connection

    return connection.features.supports_json_field_contains


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def get_ticket(actor, product: Product, ticket_id: int) -> Ticket:
    permissions.require(actor, product.workspace, "workspace.view")
    found = Ticket.objects.select_related("requester", "product").filter(product=product, pk=ticket_id).first()
    if found is None:
        raise not_found("Ticket")
    return found


def ticket_statuses(product: Product) -> list[str]:
    return list(Ticket.objects.filter(product=product).exclude(status="").values_list("status", flat=True).distinct().order_by("status"))


def import_jobs(actor, product: Product) -> QuerySet[ImportJob]:
    permissions.require(actor, product.workspace, "workspace.view")
    return ImportJob.objects.filter(product=product).select_related("created_by")


def get_import_job(actor, workspace, job_id: int) -> ImportJob:
    permissions.require(actor, workspace, "workspace.view")
    job = ImportJob.objects.select_related("product").filter(workspace=workspace, pk=job_id).first()
    if job is None:
        raise not_found("Import")
    return job
