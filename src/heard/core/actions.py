"""Changes of state for the core: workspaces, products, members, API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import audit, mail, permissions
from .errors import HeardError, HeardValidationErrors
from .models import (
    ApiToken,
    Invitation,
    Membership,
    Product,
    TokenScope,
    User,
    Workspace,
    slug_validator,
)
from .roles import OWNER, ROLES
from .validation import as_id, check_choice, check_email, check_length, check_required, collect


def _check_slug(slug: str, field: str = "slug", label: str = "Slug") -> str:
    slug = check_required(slug, field, label, max_length=60)
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


def _clean_product(workspace: Workspace, data: dict, instance: Product | None = None) -> dict:
    """Check a product's slug, name and description; every bad field is reported at once."""
    errors: dict[str, str] = {}
    cleaned: dict = {}
    if instance is None or "slug" in data:
        collect(errors, cleaned, "slug", lambda: _check_slug(data.get("slug", "")))
    if instance is None or "name" in data:
        collect(errors, cleaned, "name", lambda: check_required(data.get("name", ""), "name", "Name", max_length=200))
    if "description" in data:
        collect(errors, cleaned, "description", lambda: check_length(data.get("description") or "", "description", "Description", 2000))
    slug = cleaned.get("slug")
    if slug and (instance is None or slug != instance.slug):
        clash = workspace.products.filter(slug=slug).first()
        if clash is not None:
            where = " (archived)" if clash.is_archived else ""
            errors["slug"] = f"The product “{clash.name}”{where} already uses the slug “{slug}” in this workspace; choose another."
    if errors:
        raise HeardValidationErrors(errors)
    return cleaned


@transaction.atomic
def create_product(*, actor: User | None, workspace: Workspace, slug: str, name: str, description: str = "") -> Product:
    """Add a product to the workspace (owners and product owners)."""
    permissions.require(actor, workspace, "products.manage")
    cleaned = _clean_product(workspace, {"slug": slug, "name": name, "description": description})
    product = Product.objects.create(workspace=workspace, **cleaned)
    audit.record(actor=actor, workspace=workspace, verb="product.created", target=product, after=audit.snapshot(product))
    return product


@transaction.atomic
def update_product(*, actor: User | None, product: Product, data: dict) -> Product:
    """Change a product's slug, name or description (only the keys given). A new slug moves
    its pages to new addresses; old links then answer 404."""
    permissions.require(actor, product.workspace, "products.manage")
    unknown = sorted(set(data) - {"slug", "name", "description", "accent"})
    if unknown:
        raise HeardError("invalid", f"Unknown field “{unknown[0]}”; a product has a slug, a name, a description and an accent.", unknown[0])
    cleaned = _clean_product(product.workspace, data, instance=product)
    if "accent" in data:
        from .models import Accent

        cleaned["accent"] = check_choice(data.get("accent") or "blue", Accent, "accent", "accent colour")
    audit.save_changes(actor=actor, workspace=product.workspace, target=product, changes=cleaned, verb="product.updated")
    return product


LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF87a": "image/gif", b"GIF89a": "image/gif"}
LOGO_MAX_BYTES = 200_000


def _logo_type(raw: bytes) -> str:
    for magic, content_type in LOGO_TYPES.items():
        if raw.startswith(magic):
            return content_type
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return "image/webp"
    raise HeardError("invalid", "The logo must be a PNG, JPEG, GIF or WebP image (SVG is not accepted).", "logo")


@transaction.atomic
def set_product_logo(*, actor: User | None, product: Product, raw: bytes | None) -> Product:
    """Give the product a logo for the portal (``raw`` image bytes), or remove it (None or b"")."""
    permissions.require(actor, product.workspace, "products.manage")
    raw = bytes(raw or b"")
    if len(raw) > LOGO_MAX_BYTES:
        raise HeardError("invalid", f"The logo is {len(raw) // 1000} kB; keep it under {LOGO_MAX_BYTES // 1000} kB.", "logo")
    content_type = _logo_type(raw) if raw else ""
    audit.save_changes(actor=actor, workspace=product.workspace, target=product, changes={"logo": raw, "logo_type": content_type}, verb="product.logo_set")
    return product


@transaction.atomic
def archive_product(*, actor: User | None, product: Product) -> Product:
    """Take a product out of navigation and lists. Nothing is deleted: its feedback, sessions,
    decisions and notes stay readable at its address, and ``unarchive_product`` brings it back."""
    permissions.require(actor, product.workspace, "products.manage")
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.is_archived:
        raise HeardError("conflict", f"“{product.name}” is already archived.")
    audit.save_changes(actor=actor, workspace=product.workspace, target=product, changes={"archived_at": timezone.now()}, verb="product.archived")
    return product


