"""The one error type for expected failures.

Actions raise ``HeardError(code, message, field=None)``. The API answers it as
``{"error": {"code", "message", "field"}}`` with a 4xx status; pages show the message next
to the field (or at the top of the form when ``field`` is None). An expected failure is
never a 500.
"""

from __future__ import annotations

STATUS_BY_CODE = {
    "invalid": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "rate_limited": 429,
}


class HeardError(Exception):
    """An expected failure with a code, a human message and, optionally, the field at fault.

    ``code`` is one of STATUS_BY_CODE's keys; ``field`` names the input field (form field,
    JSON key or CSV column) when one is to blame.
    """

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    @property
    def status(self) -> int:
        return STATUS_BY_CODE.get(self.code, 400)

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}

    def __repr__(self) -> str:
        return f"HeardError({self.code!r}, {self.message!r}, field={self.field!r})"


class HeardValidationErrors(HeardError):
    """Several field errors at once (a form or a row with more than one bad value).

    ``errors`` maps field name to message; the first one becomes the headline.
    """

    def __init__(self, errors: dict[str, str]):
        field, message = next(iter(errors.items()))
        super().__init__("invalid", message, field)
        self.errors = errors

    def as_dict(self) -> dict:
        body = super().as_dict()
        body["error"]["fields"] = self.errors
        return body


def invalid(field: str, message: str) -> HeardError:
    return HeardError("invalid", message, field)


def not_found(what: str) -> HeardError:
    return HeardError("not_found", f"{what} was not found.")


def forbidden(message: str = "You do not have permission to do that.") -> HeardError:
    return HeardError("forbidden", message)
