"""Every change to support tickets: importing a file (from the CLI, the API or the upload
page), starting a background import, and anonymising a person's tickets on erasure.

An import streams the file and writes in batches of BATCH_SIZE rows, committed about once a
second: progress is visible while it runs, and a crash loses at most the last second's
batches (run the same file again; it is idempotent). One audit event is written per import, on its
ImportJob, never one per row.

Speed: rows are read and cleaned straight into the tuples the database stores (see
parsing.read_prepared); a large file is read by a second process while this one writes
(parsing.read_prepared_in_worker); new tickets are inserted with executemany (SQLite) or
COPY (PostgreSQL) and requesters are created and looked up a batch at a time.
"""

from __future__ import annotations

import gzip
import logging
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from heard.core import audit, permissions, tasks
from heard.core.errors import HeardError
from heard.core.heartbeat import beating, stale_after, stale_filter, worker_label
from heard.core.importing import ImportReport
from heard.core.models import Product
from heard.core.products import require_active
from heard.stakeholders.actions import register_erasure_hook, register_export_hook
from heard.stakeholders.models import Stakeholder, StakeholderKind

from .models import ImportJob, ImportStatus, Ticket
from .parsing import (
    COPY_TEXT,
    FORMATS,
    PREPARED,
    FileError,
    RowPreparer,
    guess_format,
    open_binary,
    read_prepared,
    read_prepared_in_worker,
    restore_row,
    sniff_header,
)
from .references import hold_for_import, product_gone

log = logging.getLogger("heard.tickets")

BATCH_SIZE = 5000
COMMIT_SECONDS = 1.0
PROBLEMS_KEPT = 1000
# Files at least this large are read and prepared by a second process while this one writes
# (starting it costs about a tenth of a second).
WORKER_MIN_BYTES = 16 * 1024 * 1024
# Requesters' last_heard_at is written every this many batches (and at the end), so a
# long import does not rewrite the same stakeholders batch after batch.
HEARD_FLUSH_BATCHES = 200
# After an import that created at least this many tickets, PostgreSQL's statistics of the
# ticket table are refreshed (ANALYZE).
ANALYZE_AFTER_ROWS = 10_000
ANALYZED_COLUMNS = ("product_id", "source", "external_id", "requester_id", "created_at", "solved_at")


@dataclass
class TicketImportReport(ImportReport):
    rows_read: int = 0
    rejected_rows: int = 0
    requesters_created: int = 0
    repeated: int = 0

    @property
    def rejected(self) -> int:  # type: ignore[override]
        return self.rejected_rows

    def reject(self, line: int, message: str, field_name: str | None = None) -> None:
        self.rejected_rows += 1
        if len(self.problems) < PROBLEMS_KEPT:
            super().reject(line, message, field_name)

    def summary_lines(self) -> list[str]:
        lines = super().summary_lines()
        if self.requesters_created:
            lines.insert(
                1,
                f"{self.requesters_created} requester{'s' if self.requesters_created != 1 else ''} added to the stakeholder map as end users (created by import).",
            )
        if self.repeated:
            lines.insert(
                1,
                f"{self.repeated} row{'s' if self.repeated != 1 else ''} repeated a ticket id seen just before; the later row was kept.",
            )
        if self.rejected_rows > len(self.problems):
            lines.append(f"Only the first {len(self.problems)} problems are listed.")
        return lines


# ---------------------------------------------------------------- the import


