"""API plumbing shared by every app's router: authentication, errors, workspace scoping."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from . import queries
from .errors import HeardError
from .models import Workspace


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = queries.user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """A logged-in browser session (with CSRF on unsafe methods), for HTMX and the pages."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest):
        # Only a request that carries a session and no token is a browser's: a script with a
        # wrong or expired token must hear 401 about its token, not 403 about CSRF.
        if "Authorization" in request.headers or self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


class ErrorOut(Schema):
    error: dict


def workspace_for(request, slug: str | None, capability: str = "workspace.view") -> Workspace:
    """The workspace an API call works in: ``?workspace=SLUG`` or the caller's first workspace."""
    user = request.auth
    if slug:
        return queries.get_workspace(user, slug, capability)
    workspace = queries.default_workspace(user)
    if workspace is None:
        raise HeardError("not_found", "You are not a member of any workspace.", "workspace")
    return queries.get_workspace(user, workspace.slug, capability)


def install_error_handlers(api) -> None:
    @api.exception_handler(HeardError)
    def heard_error(request, exc: HeardError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        fields = {}
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path", "form", "file")]
            field = ".".join(loc) or None
            fields.setdefault(field or "request", err.get("msg", "is invalid"))
        field, message = next(iter(fields.items()))
        return api.create_response(
            request,
            {"error": {"code": "invalid", "message": f"{field}: {message}", "field": field, "fields": fields}},
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return api.create_response(
            request,
            {"error": {"code": "unauthenticated", "message": "Send an API token as 'Authorization: Bearer TOKEN' (create one on your workspace's API tokens page, /w/WORKSPACE/tokens/, or with `heard token EMAIL`).", "field": None}},
            status=401,
        )


class PageMeta(Schema):
    """What every paginated list answers besides its ``items``."""

    total: int
    page: int
    pages: int
    per_page: int


def page_response(queryset, page, per_page, convert=None) -> dict:
    """One page of ``queryset`` as ``{"items", "total", "page", "pages", "per_page"}``.

    ``convert`` turns each object into what the response schema expects, when it differs.
    """
    from .pagination import paginate

    result = paginate(queryset, page, per_page)
    items = [convert(item) for item in result.items] if convert else result.items
    return {"items": items, "total": result.total, "page": result.page, "pages": result.pages, "per_page": result.per_page}


def given(payload: Schema) -> dict:
    """The fields the caller actually sent (for PATCH: change only those)."""
    return payload.model_dump(exclude_unset=True)


class VendoredSwagger:
    """Swagger UI for /api/v1/docs from heard's own static files (static/vendor/swagger-ui),
    not from a CDN: the CSP allows only this origin, and a laptop or server may be offline."""

    def __init__(self, settings: dict | None = None):
        self.settings = {"layout": "BaseLayout", "deepLinking": True, "validatorUrl": None} | (settings or {})

    def render_page(self, request: HttpRequest, api, **kwargs):
        from django.shortcuts import render
        from django.urls import reverse

        config = self.settings | {"url": reverse(f"{api.urls_namespace}:openapi-json", kwargs=kwargs)}
        return render(request, "api_docs.html", {"api": api, "swagger_settings": config})


class ProductOut(Schema):
    """Base of the answers about something that belongs to a product: ``product`` is its slug."""

    product: str

    @staticmethod
    def resolve_product(obj):
        return obj.product.slug


class JobOut(ProductOut):
    """Base of the answers about background work (core.models.BackgroundJob): poll it until
    ``status`` is done or failed."""

    id: int
    status: str = Field(..., description="queued, running, done or failed.")
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
