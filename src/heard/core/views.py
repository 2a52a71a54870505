from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import actions, inbox, permissions, picker, queries
from . import tokens as tokens_rules
from .errors import HeardError
from .forms import MemberForm, ProductBrandForm, ProductForm, TokenForm, submit
from .htmx import is_htmx, render_page
from .models import Invitation
from .roles import ROLE_CHOICES


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "unavailable", "database": "unreachable", "detail": exc.__class__.__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; answer with the vendored icon."""
    from pathlib import Path

    from django.http import HttpResponse

    icon = (Path(__file__).resolve().parent.parent / "static" / "heard" / "favicon.ico").read_bytes()
    response = HttpResponse(icon, content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
def home(request):
    workspace = queries.default_workspace(request.user)
    if workspace is None:
        return render(request, "core/no_workspace.html")
    if queries.setup_pending(request.user, workspace):
        # An owner's first login on a fresh workspace: walk them through the first steps.
        return redirect("firstrun:start", ws=workspace.slug)
    return redirect("workspace", ws=workspace.slug)


@login_required
def workspace_home(request, ws):
    workspace = queries.get_workspace(request.user, ws)
    products = queries.products(request.user, workspace)
    return render(
        request,
        "core/workspace.html",
        {"workspace": workspace, "products": products, "members": queries.members(request.user, workspace),
         "setup_pending": queries.setup_pending(request.user, workspace),
         "inbox": inbox.workspace_home_inbox(request.user, workspace, products)},
    )


@login_required
def product_home(request, ws, product):
    """A product's home: its inbox of what needs a person now."""
    workspace = queries.get_workspace(request.user, ws)
    product = queries.get_product(request.user, workspace, product)
    return render(request, "core/product.html", {"workspace": workspace, "product": product, "inbox": inbox.product_home_inbox(request.user, product)})


@login_required
@require_GET
def pick(request, ws, product):
    """The picker's one query endpoint: choices of ``kind`` matching ``q`` (or the field named
    by ``name``). For HTMX the listbox of a picker partial; otherwise a page to look numbers
    up, which is what a browser without JavaScript gets."""
    workspace = queries.get_workspace(request.user, ws)
    product = queries.get_product(request.user, workspace, product)
    kind = request.GET.get("kind", "").strip()
    name = request.GET.get("name", "").strip()
    q = request.GET.get("q", request.GET.get(name, "") if name else "")
    if request.GET.get("multiple"):
        q = q.rsplit(",", 1)[-1]  # a field of several values: search the one being typed
    context = {"workspace": workspace, "product": product, "kind": kind, "q": q, "kinds": picker.kinds(),
               "picker_id": request.GET.get("id", "picker")}
    try:
        context["choices"] = picker.search(request.user, product, kind, q)
    except HeardError as exc:
        if exc.field != "kind":
            raise
        context.update(choices=[], error=exc.message)
    status = 400 if context.get("error") else 200
    if is_htmx(request):
        return render(request, "core/_picker_results.html", context, status=status)
    return render(request, "core/pick.html", context, status=status)


@login_required
def audit_log(request, ws):
    from .pagination import paginate

    workspace = queries.get_workspace(request.user, ws, "audit.view")
    filters = {k: request.GET.get(k, "").strip() for k in ("object_type", "object_id", "person", "verb")}
    page = paginate(queries.audit_events(request.user, workspace, **filters), request.GET.get("page"))
    return render_page(
        request,
        "core/audit_log.html",
        {"workspace": workspace, "page": page, "filters": filters, "object_types": queries.audit_object_types(workspace)},
        partial="results",
    )


# ------------------------------------------------------------------ members and API tokens

def _members_page(request, workspace, form=None, row_error=None, status=200):
    from .pagination import paginate

    can_manage = permissions.can(request.user, workspace, "members.manage")
    return render(request, "core/members.html", {
        "workspace": workspace,
        "page": paginate(queries.members(request.user, workspace), request.GET.get("page")),
        "form": form if form is not None else (MemberForm() if can_manage else None),
        "can_manage": can_manage,
        "roles": ROLE_CHOICES,
        "row_error": row_error,
        "invitations": queries.workspace_invitations(request.user, workspace) if can_manage else None,
    }, status=status)


@login_required
def members(request, ws):
    """Every member sees who is in the workspace; an owner adds people here."""
    if request.method != "POST":
        return _members_page(request, queries.get_workspace(request.user, ws))
    workspace = queries.get_workspace(request.user, ws, "members.manage")
    form = MemberForm(request.POST)
    added = submit(form, lambda: actions.invite_member(actor=request.user, workspace=workspace, **form.cleaned_data))
    if added is None:
        return _members_page(request, workspace, form, status=400)
    if isinstance(added, Invitation):
        messages.success(request, f"Invited {added.user.email} as {added.get_role_display()}. They already have an account, so they join when they accept the invitation we e-mailed them.")
    else:
        messages.success(request, f"Added {added.user.email} as {added.get_role_display()}; they were invited by e-mail to set a password.")
    return redirect("core:members", ws=ws)


