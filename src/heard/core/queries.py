"""Reads for the core: workspaces, products, members, audit events, tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from . import permissions
from .errors import HeardError
from .models import ApiToken, AuditEvent, Invitation, Membership, Product, User, Workspace
from .validation import as_id


def workspaces_for(actor) -> QuerySet[Workspace]:
    if not getattr(actor, "is_authenticated", False):
        return Workspace.objects.none()
    qs = Workspace.objects.filter(memberships__user=actor).order_by("name")
    token = actor.__dict__.get("_heard_token")
    # An API token sees only its own workspace (see permissions.role_of).
    return qs.filter(pk=token.workspace_id) if token is not None else qs


def get_workspace(actor, slug: str, capability: str = "workspace.view") -> Workspace:
    """The workspace with that slug if the actor may ``capability`` in it; otherwise not_found/forbidden."""
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        raise HeardError("not_found", "Workspace was not found.")
    permissions.require(actor, workspace, capability)
    return workspace


def default_workspace(actor) -> Workspace | None:
    return workspaces_for(actor).order_by("memberships__id").first()


def products(actor, workspace: Workspace, *, archived: bool = False) -> QuerySet[Product]:
    """The workspace's products by name: the active ones, or with ``archived=True`` the archived ones."""
    permissions.require(actor, workspace, "workspace.view")
    return workspace.products.filter(archived_at__isnull=not archived)


def setup_pending(actor, workspace: Workspace) -> bool:
    """Whether to offer the actor the first-run steps: an owner of a workspace nobody has set up yet."""
    return workspace.setup_finished_at is None and permissions.can(actor, workspace, "workspace.manage")


def get_product(actor, workspace: Workspace, slug: str) -> Product:
    """A product by slug, archived or not: an archived product's history stays reachable."""
    permissions.require(actor, workspace, "workspace.view")
    product = workspace.products.filter(slug=slug).first()
    if product is None:
        raise HeardError("not_found", f"Product “{slug}” was not found.", "product")
    return product


def scope(actor, ws_slug: str, product_slug: str, capability: str = "workspace.view") -> tuple[Workspace, Product]:
    """The workspace (where the actor holds ``capability``) and its product, for a page
    under ``/w/<ws>/p/<product>/``."""
    workspace = get_workspace(actor, ws_slug, capability)
    return workspace, get_product(actor, workspace, product_slug)


def members(actor, workspace: Workspace) -> QuerySet[Membership]:
    permissions.require(actor, workspace, "workspace.view")
    return workspace.memberships.select_related("user").order_by("user__email")


def audit_events(actor, workspace: Workspace, *, object_type: str = "", object_id: str = "", person: str = "", verb: str = "") -> QuerySet[AuditEvent]:
    """The workspace's audit log, newest first; owners only. ``person`` matches the actor's e-mail."""
    permissions.require(actor, workspace, "audit.view")
    qs = AuditEvent.objects.filter(workspace=workspace)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    if person:
        qs = qs.filter(actor_label__icontains=person.strip())
    if verb:
        qs = qs.filter(verb__startswith=verb)
    return qs


def audit_object_types(workspace: Workspace) -> list[str]:
    return list(AuditEvent.objects.filter(workspace=workspace).values_list("object_type", flat=True).distinct().order_by("object_type"))


def user_for_token(raw: str) -> User | None:
    """The active user behind a live raw bearer token, or None (the API itself uses
    ``heard.core.tokens.authenticate``, which also says why a token is refused)."""
    from . import tokens

    token = tokens.find(raw)
    if token is None:
        return None
    try:
        tokens.check_usable(token)
    except HeardError:
        return None
    tokens.touch(token)
    return token.user


def product_by_ref(ref: str) -> Product:
    """A product for the command line: ``WORKSPACE/PRODUCT`` or a product slug unique across workspaces."""
    ref = (ref or "").strip()
    if "/" in ref:
        ws_slug, _, slug = ref.partition("/")
        product = Product.objects.select_related("workspace").filter(workspace__slug=ws_slug, slug=slug).first()
        if product is None:
            raise HeardError("not_found", f"No product “{slug}” in workspace “{ws_slug}”.", "product")
        return product
    matches = list(Product.objects.select_related("workspace").filter(slug=ref)[:2])
    if not matches:
        raise HeardError("not_found", f"No product with the slug “{ref}”.", "product")
    if len(matches) > 1:
        raise HeardError("invalid", f"Several workspaces have a product “{ref}”; write WORKSPACE/{ref}.", "product")
    return matches[0]