@transaction.atomic
def unarchive_product(*, actor: User | None, product: Product) -> Product:
    permissions.require(actor, product.workspace, "products.manage")
    product = Product.objects.select_for_update().get(pk=product.pk)
    if not product.is_archived:
        raise HeardError("conflict", f"“{product.name}” is not archived.")
    audit.save_changes(actor=actor, workspace=product.workspace, target=product, changes={"archived_at": None}, verb="product.unarchived")
    return product


@transaction.atomic
def rename_workspace(*, actor: User | None, workspace: Workspace, name: str) -> Workspace:
    permissions.require(actor, workspace, "workspace.manage")
    name = check_required(name, "name", "Workspace name", max_length=200)
    audit.save_changes(actor=actor, workspace=workspace, target=workspace, changes={"name": name}, verb="workspace.renamed")
    return workspace


@transaction.atomic
def finish_setup(*, actor: User | None, workspace: Workspace) -> Workspace:
    """Mark the first-run steps done (or skipped), so the wizard is no longer offered on login."""
    permissions.require(actor, workspace, "workspace.manage")
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    if workspace.setup_finished_at is None:
        audit.save_changes(actor=actor, workspace=workspace, target=workspace, changes={"setup_finished_at": timezone.now()}, verb="workspace.setup_finished")
    return workspace


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
        # Without a password of their own they get a random one nobody knows, not an unusable
        # one: Django's password reset skips accounts with an unusable password.
        user = User.objects.create_user(email=email, password=password or secrets.token_urlsafe(32), name=name)
        audit.record(actor=actor, workspace=workspace, verb="user.created", target=user, after={"email": email, "name": name})
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    membership = Membership.objects.filter(user=user, workspace=workspace).first()
    if membership is None:
        membership = Membership.objects.create(user=user, workspace=workspace, role=role)
        audit.record(actor=actor, workspace=workspace, verb="membership.created", target=membership, after=audit.snapshot(membership))
    elif membership.role != role:
        if membership.role == OWNER and not _other_owners(membership):
            raise HeardError("invalid", f"{email} is the last owner of {workspace.slug}; make someone else an owner first.", "role")
        before = audit.snapshot(membership)
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(actor=actor, workspace=workspace, verb="membership.role_changed", target=membership, before=before, after=audit.snapshot(membership))
    return membership


MAX_TOKEN_DAYS = 3650


def _token_workspace(user: User, workspace: Workspace | None) -> Workspace:
    """The workspace a new token is for: the one named, which its person must belong to, or
    their only one. A person in several workspaces must say which (a token works in one)."""
    if workspace is not None:
        if not Membership.objects.filter(user=user, workspace=workspace).exists():
            raise HeardError("invalid", f"{user.email} is not a member of {workspace.slug}; a token works only in its person's workspace.", "workspace")
        return workspace
    slugs = list(Workspace.objects.filter(memberships__user=user).order_by("memberships__id").values_list("slug", flat=True)[:10])
    if not slugs:
        raise HeardError("invalid", f"{user.email} is not a member of any workspace, so a token could reach nothing; add them to one first.", "workspace")
    if len(slugs) > 1:
        raise HeardError("invalid", f"{user.email} belongs to several workspaces ({', '.join(slugs)}); say which one the token is for (a token works in one).", "workspace")
    return Workspace.objects.get(slug=slugs[0])


def _check_scope(scope) -> str:
    scope = (scope or TokenScope.WRITE).strip().lower()
    if scope not in TokenScope.values:
        raise HeardError("invalid", f"Unknown scope “{scope}”; choose read (GET only) or write.", "scope")
    return scope


def _expiry(expires_in_days):
    if expires_in_days in (None, ""):
        return None
    days = as_id(expires_in_days)
    if days is None or not 1 <= days <= MAX_TOKEN_DAYS:
        raise HeardError("invalid", f"Give the days until the token expires as a whole number from 1 to {MAX_TOKEN_DAYS}, or leave it empty for no expiry.", "expires_in_days")
    return timezone.now() + timedelta(days=days)


@transaction.atomic
def issue_token(
    *, actor: User | None, user: User, name: str = "cli", workspace: Workspace | None = None, scope: str = TokenScope.WRITE, expires_in_days=None,
) -> str:
    """Create an API token for ``user`` in one ``workspace`` and return the raw value (shown
    once, stored hashed). ``workspace`` may be left out for a person in exactly one workspace.
    ``scope`` read allows only GET; ``expires_in_days`` (1..3650) ends it, None never."""
    if actor is not None and actor.pk != user.pk:
        raise HeardError("forbidden", "You may only create API tokens for yourself.")
    workspace = _token_workspace(user, workspace)
    scope = _check_scope(scope)
    expires_at = _expiry(expires_in_days)
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(user=user, workspace=workspace, name=name, prefix=raw[:12], key_hash=ApiToken.hash(raw), scope=scope, expires_at=expires_at)
    audit.record(actor=actor or user, workspace=workspace, verb="api_token.created", target=token, after=audit.snapshot(token, TOKEN_FIELDS))
    return raw


