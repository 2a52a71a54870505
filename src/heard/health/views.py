from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from heard.core.htmx import render_page
from heard.core.queries import get_product, get_workspace

from . import charts, export, queries
from .models import Rule


def _product(request, ws, product):
    workspace = get_workspace(request.user, ws)
    return workspace, get_product(request.user, workspace, product)


@login_required
def health_page(request, ws, product):
    workspace, product = _product(request, ws, product)
    data = queries.snapshot(request.user, product, series=False)
    segments = data.get("segments", [])
    with_target = [s for s in segments if s.get("target") is not None] or segments
    return render_page(request, "health/page.html", {
        "workspace": workspace, "product": product, "data": data, "groups": queries.groups(data),
        "segments": segments,
        "voice_chart": charts.share_bars(with_target, title="Share of feedback per segment", share_key="voice_share", chart_id="voice",
                                         summary=_segment_summary(with_target, "voice_share", "feedback")) if with_target else "",
        "seat_chart": charts.share_bars(with_target, title="Share of session seats per segment", share_key="seat_share", chart_id="seats",
                                        summary=_segment_summary(with_target, "seat_share", "session seats")) if with_target else "",
        "flag_counts": data.get("flag_counts", {}), "rules": Rule.choices,
        "recent_flags": data.get("recent_flags", []),
    })


def _segment_summary(segments, key, what) -> str:
    parts = []
    for s in segments:
        share = s.get(key)
        text = f"{s['name']} {share:.0f} %" if share is not None else f"{s['name']} no data"
        if s.get("target") is not None and share is not None:
            gap = share - s["target"]
            text += f" ({'over' if gap >= 0 else 'under'} its {s['target']:.0f} % target by {abs(gap):.1f} points)"
        parts.append(text)
    return f"Share of {what} over the last 13 weeks: " + "; ".join(parts) + "."


@login_required
def figure_page(request, ws, product, key):
    workspace, product = _product(request, ws, product)
    fig = queries.figure(request.user, product, key)
    period = "monthly" if request.GET.get("period") == "monthly" else "weekly"
    points = [tuple(p) for p in fig[period]]
    label = "26 weeks" if period == "weekly" else "24 months"
    chart = charts.line_chart(points, title=f"{fig['title']}, {period} over {label}", summary=fig["summary"], unit=fig["unit"], chart_id="series")
    return render_page(request, "health/figure.html", {
        "workspace": workspace, "product": product, "fig": fig, "period": period, "points": points, "chart": chart,
        "drill": queries.drill(request.user, product, key),
    })


@login_required
def figure_csv(request, ws, product, key):
    workspace, product = _product(request, ws, product)
    if key == "segments":
        body = export.segments_csv(product, queries.snapshot(request.user, product).get("segments", []))
    else:
        body = export.figure_csv(product, queries.figure(request.user, product, key))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{product.slug}-{key}.csv"'
    return response


@login_required
def flag_list(request, ws, product):
    workspace, product = _product(request, ws, product)
    rule = request.GET.get("rule", "").strip()
    items = [(f, queries.flag_url(f)) for f in queries.flags(request.user, product, rule).select_related("product__workspace")[:200]]
    return render_page(request, "health/flags.html", {
        "workspace": workspace, "product": product, "items": items, "rule": rule, "rules": Rule.choices,
        "counts": queries.flag_counts(request.user, product),
    })