def import_tickets(
    *,
    actor,
    product: Product,
    path: str,
    fmt: str | None = None,
    mapping: dict | None = None,
    job: ImportJob | None = None,
    show_progress: bool = False,
    stream=None,
    file_name: str = "",
) -> TicketImportReport:
    """Import a ticket export into ``product``; return what happened.

    ``fmt`` is one of FORMATS, or None to tell it from the file name and header. Raises
    HeardError (field "file" or "format") when the file as a whole cannot be read; rows
    that cannot be read are reported with their line number and the rest are imported.
    """
    workspace = product.workspace
    permissions.require(actor, workspace, "tickets.import")
    require_active(product)
    if fmt and fmt not in FORMATS:
        raise HeardError(
            "invalid", f"Unknown format “{fmt}”; choose one of: {', '.join(FORMATS)}.", "format"
        )
    try:
        binary, handle = open_binary(path)
    except FileNotFoundError:
        raise HeardError("invalid", f"No such file: {path}", "file") from None
    report = TicketImportReport(kind="tickets")
    with handle:
        try:
            if not fmt:
                is_json = path.lower().removesuffix(".gz").endswith((".json", ".ndjson", ".jsonl"))
                fmt = guess_format(path, None if is_json else sniff_header(handle))
        except UnicodeDecodeError as exc:
            raise _not_utf8(exc) from None
        except UNREADABLE_ARCHIVE as exc:
            raise _not_gzip(exc) from None
        job = _start_job(actor, product, path, fmt, mapping or {}, job, file_name)
        try:
            with beating(job):
                _stream_into(
                    product, fmt, handle, binary, mapping or {}, job, report, show_progress, stream
                )
        except (FileError, UnicodeDecodeError, *UNREADABLE_ARCHIVE) as exc:
            if isinstance(exc, UnicodeDecodeError):
                error = _not_utf8(exc)
            elif isinstance(exc, FileError):
                error = HeardError("invalid", str(exc), "file")
            else:
                error = _not_gzip(exc)
            _finish_job(actor, job, report, failed=error.message)
            raise error from None
        except (KeyboardInterrupt, SystemExit):
            # Ctrl+C or a SIGTERM to `heard import`: the job must not stay "running".
            _finish_job(actor, job, report, failed=INTERRUPTED_BY_SIGNAL)
            raise
        except Exception as exc:
            _finish_job(
                actor,
                job,
                report,
                failed=f"The import stopped unexpectedly: {exc.__class__.__name__}.",
            )
            raise
    _finish_job(actor, job, report)
    return report


INTERRUPTED_BY_SIGNAL = (
    "Stopped before the end (interrupted from the terminal or told to stop). The rows written "
    "before that are kept; run the import again to finish it: rows already imported are not added twice."
)
# What reading a damaged .gz raises: not a gzip file, cut short, or corrupt inside.
UNREADABLE_ARCHIVE = (gzip.BadGzipFile, EOFError, zlib.error)


def _not_gzip(exc: Exception) -> HeardError:
    return HeardError(
        "invalid",
        f"The file is not a readable .gz archive ({exc or exc.__class__.__name__}); compress the export again, or send it uncompressed.",
        "file",
    )


def _not_utf8(exc: UnicodeDecodeError) -> HeardError:
    return HeardError(
        "invalid",
        f"The file is not UTF-8 text ({exc.reason} at byte {exc.start}); export it again as UTF-8.",
        "file",
    )


