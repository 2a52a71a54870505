"""Template tags of the design system (loaded for every template as a builtin).

``{% icon "check" %}``                  an inline Lucide SVG, aria-hidden (decoration next to text)
``{% icon "menu" "Menu" %}``            the icon followed by its visible text label
``{% icon "x" "Dismiss" hidden_label=True %}``  an icon-only control: the label is for screen readers
``{% chip "disposition" f.disposition f.get_disposition_display %}``  a status chip: tone, icon and text
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from heard.core import ui

register = template.Library()


@register.simple_tag
def icon(name, label="", hidden_label=False):
    svg = mark_safe(ui.icon_svg(str(name)))  # noqa: S308 - our own vendored files, not user input
    if not label:
        return svg
    css = "visually-hidden" if hidden_label else "icon-label"
    return format_html('{}<span class="{}">{}</span>', svg, css, label)


@register.simple_tag
def chip(domain, value, label=""):
    tone, icon_name = ui.status_style(str(domain), str(value))
    text = label or str(value or "").replace("_", " ").capitalize() or "—"
    return format_html(
        '<span class="chip chip-{}" data-state="{}">{}<span>{}</span></span>',
        tone, value or "", mark_safe(ui.icon_svg(icon_name)), text,  # noqa: S308
    )


@register.simple_tag(takes_context=True)
def nav_link(context, url_name, label, icon_name="", exact=False, **kwargs):
    """A navigation link with its icon, marked ``aria-current`` on its page (or section)."""
    from django.urls import reverse

    href = reverse(url_name, kwargs=kwargs)
    request = context.get("request")
    path = request.path if request is not None else ""
    current = ""
    if path == href:
        current = ' aria-current="page"'
    elif not exact and path.startswith(href):
        current = ' aria-current="true"'
    return format_html('<a href="{}"{}>{}<span>{}</span></a>', href, mark_safe(current), mark_safe(ui.icon_svg(icon_name)), label)  # noqa: S308


class _PartsTable(template.Node):
    def __init__(self, rows, empty, head, body):
        self.rows, self.empty, self.head, self.body = rows, empty, head, body

    def render(self, context):
        if self.rows.resolve(context):
            return format_html("<table>{}<tbody>{}</tbody></table>", self.head.render(context), self.body.render(context))
        return format_html('<p class="muted">{}</p>', self.empty.resolve(context))


@register.tag
def parts_table(parser, token):
    """The table of a thing's parts (a decision's options, a session's agenda) or, when
    there are none, the line that says so::

        {% parts_table options "No options yet." %}
          <caption>…</caption><thead>…</thead>
        {% parts_rows %}
          {% for o in options %}<tr>…</tr>{% endfor %}
        {% endparts_table %}
    """
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError("parts_table takes the rows and the words for none")
    rows, empty = parser.compile_filter(bits[1]), parser.compile_filter(bits[2])
    head = parser.parse(("parts_rows",))
    parser.delete_first_token()
    body = parser.parse(("endparts_table",))
    parser.delete_first_token()
    return _PartsTable(rows, empty, head, body)
