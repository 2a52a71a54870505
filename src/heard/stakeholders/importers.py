"""``heard import stakeholders FILE.csv --workspace SLUG [--map column=field ...]``.

Columns (header names are case-insensitive; spaces become underscores): name (required),
email, organisation, kind, segments (separated by ';' or ','), role_title, influence,
interest, time_zone, language, accessibility_needs, notes. Unknown organisations are
created; unknown segments are an error (create segments first).

A row is matched to an existing stakeholder by e-mail (or, without one, by name and
organisation), so re-running the same file adds nothing: matched rows are updated when
they differ and counted as unchanged otherwise.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import transaction

from heard.core.errors import HeardError
from heard.core.importing import ImportReport, csv_rows, importer, open_text, progress
from heard.core.models import Workspace

from . import actions
from .actions import STAKEHOLDER_FIELDS, find_organisation
from .models import Stakeholder

ALIASES = {"organization": "organisation", "org": "organisation", "company": "organisation", "segment": "segments", "timezone": "time_zone", "tz": "time_zone", "title": "role_title", "role": "role_title"}


def import_stakeholders(*, actor, workspace: Workspace, handle, mapping: dict | None = None, show_progress: bool = False, stream=None) -> ImportReport:
    report = ImportReport(kind="stakeholders")
    seen_emails: dict[str, int] = {}
    for line, row in progress(csv_rows(handle, mapping), desc="stakeholders", stream=stream, enabled=show_progress):
        data = {}
        for key, value in row.items():
            key = ALIASES.get(key, key)
            if key in STAKEHOLDER_FIELDS:
                data[key] = value.strip()
        if "__extra__" in row:
            report.reject(line, "The row has more values than the header has columns.")
            continue
        if not data.get("name"):
            report.reject(line, "Name is required.", "name")
            continue
        email = data.get("email", "").lower()
        if email and email in seen_emails:
            report.reject(line, f"The e-mail {email} is already used on line {seen_emails[email]} of this file.", "email")
            continue
        try:
            # A savepoint per row: a rejected row leaves nothing behind (not even its organisation).
            with transaction.atomic():
                _import_row(actor, workspace, data, report)
            if email:
                seen_emails[email] = line
        except HeardError as exc:
            for field, message in (getattr(exc, "errors", None) or {exc.field: exc.message}).items():
                report.reject(line, message, field)
    return report


def import_upload(*, actor, workspace: Workspace, upload) -> ImportReport:
    """Import an uploaded CSV (a Django UploadedFile), streaming; used by every page that takes one.
    Raises UnicodeDecodeError when the file is not UTF-8."""
    from io import TextIOWrapper

    return import_stakeholders(actor=actor, workspace=workspace, handle=TextIOWrapper(upload.file, encoding="utf-8-sig", newline=""))


def _import_row(actor, workspace, data: dict, report: ImportReport) -> None:
    org_name = data.get("organisation", "")
    created_org = False
    if org_name and find_organisation(workspace, org_name) is None:
        actions.create_organisation(actor=actor, workspace=workspace, data={"name": org_name})
        created_org = True
    # Drop empty optional values so they fall back to defaults (kind, influence...).
    data = {k: v for k, v in data.items() if v != "" or k in ("name",)}
    existing = _match(workspace, data)
    if existing is None:
        actions.create_stakeholder(actor=actor, workspace=workspace, data=data, created_by_import=True)
        report.created += 1
        if created_org:
            report.notes.append(f"Created organisation “{org_name}”.")
        return
    if existing.is_erased:
        report.unchanged += 1
        return
    before = actions._stakeholder_snapshot(existing)
    actions.update_stakeholder(actor=actor, stakeholder=existing, data=data)
    if actions._stakeholder_snapshot(existing) != before:
        report.updated += 1
    else:
        report.unchanged += 1


def _match(workspace, data: dict) -> Stakeholder | None:
    email = data.get("email", "").strip()
    if email:
        return workspace.stakeholders.filter(email__iexact=email).first()
    qs = workspace.stakeholders.filter(name__iexact=data["name"], email="")
    org = find_organisation(workspace, data["organisation"]) if data.get("organisation") else None
    return qs.filter(organisation=org).first()


@importer("stakeholders")
def stakeholders_cli(*, path, mapping, options, stdout, stderr) -> ImportReport:
    slug = options.get("workspace")
    if not slug:
        raise CommandError("--workspace is required for stakeholders.")
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        raise CommandError(f"No workspace with the slug “{slug}”.")
    try:
        with open_text(path) as handle:
            return import_stakeholders(
                actor=None, workspace=workspace, handle=handle, mapping=mapping,
                show_progress=not options.get("no_progress"), stream=stderr._out if hasattr(stderr, "_out") else None,
            )
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}") from None
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8 CSV.") from None
