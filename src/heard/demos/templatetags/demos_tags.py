from django import template

register = template.Library()


@register.inclusion_tag("demos/_item_verdicts.html", takes_context=True)
def demo_verdicts(context, item):
    """Verdicts per criterion over time and sign-offs on a backlog item's page: ``{% demo_verdicts item %}``."""
    from heard.core import permissions
    from heard.demos import queries

    user = context["request"].user
    product = item.product
    return {"demos": queries.item_verdicts(user, item), "item": item, "product": product, "workspace": product.workspace,
            "can_sign_off": permissions.can(user, product.workspace, "demos.record")}


@register.inclusion_tag("demos/_portal_invitations.html")
def portal_demos(person):
    """The portal overview's list of the person's demos: ``{% portal_demos person %}``."""
    from heard.demos import queries

    return {"demo_invitations": queries.my_open_verdicts(person)}


@register.inclusion_tag("demos/_session_link.html")
def demo_link(session):
    """A link from a session's page to its demo page (demo channels only): ``{% demo_link session %}``."""
    from heard.demos.models import DEMO_CHANNELS

    return {"session": session, "show": session.channel in DEMO_CHANNELS or session.demonstrations.exists()}
