"""Changes of state for the core: workspaces, products, members, API tokens."""

from __future__ import annotations

from django.db import transaction

from . import audit, permissions
from .errors import HeardError
from .models import ApiToken, Membership, Product, User, Workspace, slug_validator
from .roles import OWNER, ROLES
from .validation import check_email, check_required


def _check_slug(slug: str, field: str = "slug") -> str:
    slug = check_required(slug, field)
    try:
        slug_validator(slug)
    except Exception:
        raise HeardError("invalid", "Use lowercase letters, digits and hyphens, starting with a letter or digit.", field) from None
    return slug


@transaction.atomic
def create_workspace(*, actor: User | None, slug: str, name: str, owner: User | None = None) -> Workspace:
    """Create a workspace; ``owner`` (default: the actor) becomes its owner. Used by CLI and demo."""
    slug = _check_slug(slug)
    name = check_required(name, "name")
    if Workspace.objects.filter(slug=slug).exists():
        raise HeardError("conflict", f"A workspace with the slug “{slug}” already exists.", "slug")
    workspace = Workspace.objects.create(slug=slug, name=name)
    audit.record(actor=actor, workspace=workspace, verb="workspace.created", target=workspace, after=audit.snapshot(workspace))
    owner = owner or actor
    if owner is not None:
        membership = Membership.objects.create(user=owner, workspace=workspace, role=OWNER)
        audit.record(actor=actor, workspace=workspace, verb="membership.created", target=membership, after=audit.snapshot(membership))
    return workspace


@transaction.atomic
def create_product(*, actor: User | None, workspace: Workspace, slug: str, name: str, description: str = "") -> Product:
    if actor is not None:
        permissions.require(actor, workspace, "workspace.manage")
    slug = _check_slug(slug)
    name = check_required(name, "name")
    if workspace.products.filter(slug=slug).exists():
        raise HeardError("conflict", f"A product with the slug “{slug}” already exists in this workspace.", "slug")
    product = Product.objects.create(workspace=workspace, slug=slug, name=name, description=description)
    audit.record(actor=actor, workspace=workspace, verb="product.created", target=product, after=audit.snapshot(product))
    return product


@transaction.atomic
def add_member(*, actor: User | None, workspace: Workspace, email: str, role: str, name: str = "", password: str | None = None) -> Membership:
    """Add a team member with a role, creating the user if needed.

    ``actor`` None means the command line (an operator on the server), which needs no role.
    """
    if actor is not None:
        permissions.require(actor, workspace, "members.manage")
    email = check_email(email)
    if role not in ROLES:
        raise HeardError("invalid", f"Unknown role “{role}”; choose one of {', '.join(ROLES)}.", "role")
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, name=name)
        audit.record(actor=actor, workspace=workspace, verb="user.created", target=user, after={"email": email, "name": name})
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    membership = Membership.objects.filter(user=user, workspace=workspace).first()
    if membership is None:
        membership = Membership.objects.create(user=user, workspace=workspace, role=role)
        audit.record(actor=actor, workspace=workspace, verb="membership.created", target=membership, after=audit.snapshot(membership))
    elif membership.role != role:
        before = audit.snapshot(membership)
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(actor=actor, workspace=workspace, verb="membership.role_changed", target=membership, before=before, after=audit.snapshot(membership))
    return membership


@transaction.atomic
def issue_token(*, actor: User | None, user: User, name: str = "cli") -> str:
    """Create an API token for ``user`` and return the raw value (shown once, stored hashed)."""
    if actor is not None and actor.pk != user.pk:
        raise HeardError("forbidden", "You may only create API tokens for yourself.")
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:12], key_hash=ApiToken.hash(raw))
    for membership in user.memberships.select_related("workspace"):
        audit.record(actor=actor or user, workspace=membership.workspace, verb="api_token.created", target=token, after={"name": name, "prefix": token.prefix})
    return raw
