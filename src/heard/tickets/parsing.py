"""Reading ticket exports, streaming: one ticket at a time, whatever the file size.

``read_tickets(handle, fmt, mapping)`` yields ``(line, fields)`` where ``fields`` maps the
names in FIELDS to raw values (strings, or lists for tags) and ``line`` is the file's line
number (CSV, NDJSON) or the record's position (a JSON array). A value that cannot be read
raises RowError from ``clean_ticket``; the importer reports it and goes on.

Column names are matched after normalising (trimmed, lowercased, spaces, hyphens and dots
to underscores), so "Created time", "created-time" and "created_time" are the same column.
``mapping`` ({file column: heard field}) wins over the built-in names.

The importer itself uses ``read_prepared``: the same rules, applied to a CSV row's values by
position and producing the tuples the database stores (see PREPARED), in batches.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from hashlib import blake2b

FIELDS = (
    "external_id", "subject", "body", "status", "priority", "tags", "created_at", "updated_at",
    "solved_at", "closed_at", "requester_email", "requester_name",
)
FORMATS = ("zendesk", "freshdesk", "intercom", "jira", "csv", "ndjson")

# Heard field -> column names (normalised) tried in order. Generic names come last so a
# vendor's own column wins when a file has both.
_GENERIC = {
    "external_id": ["external_id", "ticket_id", "id", "key", "number"],
    "subject": ["subject", "title", "summary"],
    "body": ["body", "description", "description_text", "text", "message", "content"],
    "status": ["status", "state"],
    "priority": ["priority"],
    "tags": ["tags", "labels", "tag", "label"],
    "created_at": ["created_at", "created", "created_time", "date", "opened_at"],
    "updated_at": ["updated_at", "updated", "last_updated", "last_update_time", "modified_at"],
    "solved_at": ["solved_at", "resolved_at", "resolved", "resolved_time", "resolution_date"],
    "closed_at": ["closed_at", "closed", "closed_time"],
    "requester_email": ["requester_email", "email", "customer_email", "user_email", "contact_email", "requester"],
    "requester_name": ["requester_name", "name", "full_name", "customer_name", "contact_name", "user_name"],
}
_VENDOR = {
    "zendesk": {
        "external_id": ["id", "ticket_id"],
        "body": ["description", "first_comment"],
        "requester_email": ["requester_email", "requester_email_address", "requester"],
        "requester_name": ["requester_name", "requester"],
        "created_at": ["created_at", "created"],
        "solved_at": ["solved_at", "solved"],
        "closed_at": ["closed_at"],
    },
    "freshdesk": {
        "external_id": ["ticket_id", "id"],
        "body": ["description", "description_text"],
        "created_at": ["created_time", "created_at"],
        "updated_at": ["last_update_time", "updated_time", "updated_at"],
        "solved_at": ["resolved_time", "resolved_at"],
        "closed_at": ["closed_time", "closed_at"],
        "requester_email": ["email", "contact_id", "requester_email"],
        "requester_name": ["full_name", "contact_name", "requester_name"],
    },
    "intercom": {
        "external_id": ["conversation_id", "id"],
        "subject": ["conversation_subject", "subject", "title"],
        "body": ["first_message", "initial_message", "conversation_body", "message_body", "body"],
        "status": ["conversation_state", "state", "status"],
        "tags": ["conversation_tags", "tags"],
        "created_at": ["conversation_created_at", "conversation_started_at", "started_at", "created_at"],
        "updated_at": ["conversation_updated_at", "last_updated_at", "updated_at"],
        "closed_at": ["conversation_closed_at", "last_closed_at", "closed_at"],
        "requester_email": ["user_email", "contact_email", "message_author_email", "email"],
        "requester_name": ["user_name", "contact_name", "message_author_name", "name"],
    },
    "jira": {
        "external_id": ["issue_key", "key", "issue_id"],
        "subject": ["summary"],
        "body": ["description"],
        "tags": ["labels"],
        "created_at": ["created"],
        "updated_at": ["updated"],
        "solved_at": ["resolved", "resolution_date"],
        "requester_email": ["reporter_email", "reporter_email_address", "reporter"],
        "requester_name": ["reporter", "reporter_name"],
    },
}

FRESHDESK_STATUS = {"2": "open", "3": "pending", "4": "resolved", "5": "closed"}
FRESHDESK_PRIORITY = {"1": "low", "2": "medium", "3": "high", "4": "urgent"}
MAX_FIELD = 10 * 1024 * 1024


class RowError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class FileError(ValueError):
    """The file as a whole cannot be read on (not a row's fault)."""


def normalise_column(name: str) -> str:
    return re.sub(r"[\s\-.]+", "_", name.strip().lower())


# ---------------------------------------------------------------- formats


def guess_format(path: str, header: list[str] | None = None) -> str:
    """The format from the file name, and for CSV from its header (vendor column names)."""
    name = path.lower().removesuffix(".gz")
    if name.endswith((".ndjson", ".jsonl")):
        return "ndjson"
    if name.endswith(".json"):
        return "zendesk"
    if header is not None:
        columns = {normalise_column(c) for c in header}
        if "issue_key" in columns:
            return "jira"
        if {"ticket_id", "created_time"} <= columns or "resolved_time" in columns:
            return "freshdesk"
        if "conversation_id" in columns:
            return "intercom"
        if "requester_email_address" in columns or (
            {"requester_email", "solved_at"} <= columns and columns & _ZENDESK_ONLY
        ):
            return "zendesk"
    return "csv"


# Columns of a Zendesk view export that heard's own field names (which a plain CSV uses, as
# the upload page suggests) never have: without one of them, requester_email + solved_at
# is a plain CSV.
_ZENDESK_ONLY = frozenset({
    "id", "requester", "requester_id", "requester_domain", "submitter", "assignee", "via",
    "ticket_type", "satisfaction_score", "organization",
})


def sniff_header(handle) -> list[str]:
    """The header row of a CSV file; leaves ``handle`` where it was when seekable."""
    position = handle.tell()
    try:
        return next(csv.reader([handle.readline()]), [])
    finally:
        handle.seek(position)


def read_tickets(handle, fmt: str, mapping: dict | None = None, notes: list | None = None) -> Iterator[tuple[int, dict]]:
    """Yield ``(line, raw_fields)`` from a ticket export in ``fmt``, streaming."""
    if fmt in ("zendesk", "ndjson") and _looks_like_json(handle):
        yield from _json_rows(handle, fmt, mapping or {}, notes)
    else:
        yield from _csv_rows(handle, fmt, mapping or {}, notes)


def _looks_like_json(handle) -> bool:
    head = handle.read(64)
    handle.seek(0)
    return head.lstrip()[:1] in ("{", "[")


# ---------------------------------------------------------------- CSV


def _plan(header: list[str], fmt: str, mapping: dict) -> dict[str, list[int]]:
    """For each heard field, the column positions to read (several for Jira's repeated Labels)."""
    columns = [normalise_column(c) for c in header]
    by_name: dict[str, list[int]] = {}
    for i, column in enumerate(columns):
        by_name.setdefault(column, []).append(i)
    plan: dict[str, list[int]] = {}
    mapped = {normalise_column(k): v for k, v in mapping.items()}
    for column, field in mapped.items():
        if field not in FIELDS:
            raise FileError(f"--map names an unknown field “{field}”; fields are: {', '.join(FIELDS)}.")
        if column not in by_name:
            raise FileError(f"--map names a column “{column}” that the file does not have.")
        plan[field] = by_name[column]
    taken = {i for positions in plan.values() for i in positions}
    vendor = _VENDOR.get(fmt, {})
    for field in FIELDS:
        if field in plan:
            continue
        for name in vendor.get(field, []) + _GENERIC[field]:
            positions = [i for i in by_name.get(name, []) if i not in taken]
            if positions:
                plan[field] = positions if field == "tags" else positions[:1]
                break
    return plan


def _picker(positions: list[int]):
    from operator import itemgetter

    if len(positions) == 1:
        only = positions[0]
        return lambda values: (values[only],)
    return itemgetter(*positions)


class _CsvFile:
    """An opened CSV export: its reader, header and which column feeds which heard field."""

    def __init__(self, handle, fmt: str, mapping: dict):
        csv.field_size_limit(min(sys.maxsize, MAX_FIELD))
        sample = handle.read(8192)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        handle.seek(0)
        self.reader = csv.reader(handle, dialect)
        try:
            self.header = next(self.reader)
        except StopIteration:
            self.header = None
            return
        except csv.Error as exc:
            raise FileError(f"line 1: {exc}") from None
        self.plan = _plan(self.header, fmt, mapping)
        if "external_id" not in self.plan:
            raise FileError("The file has no ticket id column (e.g. id, Ticket ID, Issue key); name one with --map COLUMN=external_id.")
        self.width = len(self.header)
        self.message_type = (
            [i for i, c in enumerate(self.header) if normalise_column(c) == "message_type"] if fmt == "intercom" else []
        )
        self.skipped = 0

    def note_skipped(self, notes: list | None) -> None:
        if self.skipped and notes is not None:
            notes.append(f"Skipped {self.skipped} message row{'s' if self.skipped != 1 else ''} that were replies, not the opening message of a conversation.")

    def wrong_width(self, values: list) -> str | None:
        """Why a row of the wrong width is rejected, or "" when it is blank (skipped)."""
        if not any(v.strip() for v in values):
            return ""
        return f"The row has {len(values)} values but the header has {self.width} columns."


def _csv_rows(handle, fmt: str, mapping: dict, notes: list | None) -> Iterator[tuple[int, dict]]:
    source = _CsvFile(handle, fmt, mapping)
    if source.header is None:
        return
    reader, plan, width, message_type = source.reader, source.plan, source.width, source.message_type
    single = [(field, positions[0]) for field, positions in plan.items() if field != "tags"]
    names = tuple(field for field, _ in single)
    pick = _picker([i for _, i in single])
    tag_positions = plan.get("tags", [])
    previous = reader.line_num
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise FileError(f"line {previous + 1}: {exc}") from None
        line = previous + 1
        previous = reader.line_num
        if len(values) != width:
            why = source.wrong_width(values)
            if why:
                yield line, {"__error__": why}
            continue
        if message_type and values[message_type[0]] not in ("", "conversation_message"):
            source.skipped += 1
            continue
        row = dict(zip(names, pick(values), strict=True))
        if tag_positions:
            row["tags"] = [values[i] for i in tag_positions] if len(tag_positions) > 1 else values[tag_positions[0]]
        yield line, row
    source.note_skipped(notes)


# ---------------------------------------------------------------- JSON


def _json_rows(handle, fmt: str, mapping: dict, notes: list | None) -> Iterator[tuple[int, dict]]:
    first = handle.readline()
    handle.seek(0)
    stripped = first.strip()
    if stripped.startswith("{"):
        try:
            record = json.loads(stripped)
        except ValueError:
            record = None
        if isinstance(record, dict) and "tickets" not in record:
            yield from _ndjson_rows(handle, fmt, mapping)
            return
    yield from _json_document_rows(handle, fmt, mapping)


def _ndjson_rows(handle, fmt, mapping) -> Iterator[tuple[int, dict]]:
    for line, text in enumerate(handle, start=1):
        text = text.strip()
        if not text:
            continue
        try:
            record = json.loads(text)
        except ValueError as exc:
            yield line, {"__error__": f"Not valid JSON: {exc.msg}."}
            continue
        if not isinstance(record, dict):
            yield line, {"__error__": "Each line must be a JSON object."}
            continue
        yield line, _from_record(record, fmt, mapping)


def _json_document_rows(handle, fmt, mapping) -> Iterator[tuple[int, dict]]:
    import ijson

    head = handle.read(64).lstrip()
    handle.seek(0)
    prefix = "item" if head.startswith("[") else "tickets.item"
    binary = getattr(handle, "buffer", None)
    source = binary if binary is not None else handle
    if binary is not None and binary.read(3) != b"\xef\xbb\xbf":
        binary.seek(0)
    start = source.tell()
    users = _side_loaded_users(source, ijson) if prefix == "tickets.item" and fmt == "zendesk" else {}
    source.seek(start)
    number = 0
    try:
        for record in ijson.items(source, prefix, use_float=True):
            number += 1
            if not isinstance(record, dict):
                yield number, {"__error__": "Each ticket must be a JSON object."}
                continue
            if users and not isinstance(record.get("requester"), dict):
                requester = users.get(record.get("requester_id"))
                if requester is not None:
                    record["requester"] = requester
            yield number, _from_record(record, fmt, mapping)
    except ijson.JSONError as exc:
        raise FileError(f"The JSON is broken after ticket {number}: {exc}.") from None


def _side_loaded_users(source, ijson) -> dict:
    """Zendesk's API answers ``?include=users`` with a ``users`` list beside ``tickets``
    (usually after it), and tickets name their requester by ``requester_id`` only. One
    streaming pass collects id -> name and e-mail of those users (never the tickets), so a
    ticket gets its requester wherever the list stands in the file."""
    users: dict = {}
    try:
        for user in ijson.items(source, "users.item", use_float=True):
            if isinstance(user, dict) and user.get("id") is not None:
                users[user["id"]] = {"name": user.get("name"), "email": user.get("email")}
    except ijson.JSONError:
        return {}  # the tickets pass reports where the JSON breaks
    return users


def _dig(record: dict, path: str):
    value = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _from_record(record: dict, fmt: str, mapping: dict) -> dict:
    """A JSON ticket (Zendesk's shape, or flat keys) as raw heard fields."""
    row: dict = {}
    for column, field in mapping.items():
        row[field] = _dig(record, column)
    flat = {normalise_column(k): v for k, v in record.items() if not isinstance(v, dict)}
    vendor = _VENDOR.get(fmt, {})
    for field in FIELDS:
        if field in row:
            continue
        for name in vendor.get(field, []) + _GENERIC[field]:
            value = flat.get(name)
            if value not in (None, ""):
                row[field] = value
                break
    # Zendesk nests the requester (side-loaded or in `via`) and solve times (metric sets).
    requester = record.get("requester") if isinstance(record.get("requester"), dict) else {}
    sender = _dig(record, "via.source.from") or {}
    if not row.get("requester_email"):
        row["requester_email"] = requester.get("email") or (sender.get("address") if isinstance(sender, dict) else None)
    if not row.get("requester_name"):
        row["requester_name"] = requester.get("name") or (sender.get("name") if isinstance(sender, dict) else None)
    if not row.get("solved_at"):
        row["solved_at"] = _dig(record, "metric_set.solved_at")
    if fmt == "zendesk" and not row.get("closed_at") and str(record.get("status") or "").lower() == "closed":
        # Zendesk has no close time; a closed ticket cannot change, so its last update is it.
        row["closed_at"] = record.get("updated_at")
    return row


# ---------------------------------------------------------------- cleaning


_FORMATS_SEEN: list[str] = []
_TIME_FORMATS = (
    "%d/%b/%y %I:%M %p",  # Jira: 05/Jan/23 10:22 AM
    "%d/%b/%Y %I:%M %p",
    "%Y-%m-%d %H:%M:%S %Z",
    "%Y/%m/%d %H:%M:%S",
    "%d %b %Y %H:%M",
    "%a, %d %b %Y %H:%M:%S %z",
)


def parse_time(value, field: str) -> datetime | None:
    """A time in UTC from ISO 8601, Unix seconds, Jira's "05/Jan/23 10:22 AM" or anything
    python-dateutil reads (month first when ambiguous). A time without a zone is UTC."""
    if value is None or value == "":
        return None
    if value.__class__ is str:
        try:
            moment = _fromisoformat(value)
        except ValueError:
            moment = _parse_time_slowly(value.strip(), field)
    elif isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    else:
        moment = _parse_time_slowly(str(value).strip(), field)
    if moment is None:
        return None  # only blanks
    zone = moment.tzinfo
    if zone is UTC:
        return moment
    if zone is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_fromisoformat = datetime.fromisoformat


def _parse_time_slowly(text: str, field: str) -> datetime:
    if not text:
        return None  # type: ignore[return-value]
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    if text.isdigit():
        return datetime.fromtimestamp(int(text[:10]), UTC)
    if text.endswith(" UTC"):
        try:
            return datetime.fromisoformat(text[:-4])
        except ValueError:
            pass
    for fmt in _FORMATS_SEEN + [f for f in _TIME_FORMATS if f not in _FORMATS_SEEN]:
        try:
            moment = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt not in _FORMATS_SEEN:
            _FORMATS_SEEN.insert(0, fmt)
        return moment
    from dateutil import parser

    try:
        return parser.parse(text)
    except (ValueError, OverflowError):
        raise RowError(f"“{text[:40]}” is not a date and time heard can read; use ISO 8601, e.g. 2024-03-01T09:30:00Z.", field) from None


_TAG_SPLIT = re.compile(r"\s*[,;|]\s*")
_HTML_TAG = re.compile(r"<[^>]+>")
_BLANKS = re.compile(r"[ \t]*\n\s*\n\s*")


def clean_tags(value, fmt: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        parts = []
        for item in value:
            parts.extend(clean_tags(item, fmt) if isinstance(item, str) else [str(item)])
        return _unique(parts)
    text = str(value).strip()
    if fmt == "zendesk" and not _TAG_SPLIT.search(text):
        return _unique(text.split())  # Zendesk writes tags space-separated
    return _unique(t for t in _TAG_SPLIT.split(text) if t)


def _unique(items) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        item = item.strip()
        if item:
            seen.setdefault(item[:100], None)
    return list(seen)


def plain_text(text: str) -> str:
    """Help desks export descriptions as HTML; themes and people read the text."""
    if "<" in text and ">" in text:
        text = _HTML_TAG.sub(" ", text.replace("<br>", "\n").replace("<br/>", "\n").replace("</p>", "\n"))
    if "&" in text:
        text = html.unescape(text)
    if "\n" in text:
        text = _BLANKS.sub("\n\n", text)
    return text.strip()


_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


def _text(value) -> str:
    if value.__class__ is str:
        return value
    return "" if value is None else str(value)


def clean_ticket(raw: dict, fmt: str) -> dict:
    """Turn raw fields into the values stored on a Ticket, or raise RowError.

    Times come back as aware UTC datetimes; everything else as stripped strings, tags as a list.
    """
    if "__error__" in raw:
        raise RowError(raw["__error__"])
    get = raw.get
    external_id = _text(get("external_id")).strip()
    if not external_id:
        raise RowError("The ticket id is empty.", "external_id")
    if len(external_id) > 100:
        raise RowError("The ticket id is longer than 100 characters.", "external_id")
    subject = _text(get("subject"))
    if "\n" in subject or "\t" in subject or "\r" in subject or "  " in subject:
        subject = " ".join(subject.split())
    subject = subject.strip()[:500]
    body = _text(get("body"))
    if body:
        body = plain_text(body)
    if not subject and not body:
        raise RowError("The ticket has neither a subject nor a description.", "subject")
    created_at = parse_time(get("created_at"), "created_at")
    if created_at is None:
        raise RowError("The created time is empty.", "created_at")
    email = _text(get("requester_email")).strip()
    name = _text(get("requester_name")).strip()
    if email:
        if "@" not in email:
            # Jira's Reporter and Zendesk's Requester columns hold a person's name, not an address.
            name, email = name or email, ""
        elif not _EMAIL.match(email):
            raise RowError(f"“{email[:60]}” is not a valid e-mail address.", "requester_email")
        else:
            email = email.lower()
    status = _text(get("status")).strip().lower()
    priority = _text(get("priority")).strip().lower()
    if fmt == "freshdesk":
        status = FRESHDESK_STATUS.get(status, status)
        priority = FRESHDESK_PRIORITY.get(priority, priority)
    tags = get("tags")
    return {
        "external_id": external_id,
        "subject": subject,
        "body": body,
        "status": status[:40],
        "priority": priority[:40],
        "tags": clean_tags(tags, fmt) if tags else [],
        "created_at": created_at,
        "updated_at": parse_time(get("updated_at"), "updated_at"),
        "solved_at": parse_time(get("solved_at"), "solved_at"),
        "closed_at": parse_time(get("closed_at"), "closed_at"),
        "requester_email": email[:254],
        "requester_name": name[:200],
    }


_encode_string = json.encoder.encode_basestring  # the C encoder, without json.dumps' overhead


def tags_json(tags: list[str]) -> str:
    if not tags:
        return "[]"
    return "[" + ", ".join(map(_encode_string, tags)) + "]"


def content_hash(parts: tuple) -> str:
    """A short fingerprint of every imported value (as stored): equal means nothing changed."""
    return blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


# ---------------------------------------------------------------- rows ready to store
#
# The importer's hot path. A prepared row is a tuple in the order the writer stores it:
# PREPARED = (external_id, requester_email, requester_name, subject, body, status, priority,
# tags (JSON text), created_at, updated_at, solved_at, closed_at (database text or None),
# content_hash). Times are kept as the text the database stores, which also sorts like
# the times themselves; no datetime objects are made for ISO 8601 input.

PREPARED = (
    "external_id", "requester_email", "requester_name", "subject", "body", "status", "priority", "tags",
    "created_at", "updated_at", "solved_at", "closed_at", "content_hash",
)
# For PostgreSQL a prepared tuple carries one more item: the same thirteen values as one
# line of COPY's text format (escaped, tab-separated, without the newline), made here in
# the reader process so the importer only puts the requester's id in front of it.
COPY_TEXT = len(PREPARED)


_COPY_SPECIAL = re.compile(r"[\\\n\r\t]")  # what COPY's text format escapes


def restore_row(row: tuple) -> tuple:
    """A prepared row with every value (subject and body taken back from its COPY text when
    the reader left them out)."""
    if row[4] is not None or len(row) <= COPY_TEXT:
        return row
    values = row[COPY_TEXT].split("\t")
    return (*(None if v == "\\N" else _copy_unescape(v) if "\\" in v else v for v in values), row[COPY_TEXT])


_COPY_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}
_COPY_ESCAPE = re.compile(r"\\(.)")


def _copy_unescape(value: str) -> str:
    return _COPY_ESCAPE.sub(lambda m: _COPY_ESCAPES.get(m.group(1), m.group(1)), value)


def copy_text(values) -> str:
    """The values as one line of PostgreSQL COPY text format (None is \\N)."""
    out = []
    for value in values:
        if value is None:
            out.append("\\N")
            continue
        if "\\" in value:
            value = value.replace("\\", "\\\\")
        if not value.isprintable():  # only then can it hold a newline, return or tab
            value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        out.append(value)
    return "\t".join(out)


_CACHE_LIMIT = 50_000  # entries per value cache; cleared when full, so memory stays flat


def time_formatter(postgres: bool):
    """``to_db(value, field)``: any time heard reads, as the database's own text (UTC), or None.

    SQLite (Django's backend) stores naive UTC "YYYY-MM-DD HH:MM:SS[.ffffff]"; PostgreSQL
    takes ISO 8601 with the offset. The usual export shapes ("...T09:30:00Z", "+00:00", or
    without a zone) are checked by fromisoformat and re-sliced, the rest go through parse_time.
    """
    fromiso = datetime.fromisoformat
    if postgres:
        def as_db(moment):
            return moment.isoformat()
    else:
        def as_db(moment):
            return moment.isoformat(" ")[:-6]

    def to_db(value, field: str):
        if value.__class__ is str:
            size = len(value)
            if (
                (size == 20 and value[19] == "Z" or size == 19 or size == 25 and value.endswith("+00:00"))
                and value[4] == "-" and value[7] == "-" and value[13] == ":" and value[16] == ":"
                and (value[10] == "T" or value[10] == " ")
            ):
                try:
                    fromiso(value)  # the ranges (month 13, 25 o'clock) are its to check
                except ValueError:
                    pass
                else:
                    if postgres:
                        return value[:10] + "T" + value[11:19] + "+00:00"
                    return value[:10] + " " + value[11:19]
            elif not value:
                return None
        elif value is None:
            return None
        moment = parse_time(value, field)
        return None if moment is None else as_db(moment)

    return to_db


def tags_text(value, fmt: str) -> str:
    return tags_json(clean_tags(value, fmt)) if value else "[]"


class RowPreparer:
    """Turns raw values (or a cleaned ticket) into PREPARED tuples; raises RowError."""

    def __init__(self, fmt: str, postgres: bool):
        self.fmt = fmt
        self.postgres = postgres
        self.time = time_formatter(postgres)
        self.as_db = (lambda m: m.isoformat()) if postgres else (lambda m: m.isoformat(" ")[:-6])

    def from_cleaned(self, t: dict) -> tuple:
        """A ticket as clean_ticket returns it (datetimes, tag list) as a PREPARED tuple."""
        as_db = self.as_db
        updated, solved, closed = t["updated_at"], t["solved_at"], t["closed_at"]
        values = (
            t["requester_email"], t["requester_name"], t["subject"], t["body"], t["status"], t["priority"],
            tags_json(t["tags"]), as_db(t["created_at"]),
        )
        updated = as_db(updated) if updated else None
        solved = as_db(solved) if solved else None
        closed = as_db(closed) if closed else None
        digest = content_hash((*values, updated or "", solved or "", closed or ""))
        row = (t["external_id"], *values, updated, solved, closed, digest)
        return row + (copy_text(row),) if self.postgres else row


def read_prepared(handle, fmt: str, mapping: dict | None, notes: list | None, postgres: bool, size: int):
    """Yield ``(rows, problems, count)`` batches: up to ``size`` PREPARED tuples, the rejected
    rows as ``(line, message, field)``, and how many rows were read for them.

    When the file breaks off (FileError, UnicodeDecodeError) the rows read before the break
    come first as a batch of their own, then the error is raised.
    """
    preparer = RowPreparer(fmt, postgres)
    if fmt in ("zendesk", "ndjson") and _looks_like_json(handle):
        yield from _prepared_from_dicts(_json_rows(handle, fmt, mapping or {}, notes), preparer, size)
        return
    source = _CsvFile(handle, fmt, mapping or {})
    if source.header is None:
        return
    if len(source.plan.get("tags", ())) > 1 or source.message_type:
        # Jira's repeated Labels columns and Intercom's message rows: the general path.
        yield from _prepared_from_dicts(_csv_rows(handle, fmt, mapping or {}, notes), preparer, size)
        return
    yield from _prepared_csv(source, preparer, notes, size)


def _prepared_from_dicts(rows, preparer: RowPreparer, size: int):
    fmt, prepare = preparer.fmt, preparer.from_cleaned
    batch, problems, count = [], [], 0
    try:
        for line, raw in rows:
            count += 1
            try:
                batch.append(prepare(clean_ticket(raw, fmt)))
            except RowError as exc:
                problems.append((line, exc.message, exc.field))
            if count >= size:
                yield batch, problems, count
                batch, problems, count = [], [], 0
    except (FileError, UnicodeDecodeError):
        yield batch, problems, count
        raise
    yield batch, problems, count


def _prepared_csv(source: _CsvFile, preparer: RowPreparer, notes: list | None, size: int):
    """The plain-CSV hot path: clean_ticket's rules applied to a row's values by position,
    with the values that repeat (addresses, statuses, tags) cleaned once per import."""
    plan, width, fmt, to_time = source.plan, source.width, preparer.fmt, preparer.time
    # A field the file lacks reads the blank appended to every row.
    at = {field: (plan[field][0] if field in plan else width) for field in FIELDS}
    i_id, i_subject, i_body, i_status, i_priority, i_tags = (
        at["external_id"], at["subject"], at["body"], at["status"], at["priority"], at["tags"],
    )
    i_created, i_updated, i_solved, i_closed = at["created_at"], at["updated_at"], at["solved_at"], at["closed_at"]
    i_email, i_name = at["requester_email"], at["requester_name"]
    statuses: dict[str, str] = {}
    priorities: dict[str, str] = {}
    tag_texts: dict[str, str] = {}
    emails: dict[str, object] = {}
    hasher, plain, encode_email = blake2b, plain_text, _email_value
    postgres, to_copy_text, copy_special = preparer.postgres, copy_text, _COPY_SPECIAL.search
    reader = source.reader
    batch: list[tuple] = []
    problems: list[tuple] = []
    append, count, previous = batch.append, 0, reader.line_num
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except (csv.Error, UnicodeDecodeError) as exc:
            yield batch, problems, count
            if isinstance(exc, UnicodeDecodeError):
                raise
            raise FileError(f"line {previous + 1}: {exc}") from None
        line = previous + 1
        previous = reader.line_num
        if len(values) != width:
            why = source.wrong_width(values)
            if why:
                count += 1
                problems.append((line, why, None))
            continue
        count += 1
        values.append("")
        try:
            external_id = values[i_id].strip()
            if not external_id or len(external_id) > 100:
                raise RowError("The ticket id is empty." if not external_id else "The ticket id is longer than 100 characters.", "external_id")
            subject = values[i_subject]
            if "\n" in subject or "\t" in subject or "\r" in subject or "  " in subject:
                subject = " ".join(subject.split())
            subject = subject.strip()[:500]
            body = values[i_body]
            if body:
                body = plain(body)
            if not subject and not body:
                raise RowError("The ticket has neither a subject nor a description.", "subject")
            created = to_time(values[i_created], "created_at")
            if created is None:
                raise RowError("The created time is empty.", "created_at")
            raw_email, name = values[i_email], values[i_name].strip()
            email = emails.get(raw_email)
            if email is None:
                if len(emails) >= _CACHE_LIMIT:
                    emails.clear()
                email = emails[raw_email] = encode_email(raw_email)
            if email.__class__ is not str:
                if email.__class__ is RowError:
                    raise RowError(email.message, email.field)  # a fresh one: no traceback piles up
                name, email = name or email[0], ""  # a name in the address column
            raw = values[i_status]
            status = statuses.get(raw)
            if status is None:
                if len(statuses) >= _CACHE_LIMIT:
                    statuses.clear()
                status = statuses[raw] = _status_value(raw, fmt, FRESHDESK_STATUS)
            raw = values[i_priority]
            priority = priorities.get(raw)
            if priority is None:
                if len(priorities) >= _CACHE_LIMIT:
                    priorities.clear()
                priority = priorities[raw] = _status_value(raw, fmt, FRESHDESK_PRIORITY)
            raw = values[i_tags]
            tags = tag_texts.get(raw)
            if tags is None:
                if len(tag_texts) >= _CACHE_LIMIT:
                    tag_texts.clear()
                tags = tag_texts[raw] = tags_text(raw, fmt)
            updated = to_time(values[i_updated], "updated_at")
            solved = to_time(values[i_solved], "solved_at")
            closed = to_time(values[i_closed], "closed_at")
        except RowError as exc:
            problems.append((line, exc.message, exc.field))
            continue
        name = name[:200]
        hashed = "\x1f".join((email, name, subject, body, status, priority, tags, created, updated or "", solved or "", closed or ""))
        digest = hasher(hashed.encode(), digest_size=16).hexdigest()
        row = (external_id, email, name, subject, body, status, priority, tags, created, updated, solved, closed, digest)
        if not postgres:
            append(row)
        elif "\\" in hashed or "\n" in hashed or "\t" in hashed or "\r" in hashed or copy_special(external_id):
            append((external_id, email, name, None, None, *row[5:], to_copy_text(row)))
        else:  # nothing to escape (most rows): one join
            # Subject and body travel only inside the COPY text (None here, see restore_row):
            # the text is what a first import writes, and sending them twice costs the
            # importer more to unpickle than anything else it does with a row.
            append((
                external_id, email, name, None, None, status, priority, tags, created, updated, solved, closed, digest,
                "\t".join((
                    external_id, email, name, subject, body, status, priority, tags, created,
                    updated or "\\N", solved or "\\N", closed or "\\N", digest,
                )),
            ))
        if count >= size:
            yield batch, problems, count
            batch, problems, count = [], [], 0
            append = batch.append
    yield batch, problems, count
    source.note_skipped(notes)


# ---------------------------------------------------------------- a second process


def read_prepared_in_worker(path: str, fmt: str, mapping: dict | None, notes: list, postgres: bool, size: int):
    """The batches of ``read_prepared`` plus the bytes read so far, ``(rows, problems, count,
    position)``, read and prepared by a second Python process while this one writes.

    Reading and cleaning cost about as much as the database's own work, so on two cores the
    import takes about as long as the writing alone. The worker is a fresh interpreter that
    imports only this module (no Django, no database connection, nothing of the caller's
    ``__main__``); it sends pickled batches through a pipe, and the pipe's small buffer
    keeps it at most a batch or two ahead, so memory stays flat. A file error arrives after
    the rows read before it, as in read_prepared.
    """
    import os
    import pickle
    import subprocess
    from pathlib import Path

    package_root = str(Path(__file__).resolve().parents[2])  # the directory holding heard/
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
    worker = subprocess.Popen(
        [sys.executable, "-c", "from heard.tickets.parsing import _prepare_in_worker; _prepare_in_worker()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True,
    )
    loader = None
    try:
        pickle.dump((path, fmt, mapping or {}, postgres, size), worker.stdin)
        worker.stdin.close()
        loader = _Unpickler(worker)
        while True:
            item = loader.next()
            if item[0] == "batch":
                yield item[1:]
                continue
            notes.extend(item[1])
            if item[0] == "error":
                raise item[2]
            return
    finally:
        if worker.poll() is None:
            worker.kill()  # the writer stopped early: nobody will read the rest
        if loader is not None:
            loader.join()
        worker.stdout.close()
        worker.wait()


class _Unpickler:
    """Unpickles the worker's batches in a thread, one or two ahead of the importer: the
    thread runs while the importer waits for the database (which releases the GIL), so
    unpickling a batch overlaps with the database storing the one before."""

    def __init__(self, worker):
        import queue
        import threading

        self.worker = worker
        self.items: queue.Queue = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._run, name="heard-import-unpickler", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import pickle

        load, source, put = pickle.load, self.worker.stdout, self.items.put
        while True:
            try:
                item = load(source)
            except EOFError:
                put(("stopped", None))
                return
            except Exception as exc:  # noqa: BLE001 - handed to the importer's thread
                put(("failed", exc))
                return
            put(item)
            if item[0] != "batch":
                return

    def next(self):
        item = self.items.get()
        if item[0] == "stopped":
            raise RuntimeError(f"The process reading the file stopped (exit code {self.worker.wait()}).")
        if item[0] == "failed":
            raise item[1]
        return item

    def join(self) -> None:
        # The worker is stopped by now; take what the thread still holds so it can end.
        import queue

        while self.thread.is_alive():
            try:
                self.items.get(timeout=0.05)
            except queue.Empty:
                continue
        self.thread.join()


def _prepare_in_worker() -> None:
    """The worker's side: arguments arrive pickled on stdin, batches leave pickled on stdout."""
    import pickle

    path, fmt, mapping, postgres, size = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the pipe

    def send(item) -> None:
        pickle.dump(item, out, protocol=pickle.HIGHEST_PROTOCOL)

    notes: list[str] = []
    try:
        binary, handle = open_binary(path)
        with handle:
            for rows, problems, count in read_prepared(handle, fmt, mapping, notes, postgres, size):
                send(("batch", rows, problems, count, _tell(binary)))
    except BrokenPipeError:
        return  # the importer stopped reading
    except Exception as exc:  # noqa: BLE001 - handed to the importer, which reports and re-raises it
        try:
            pickle.dumps(exc)
        except Exception:  # noqa: BLE001 - an exception that cannot cross to the importer as it is
            exc = RuntimeError(f"{exc.__class__.__name__}: {exc}")
        send(("error", notes, exc))
    else:
        send(("done", notes))
    out.flush()


def _tell(binary) -> int:
    try:
        return binary.tell()
    except (OSError, ValueError):
        return 0


def _email_value(raw: str):
    """The stored address for a requester column's text: a str, a 1-tuple holding a name
    (Jira's Reporter and Zendesk's Requester hold names), or the RowError to raise."""
    email = raw.strip()
    if not email:
        return ""
    if "@" not in email:
        return (email,)
    if not _EMAIL.match(email):
        return RowError(f"“{email[:60]}” is not a valid e-mail address.", "requester_email")
    return email.lower()[:254]


def _status_value(raw: str, fmt: str, freshdesk: dict) -> str:
    value = raw.strip().lower()
    if fmt == "freshdesk":
        value = freshdesk.get(value, value)
    return value[:40]


def open_binary(path: str):
    """The file as bytes (for position tracking) and as text (UTF-8, BOM or not; .gz too)."""
    binary = open(path, "rb")  # noqa: SIM115 - closed by the caller through the text wrapper
    inner = binary
    if path.endswith(".gz"):
        import gzip

        inner = gzip.GzipFile(fileobj=binary)
    return binary, io.TextIOWrapper(inner, encoding="utf-8-sig", newline="")
