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


@register.inclusion_tag("health/_object_flags.html")
def health_flags(obj):
    """The anti-pattern flags on a session, backlog item or decision: ``{% health_flags session %}``."""
    from heard.health.queries import flags_for

    return {"health_flags": flags_for(obj)}


@register.inclusion_tag("health/_rotation.html", takes_context=True)
def health_rotation(context, session):
    """Rotation suggestions where participants are added: ``{% health_rotation session %}``.
    Shown to those who may plan sessions."""
    from heard.core import permissions
    from heard.health.queries import rotation_suggestions

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.can(user, session.product.workspace, "sessions.edit"):
        return {"rotation": None}
    return {"rotation": rotation_suggestions(user, session), "session": session}


@register.inclusion_tag("health/_representation.html", takes_context=True)
def health_representation(context, workspace):
    """Share of voice and seats per segment against target, per product: ``{% health_representation workspace %}``."""
    from heard.health.queries import representation

    request = context.get("request")
    return {"products": representation(request.user, workspace), "workspace": workspace}