TOKEN_FIELDS = ["name", "prefix", "scope", "expires_at", "revoked_at"]


# ------------------------------------------------------------------ members (pages and API)


def _check_role(role: str, field: str = "role") -> str:
    role = (role or "").strip()
    if role not in ROLES:
        raise HeardError("invalid", f"Unknown role “{role}”; choose one of {', '.join(ROLES)}.", field)
    return role


def _other_owners(membership: Membership) -> int:
    """How many owners the workspace keeps without ``membership``.

    Locks every owner row, in one order, so two owners stepping down at the same moment wait
    for each other (rather than deadlock) and the second sees that it is now the last.
    """
    owners = Membership.objects.select_for_update().filter(workspace_id=membership.workspace_id, role=OWNER).order_by("pk")
    return sum(1 for pk in owners.values_list("pk", flat=True) if pk != membership.pk)


@transaction.atomic
def invite_member(*, actor: User | None, workspace: Workspace, email: str, role: str, name: str = "") -> Membership | Invitation:
    """Invite someone to the workspace from the members page, the API or first-run setup.

    An unknown address gets an account, a membership and an e-mail with a set-password link
    (Django's password-reset token): a ``Membership``. Someone who already has an account
    (they may belong to other workspaces) gets an **invitation** they accept or decline:
    an ``Invitation``, and nothing here answers to them until they accept. An address that
    is already a member, or already invited, is refused.
    """
    if actor is not None:
        permissions.require(actor, workspace, "members.manage")
    email = check_email(email)
    role = _check_role(role)
    name = (name or "").strip()
    if len(name) > 200:
        raise HeardError("invalid", "Keep the name under 200 characters.", "name")
    existing = User.objects.filter(email=email).first()
    inviter = actor.display_name if actor is not None else "heard"
    if existing is not None:
        if Membership.objects.filter(user=existing, workspace=workspace).exists():
            raise HeardError("conflict", f"{email} is already a member of {workspace.name}; change their role in the list instead.", "email")
        if Invitation.objects.filter(user=existing, workspace=workspace, accepted_at__isnull=True, declined_at__isnull=True, cancelled_at__isnull=True).exists():
            raise HeardError("conflict", f"{email} is already invited to {workspace.name}; they have not answered yet.", "email")
        invitation = Invitation.objects.create(workspace=workspace, user=existing, role=role, invited_by=actor)
        audit.record(actor=actor, workspace=workspace, verb="invitation.created", target=invitation, after=audit.snapshot(invitation))
        transaction.on_commit(lambda: mail.send_join_invitation(invitation.pk, inviter))
        return invitation
    # A random password nobody knows (rather than an unusable one) keeps "forgot password"
    # working as a fallback when the invitation e-mail is lost or its link has expired.
    membership = add_member(actor=actor, workspace=workspace, email=email, role=role, name=name, password=secrets.token_urlsafe(32))
    membership.new_account = True
    transaction.on_commit(lambda: mail.send_invitation(membership.pk, inviter))
    return membership