def _start_job(actor, product, path, fmt, mapping, job, file_name) -> ImportJob:
    import os

    size = os.path.getsize(path) if os.path.exists(path) else None
    if job is None:
        job = ImportJob.objects.create(
            workspace=product.workspace,
            product=product,
            format=fmt,
            file_path=str(path),
            file_name=file_name or os.path.basename(path),
            file_size=size,
            mapping=mapping,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    job.format, job.status, job.started_at, job.file_size = (
        fmt,
        ImportStatus.RUNNING,
        timezone.now(),
        size,
    )
    job.heartbeat_at, job.worker, job.attempts = timezone.now(), worker_label(), job.attempts + 1
    job.save(update_fields=["format", "status", "started_at", "file_size", "heartbeat_at", "worker", "attempts"])
    return job


def _stream_into(product, fmt, handle, binary, mapping, job, report, show_progress, stream) -> None:
    writer = TicketWriter(product, fmt, job)
    batches = _batches(handle, binary, fmt, mapping, report, writer.postgres)
    bar = _progress_bar(show_progress, stream)
    reject = report.reject
    try:
        writer.analyse_if_stale()
        analysed = not writer.postgres
        with _bulk_session(), _CommitGroups(writer.postgres) as commits:
            try:
                for rows, problems, count, position in batches:
                    report.rows_read += count
                    for line, message, field_name in problems:
                        reject(line, message, field_name)
                    writer.write_rows(rows, report)
                    if not analysed:
                        # Once the first batch is in, statistics that say "empty" are wrong
                        # whatever autovacuum has done: analyse early, so every later
                        # lookup of this import uses the index.
                        writer.analyse()
                        analysed = True
                    if commits.due():
                        # Progress is written as often as it becomes visible: once per commit.
                        writer.save_progress(report, position)
                        commits.commit()
                    if bar is not None:
                        bar.update(count)
            except (FileError, UnicodeDecodeError):
                # The file broke off; the rows read before the break were written: keep them.
                writer.finish(report)
                raise
            writer.finish(report)
    finally:
        if bar is not None:
            bar.close()


def _batches(handle, binary, fmt, mapping, report, postgres):
    """Prepared batches with the bytes read so far: from a second process for a large file
    on a machine with more than one core, else read here between writes."""
    import os

    size = _file_size(handle)
    if size >= WORKER_MIN_BYTES and (os.cpu_count() or 1) > 1:
        path = getattr(binary, "name", None)
        if isinstance(path, str) and os.path.isfile(path):
            return read_prepared_in_worker(path, fmt, mapping, report.notes, postgres, BATCH_SIZE)
    return (
        (rows, problems, count, _position(binary))
        for rows, problems, count in read_prepared(
            handle, fmt, mapping, report.notes, postgres, BATCH_SIZE
        )
    )


def _file_size(handle) -> int:
    import os

    try:
        return os.fstat(handle.fileno()).st_size
    except (OSError, ValueError, AttributeError):
        return 0


def _progress_bar(enabled: bool, stream):
    """A tqdm bar with rows/s on a terminal (as core.importing.progress draws it), fed a batch
    at a time so the rows themselves never pass through it; None elsewhere."""
    import sys

    stream = stream or sys.stderr
    if not enabled or not getattr(stream, "isatty", lambda: False)():
        return None
    from tqdm import tqdm

    return tqdm(desc="tickets", unit=" rows", unit_scale=True, file=stream, dynamic_ncols=True)


class _CommitGroups:
    """Commit written batches about once a second: often enough for progress to be seen
    and a crash to lose little, rarely enough that commits do not dominate a large import."""

    def __init__(self, postgres: bool = False):
        self.postgres = postgres

    def __enter__(self):
        import time

        self.clock = time.monotonic
        self.started = self.clock()
        self._begin()
        return self

    def _begin(self) -> None:
        outermost = not connection.in_atomic_block
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        if self.postgres and outermost:
            # These commits need not wait for the disk: a server crash can lose at most the
            # last fraction of a second of batches, the database stays consistent, and running
            # the same file again completes the import (it is idempotent). The import's final
            # commit (the job's status and audit event) is an ordinary one, which makes every
            # batch before it durable as well.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")

    def due(self) -> bool:
        return self.clock() - self.started >= COMMIT_SECONDS

    def commit(self) -> None:
        self.atomic.__exit__(None, None, None)
        self._begin()
        self.started = self.clock()

    def __exit__(self, kind, error, trace):
        if kind is not None and issubclass(kind, FileError | UnicodeDecodeError):
            # The file broke off, but every row written so far was good: keep them.
            self.atomic.__exit__(None, None, None)
            return False
        return self.atomic.__exit__(kind, error, trace)


class _bulk_session:
    """A bigger page cache for SQLite while an import runs (memory only; durability and
    locking stay as configured), restored afterwards."""

    def __enter__(self):
        self.previous = None
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self.previous = cursor.fetchone()[0]
                cursor.execute("PRAGMA cache_size = -65536")
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self.previous)}")
        return False


def _position(binary) -> int:
    try:
        return binary.tell()
    except (OSError, ValueError):
        return 0


def _finish_job(actor, job: ImportJob, report: TicketImportReport, failed: str = "") -> None:
    job.status = ImportStatus.FAILED if failed else ImportStatus.DONE
    job.error = failed
    job.finished_at = timezone.now()
    _copy_counts(job, report)
    if not failed and job.file_size:
        job.bytes_read = job.file_size
    # What an earlier, interrupted attempt noted stays in front of this attempt's notes.
    job.notes = [n for n in job.notes if n.startswith("Interrupted")] + report.notes
    job.problems = [p.as_dict() for p in report.problems]
    job.save()
    audit.record(
        actor=actor,
        workspace=job.workspace,
        verb="tickets.import_failed" if failed else "tickets.imported",
        target=job,
        after={
            "product": job.product.slug,
            "format": job.format,
            "file": job.file_name,
            "rows_read": job.rows_read,
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "rejected": job.rejected,
            "requesters_created": job.requesters_created,
            "error": failed,
        },
    )


def _copy_counts(job: ImportJob, report: TicketImportReport) -> None:
    job.rows_read, job.created, job.updated = report.rows_read, report.created, report.updated
    job.unchanged, job.rejected, job.requesters_created = (
        report.unchanged,
        report.rejected_rows,
        report.requesters_created,
    )


# ---------------------------------------------------------------- writing batches