@login_required
@require_POST
def invitation_cancel(request, ws, pk):
    workspace = queries.get_workspace(request.user, ws, "members.manage")
    invitation = queries.get_invitation(request.user, workspace, pk)
    actions.cancel_invitation(actor=request.user, invitation=invitation)
    messages.success(request, f"Cancelled the invitation of {invitation.user.email}.")
    return redirect("core:members", ws=ws)


@login_required
def invitation(request, ws):
    """The invited person's page: accept (join with the role) or decline."""
    invitation = queries.my_invitation(request.user, ws)
    if request.method != "POST":
        return render(request, "core/invitation.html", {"invitation": invitation})
    if request.POST.get("answer") == "accept":
        actions.accept_invitation(actor=request.user, invitation=invitation)
        messages.success(request, f"You joined {invitation.workspace.name} as {invitation.get_role_display()}.")
        return redirect("workspace", ws=ws)
    actions.decline_invitation(actor=request.user, invitation=invitation)
    messages.success(request, f"You declined the invitation to {invitation.workspace.name}.")
    return redirect("home")


@login_required
@require_POST
def member_role(request, ws, pk):
    workspace = queries.get_workspace(request.user, ws, "members.manage")
    membership = queries.get_membership(request.user, workspace, pk)
    try:
        actions.change_member_role(actor=request.user, membership=membership, role=request.POST.get("role", ""))
    except HeardError as exc:
        if exc.field is None:
            raise
        return _members_page(request, workspace, row_error={"pk": membership.pk, "field": exc.field, "message": exc.message}, status=400)
    messages.success(request, f"{membership.user.email} is now {membership.get_role_display()}.")
    return redirect("core:members", ws=ws)


@login_required
@require_POST
def member_remove(request, ws, pk):
    workspace = queries.get_workspace(request.user, ws, "members.manage")
    membership = queries.get_membership(request.user, workspace, pk)
    try:
        actions.remove_member(actor=request.user, membership=membership)
    except HeardError as exc:
        if exc.field is None:
            raise
        return _members_page(request, workspace, row_error={"pk": membership.pk, "field": exc.field, "message": exc.message}, status=400)
    messages.success(request, f"Removed {membership.user.email} from {workspace.name}.")
    if membership.user_id == request.user.pk:
        return redirect("home")
    return redirect("core:members", ws=ws)


def _tokens_page(request, workspace, form=None, new_token=None, status=200):
    can_manage = permissions.can(request.user, workspace, "tokens.manage")
    response = render(request, "core/tokens.html", {
        "workspace": workspace,
        "tokens": queries.own_tokens(request.user, workspace),
        "all_tokens": queries.workspace_tokens(request.user, workspace) if can_manage else None,
        "can_manage": can_manage,
        "form": form or TokenForm(),
        "new_token": new_token,
        "rate_limit": tokens_rules.rate_limit()[0],
        "rate_window": tokens_rules.rate_limit()[1],
    }, status=status)
    if new_token:
        # The secret is on this page only: keep it out of every cache.
        response["Cache-Control"] = "no-store"
    return response


@login_required
def tokens(request, ws):
    """Your API tokens; for an owner also every member's. A new token's secret shows once."""
    workspace = queries.get_workspace(request.user, ws, "tokens.create")
    if request.method != "POST":
        return _tokens_page(request, workspace)
    form = TokenForm(request.POST)
    created = submit(form, lambda: actions.create_token(
        actor=request.user, workspace=workspace, name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"], expires_in_days=form.cleaned_data["expires_in_days"],
    ))
    if created is None:
        return _tokens_page(request, workspace, form, status=400)
    token, raw = created
    return _tokens_page(request, workspace, new_token={"token": token, "raw": raw})


@login_required
@require_POST
def token_revoke(request, ws, pk):
    workspace = queries.get_workspace(request.user, ws, "tokens.create")
    token = queries.get_token(request.user, workspace, pk)
    actions.revoke_token(actor=request.user, workspace=workspace, token=token)
    whose = "" if token.user_id == request.user.pk else f" of {token.user.email}"
    messages.success(request, f"Revoked the token “{token.name}”{whose}; it no longer works.")
    return redirect("core:tokens", ws=ws)


# ------------------------------------------------------------------ errors Django answers itself


