"""API plumbing shared by every app's router: authentication, errors, workspace scoping."""

from __future__ import annotations

import json
import logging
import types
import typing
from datetime import datetime

from annotated_types import Ge, Le
from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BaseModel

from . import queries
from .errors import STATUS_BY_CODE, HeardError
from .models import Workspace
from .validation import MAX_ID, unstorable_character

logger = logging.getLogger("heard.api")


class BearerToken(HttpBearer):
    """``Authorization: Bearer TOKEN``: checked by heard.core.tokens (workspace, scope, expiry,
    rate) before the body is read; a refusal answers in the error shape and says why."""

    def authenticate(self, request: HttpRequest, token: str):
        from . import tokens

        user = tokens.authenticate(token, method=request.method, workspace=request.GET.get("workspace"))
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


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None
    fields: dict[str, str] | None = None


class ErrorOut(Schema):
    """Every 4xx and 5xx answer of the API: ``{"error": {"code", "message", "field"}}``."""

    error: ErrorDetail


def _error(code: str, message: str, field: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "field": field}}


def _check_storable(value, path: str) -> None:
    """Refuse a JSON value holding text no database can store, naming the field it is in."""
    if isinstance(value, str):
        problem = unstorable_character(value)
        if problem:
            raise HeardError("invalid", f"{path or 'The body'} contains {problem}, which heard cannot store; remove it.", path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_storable(str(key), path or "body")
            _check_storable(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_storable(item, f"{path}.{index}" if path else str(index))


class HeardParser(Parser):
    """JSON bodies and query strings, refused with a 400 in the error shape when they are not
    JSON or hold characters no database of ours can store (NUL, lone surrogates)."""

    def parse_body(self, request: HttpRequest):
        try:
            data = json.loads(request.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise HeardError("invalid", f"The request body is not valid JSON ({exc}).", "body") from None
        _check_storable(data, "")
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest):
        result = super().parse_querydict(data, list_fields, request)
        for key, value in result.items():
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str):
                    _check_storable(text, key)
        return result


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
        response = api.create_response(request, exc.as_dict(), status=exc.status)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response

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

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        # ninja wraps what the parser raised ("Cannot parse request body"): answer the cause.
        if isinstance(exc.__cause__, HeardError):
            return heard_error(request, exc.__cause__)
        code = {v: k for k, v in STATUS_BY_CODE.items()}.get(exc.status_code, "invalid")
        return api.create_response(request, _error(code, str(exc)), status=exc.status_code)

    @api.exception_handler(RequestDataTooBig)
    def body_too_big(request, exc):
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return api.create_response(request, _error("too_large", f"The request body is larger than {limit} MB; send less at once (files go in a multipart upload).", "body"), status=413)

    @api.exception_handler(MultiPartParserError)
    def bad_multipart(request, exc):
        return api.create_response(request, _error("invalid", f"The multipart body could not be read ({exc}).", "body"), status=400)

    @api.exception_handler(DataError)
    @api.exception_handler(OverflowError)
    def data_error(request, exc):
        # The database refused a value (too long, out of range) that validation let through:
        # still the caller's input, so a 400, and logged so the missing check gets added.
        logger.warning("API input refused by the database on %s %s: %s", request.method, request.path, exc)
        return api.create_response(request, _error("invalid", "A value is too long or out of range for heard to store.", None), status=400)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        # Unexpected: logged with its traceback; the caller gets JSON, never an HTML page.
        logger.exception("API error on %s %s", request.method, request.path)
        return api.create_response(request, _error("server_error", "Something went wrong on heard's side; it has been logged. Try again, or tell your administrator.", None), status=500)

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


def answer_of(schema: type[Schema], name: str = "") -> type[Schema]:
    """The answer for a thing made from a POST body that holds nothing more: its ``id`` and
    the body's fields, each always present. Named ``<Thing>Out`` for ``<Thing>In``."""
    from pydantic import create_model

    fields = {"id": (int, ...), **{f: (info.annotation, ...) for f, info in schema.model_fields.items()}}
    answer = create_model(name or schema.__name__.removesuffix("In") + "Out", __base__=Schema, **fields)
    answer.__module__ = schema.__module__
    return answer


def patch_of(schema: type[Schema], name: str = "", *, leave_out: tuple[str, ...] = ()) -> type[Schema]:
    """The PATCH body of a POST body: the same fields, each optional and None by default
    (read the sent ones with :func:`given`) and keeping their stated limits, less
    ``leave_out`` (what cannot change, such as the product). Named ``<Thing>Patch`` for ``<Thing>In`` unless ``name`` says."""
    from pydantic import create_model

    # Limits the document states (json_schema_extra) hold for a change too; descriptions stay
    # with the POST body.
    fields = {f: (info.annotation | None, Field(None, json_schema_extra=info.json_schema_extra))
              for f, info in schema.model_fields.items() if f not in leave_out}
    patch = create_model(name or schema.__name__.removesuffix("In") + "Patch", __base__=Schema, **fields)
    patch.__module__ = schema.__module__
    return patch


# ------------------------------------------------------------------ a true OpenAPI document

_ERROR_STATUSES = {
    400: "Bad input (the error names the field)",
    401: "No valid API token",
    403: "Your role does not allow this",
    404: "Not found (or not visible to you)",
    422: "A parameter or body field has the wrong type",
    429: "Too many requests; wait for Retry-After seconds",
}
_BODY_ERROR_STATUSES = {409: "Conflicts with the current state", 413: "The body is too large"}


def _models_in(annotation, found: list) -> None:
    """Every pydantic model reachable from ``annotation``, leaves first."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        if annotation not in found:
            found.append(annotation)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


def _is_int(annotation) -> bool:
    if annotation is int:
        return True
    args = typing.get_args(annotation)
    return bool(args) and typing.get_origin(annotation) in (typing.Union, types.UnionType) and set(args) == {int, type(None)}


def _bound_integers(model) -> bool:
    """Give every plain integer field the range a database can compare with, so a 30-digit
    id is a 422 (and the OpenAPI document says so) instead of an overflow in the database."""
    changed = False
    for field in model.model_fields.values():
        if _is_int(field.annotation) and not any(hasattr(m, "le") or hasattr(m, "lt") for m in field.metadata):
            field.metadata.extend([Ge(-MAX_ID - 1), Le(MAX_ID)])
            changed = True
    return changed


def _app_of(model) -> str:
    parts = model.__module__.split(".")
    return (parts[1] if len(parts) > 1 and parts[0] == "heard" else parts[0]).replace("_", " ").title().replace(" ", "")


def document_truly(api) -> None:
    """Make the API's OpenAPI document true, once every router is mounted.

    - Two schemas with one class name would share one entry in ``components`` (the last one
      wins, so e.g. the team's ``POST /feedback`` was documented with the portal's body): the
      second and later get their app's name in front (``PortalFeedbackIn``).
    - Integer parameters and fields get the 64-bit range the databases can compare with.
    (HeardAPI documents every operation's error answers.)
    """
    operations = [op for _, router in api._routers for view in router.path_operations.values() for op in view.operations]
    user_models: list = []
    wrappers: list = []
    for op in operations:
        for model in op.models:
            _models_in(model, user_models)
        for model in op.response_models.values():
            if isinstance(model, type) and issubclass(model, BaseModel):
                wrappers.append(model)
                for field in model.model_fields.values():
                    _models_in(field.annotation, user_models)
    owner_of_name: dict[str, type] = {}
    for model in user_models:
        if getattr(model, "__ninja_param_source__", None) is not None:
            continue
        first = owner_of_name.setdefault(model.__name__, model)
        if first is not model:
            unique = _app_of(model) + model.__name__
            model.__name__ = model.__qualname__ = unique
            owner_of_name[unique] = model
    for model in user_models:
        _bound_integers(model)
    # Rebuild leaves first, then the operation wrappers that embed them.
    for model in user_models + wrappers:
        model.model_rebuild(force=True)


class HeardAPI(NinjaAPI):
    """heard's NinjaAPI: its OpenAPI document lists the error answers of every operation."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(error_schema.pop("$defs", {}))
        schemas["ErrorOut"] = error_schema
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for methods in schema.get("paths", {}).values():
            for method, operation in methods.items():
                statuses = dict(_ERROR_STATUSES)
                if method in ("post", "put", "patch", "delete"):
                    statuses.update(_BODY_ERROR_STATUSES)
                responses = operation.setdefault("responses", {})
                for status, description in statuses.items():
                    responses.setdefault(status, {"description": description, **ref})
        return schema


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
