"""What an API token may do, checked on every API request before anything else runs.

A token belongs to one workspace, has a scope (read or write), may expire, and is
rate-limited. ``heard.core.api.BearerToken`` calls :func:`authenticate`; the workspace rule
itself lives in ``heard.core.permissions.role_of`` (a token's actor has no role in any other
workspace), so every route, page helper and query that asks for a role obeys it.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .errors import HeardError
from .models import ApiToken, Membership

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RateLimited(HeardError):
    """429 with the seconds to wait, which the API sends as ``Retry-After``."""

    def __init__(self, message: str, retry_after: int):
        super().__init__("rate_limited", message)
        self.retry_after = retry_after


def _when(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def find(raw: str) -> ApiToken | None:
    """The token with that raw value (live or not), with its person, its workspace and whether
    the person still belongs to it, in one query (every API request reads this)."""
    if not raw:
        return None
    member = Membership.objects.filter(user_id=OuterRef("user_id"), workspace_id=OuterRef("workspace_id"))
    return ApiToken.objects.select_related("user", "workspace").annotate(person_is_member=Exists(member)).filter(key_hash=ApiToken.hash(raw)).first()


def check_usable(token: ApiToken) -> None:
    """Refuse (401, saying why) a token that is revoked, expired, or whose person left its
    workspace or was deactivated. The message names the way out."""
    where = f"/w/{token.workspace.slug}/tokens/" if token.workspace_id else "your workspace's API tokens page"
    if token.revoked_at is not None:
        raise HeardError("unauthenticated", f"This API token (“{token.name}”, {token.prefix}…) was revoked on {_when(token.revoked_at)}; create a new one on {where}.")
    if token.is_expired:
        raise HeardError("unauthenticated", f"This API token (“{token.name}”, {token.prefix}…) expired on {_when(token.expires_at)}; create a new one on {where}.")
    if not token.user.is_active:
        raise HeardError("unauthenticated", "The account this API token belongs to is deactivated.")
    if not token.person_is_member:
        raise HeardError("unauthenticated", f"This API token belongs to {token.workspace.slug}, which its person is no longer a member of.")


def check_workspace(token: ApiToken, requested: str | None) -> None:
    """``?workspace=`` naming another workspace: not found, before the body is even read, so
    a token learns nothing about a workspace it does not belong to."""
    if requested and requested != token.workspace.slug:
        raise HeardError("not_found", "Workspace was not found (this API token works only in its own workspace).", "workspace")


def check_scope(token: ApiToken, method: str) -> None:
    if token.is_read_only and method.upper() not in SAFE_METHODS:
        raise HeardError(
            "forbidden",
            f"This API token (“{token.name}”) has the read scope: it may only read (GET). Create a token with the write scope to make changes.",
        )


def rate_limit() -> tuple[int, int]:
    """(requests allowed, per seconds) for each token: HEARD_API_RATE_LIMIT per HEARD_API_RATE_WINDOW."""
    return int(getattr(settings, "HEARD_API_RATE_LIMIT", 600)), int(getattr(settings, "HEARD_API_RATE_WINDOW", 60))


def check_rate(token: ApiToken) -> None:
    """A fixed-window counter per token in Django's cache: at most ``limit`` requests per
    ``window`` seconds, then 429 with the seconds until the window turns.

    Keyed by the token's hash (not its id), so a counter can never be inherited by another
    token. ``cache.add`` + ``cache.incr`` are atomic in every Django cache backend, so two
    requests at the same moment cannot both take the last place.
    """
    limit, window = rate_limit()
    if limit <= 0:
        return
    now = time.time()
    key = f"heard:api-rate:{token.key_hash[:40]}:{int(now // window)}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: count this request as the first
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        wait = max(1, math.ceil(window - (now % window)))
        raise RateLimited(f"This API token made more than {limit} requests in {window} seconds; wait {wait} seconds (Retry-After) and try again.", wait)


def touch(token: ApiToken) -> None:
    """Record the last use, at most once a minute (one write, not one per request)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def authenticate(raw: str, *, method: str, workspace: str | None):
    """The user a raw bearer token acts for, scoped to the token's workspace, or None for a
    token heard never issued. Raises HeardError (401 revoked/expired, 404 other workspace,
    429 too many, 403 read scope writing) with a message saying what to do."""
    token = find(raw)
    if token is None:
        return None
    check_usable(token)
    check_rate(token)
    check_workspace(token, workspace)
    check_scope(token, method)
    touch(token)
    user = token.user
    # permissions.role_of reads this: the actor has no role outside the token's workspace.
    user.__dict__["_heard_token"] = token
    return user


def token_of(actor) -> ApiToken | None:
    """The API token the actor came in with (None for a browser session, the CLI, tasks)."""
    return getattr(actor, "__dict__", {}).get("_heard_token")
