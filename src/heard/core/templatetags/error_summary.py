"""The error summary at the top of a page (the GOV.UK pattern): every error of the page's
bound forms, each linking to its field, so an error on a long page is never out of view.

``base.html`` renders it for every page; a view adds errors that are not on a form with
``page_errors=[{"message": ..., "href": "#field-id"}]`` in its context.
"""

from __future__ import annotations

import re

from django import template
from django.forms import BaseForm

register = template.Library()


@register.simple_tag(takes_context=True)
def error_summary_items(context) -> list[dict]:
    """[{"message", "href"}] for the page's errors, in the order the forms were given."""
    items: list[dict] = []
    seen: set[int] = set()
    for value in context.flatten().values():
        if isinstance(value, BaseForm) and id(value) not in seen and value.is_bound and value.errors:
            seen.add(id(value))
            items.extend(_form_items(value))
    items.extend(context.get("page_errors") or [])
    return items


def _form_items(form: BaseForm) -> list[dict]:
    visible = form.visible_fields()
    first = f"#{_target(visible[0])}" if visible else ""
    items = [{"message": str(message), "href": first} for message in form.non_field_errors()]
    for bound in form:
        if bound.is_hidden:
            items.extend({"message": f"{bound.label}: {m}", "href": first} for m in bound.errors)
            continue
        for message in bound.errors:
            items.append({"message": _with_label(str(bound.label or bound.name), str(message)), "href": f"#{_target(bound)}"})
    return items


def _target(bound) -> str:
    # A radio group's label names no control: link to its first option, as GOV.UK does.
    return bound.id_for_label or f"{bound.auto_id}_0"


def _with_label(label: str, message: str) -> str:
    """The summary stands apart from the fields: say which field, unless the message does
    (it starts with the label, or with a name of its own: "Feedback text: at most …")."""
    label = label.rstrip(" :…").strip()
    if not label or message.lower().startswith(label.lower()) or _NAMED.match(message):
        return message
    return f"{label}: {message}"


_NAMED = re.compile(r"^[^:.!?“”\n]{1,40}: ")
