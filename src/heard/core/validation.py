"""Small validators shared by every app (time zones, languages, e-mail)."""

from __future__ import annotations

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


def unknown_fields(data: dict, allowed) -> dict[str, str]:
    """The start of an action's field errors: the first field ``data`` names that is not in
    ``allowed`` (so a caller's typo is reported, not silently ignored)."""
    unknown = sorted(set(data) - set(allowed))
    return {unknown[0]: f"Unknown field “{unknown[0]}”."} if unknown else {}
