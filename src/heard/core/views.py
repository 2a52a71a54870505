from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from . import queries
from .htmx import render_page


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "unavailable", "database": "unreachable", "detail": exc.__class__.__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request):
    workspace = queries.default_workspace(request.user)
    if workspace is None:
        return render(request, "core/no_workspace.html")
    return redirect("workspace", ws=workspace.slug)


@login_required
def workspace_home(request, ws):
    workspace = queries.get_workspace(request.user, ws)
    return render(
        request,
        "core/workspace.html",
        {"workspace": workspace, "products": queries.products(request.user, workspace), "members": queries.members(request.user, workspace)},
    )


@login_required
def audit_log(request, ws):
    from .pagination import paginate

    workspace = queries.get_workspace(request.user, ws, "audit.view")
    filters = {k: request.GET.get(k, "").strip() for k in ("object_type", "object_id", "person", "verb")}
    page = paginate(queries.audit_events(request.user, workspace, **filters), request.GET.get("page"))
    return render_page(
        request,
        "core/audit_log.html",
        {"workspace": workspace, "page": page, "filters": filters, "object_types": queries.audit_object_types(workspace)},
        partial="results",
    )
