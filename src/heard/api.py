"""The JSON API at /api/v1/: mounts each app's router. OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

from heard.core.api import BearerToken, SessionAuth, install_error_handlers

api = NinjaAPI(
    title="heard API",
    version="1",
    description="heard's JSON API. Authenticate with `Authorization: Bearer TOKEN` (`heard token EMAIL`). "
    "Errors answer `{\"error\": {\"code\", \"message\", \"field\"}}` with a 4xx status.",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)
install_error_handlers(api)

from heard.stakeholders.api import router as stakeholders_router  # noqa: E402

api.add_router("/", stakeholders_router)
