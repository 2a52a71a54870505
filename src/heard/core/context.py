from . import permissions, queries


def heard_context(request):
    """Nav context: the workspace in the URL (if any), the user's workspaces, and ``role_can``,
    the capabilities the user holds there (``{% if "feedback.record" in role_can %}``), so
    pages leave out what the role may not use."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    ws_slug = match.kwargs.get("ws") if match else None
    workspaces = list(queries.workspaces_for(user))
    current = next((w for w in workspaces if w.slug == ws_slug), None)
    product_slug = match.kwargs.get("product") if match else None
    nav_product = current.products.filter(slug=product_slug).first() if (current and product_slug) else None
    role_can = permissions.capabilities(user, current) if current else frozenset()
    return {
        "nav_product": nav_product,
        "nav_products": list(current.products.active()) if current else [],
        "nav_workspaces": workspaces,
        "nav_workspace": current,
        "nav_is_owner": "audit.view" in role_can,
        "role_can": role_can,
    }


THEMES = ("system", "light", "dark")
THEME_COOKIE = "heard_theme"


def ui_context(request):
    """The colour theme a person chose (cookie set by /ui/theme/ or static/heard/ui.js)."""
    theme = request.COOKIES.get(THEME_COOKIE, "system") if request is not None else "system"
    return {"ui_theme": theme if theme in THEMES else "system"}
