from django import template

from heard.themes.queries import duration_text

register = template.Library()


@register.filter
def duration(hours):
    """Resolution time in hours as "3.5 h" or "2.1 days"."""
    return duration_text(hours)