# The order of the values _plan builds; UPDATE sets everything after external_id.
TICKET_COLUMNS = (
    "product_id",
    "source",
    "external_id",
    "requester_id",
    "requester_email",
    "requester_name",
    "subject",
    "body",
    "status",
    "priority",
    "tags",
    "created_at",
    "updated_at",
    "solved_at",
    "closed_at",
    "content_hash",
    "imported_at",
    "last_import_id",
)
UPDATE_COLUMNS = TICKET_COLUMNS[3:]
# The order of the columns in the COPY text of a first import (TicketWriter._new_lines):
# what the writer knows, the requester's id, then parsing.PREPARED as the reader wrote it.
COPY_COLUMNS = ("product_id", "source", "imported_at", "last_import_id", "requester_id", *PREPARED)


class TicketWriter:
    """Writes tickets in batches with plain parameterised SQL: per-row model objects cost
    more than the database does at a million rows. New tickets are inserted (COPY on
    PostgreSQL), changed ones updated by id, unchanged ones left alone.

    ``write_rows`` takes parsing.PREPARED tuples (what the importer reads); ``write`` takes
    tickets as clean_ticket returns them (the demo data)."""

    def __init__(self, product: Product, source: str, job: ImportJob | None):
        self.product = product
        self.source = source
        self.job = job
        self.table = connection.ops.quote_name(Ticket._meta.db_table)
        self.postgres = connection.vendor == "postgresql"
        self.preparer = RowPreparer(source, self.postgres)
        self.requesters = RequesterIndex(product.workspace)
        # Requester id -> newest ticket time (database text, which sorts like the times), and
        # what was last written for it, so a flush only touches requesters that moved on.
        self.heard: dict[int, str] = {}
        self.heard_written: dict[int, str] = {}
        self.batches = 0
        self.held_in = None
        placeholders = ", ".join(["%s"] * len(TICKET_COLUMNS))
        self.insert_sql = (
            f"INSERT INTO {self.table} ({', '.join(TICKET_COLUMNS)}) VALUES ({placeholders}) "
            "ON CONFLICT (product_id, source, external_id) DO NOTHING"
        )
        self.update_sql = f"UPDATE {self.table} SET {', '.join(c + ' = %s' for c in UPDATE_COLUMNS)} WHERE id = %s"
        self.select_sql = (
            # The update time as text (parsed only for the rare changed ticket) and erasure as
            # a flag: loading a timestamp per row costs more than the query at a million rows.
            f"SELECT external_id, id, content_hash, {'updated_at::text' if self.postgres else 'updated_at'}, "
            f"erased_at IS NOT NULL FROM {self.table} "
            "WHERE product_id = %s AND source = %s AND external_id IN ({})"
        )
        # A product's first import from a source inserts without looking for existing rows.
        self.optimistic = not Ticket.objects.filter(product=product, source=source).exists()

    def write(self, batch: list[dict], report: TicketImportReport) -> None:
        prepare = self.preparer.from_cleaned
        self.write_rows([prepare(t) for t in batch], report)

    def write_rows(self, rows: list[tuple], report: TicketImportReport) -> None:
        if not rows:
            return
        unique = {row[0]: row for row in rows}  # a later row for the same id wins
        report.repeated += len(rows) - len(unique)
        report.unchanged += len(rows) - len(unique)
        # No savepoint of its own: a batch that fails fails the import's transaction.
        with transaction.atomic(savepoint=False):
            self._hold_references()
            report.requesters_created += self.requesters.resolve(unique.values())
            report.requesters_created += self.requesters.confirm(unique.values(), self.product)
            with connection.cursor() as cursor:
                if self.optimistic and self._insert_all(cursor, unique, report):
                    pass
                else:
                    existing = self._existing(cursor, list(unique))
                    inserts, updates = self._plan(unique, existing, report)
                    if inserts:
                        self._insert(cursor, inserts)
                    if updates:
                        cursor.executemany(self.update_sql, updates)
                    report.created += len(inserts)
                    report.updated += len(updates)
                    # Once a batch held only new tickets, the next one probably does too.
                    self.optimistic = not existing
            self.batches += 1
            if self.batches % HEARD_FLUSH_BATCHES == 0:
                self._flush_heard()

    def _hold_references(self) -> None:
        """Once per transaction: keep the workspace's stakeholders and products from being
        deleted until it commits (see references.py)."""
        outermost = connection.atomic_blocks[0]  # a new object for every transaction
        if outermost is not self.held_in:
            hold_for_import(self.product.workspace_id)
            self.held_in = outermost

    def save_progress(self, report: TicketImportReport, position: int) -> None:
        if self.job is None:
            return
        ImportJob.objects.filter(pk=self.job.pk).update(
            rows_read=report.rows_read,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected_rows,
            requesters_created=report.requesters_created,
            bytes_read=position,
        )

    def _insert_all(self, cursor, unique: dict[str, tuple], report) -> bool:
        """Insert the batch without looking first (a first import of a file): True when every
        row was new. Otherwise nothing of it is kept and the caller compares row by row."""
        text = self.postgres and len(next(iter(unique.values()))) > COPY_TEXT
        inserts = self._new_lines(unique) if text else self._new_rows(unique)
        try:
            with transaction.atomic():
                if text:
                    with cursor.cursor.copy(f"COPY {self.table} ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
                        copy.write(inserts)
                elif self.postgres:
                    self._copy(cursor, inserts)
                else:
                    cursor.executemany(self.insert_sql, inserts)
                    if cursor.rowcount != len(inserts):
                        raise _SomeExisted
        except (_SomeExisted, IntegrityError):
            self.optimistic = False
            return False
        report.created += len(unique)
        return True

    def finish(self, report: TicketImportReport) -> None:
        with transaction.atomic():
            self._flush_heard()
            if self.postgres and report.created >= ANALYZE_AFTER_ROWS:
                # Statistics from before a bulk load make PostgreSQL scan the whole product
                # for each batch of the next import (minutes instead of seconds at a million
                # rows); autovacuum would catch up only later.
                self.analyse()

    def analyse(self) -> None:
        """Fresh planner statistics for the columns imports and theme queries look tickets up
        by (those of subjects and bodies cost most of a full ANALYZE and guide no query)."""
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {self.table} ({', '.join(ANALYZED_COLUMNS)})")

    def analyse_if_stale(self) -> None:
        """Before the first batch: when many rows changed since the table was last analysed
        (an import that crashed before its final ANALYZE), analyse now, or every lookup of
        this import is planned for an empty table and scans the product's tickets."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relid = %s::regclass", [Ticket._meta.db_table])
            row = cursor.fetchone()
        if row and row[0] >= ANALYZE_AFTER_ROWS:
            self.analyse()

    def _existing(self, cursor, external_ids: list[str]) -> dict[str, tuple]:
        found: dict[str, tuple] = {}
        for start in range(0, len(external_ids), 5000):
            chunk = external_ids[start : start + 5000]
            if self.postgres:
                # One array parameter: thousands of placeholders cost PostgreSQL more to plan
                # than to answer.
                cursor.execute(
                    self.select_sql.format("SELECT unnest(%s::text[])"),
                    [self.product.pk, self.source, _text_array(chunk)],
                )
            else:
                cursor.execute(
                    self.select_sql.format(", ".join(["%s"] * len(chunk))),
                    [self.product.pk, self.source, *chunk],
                )
            for external_id, pk, digest, updated_at, erased in cursor.fetchall():
                found[external_id] = (pk, digest, updated_at, erased)
        return found

    def _row_ends(self) -> tuple[tuple, tuple]:
        now = self.preparer.as_db(timezone.now())
        return (self.product.pk, self.source), (now, self.job.pk if self.job else None)

    def _hear(self, requester_id: int, created: str) -> None:
        seen = self.heard.get(requester_id)
        if seen is None or created > seen:
            self.heard[requester_id] = created

    def _new_rows(self, unique: dict[str, tuple]) -> list[tuple]:
        """INSERT/COPY rows (TICKET_COLUMNS) for tickets known to be new."""
        head, tail = self._row_ends()
        ids, heard = self.requesters.ids, self.heard
        rows = []
        append = rows.append
        for row in unique.values():
            email = row[1]
            requester_id = ids.get(email) if email else None
            if requester_id is not None:
                seen = heard.get(requester_id)
                if seen is None or row[8] > seen:
                    heard[requester_id] = row[8]
            append(head + (row[0], requester_id) + row[1:COPY_TEXT] + tail)
        return rows

    def _new_lines(self, unique: dict[str, tuple]) -> str:
        """COPY text (COPY_COLUMNS) for tickets known to be new, from the line the reader
        made of each (parsing.copy_text): only the requester's id goes in front."""
        ids, heard = self.requesters.ids, self.heard
        now, job = self.preparer.as_db(timezone.now()), self.job.pk if self.job else "\\N"
        prefix = f"{self.product.pk}\t{self.source}\t{now}\t{job}\t"
        lines = []
        append = lines.append
        for row in unique.values():
            email = row[1]
            requester_id = ids.get(email) if email else None
            if requester_id is None:
                append(f"{prefix}\\N\t{row[COPY_TEXT]}\n")
                continue
            seen = heard.get(requester_id)
            if seen is None or row[8] > seen:
                heard[requester_id] = row[8]
            append(f"{prefix}{requester_id}\t{row[COPY_TEXT]}\n")
        return "".join(lines)

    def _plan(
        self, unique: dict[str, tuple], existing: dict[str, tuple], report
    ) -> tuple[list, list]:
        head, tail = self._row_ends()
        ids = self.requesters.ids
        inserts, updates = [], []
        for external_id, row in unique.items():
            email = row[1]
            requester_id = ids.get(email) if email else None
            if requester_id is not None:
                self._hear(requester_id, row[8])
            old = existing.get(external_id)
            if old is None:
                inserts.append(head + (external_id, requester_id) + restore_row(row)[1:COPY_TEXT] + tail)
                continue
            pk, old_digest, old_updated, erased = old
            if erased or old_digest == row[12]:
                report.unchanged += 1
            elif row[9] and old_updated and _aware(row[9]) < _aware(old_updated):
                report.unchanged += 1  # an older version of a ticket heard already holds
            else:
                updates.append((requester_id, *restore_row(row)[1:COPY_TEXT], *tail, pk))
        return inserts, updates

    def _insert(self, cursor, rows: list[tuple]) -> None:
        if not self.postgres:
            cursor.executemany(self.insert_sql, rows)
            return
        try:
            with transaction.atomic():
                self._copy(cursor, rows)
        except IntegrityError:
            # Another import of the same file got there first: fall back to skipping duplicates.
            cursor.executemany(self.insert_sql, rows)

    def _copy(self, cursor, rows: list[tuple]) -> None:
        with cursor.cursor.copy(
            f"COPY {self.table} ({', '.join(TICKET_COLUMNS)}) FROM STDIN"
        ) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def _flush_heard(self) -> None:
        written = self.heard_written
        moved = [(pk, at) for pk, at in self.heard.items() if written.get(pk) != at]
        if not moved:
            return
        table = connection.ops.quote_name(Stakeholder._meta.db_table)
        with connection.cursor() as cursor:
            if self.postgres:
                # One statement for all of them: a round trip per requester costs more.
                cursor.execute(
                    f"UPDATE {table} AS s SET last_heard_at = v.at "
                    "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) "
                    "WHERE s.id = v.id AND (s.last_heard_at IS NULL OR s.last_heard_at < v.at)",
                    [[pk for pk, _ in moved], [at for _, at in moved]],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET last_heard_at = %s WHERE id = %s AND (last_heard_at IS NULL OR last_heard_at < %s)",
                    [(at, pk, at) for pk, at in moved],
                )
        written.update(moved)


def _text_array(values: list[str]) -> str:
    """A PostgreSQL text[] literal: psycopg would dump a list of thousands item by item."""
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


class _SomeExisted(Exception):
    pass


def _aware(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class RequesterIndex:
    """E-mail -> stakeholder id for one import. Unknown requesters are created in bulk as end
    users flagged ``created_by_import``; each address is looked up once per import."""

    CREATE_CHUNK = 500  # rows per multi-row INSERT (well under both databases' parameter limits)

    def __init__(self, workspace):
        self.workspace = workspace
        self.ids: dict[str, int] = {}
        self.insert_sql: str | None = None

    def resolve(self, tickets) -> int:
        """Make sure every requester of ``tickets`` (PREPARED tuples) has an id; return how
        many stakeholders were created."""
        wanted: dict[str, str] = {}
        ids = self.ids
        for t in tickets:
            email = t[1]
            if email and email not in ids and email not in wanted:
                wanted[email] = t[2]
        if not wanted:
            return 0
        self._look_up(list(wanted))
        missing = [e for e in wanted if e not in ids]
        if missing:
            self._create(missing, wanted)
        return len(missing)

    def confirm(self, tickets, product: Product) -> int:
        """Make sure the product and the requesters of ``tickets`` still exist (Ticket has no
        database constraints on them; see references.py). A requester deleted since it was
        looked up is forgotten and looked up or created again; return how many were created.
        Raises HeardError when the product is gone."""
        ids = self.ids
        used = list({ids[t[1]] for t in tickets if t[1]})
        quote = connection.ops.quote_name
        table, products = quote(Stakeholder._meta.db_table), quote(Product._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One round trip: the product and every requester of the batch.
                cursor.execute(
                    f"SELECT EXISTS(SELECT 1 FROM {products} WHERE id = %s), "
                    f"ARRAY(SELECT id FROM {table} WHERE id = ANY(%s::bigint[]))",
                    # The ids as one array literal: psycopg would dump a list item by item.
                    [product.pk, "{" + ",".join(map(str, used)) + "}"],
                )
                product_exists, found = cursor.fetchone()
                found = set(found)
            else:
                cursor.execute(f"SELECT 1 FROM {products} WHERE id = %s", [product.pk])
                product_exists, found = cursor.fetchone() is not None, set()
                for start in range(0, len(used), 2000):
                    chunk = used[start : start + 2000]
                    cursor.execute(f"SELECT id FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
                    found.update(pk for (pk,) in cursor.fetchall())
        if not product_exists:
            raise product_gone()
        gone = set(used) - found
        if not gone:
            return 0
        for email in [e for e, pk in ids.items() if pk in gone]:
            del ids[email]
        return self.resolve(tickets)

    def _create(self, emails: list[str], names: dict[str, str]) -> None:
        # Model objects for thousands of new requesters cost more than the inserts, so the
        # row is built once from the model's own defaults and only name and e-mail vary.
        # The INSERTs return the new ids: no round trip per requester, no second look-up.
        if self.insert_sql is None:
            self._prepare_insert()
        rows = [((names[email] or email)[:200], email) for email in emails]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One statement whatever the count: the names and addresses travel as two arrays.
                cursor.execute(
                    self.insert_sql, [*self.template, [n for n, _ in rows], [e for _, e in rows]]
                )
                self.ids.update((email, pk) for pk, email in cursor.fetchall())
                return
            for start in range(0, len(rows), self.CREATE_CHUNK):
                chunk = rows[start : start + self.CREATE_CHUNK]
                params = []
                for name, email in chunk:
                    params.extend(self.template)
                    params.extend((name, email))
                cursor.execute(
                    self.insert_sql
                    + ", ".join([self.row_sql] * len(chunk))
                    + " RETURNING id, email",
                    params,
                )
                self.ids.update((email, pk) for pk, email in cursor.fetchall())

    def _prepare_insert(self) -> None:
        template = Stakeholder(
            workspace=self.workspace,
            name="",
            email="",
            kind=StakeholderKind.END_USER,
            created_by_import=True,
        )
        fields = [
            f
            for f in Stakeholder._meta.concrete_fields
            if not f.primary_key and f.column not in ("name", "email")
        ]
        self.template = [f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in [*(f.column for f in fields), "name", "email"])
        table = quote(Stakeholder._meta.db_table)
        if connection.vendor == "postgresql":
            casts = ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in fields)
            self.insert_sql = (
                f"INSERT INTO {table} ({columns}) SELECT {casts}, v.name, v.email "
                "FROM unnest(%s::text[], %s::text[]) AS v(name, email) RETURNING id, email"
            )
        else:
            self.row_sql = f"({', '.join(['%s'] * (len(fields) + 2))})"
            self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES "

    def _look_up(self, emails: list[str]) -> None:
        if connection.vendor == "postgresql":
            # One array parameter instead of thousands of placeholders; the unique index on
            # (lower(email), workspace) answers it.
            table = connection.ops.quote_name(Stakeholder._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT lower(email), id FROM {table} WHERE workspace_id = %s AND NOT (email = '') "
                    "AND lower(email) = ANY(%s::text[])",
                    [self.workspace.pk, emails],
                )
                self.ids.update(cursor.fetchall())
            return
        for start in range(0, len(emails), 2000):
            chunk = emails[start : start + 2000]
            rows = (
                Stakeholder.objects.filter(workspace=self.workspace)
                .exclude(email="")
                .annotate(email_lower=Lower("email"))
                .filter(email_lower__in=chunk)
                .values_list("email_lower", "id")
            )
            self.ids.update(rows)


# ---------------------------------------------------------------- background imports


@transaction.atomic
def start_ticket_import(
    *,
    actor,
    product: Product,
    path: str,
    file_name: str,
    fmt: str | None,
    mapping: dict | None = None,
) -> ImportJob:
    """Queue an import of a stored file; the worker runs it (``heard worker``)."""
    permissions.require(actor, product.workspace, "tickets.import")
    require_active(product)
    if fmt and fmt not in FORMATS:
        raise HeardError(
            "invalid", f"Unknown format “{fmt}”; choose one of: {', '.join(FORMATS)}.", "format"
        )
    import os

    job = ImportJob.objects.create(
        workspace=product.workspace,
        product=product,
        format=fmt or guess_format(file_name),
        file_path=path,
        file_name=file_name,
        file_size=os.path.getsize(path),
        mapping=mapping or {},
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    tasks.enqueue("tickets.run_ticket_import", job.pk, fmt or "")
    return job


def run_import_job(job: ImportJob, fmt: str = "") -> ImportJob:
    """Run a queued import as the person who started it (their role is checked again)."""
    actor = job.created_by
    try:
        import_tickets(
            actor=actor,
            product=job.product,
            path=job.file_path,
            fmt=fmt or None,
            mapping=job.mapping,
            job=job,
            file_name=job.file_name,
        )
    except HeardError as exc:
        _fail_unfinished(job, exc.message)
    except Exception as exc:
        # Whatever broke, the job says so: never "queued" or "running" for ever.
        log.exception("ticket import job %s failed", job.pk)
        _fail_unfinished(job, f"The import stopped unexpectedly: {exc.__class__.__name__}: {exc}")
    finally:
        _remove_upload(job.file_path)
    job.refresh_from_db()
    return job


def _fail_unfinished(job: ImportJob, reason: str) -> None:
    job.refresh_from_db()
    if not job.is_finished:
        job.status, job.error, job.finished_at = ImportStatus.FAILED, reason, timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])


# ---------------------------------------------------------------- interrupted imports

#: An interrupted upload is started again this many times in all before it ends as failed.
MAX_ATTEMPTS = 2


def _is_upload(path: str) -> bool:
    from pathlib import Path

    from django.conf import settings

    uploads = (Path(settings.MEDIA_ROOT) / "imports").resolve()
    stored = Path(path).resolve()
    return uploads in stored.parents and stored.exists()


def settle_interrupted_imports(product: Product | None = None) -> int:
    """Settle every import whose process stopped beating (core.heartbeat): an upload still on
    disk is queued again (imports are idempotent, so the rows already written are not added
    twice); anything else ends as failed with the reason. Returns how many were settled."""
    stale = ImportJob.objects.filter(stale_filter([ImportStatus.RUNNING]))
    if product is not None:
        stale = stale.filter(product=product)
    return sum(_settle_interrupted(pk) for pk in stale.values_list("pk", flat=True))


@transaction.atomic
def _settle_interrupted(pk: int) -> int:
    job = ImportJob.objects.select_for_update().filter(pk=pk).filter(stale_filter([ImportStatus.RUNNING])).first()
    if job is None:  # settled meanwhile by another reader
        return 0
    last = timezone.localtime(job.heartbeat_at or job.started_at).strftime("%Y-%m-%d %H:%M:%S %Z")
    who = job.worker or "the process"
    if _is_upload(job.file_path) and job.attempts < MAX_ATTEMPTS:
        job.status = ImportStatus.QUEUED
        job.notes = [*job.notes, f"Interrupted: {who} stopped at {last}; queued again to finish (rows already imported are not added twice)."]
        job.save(update_fields=["status", "notes"])
        verb = "tickets.import_resumed"
        tasks.enqueue("tickets.run_ticket_import", job.pk, job.format or "")
    else:
        job.status, job.finished_at = ImportStatus.FAILED, timezone.now()
        job.error = (
            f"Interrupted: {who} stopped at {last} (no heartbeat for over {int(stale_after().total_seconds())} s). "
            "The rows written before that are kept; run the import again to finish it: rows already imported are not added twice."
        )
        job.save(update_fields=["status", "error", "finished_at"])
        verb = "tickets.import_interrupted"
        # Nothing will read the upload again: the person starts a new import to finish.
        path = job.file_path
        transaction.on_commit(lambda: _remove_upload(path))
    audit.record(actor=None, workspace=job.workspace, verb=verb, target=job, after={"worker": job.worker, "last_heartbeat": last, "attempts": job.attempts})
    return 1


def _remove_upload(path: str) -> None:
    """An uploaded export is personal data heard no longer needs once it is imported."""
    from pathlib import Path

    from django.conf import settings

    uploads = (Path(settings.MEDIA_ROOT) / "imports").resolve()
    stored = Path(path).resolve()
    if uploads in stored.parents and stored.exists():
        stored.unlink()


# ---------------------------------------------------------------- privacy hooks


@register_erasure_hook
def erase_requester_tickets(stakeholder) -> int:
    """An erased person's tickets keep their counts and themes but lose name, address and text."""
    return Ticket.objects.filter(requester=stakeholder).update(
        requester_email="",
        requester_name="",
        subject="(erased)",
        body="",
        erased_at=timezone.now(),
    )


@register_export_hook
def export_requester_tickets(stakeholder):
    rows = Ticket.objects.filter(requester=stakeholder).values(
        "source", "external_id", "subject", "body", "status", "created_at", "solved_at", "closed_at"
    )
    return "support_tickets", [
        {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in r.items()} for r in rows
    ]
