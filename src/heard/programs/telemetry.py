"""Telemetry ingestion: rows from CSV, NDJSON or an API batch into TelemetryRecord, in
batches, idempotently, with line-numbered problems and the good rows kept.

A row (CSV columns or JSON keys; see docs/programs.md):

- ``metric`` (required): the metric's name, e.g. ``error``, ``task_completed``, ``latency_ms``;
- ``day`` or ``at`` (required): the day (YYYY-MM-DD) or a timestamp (its date is used);
- ``participant`` (a stakeholder's id or e-mail in the program) or ``cohort`` (its name or
  id): whose it is; a participant's cohort is looked up;
- ``value`` (required): the event's value (1 or 0 for a rate), or for an aggregate the sum
  (for a rate the number of successes);
- ``count``: present for a daily aggregate: how many observations it sums (``sum_sq`` their
  sum of squares, for a mean; without it the values are taken as 0 or 1);
- ``event_id``: the event's own id, required for single events; an aggregate without one is
  keyed by day, participant or cohort, and metric.

Re-sending a row with a key the program already holds adds nothing (it is counted as
unchanged); the first row with a key wins.
"""

from __future__ import annotations

import csv
import json
import math
import operator
import re
from collections.abc import Iterable, Iterator
from datetime import date

from django.db import IntegrityError, connection, transaction

from heard.core.errors import HeardError
from heard.core.importing import ImportReport, _chain, open_text

from .models import Program, TelemetryDay, TelemetryRecord

BATCH = 20_000
FORMATS = ("csv", "ndjson")
COLUMNS = ("program_id", "metric", "key", "cohort_id", "participant_id", "day", "count", "total", "total_sq")
METRIC = re.compile(r"^[A-Za-z0-9_.:\-]{1,60}$")
# The order of RowReader.read_fields' arguments.
FIELDS = ("metric", "day", "at", "participant", "cohort", "value", "count", "sum_sq", "event_id")