def _pending(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("workspace", "user").get(pk=invitation.pk)
    if not invitation.is_pending:
        raise HeardError("conflict", "This invitation was already answered or cancelled.")
    return invitation


def _answer(actor: User, invitation: Invitation, answered_at: str) -> Invitation:
    """Record the invited person's answer (``accepted_at`` or ``declined_at``) now. Only they
    may answer, once; to anyone else the invitation does not exist."""
    if actor is None or invitation.user_id != actor.pk:
        raise HeardError("not_found", "Invitation was not found.")
    invitation = _pending(invitation)
    setattr(invitation, answered_at, timezone.now())
    invitation.save(update_fields=[answered_at])
    return invitation


@transaction.atomic
def accept_invitation(*, actor: User, invitation: Invitation) -> Membership:
    """The invited person joins the workspace with the invitation's role. Only they may."""
    invitation = _answer(actor, invitation, "accepted_at")
    membership, _ = Membership.objects.get_or_create(user=actor, workspace=invitation.workspace, defaults={"role": invitation.role})
    audit.record(actor=actor, workspace=invitation.workspace, verb="invitation.accepted", target=invitation, after={"membership": membership.pk, "role": membership.role})
    actor.__dict__.get("_heard_roles", {}).pop(invitation.workspace_id, None)
    return membership


@transaction.atomic
def decline_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    """The invited person says no; the workspace's owners see that it was declined."""
    invitation = _answer(actor, invitation, "declined_at")
    audit.record(actor=actor, workspace=invitation.workspace, verb="invitation.declined", target=invitation, after=audit.snapshot(invitation))
    return invitation


@transaction.atomic
def cancel_invitation(*, actor: User | None, invitation: Invitation) -> Invitation:
    """An owner takes an unanswered invitation back."""
    if actor is not None:
        permissions.require(actor, invitation.workspace, "members.manage")
    invitation = _pending(invitation)
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    audit.record(actor=actor, workspace=invitation.workspace, verb="invitation.cancelled", target=invitation, after=audit.snapshot(invitation))
    return invitation


@transaction.atomic
def change_member_role(*, actor: User | None, membership: Membership, role: str) -> Membership:
    """Give a member another role. The last owner keeps theirs, so a workspace always has one."""
    workspace = membership.workspace
    if actor is not None:
        permissions.require(actor, workspace, "members.manage")
    role = _check_role(role)
    if membership.role == OWNER and role != OWNER and _other_owners(membership) == 0:
        raise HeardError(
            "conflict",
            f"{membership.user.email} is the last owner of {workspace.name}; make someone else an owner first.",
            "role",
        )
    audit.save_changes(actor=actor, workspace=workspace, target=membership, changes={"role": role}, verb="membership.role_changed")
    if actor is not None:
        # The actor may have changed their own role; forget the role cached for this request.
        actor.__dict__.get("_heard_roles", {}).pop(workspace.pk, None)
    return membership


@transaction.atomic
def remove_member(*, actor: User | None, membership: Membership) -> None:
    """Take someone out of the workspace. Their account stays (they may belong to other
    workspaces); their API tokens for this workspace are revoked."""
    workspace = membership.workspace
    if actor is not None:
        permissions.require(actor, workspace, "members.manage")
    if membership.role == OWNER and _other_owners(membership) == 0:
        raise HeardError(
            "conflict",
            f"{membership.user.email} is the last owner of {workspace.name} and cannot be removed; make someone else an owner first.",
            "member",
        )
    audit.delete_with_event(actor=actor, workspace=workspace, target=membership, verb="membership.removed")
    # Their tokens for this workspace could reach nothing now (and would again if they were
    # re-invited): revoke them. Their tokens for other workspaces are not this one's business.
    for token in ApiToken.objects.filter(user_id=membership.user_id, workspace=workspace, revoked_at__isnull=True):
        revoke_token(actor=None, workspace=workspace, token=token)
    if actor is not None:
        actor.__dict__.get("_heard_roles", {}).pop(workspace.pk, None)


# ------------------------------------------------------------------ API tokens (pages and API)


def _check_token_name(user: User, workspace: Workspace, name: str) -> str:
    name = check_required(name, "name")
    if len(name) > 100:
        raise HeardError("invalid", "Keep the token's name under 100 characters.", "name")
    if ApiToken.objects.filter(user=user, workspace=workspace, name=name, revoked_at__isnull=True).exists():
        raise HeardError("conflict", f"You already have a token named “{name}”; choose a name that says where this one will be used.", "name")
    return name


@transaction.atomic
def create_token(*, actor: User, workspace: Workspace, name: str, scope: str = TokenScope.WRITE, expires_in_days=None) -> tuple[ApiToken, str]:
    """A new named token for the actor in this workspace: the row and the raw value, which is
    shown only once. It acts with the actor's role here and nowhere else."""
    permissions.require(actor, workspace, "tokens.create")
    from . import tokens

    came_with = tokens.token_of(actor)
    if came_with is not None and came_with.is_read_only:
        raise HeardError("forbidden", "A read-scope token cannot create tokens.")
    name = _check_token_name(actor, workspace, name)
    raw = issue_token(actor=actor, user=actor, name=name, workspace=workspace, scope=scope, expires_in_days=expires_in_days)
    return ApiToken.objects.get(key_hash=ApiToken.hash(raw)), raw


@transaction.atomic
def revoke_token(*, actor: User | None, workspace: Workspace, token: ApiToken) -> ApiToken:
    """Stop a token of this workspace from working. Its person may revoke it; so may an owner
    of the workspace (``tokens.manage``), and only of this workspace: a token made for
    another workspace is not found here."""
    if token.workspace_id != workspace.pk:
        raise HeardError("not_found", "API token was not found.")
    if actor is not None:
        permissions.require(actor, workspace, "tokens.create" if token.user_id == actor.pk else "tokens.manage")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise HeardError("conflict", f"The token “{token.name}” was already revoked.")
    before = audit.snapshot(token, TOKEN_FIELDS)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=actor, workspace=workspace, verb="api_token.revoked", target=token, before=before, after=audit.snapshot(token, TOKEN_FIELDS))
    return token