# ------------------------------------------------------------------ members and API tokens


def get_membership(actor, workspace: Workspace, pk) -> Membership:
    """One member of the workspace (any member may look; changing needs members.manage)."""
    permissions.require(actor, workspace, "workspace.view")
    membership = workspace.memberships.select_related("user", "workspace").filter(pk=pk).first()
    if membership is None:
        raise HeardError("not_found", "Member was not found.")
    return membership


def own_tokens(actor, workspace: Workspace, *, include_revoked: bool = False) -> QuerySet[ApiToken]:
    """The actor's own tokens for this workspace, newest first (a token works in one workspace)."""
    permissions.require(actor, workspace, "tokens.create")
    qs = ApiToken.objects.filter(user=actor, workspace=workspace).select_related("user", "workspace").order_by("-created_at", "-pk")
    return qs if include_revoked else qs.filter(revoked_at__isnull=True)


def workspace_tokens(actor, workspace: Workspace, *, include_revoked: bool = False) -> QuerySet[ApiToken]:
    """Every token made for this workspace (owners only), by person then newest first. A
    member's tokens for other workspaces are not here: only those workspaces' owners see them."""
    permissions.require(actor, workspace, "tokens.manage")
    qs = ApiToken.objects.filter(workspace=workspace).select_related("user", "workspace").order_by("user__email", "-created_at", "-pk")
    return qs if include_revoked else qs.filter(revoked_at__isnull=True)


def get_token(actor, workspace: Workspace, pk) -> ApiToken:
    """A token of this workspace the actor may see: their own, or (for an owner) any."""
    permissions.require(actor, workspace, "tokens.create")
    token = ApiToken.objects.select_related("user", "workspace").filter(pk=as_id(pk), workspace=workspace).first()
    visible = token is not None and (token.user_id == actor.pk or permissions.can(actor, workspace, "tokens.manage"))
    if not visible:
        raise HeardError("not_found", "API token was not found.")
    return token


def member_by_ref(workspace: Workspace, ref, field: str = "user") -> User:
    """The workspace member a payload names, by user id or e-mail; a HeardError on ``field``
    when nobody by that reference belongs to the workspace."""
    text = str(getattr(ref, "pk", ref) or "").strip()
    qs = Membership.objects.select_related("user").filter(workspace=workspace)
    membership = qs.filter(user_id=as_id(text)).first() if as_id(text) is not None else qs.filter(user__email__iexact=text).first()
    if membership is None:
        raise HeardError("invalid", f"“{text}” is not a member of this workspace.", field)
    return membership.user


def by_number(queryset, ref, *, field: str, what: str, where: str):
    """The row of ``queryset`` a form names by its number (``12`` or ``#12``); a HeardError on
    ``field`` ("No WHAT “12” in WHERE: …") when there is none."""
    text = str(getattr(ref, "pk", ref) or "").strip().lstrip("#")
    found = queryset.filter(pk=as_id(text)).first() if as_id(text) is not None else None
    if found is None:
        raise HeardError("invalid", f"No {what} “{text}” in {where}: type words to search, or its number." if text else f"Say which {what}.", field)
    return found


# ------------------------------------------------------------------ invitations


def _pending_invitations():
    return Invitation.objects.filter(accepted_at__isnull=True, declined_at__isnull=True, cancelled_at__isnull=True).select_related("workspace", "user", "invited_by")


def my_invitation(actor, ws_slug: str) -> Invitation:
    """The actor's unanswered invitation to the workspace with that slug (they are not a
    member yet, so this is not a role check); not_found when there is none."""
    invitation = _pending_invitations().filter(user=actor, workspace__slug=ws_slug).first() if getattr(actor, "is_authenticated", False) else None
    if invitation is None:
        raise HeardError("not_found", "Invitation was not found (it may have been answered or cancelled).")
    return invitation


def my_invitations(actor) -> QuerySet[Invitation]:
    """Every unanswered invitation of the actor, newest first."""
    return _pending_invitations().filter(user=actor) if getattr(actor, "is_authenticated", False) else Invitation.objects.none()


def workspace_invitations(actor, workspace: Workspace) -> QuerySet[Invitation]:
    """The workspace's unanswered invitations (owners only)."""
    permissions.require(actor, workspace, "members.manage")
    return _pending_invitations().filter(workspace=workspace)


def get_invitation(actor, workspace: Workspace, pk) -> Invitation:
    invitation = workspace_invitations(actor, workspace).filter(pk=as_id(pk)).first()
    if invitation is None:
        raise HeardError("not_found", "Invitation was not found.")
    return invitation