class Rejected(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def format_of(path: str, fmt: str | None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise HeardError("invalid", f"Unknown telemetry format “{fmt}”; use csv or ndjson.", "format")
        return fmt
    name = path.lower().removesuffix(".gz")
    return "ndjson" if name.endswith((".ndjson", ".jsonl", ".json")) else "csv"


def ndjson_rows(handle) -> Iterator[tuple[int, dict | None]]:
    """``(line, record)`` per non-blank line; ``record`` is None for a line that is not a
    JSON object (the caller reports it)."""
    for line, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except ValueError:
            record = None
        yield line, record if isinstance(record, dict) else None


def csv_field_rows(handle, mapping: dict[str, str] | None = None) -> Iterator[tuple[int, tuple]]:
    """``(line, fields)`` per data row of a telemetry CSV, ``fields`` in FIELDS order ("" for
    a column the file lacks). Like core.importing.csv_rows (sniffed dialect, normalised or
    mapped headers, physical line numbers) but positional: no dict per row, which costs
    more than the insert at ten million rows."""
    sample = handle.read(8192)
    formatting: dict = {}
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        # Rows of uneven length defeat the sniffer: the header's commonest separator wins.
        first = sample.split("\n", 1)[0]
        dialect = csv.excel
        formatting["delimiter"] = max(",;\t|", key=first.count)
    reader = csv.reader(_chain(sample, handle), dialect, **formatting)
    header = next(reader, None)
    if header is None:
        return
    mapping = {k.strip(): v.strip() for k, v in (mapping or {}).items()}
    names = [mapping.get(c.strip()) or c.strip().lower().replace(" ", "_").replace("-", "_") for c in header]
    width = len(names)
    # A missing column reads the empty cell appended after the row's own.
    pick = operator.itemgetter(*[names.index(f) if f in names else width for f in FIELDS])
    previous = reader.line_num
    for values in reader:
        line = previous + 1
        previous = reader.line_num
        if not values:
            continue
        if len(values) < width:
            values += [""] * (width - len(values))
        values.append("")
        yield line, pick(values) if len(values) == width + 1 else pick(values[:width] + [""])


class RowReader:
    """Turns one row (a dict of text or JSON values) into a TelemetryRecord tuple (COLUMNS).

    Participants and cohorts of the program are loaded once: a program has hundreds of
    them, telemetry millions of rows.
    """

    def __init__(self, program: Program):
        self.program_id = program.pk
        self.cohort_by_ref: dict[str, int] = {}
        for cohort in program.cohorts.all():
            self.cohort_by_ref[str(cohort.pk)] = cohort.pk
            self.cohort_by_ref[cohort.name.strip().lower()] = cohort.pk
        self.participant_by_ref: dict[str, tuple[int, int]] = {}
        # Participant id -> the last day they took part (telemetry after it is refused).
        self.left_on: dict[int, str] = {}
        for p in program.participants.select_related("stakeholder"):
            self.participant_by_ref[str(p.stakeholder_id)] = (p.pk, p.cohort_id)
            if p.stakeholder.email:
                self.participant_by_ref[p.stakeholder.email.lower()] = (p.pk, p.cohort_id)
            if p.left_at is not None:
                self.left_on[p.pk] = p.left_at.date().isoformat()
        self.metrics: set[str] = set()
        self.days: dict[str, str] = {}

    def read(self, row: dict) -> tuple:
        """A JSON record (NDJSON line or API batch item) as a record tuple."""
        # A list or an object where a value belongs is read as its text, and rejected as such.
        return self.read_fields(*(_scalar(row.get(name)) for name in FIELDS))

    def read_fields(self, metric, day_text, at_text, participant, cohort, value, raw_count, raw_sq, event_id) -> tuple:
        """The fields of one row as a record tuple (COLUMNS); Rejected names the bad field.

        Written for tens of millions of rows: metrics, days and people repeat, so each is
        checked once and remembered."""
        metric = metric.strip() if metric.__class__ is str else _text(metric)
        if metric not in self.metrics:
            if not metric:
                raise Rejected("metric is required, e.g. error or latency_ms.", "metric")
            if not METRIC.match(metric):
                raise Rejected(f"“{metric[:60]}” is not a metric name: letters, digits, _ . : - (at most 60).", "metric")
            self.metrics.add(metric)
        day = self.days.get(day_text) or self._day(day_text, at_text)
        found = self.participant_by_ref.get(participant) if participant else None
        if found is not None and not cohort:
            participant_id, cohort_id = found
        else:
            participant_id, cohort_id = self._whose(participant, cohort)
        if participant_id is not None and participant_id in self.left_on and day > self.left_on[participant_id]:
            raise Rejected(f"This participant left the program on {self.left_on[participant_id]}; telemetry after that is not kept.", "participant")
        try:
            value = float(value)
        except (TypeError, ValueError):
            value = _number(value, "value")
        if value - value != 0.0:  # inf or nan
            value = _number(value, "value")
        event_id = event_id.strip() if event_id.__class__ is str else _text(event_id)
        if raw_count is None or raw_count == "":
            if not event_id:
                raise Rejected("event_id is required for a single event (or give count for a daily aggregate).", "event_id")
            count, total_sq = 1, value * value
        else:
            count = _count(raw_count)
            total_sq = value if raw_sq is None or raw_sq == "" else _number(raw_sq, "sum_sq")
        if event_id:
            if len(event_id) > 100 or "\x00" in event_id:
                raise Rejected("event_id: at most 100 characters, and no NUL characters.", "event_id")
            key = event_id
        else:
            key = f"{day}|{'p' + str(participant_id) if participant_id else 'c' + str(cohort_id)}"
        return (self.program_id, metric, key, cohort_id, participant_id, day, count, value, total_sq)

    def _day(self, raw_day, raw_at) -> str:
        """The day as YYYY-MM-DD text (what the database stores; ISO days sort as text)."""
        text = _text(raw_day) or _text(raw_at)
        if not text:
            raise Rejected("day (YYYY-MM-DD) or at (a timestamp) is required.", "day")
        try:
            day = date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            raise Rejected(f"“{text[:40]}” is not a day; use YYYY-MM-DD or an ISO timestamp.", "day" if _text(raw_day) else "at") from None
        if isinstance(raw_day, str) and len(self.days) < 100_000:
            self.days[raw_day] = day
        return day

    def _whose(self, raw_participant, raw_cohort) -> tuple[int | None, int]:
        participant = _text(raw_participant).lower()
        cohort = _text(raw_cohort).lower()
        if participant:
            found = self.participant_by_ref.get(participant)
            if found is None:
                raise Rejected(f"“{participant[:80]}” is not a participant of this program (a stakeholder's id or e-mail).", "participant")
            if cohort and self.cohort_by_ref.get(cohort) != found[1]:
                raise Rejected(f"This participant is not in the cohort “{cohort[:80]}”.", "cohort")
            return found
        if cohort:
            found_cohort = self.cohort_by_ref.get(cohort)
            if found_cohort is None:
                raise Rejected(f"“{cohort[:80]}” is not a cohort of this program (its name or id).", "cohort")
            return None, found_cohort
        raise Rejected("participant or cohort is required: whose telemetry this is.", "participant")


def _scalar(raw):
    return raw if raw is None or raw.__class__ in (str, int, float, bool) else str(raw)


def _text(raw) -> str:
    if raw is None:
        return ""
    return (raw if isinstance(raw, str) else str(raw)).strip()


def _number(raw, field: str) -> float:
    if isinstance(raw, bool):
        return float(raw)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        text = _text(raw)
        raise Rejected(f"{field} must be a number{', not “' + text[:40] + '”' if text else ''}.", field) from None
    if not math.isfinite(value):
        raise Rejected(f"{field} must be a finite number.", field)
    return value


def _count(raw) -> int:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise Rejected(f"count must be a whole number of at least 1, not “{_text(raw)[:40]}”.", "count") from None
    if not math.isfinite(value) or value < 1 or value != int(value) or value > 2_000_000_000:
        raise Rejected("count must be a whole number of at least 1.", "count")
    return int(value)


class TelemetryWriter:
    """Inserts record tuples in batches, skipping keys the program already holds, and adds
    what it really inserted to the daily rollup (TelemetryDay).

    A program's first import inserts without looking (COPY on PostgreSQL, a plain INSERT on
    SQLite, in a savepoint); once a batch meets a key it holds, batches go through ``ON
    CONFLICT DO NOTHING``: with ``RETURNING`` of what was inserted on PostgreSQL (from a
    staging table), after looking the batch's keys up on SQLite (one writer at a time there).
    """

    def __init__(self, program: Program):
        self.table = connection.ops.quote_name(TelemetryRecord._meta.db_table)
        self.rollup = connection.ops.quote_name(TelemetryDay._meta.db_table)
        self.postgres = connection.vendor == "postgresql"
        self.program_id = program.pk
        placeholders = ", ".join(["%s"] * len(COLUMNS))
        self.plain_sql = f"INSERT INTO {self.table} ({', '.join(COLUMNS)}) VALUES ({placeholders})"
        self.insert_sql = self.plain_sql + " ON CONFLICT (program_id, metric, key) DO NOTHING"
        self.rollup_sql = (
            f"INSERT INTO {self.rollup} (program_id, metric, cohort_id, day, count, total, total_sq) VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (program_id, metric, cohort_id, day) DO UPDATE SET count = "
            f"{self.rollup}.count + excluded.count, total = {self.rollup}.total + excluded.total, "
            f"total_sq = {self.rollup}.total_sq + excluded.total_sq"
        )
        self.optimistic = not TelemetryRecord.objects.filter(program=program).exists()

    def write(self, rows: list[tuple]) -> int:
        """Insert ``rows`` (unique keys); answers how many were new."""
        if not rows:
            return 0
        with connection.cursor() as cursor:
            if self.optimistic:
                try:
                    with transaction.atomic():
                        if self.postgres:
                            self._copy(cursor, self.table, rows)
                        else:
                            cursor.executemany(self.plain_sql, rows)
                except IntegrityError:
                    self.optimistic = False
                else:
                    self._roll_up(cursor, rows)
                    return len(rows)
            new = self._staged(cursor, rows) if self.postgres else self._new_only(cursor, rows)
            self._roll_up(cursor, new)
            return len(new)

    def _copy(self, cursor, table: str, rows: list[tuple]) -> None:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def _staged(self, cursor, rows: list[tuple]) -> list[tuple]:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS heard_telemetry_stage (program_id bigint, metric varchar(60), key varchar(100), "
            "cohort_id bigint, participant_id bigint, day date, count integer, total double precision, total_sq double precision) "
            "ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE heard_telemetry_stage")
        self._copy(cursor, "heard_telemetry_stage", rows)
        cursor.execute(
            f"INSERT INTO {self.table} ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS)} FROM heard_telemetry_stage "
            f"ON CONFLICT (program_id, metric, key) DO NOTHING RETURNING {', '.join(COLUMNS)}"
        )
        return cursor.fetchall()

    def _new_only(self, cursor, rows: list[tuple]) -> list[tuple]:
        by_metric: dict[str, list[str]] = {}
        for row in rows:
            by_metric.setdefault(row[1], []).append(row[2])
        held: set[tuple[str, str]] = set()
        for metric, keys in by_metric.items():
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                cursor.execute(
                    f"SELECT key FROM {self.table} WHERE program_id = %s AND metric = %s AND key IN ({', '.join(['%s'] * len(chunk))})",
                    [self.program_id, metric, *chunk],
                )
                held.update((metric, key) for (key,) in cursor.fetchall())
        new = [row for row in rows if (row[1], row[2]) not in held]
        if new:
            cursor.executemany(self.insert_sql, new)
        return new

    def _roll_up(self, cursor, rows) -> None:
        sums: dict[tuple, list] = {}
        for row in rows:
            key = (row[1], row[3], row[5])  # metric, cohort, day (ISO text, or a date from RETURNING)
            found = sums.get(key)
            if found is None:
                sums[key] = [row[6], row[7], row[8]]
            else:
                found[0] += row[6]
                found[1] += row[7]
                found[2] += row[8]
        if sums:
            cursor.executemany(self.rollup_sql, [(self.program_id, m, c, d, n, t, q) for (m, c, d), (n, t, q) in sums.items()])


def ingest(program: Program, rows: Iterable[tuple[int, dict | None]], report: ImportReport, *, batch_size: int = BATCH) -> int:
    """Read ``(line, row)`` pairs into the program's telemetry; answers how many were read.
    Bad rows become problems (line, field, message); good rows are written in batches. A key
    repeated within the input, or one the program already holds, counts as unchanged.
    """
    reader = RowReader(program)
    writer = TelemetryWriter(program)
    read, read_fields = reader.read, reader.read_fields
    reject = report.reject
    batch: dict[tuple[str, str], tuple] = {}
    pending = consumed = 0
    for line, row in rows:
        consumed += 1
        if row is None:
            reject(line, "Not a JSON object.", None)
            continue
        try:
            record = read_fields(*row) if row.__class__ is tuple else read(row)
        except Rejected as exc:
            reject(line, exc.message, exc.field)
            continue
        pending += 1
        batch.setdefault((record[1], record[2]), record)
        if pending >= batch_size:
            _flush(writer, batch, pending, report)
            batch, pending = {}, 0
    _flush(writer, batch, pending, report)
    return consumed


def _flush(writer: TelemetryWriter, batch: dict, pending: int, report: ImportReport) -> None:
    if not pending:
        return
    created = writer.write(list(batch.values()))
    report.created += created
    report.unchanged += pending - created


def file_rows(path: str, fmt: str | None, mapping: dict | None = None) -> Iterator[tuple[int, dict | None]]:
    """Stream ``(line, row)`` from a telemetry file (CSV or NDJSON, optionally .gz)."""
    kind = format_of(path, fmt)
    try:
        handle = open_text(path)
    except OSError as exc:
        raise HeardError("invalid", f"Cannot read {path}: {exc.strerror or exc}.", "file") from None
    with handle:
        try:
            if kind == "ndjson":
                yield from ndjson_rows(handle)
            else:
                yield from csv_field_rows(handle, mapping)
        except UnicodeDecodeError:
            raise HeardError("invalid", "The file is not UTF-8 text.", "file") from None
