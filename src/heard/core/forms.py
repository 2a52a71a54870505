from django import forms


def apply_heard_error(form: forms.Form, error) -> None:
    """Show a HeardError next to its field (or on the form when the field is unknown)."""
    errors = getattr(error, "errors", None) or {error.field: error.message}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


def submit(form: forms.Form, do):
    """Validate ``form`` and call ``do()``; on a HeardError show it on the form.

    Returns what ``do`` returned, or None when the form or the action rejected the input.
    """
    from .errors import HeardError

    if not form.is_valid():
        return None
    try:
        return do()
    except HeardError as exc:
        apply_heard_error(form, exc)
        return None