def _api_error(status: int, code: str, message: str):
    return JsonResponse({"error": {"code": code, "message": message, "field": None}}, status=status)


def server_error(request):
    """500s outside a view's own handling: JSON under /api/ (scripts parse it), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return _api_error(500, "server_error", "Something went wrong on heard's side; it has been logged.")
    return defaults.server_error(request)


def bad_request(request, exception=None):
    """Django's 400 (a body over the size limit, a malformed request): JSON under /api/."""
    if request.path.startswith("/api/"):
        return _api_error(400, "invalid", "The request could not be read (too large, or malformed).")
    return defaults.bad_request(request, exception)


# ------------------------------------------------------------------ products

@login_required
def products(request, ws):
    """Every member sees the workspace's products; owners and product owners add and archive them."""
    workspace = queries.get_workspace(request.user, ws)
    return render(request, "core/products.html", {
        "workspace": workspace,
        "products": queries.products(request.user, workspace),
        "archived": queries.products(request.user, workspace, archived=True),
    })


@login_required
def product_form(request, ws, slug=None):
    """Add a product (no slug) or edit one."""
    workspace = queries.get_workspace(request.user, ws, "products.manage")
    product = queries.get_product(request.user, workspace, slug) if slug else None
    initial = {"name": product.name, "slug": product.slug, "description": product.description} if product else {}
    form = ProductForm(request.POST if request.method == "POST" else None, initial=initial)
    brand = ProductBrandForm(request.POST if request.method == "POST" else None, request.FILES or None,
                             initial={"accent": product.accent if product else "blue"}, prefix="brand")
    if request.method == "POST" and brand.is_valid():
        from django.db import transaction

        with transaction.atomic():  # a refused logo leaves the product as it was
            if product is None:
                saved = submit(form, lambda: actions.create_product(actor=request.user, workspace=workspace, **form.cleaned_data))
            else:
                saved = submit(form, lambda: actions.update_product(actor=request.user, product=product, data=form.cleaned_data))
            if saved is not None:
                saved = submit(brand, lambda: _brand_product(request.user, saved, brand.cleaned_data))
            if saved is None:
                transaction.set_rollback(True)
        if saved is not None:
            messages.success(request, f"Added the product {saved.name}." if product is None else f"Saved {saved.name}.")
            return redirect("core:products", ws=ws)
    if request.method == "POST" and not brand.is_valid():
        form.is_valid()  # show the product fields' errors too
    return render(request, "core/product_form.html", {"workspace": workspace, "form": form, "brand_form": brand, "product": product},
                  status=400 if form.is_bound else 200)


def _brand_product(actor, product, data):
    """Apply the portal accent and logo from the product form."""
    actions.update_product(actor=actor, product=product, data={"accent": data.get("accent") or "blue"})
    if data.get("remove_logo"):
        actions.set_product_logo(actor=actor, product=product, raw=None)
    elif data.get("logo"):
        actions.set_product_logo(actor=actor, product=product, raw=data["logo"].read(actions.LOGO_MAX_BYTES + 1))
    return product


@login_required
def product_archive(request, ws, slug):
    """GET asks for confirmation and says what stays; POST archives."""
    workspace = queries.get_workspace(request.user, ws, "products.manage")
    product = queries.get_product(request.user, workspace, slug)
    if request.method == "POST":
        actions.archive_product(actor=request.user, product=product)
        messages.success(request, f"Archived {product.name}. Its history is kept; unarchive it from the products page.")
        return redirect("core:products", ws=ws)
    return render(request, "core/product_archive.html", {"workspace": workspace, "product": product})


@login_required
@require_POST
def product_unarchive(request, ws, slug):
    workspace = queries.get_workspace(request.user, ws, "products.manage")
    product = queries.get_product(request.user, workspace, slug)
    actions.unarchive_product(actor=request.user, product=product)
    messages.success(request, f"{product.name} is back in navigation and lists.")
    return redirect("core:products", ws=ws)


@csrf_exempt  # only the colour theme changes: nothing to protect, and no token on every page
@require_POST
def set_theme(request):
    """Remember the colour theme (system, light or dark) in a cookie; works without JavaScript.

    static/heard/ui.js sets the same cookie directly, so with JavaScript no request is made.
    """
    from django.utils.http import url_has_allowed_host_and_scheme

    from .context import THEME_COOKIE, THEMES

    theme = request.POST.get("theme", "")
    if theme not in THEMES:
        raise HeardError("invalid", f"Choose a theme: {', '.join(THEMES)}.", "theme")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = redirect(target)
    response.set_cookie(THEME_COOKIE, theme, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure())
    return response
