"""Role checks. The table lives in roles.py; this module answers questions about it."""

from __future__ import annotations

from .errors import HeardError
from .models import Membership, Workspace
from .roles import CAPABILITIES, capabilities_of

SYSTEM = "system"


def role_of(actor, workspace: Workspace) -> str | None:
    """The actor's role in the workspace, or None. Cached on the actor for the request.

    ``actor=None`` is the system: the command line run by an operator on the server, the demo
    loader, or a background task acting on its own. It may do anything. Views and the API
    always pass a user (anonymous visitors never reach an action).

    An actor who came in with an API token (``heard.core.tokens``) has no role outside the
    token's workspace, even where their person is a member: every check of every route goes
    through here, so a token made for one workspace can never act in another.
    """
    if actor is None:
        return SYSTEM
    if not getattr(actor, "is_authenticated", False):
        return None
    token = actor.__dict__.get("_heard_token")
    if token is not None and token.workspace_id != workspace.pk:
        return None
    cache = actor.__dict__.setdefault("_heard_roles", {})
    if workspace.pk not in cache:
        cache[workspace.pk] = (
            Membership.objects.filter(user=actor, workspace=workspace).values_list("role", flat=True).first()
        )
    return cache[workspace.pk]


def can(actor, workspace: Workspace, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise KeyError(f"Unknown capability {capability!r}; add it to heard.core.roles.CAPABILITIES.")
    role = role_of(actor, workspace)
    return role == SYSTEM or (role is not None and role in CAPABILITIES[capability][0])


def capabilities(actor, workspace: Workspace) -> frozenset[str]:
    """Every capability the actor holds in the workspace (all of them for the system)."""
    role = role_of(actor, workspace)
    return frozenset(CAPABILITIES) if role == SYSTEM else capabilities_of(role)


def require(actor, workspace: Workspace, capability: str) -> None:
    """Raise HeardError('forbidden' or 'not_found') unless the actor holds the capability.

    Someone outside the workspace gets not_found, so they learn nothing about it.
    """
    role = role_of(actor, workspace)
    if role is None:
        raise HeardError("not_found", "Workspace was not found.")
    if role != SYSTEM and role not in CAPABILITIES[capability][0]:
        raise HeardError("forbidden", f"Your role ({role.replace('_', ' ')}) may not do this: {CAPABILITIES[capability][1]}")
