"""The JSON API at /api/v1/: mounts each app's router. OpenAPI at /api/v1/openapi.json."""

from heard.core.api import (
    BearerToken,
    HeardAPI,
    HeardParser,
    SessionAuth,
    VendoredSwagger,
    document_truly,
    install_error_handlers,
)

api = HeardAPI(
    title="heard API",
    version="1",
    description="heard's JSON API. Authenticate with `Authorization: Bearer TOKEN` (`heard token EMAIL`). "
    "Errors answer `{\"error\": {\"code\", \"message\", \"field\"}}` with a 4xx status.",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    parser=HeardParser(),
    docs=VendoredSwagger(),
)
install_error_handlers(api)

# Each app's router is mounted at the root of /api/v1/; its paths name its resources.
from heard.backlog.api import router as backlog_router  # noqa: E402
from heard.closure.api import router as closure_router  # noqa: E402
from heard.core.inbox_api import router as inbox_router  # noqa: E402
from heard.core.product_api import router as product_router  # noqa: E402
from heard.core.team_api import router as team_router  # noqa: E402
from heard.decisions.api import router as decisions_router  # noqa: E402
from heard.demos.api import router as demos_router  # noqa: E402
from heard.feedback.api import router as feedback_router  # noqa: E402
from heard.health.api import router as health_router  # noqa: E402
from heard.portal.api import router as portal_router  # noqa: E402
from heard.programs.api import router as programs_router  # noqa: E402
from heard.sessions.api import router as sessions_router  # noqa: E402
from heard.stakeholders.api import router as stakeholders_router  # noqa: E402
from heard.themes.api import router as themes_router  # noqa: E402
from heard.tickets.api import router as tickets_router  # noqa: E402

for router in (team_router, product_router, inbox_router, stakeholders_router, sessions_router, decisions_router, backlog_router, feedback_router, tickets_router, themes_router, closure_router, health_router, demos_router, programs_router):
    api.add_router("/", router)
# The portal's API authenticates stakeholders (magic-link session), not team members.
api.add_router("/portal", portal_router)
document_truly(api)
