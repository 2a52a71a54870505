"""API for workspace members and API tokens: /api/v1/members and /api/v1/tokens.

Same rules as the pages (the actions hold them). Lists are paginated like every other list;
the workspace is ``?workspace=SLUG`` or, when omitted, the caller's first one.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from . import actions, queries
from .api import PageMeta, page_response, workspace_for
from .models import Invitation

router = Router(tags=["members and tokens"])


class MemberOut(Schema):
    id: int = Field(..., description="The membership's id (use it to change the role or remove).")
    user_id: int
    email: str
    name: str
    role: str
    role_label: str
    created_at: datetime

    @staticmethod
    def resolve_email(obj):
        return obj.user.email

    @staticmethod
    def resolve_name(obj):
        return obj.user.name

    @staticmethod
    def resolve_role_label(obj):
        return obj.get_role_display()


class InvitationOut(Schema):
    id: int = Field(..., description="The invitation's id (to cancel it).")
    user_id: int
    email: str
    role: str
    created_at: datetime
    status: str = Field(..., description="pending until the person accepts or declines (or an owner cancels).")

    @staticmethod
    def resolve_email(obj):
        return obj.user.email

    @staticmethod
    def resolve_status(obj):
        return "pending" if obj.is_pending else ("accepted" if obj.accepted_at else "declined" if obj.declined_at else "cancelled")


class MemberIn(Schema):
    email: str
    role: str = Field(..., description="owner, product_owner, scrum_master, developer or viewer.")
    name: str = ""


class MemberPatch(Schema):
    role: str = Field(..., description="owner, product_owner, scrum_master, developer or viewer.")


class MemberPage(PageMeta):
    items: list[MemberOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="The token's first 12 characters, to recognise it.")
    user_email: str
    workspace: str = Field(..., description="The one workspace the token works in (its slug).")
    scope: str = Field(..., description="read (GET only) or write.")
    created_at: datetime
    expires_at: datetime | None = Field(None, description="After this the token answers 401; null: it does not expire.")
    last_used_at: datetime | None = Field(None, description="Updated at most once a minute.")
    revoked_at: datetime | None

    @staticmethod
    def resolve_user_email(obj):
        return obj.user.email

    @staticmethod
    def resolve_workspace(obj):
        return obj.workspace.slug if obj.workspace_id else ""


class TokenCreated(TokenOut):
    token: str = Field(..., description="The secret. Shown in this answer only; heard keeps only its SHA-256.")


class TokenIn(Schema):
    name: str = Field(..., description="Where the token will be used, e.g. “CI pipeline”.")
    scope: str = Field("write", description="read (GET only) or write (the default).")
    expires_in_days: int | None = Field(None, description="Days until the token stops working (1 to 3650); null: never.")


class TokenPage(PageMeta):
    items: list[TokenOut]


# ------------------------------------------------------------------ members

@router.get("/members", response=MemberPage)
def list_members(request, workspace: str | None = None, page: int = 1, per_page: int = 50):
    ws = workspace_for(request, workspace)
    return page_response(queries.members(request.auth, ws), page, per_page)


@router.post("/members", response={201: MemberOut, 202: InvitationOut})
def add_member(request, payload: MemberIn, workspace: str | None = None):
    """Add a member. An unknown address gets an account and an e-mailed set-password link
    (``201``, the membership). Someone who already has an account is **invited** (``202``,
    the invitation): they join when they accept it, signed in, on /w/WORKSPACE/invitation/."""
    ws = workspace_for(request, workspace)
    added = actions.invite_member(actor=request.auth, workspace=ws, email=payload.email, role=payload.role, name=payload.name)
    return Status(202 if isinstance(added, Invitation) else 201, added)


@router.get("/invitations", response=list[InvitationOut])
def list_invitations(request, workspace: str | None = None):
    """The workspace's invitations still waiting for an answer (owners)."""
    return list(queries.workspace_invitations(request.auth, workspace_for(request, workspace)))


@router.delete("/invitations/{invitation_id}", response={204: None})
def cancel_invitation(request, invitation_id: int, workspace: str | None = None):
    """Take an unanswered invitation back (owners)."""
    ws = workspace_for(request, workspace)
    actions.cancel_invitation(actor=request.auth, invitation=queries.get_invitation(request.auth, ws, invitation_id))
    return Status(204, None)


@router.get("/members/{member_id}", response=MemberOut)
def get_member(request, member_id: int, workspace: str | None = None):
    return queries.get_membership(request.auth, workspace_for(request, workspace), member_id)


@router.patch("/members/{member_id}", response=MemberOut)
def change_role(request, member_id: int, payload: MemberPatch, workspace: str | None = None):
    membership = queries.get_membership(request.auth, workspace_for(request, workspace), member_id)
    return actions.change_member_role(actor=request.auth, membership=membership, role=payload.role)


@router.delete("/members/{member_id}", response={204: None})
def remove_member(request, member_id: int, workspace: str | None = None):
    membership = queries.get_membership(request.auth, workspace_for(request, workspace), member_id)
    actions.remove_member(actor=request.auth, membership=membership)
    return Status(204, None)


# ------------------------------------------------------------------ tokens

@router.get("/tokens", response=TokenPage)
def list_tokens(request, workspace: str | None = None, all: bool = False, include_revoked: bool = False, page: int = 1, per_page: int = 50):
    """Your tokens for this workspace; with ``all=true`` (owners) every token made for it.
    A token made for another workspace is never listed here, whoever it belongs to."""
    ws = workspace_for(request, workspace)
    if all:
        qs = queries.workspace_tokens(request.auth, ws, include_revoked=include_revoked)
    else:
        qs = queries.own_tokens(request.auth, ws, include_revoked=include_revoked)
    return page_response(qs, page, per_page)


@router.post("/tokens", response={201: TokenCreated})
def create_token(request, payload: TokenIn, workspace: str | None = None):
    """A new token for yourself in this workspace (and only this one). The answer's ``token``
    is the only time the secret is shown."""
    ws = workspace_for(request, workspace)
    token, raw = actions.create_token(actor=request.auth, workspace=ws, name=payload.name, scope=payload.scope, expires_in_days=payload.expires_in_days)
    token.token = raw
    return Status(201, token)


@router.get("/tokens/{token_id}", response=TokenOut)
def get_token(request, token_id: int, workspace: str | None = None):
    return queries.get_token(request.auth, workspace_for(request, workspace), token_id)


@router.delete("/tokens/{token_id}", response={204: None})
def revoke_token(request, token_id: int, workspace: str | None = None):
    """Revoke a token: yours, or (owners) a member's. It answers 401 from then on."""
    ws = workspace_for(request, workspace)
    token = queries.get_token(request.auth, ws, token_id)
    actions.revoke_token(actor=request.auth, workspace=ws, token=token)
    return Status(204, None)
