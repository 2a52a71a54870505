"""Small validators shared by every app (time zones, languages, e-mail)."""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .errors import HeardError


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_time_zone(value: str, field: str = "time_zone") -> str:
    value = (value or "").strip()
    if value not in time_zones():
        raise HeardError("invalid", f"“{value}” is not a time zone heard knows; use an IANA name such as Europe/Berlin.", field)
    return value


def check_email(value: str, field: str = "email") -> str:
    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise HeardError("invalid", f"“{value}” is not a valid e-mail address.", field) from None
    return value


def check_range(value, low: int, high: int, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise HeardError("invalid", f"{field.replace('_', ' ').capitalize()} must be a whole number from {low} to {high}.", field) from None
    if not low <= number <= high:
        raise HeardError("invalid", f"{field.replace('_', ' ').capitalize()} must be from {low} to {high}, not {number}.", field)
    return number


def check_required(value: str, field: str, label: str | None = None, max_length: int | None = None) -> str:
    value = str(value or "").strip()
    label = label or field.replace("_", " ").capitalize()
    if not value:
        raise HeardError("invalid", f"{label} is required.", field)
    if max_length is not None:
        check_length(value, field, label, max_length)
    return value


def check_length(value: str, field: str, label: str, max_length: int) -> str:
    """Optional text, stripped, refused with a field error when longer than ``max_length``
    that says by how much (the person must shorten it)."""
    value = str(value or "").strip()
    if len(value) > max_length:
        raise HeardError("invalid", f"{label}: at most {max_length:,} characters (you gave {len(value):,}).", field)
    return value


def check_choice(raw, choices, field: str, label: str) -> str:
    """A TextChoices value given as its value, its label, or the value with spaces."""
    text = str(raw or "").strip()
    for value, display in choices.choices:
        if text.lower() in (value, display.lower(), value.replace("_", " ")):
            return value
    raise HeardError("invalid", f"Unknown {label} “{text}”; choose one of: {', '.join(choices.values)}.", field)


def collect(errors: dict, cleaned: dict, field: str, clean) -> None:
    """Run ``clean()`` into ``cleaned[field]``, or note its HeardError in ``errors``, so a
    form or payload reports every bad field at once (HeardValidationErrors)."""
    try:
        cleaned[field] = clean()
    except HeardError as exc:
        errors[exc.field or field] = exc.message


# ------------------------------------------------------------------ ids and characters a database cannot keep

#: The largest id either database can compare with (a signed 64-bit integer). A bigger number
#: in a filter or a path is not an id of anything: it is answered as "no such thing", not a 500.
MAX_ID = 2**63 - 1


def as_id(value) -> int | None:
    """``value`` as a database id, or None when it cannot be one.

    Only ASCII digits count (``"²"`` and ``"٣"`` pass ``str.isdigit`` but are not numbers a
    person typed as an id), from 1 to MAX_ID.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdecimal():
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def check_id(value, field: str, label: str | None = None) -> int:
    """``as_id(value)``, or a HeardError on ``field`` saying an id is a whole number."""
    number = as_id(value)
    if number is None:
        label = label or field.replace("_", " ").capitalize()
        raise HeardError("invalid", f"{label} must be the number of one (a whole number from 1 to {MAX_ID}), not “{str(value)[:40]}”.", field)
    return number


_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable_character(text: str) -> str | None:
    """What in ``text`` no database of ours can store, described for a person, or None.

    PostgreSQL refuses NUL (U+0000) in text, SQLite keeps it but cuts strings at it in places,
    and neither can encode a lone UTF-16 surrogate (U+D800–U+DFFF on its own, as a JSON
    ``"\\ud800"`` escape produces). Rejecting both the same way keeps the databases alike.
    """
    if "\x00" in text:
        return "a NUL character (U+0000)"
    found = _SURROGATE.search(text)
    if found:
        return f"a lone surrogate (U+{ord(found.group()):04X})"
    return None


def strip_nul(text: str) -> str:
    """``text`` without NUL characters (for imports, where a stray NUL must not lose a row)."""
    return text.replace("\x00", "") if "\x00" in text else text


def check_date(raw, field: str):
    """A calendar date from a date or ``YYYY-MM-DD`` text; a HeardError on ``field`` for text
    that is not one, including well-formed impossible days (2026-02-30, year 0000)."""
    import datetime as dt

    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw if raw is not None else "").strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise HeardError("invalid", f"“{text[:40]}” is not a date; use YYYY-MM-DD, e.g. 2026-03-05.", field) from None


def unknown_fields(data: dict, allowed) -> dict[str, str]:
    """The start of an action's field errors: the first field ``data`` names that is not in
    ``allowed`` (so a caller's typo is reported, not silently ignored)."""
    unknown = sorted(set(data) - set(allowed))
    return {unknown[0]: f"Unknown field “{unknown[0]}”."} if unknown else {}


def taken_by_another(queryset, instance) -> bool:
    """Whether a row other than ``instance`` matches ``queryset``: the check a unique value
    (an e-mail, a name, a slug) needs when a thing is made (``instance`` None) or changed."""
    if instance is not None:
        queryset = queryset.exclude(pk=instance.pk)
    return queryset.exists()
