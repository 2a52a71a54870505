"""API for support tickets: import a help-desk export in the background, watch its
progress, and read tickets.

``POST /tickets:import`` (also ``/tickets/import``) takes a multipart upload and answers 202
with the ImportJob; ``GET /import-jobs/{id}`` reports its progress. Lists are paginated
(``page``, ``per_page``) and answer ``{"items", "total", "page", "pages", "per_page"}``.
The workspace is ``?workspace=SLUG`` or the caller's first one; ``product`` is a slug.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime

from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from heard.core.api import JobOut, PageMeta, ProductOut, page_response, workspace_for
from heard.core.errors import HeardError
from heard.core.queries import get_product

from . import actions, queries

router = Router(tags=["tickets"])


class TicketOut(ProductOut):
    id: int
    source: str
    external_id: str
    requester_id: int | None
    requester_email: str
    requester_name: str
    subject: str
    body: str
    status: str
    priority: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    imported_at: datetime


class TicketPage(PageMeta):
    items: list[TicketOut]


class ProblemOut(Schema):
    line: int
    field: str | None
    message: str


class ImportJobOut(JobOut):
    format: str
    file_name: str
    percent: int | None = Field(None, description="Share of the file read, when known.")
    rows_read: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    requesters_created: int
    problems: list[ProblemOut] = Field(..., description="The first rejected rows, with line number and reason.")
    notes: list[str]


def _product(request, workspace, slug, capability="workspace.view"):
    ws = workspace_for(request, workspace, capability)
    return get_product(request.auth, ws, slug)


def parse_mapping(text: str) -> dict[str, str]:
    """``{"Column": "field"}`` as JSON, or lines of ``Column=field``."""
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise HeardError("invalid", "The mapping is not valid JSON.", "mapping") from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise HeardError("invalid", "The mapping must be an object of column: field.", "mapping")
        return {str(k): v for k, v in data.items()}
    mapping = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        if "=" not in line:
            raise HeardError("invalid", f"Write each mapping as COLUMN=FIELD, not “{line.strip()}”.", "mapping")
        column, field = line.split("=", 1)
        mapping[column.strip()] = field.strip()
    return mapping


def store_upload(upload) -> tuple[str, str]:
    """Save an uploaded file under MEDIA_ROOT/imports/tickets/; return (path, original name)."""
    original = get_valid_filename(upload.name or "tickets") or "tickets"
    name = default_storage.save(f"imports/tickets/{uuid.uuid4().hex}-{original}", upload)
    return default_storage.path(name), upload.name or original


def _start_import(request, file, product, format, mapping, workspace):
    prod = _product(request, workspace, product, "tickets.import")
    if file is None:
        raise HeardError("invalid", "Choose a file to import (multipart field “file”).", "file")
    mapping_dict = parse_mapping(mapping)
    if format and format not in actions.FORMATS:
        raise HeardError("invalid", f"Unknown format “{format}”; choose one of: {', '.join(actions.FORMATS)}.", "format")
    path, name = store_upload(file)
    job = actions.start_ticket_import(actor=request.auth, product=prod, path=path, file_name=name, fmt=format or None, mapping=mapping_dict)
    return Status(202, job)


@router.post("/tickets:import", response={202: ImportJobOut})
def import_tickets(
    request, product: Form[str], file: File[UploadedFile | None] = None, format: Form[str] = "", mapping: Form[str] = "",
    workspace: str | None = None,
):
    """Upload a ticket export (multipart: ``file``, ``product``, optional ``format`` and
    ``mapping``). The import runs in the background; poll ``GET /import-jobs/{id}``.

    ``format``: zendesk, freshdesk, intercom, jira, csv or ndjson (default: told from the
    file). ``mapping``: JSON ``{"Column": "field"}`` or lines of ``Column=field``.
    """
    return _start_import(request, file, product, format, mapping, workspace)


@router.post("/tickets/import", response={202: ImportJobOut}, include_in_schema=False)
def import_tickets_slash(
    request, product: Form[str], file: File[UploadedFile | None] = None, format: Form[str] = "", mapping: Form[str] = "",
    workspace: str | None = None,
):
    """The same as ``POST /tickets:import``, for clients that cannot send a colon in a path."""
    return _start_import(request, file, product, format, mapping, workspace)


@router.get("/import-jobs/{job_id}", response=ImportJobOut)
def get_import_job(request, job_id: int, workspace: str | None = None):
    """Progress of a ticket import: status, rows read, created, updated, rejected rows."""
    return queries.get_import_job(request.auth, workspace_for(request, workspace), job_id)


@router.get("/tickets", response=TicketPage)
def list_tickets(
    request, product: str, workspace: str | None = None, q: str = "", status: str = "", source: str = "",
    tag: str = "", requester: str = "", since: date | None = None, until: date | None = None,
    page: int = 1, per_page: int = 50,
):
    """A product's tickets, newest first. ``requester`` is a stakeholder id or an e-mail;
    ``since``/``until`` are creation dates (YYYY-MM-DD, inclusive)."""
    prod = _product(request, workspace, product)
    qs = queries.tickets(request.auth, prod, q=q, status=status, source=source, tag=tag, requester=requester, since=since, until=until)
    return page_response(qs.select_related("product"), page, per_page)


@router.get("/tickets/{ticket_id}", response=TicketOut)
def get_ticket(request, ticket_id: int, product: str, workspace: str | None = None):
    return queries.get_ticket(request.auth, _product(request, workspace, product), ticket_id)
