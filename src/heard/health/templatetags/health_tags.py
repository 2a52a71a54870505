from django import template

from heard.health.snapshot import _fmt

register = template.Library()


@register.filter
def figure_value(value, unit=""):
    """A figure's value with its unit ("12.5 %", "4 days", "no data")."""
    return _fmt(value, unit)


@register.filter
def signed_points(value):
    return "–" if value is None else f"{value:+.1f}"


@register.filter
def percent(value):
    return "–" if value is None else f"{value:.1f} %"
