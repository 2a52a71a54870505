"""One accessible chart style for every figure in heard (health, programs, themes).

    from heard.core import charts

    chart = charts.line_chart(
        title="Feedback items per week",
        series=[charts.Series("Invoicing", [("2026-W40", 12), ("2026-W41", 18)]),
                charts.Series("Field app", [("2026-W40", 4), ("2026-W41", 7)])],
        y_label="items", summary="Feedback on Invoicing rose from 12 to 18 a week.",
    )
    # in a template: {{ chart }}

``line_chart`` and ``bar_chart`` return a :class:`Chart` whose HTML is a ``<figure>``
holding a server-rendered SVG (``role="img"`` with ``<title>`` and ``<desc>``), a visible
text summary (``<figcaption>``) and the same numbers as a table (in a ``<details>``), so the
figure is readable without sight, colour or the picture. Series are told apart by colour
*and* by marker shape and line pattern. Colours come from the ``--chart-N`` tokens in
heard.css (light and dark). No inline styles or scripts (CSP).

``summary`` is required: say in one sentence what the figure shows ("rose from 12 to 18").
``y_format`` formats values for the axis, the table and the summary of points
(default: integers without decimals, others with one). ``band`` (optional, per series)
draws an interval around a line, e.g. a confidence interval: ``[(low, high), ...]``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

MARKERS = ("circle", "square", "triangle", "diamond")
_ids = itertools.count(1)


@dataclass
class Series:
    """A named series of (label, value) points; ``band`` optionally gives (low, high) per point."""

    name: str
    points: Sequence[tuple[str, float | None]]
    band: Sequence[tuple[float, float] | None] | None = None


@dataclass
class Chart:
    kind: str
    title: str
    series: list[Series]
    summary: str
    y_label: str = ""
    x_label: str = ""
    y_format: Callable[[float], str] | None = None
    width: int = 640
    height: int = 240
    y_min: float | None = None
    y_max: float | None = None
    ident: str = field(default_factory=lambda: f"chart-{next(_ids)}")

    def __html__(self) -> str:
        return render(self)

    def __str__(self) -> str:
        return self.__html__()


def line_chart(*, title: str, series: Sequence[Series], summary: str, **options) -> Chart:
    """A line chart (trends over time). Missing values (None) leave a gap."""
    return Chart("line", title, list(series), summary, **options)


def bar_chart(*, title: str, series: Sequence[Series], summary: str, **options) -> Chart:
    """A bar chart (grouped when there are several series)."""
    return Chart("bar", title, list(series), summary, **options)


def _fmt(chart: Chart, value: float | None) -> str:
    if value is None:
        return "—"
    if chart.y_format:
        return chart.y_format(value)
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 0.001:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _marker(shape: str, x: float, y: float, css: str, label: str) -> str:
    if shape == "circle":
        body = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="{css}"'
    elif shape == "square":
        body = f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" class="{css}"'
    elif shape == "triangle":
        body = f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4:.1f},{y + 3.5:.1f} {x - 4:.1f},{y + 3.5:.1f}" class="{css}"'
    else:
        body = f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} {x:.1f},{y + 4.5:.1f} {x - 4.5:.1f},{y:.1f}" class="{css}"'
    return body + f"><title>{escape(label)}</title></{body.split()[0][1:]}>"


def render(chart: Chart) -> SafeString:
    labels = [label for label, _ in chart.series[0].points] if chart.series else []
    values = [v for s in chart.series for _, v in s.points if v is not None]
    values += [b for s in chart.series for pair in (s.band or []) if pair for b in pair]
    low = chart.y_min if chart.y_min is not None else min([0.0, *values]) if values else 0.0
    high = chart.y_max if chart.y_max is not None else max(values) if values else 1.0
    ticks = _nice_ticks(low, high)
    low, high = ticks[0], ticks[-1]
    left, right, top, bottom = 48, 12, 12, 32
    plot_w, plot_h = chart.width - left - right, chart.height - top - bottom
    n = max(len(labels), 1)

    def y_of(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    def x_of(i: int) -> float:
        if chart.kind == "bar":
            return left + plot_w * (i + 0.5) / n
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {chart.width} {chart.height}" role="img" '
        f'aria-labelledby="{chart.ident}-title {chart.ident}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart.ident}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart.ident}-desc">{escape(chart.summary)}</desc>',
    ]
    for tick in ticks:
        y = y_of(tick)
        parts.append(f'<line class="chart-grid" x1="{left}" x2="{chart.width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="chart-tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(_fmt(chart, tick))}</text>')
    parts.append(f'<line class="chart-axis" x1="{left}" x2="{chart.width - right}" y1="{y_of(low):.1f}" y2="{y_of(low):.1f}"/>')
    every = max(1, math.ceil(n / 8))  # at most ~8 labels on the x axis
    for i, label in enumerate(labels):
        if i % every == 0 or i == n - 1:
            parts.append(f'<text class="chart-tick" x="{x_of(i):.1f}" y="{chart.height - 10}" text-anchor="middle">{escape(label)}</text>')
    if chart.y_label:
        parts.append(f'<text class="chart-label" x="4" y="{top + 2}" dominant-baseline="hanging">{escape(chart.y_label)}</text>')

    for index, series in enumerate(chart.series):
        css = f"chart-s{index % 4 + 1}"
        shape = MARKERS[index % 4]
        if chart.kind == "bar":
            group = plot_w / n * 0.8
            bar_w = group / max(len(chart.series), 1)
            for i, (label, value) in enumerate(series.points):
                if value is None:
                    continue
                x = x_of(i) - group / 2 + index * bar_w
                y0, y1 = y_of(max(value, low)), y_of(max(min(0, high), low))
                parts.append(f'<rect class="chart-bar {css}" x="{x:.1f}" y="{min(y0, y1):.1f}" width="{max(bar_w - 2, 1):.1f}" '
                             f'height="{abs(y1 - y0):.1f}"><title>{escape(f"{series.name}, {label}: {_fmt(chart, value)}")}</title></rect>')
            continue
        if series.band:
            upper = [(x_of(i), y_of(b[1])) for i, b in enumerate(series.band) if b]
            lower = [(x_of(i), y_of(b[0])) for i, b in enumerate(series.band) if b]
            if upper:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in upper + lower[::-1])
                parts.append(f'<polygon class="chart-band {css}" points="{points}"/>')
        segment: list[str] = []
        segments = []
        for i, (_, value) in enumerate(series.points):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x_of(i):.1f},{y_of(value):.1f}")
        if segment:
            segments.append(segment)
        for seg in segments:
            parts.append(f'<polyline class="chart-line {css}" points="{" ".join(seg)}"/>')
        for i, (label, value) in enumerate(series.points):
            if value is not None:
                parts.append(_marker(shape, x_of(i), y_of(value), f"chart-marker {css}", f"{series.name}, {label}: {_fmt(chart, value)}"))
    parts.append("</svg>")

    legend = ""
    if len(chart.series) > 1:
        items = "".join(
            format_html('<li><span class="chart-key chart-key-{} chart-s{}" aria-hidden="true"></span>{}</li>', MARKERS[i % 4], i % 4 + 1, s.name)
            for i, s in enumerate(chart.series)
        )
        legend = f'<ul class="chart-legend">{items}</ul>'
    head = "".join(format_html('<th scope="col">{}</th>', s.name) for s in chart.series)
    rows = []
    for i, label in enumerate(labels):
        cells = []
        for s in chart.series:
            value = s.points[i][1] if i < len(s.points) else None
            band = s.band[i] if s.band and i < len(s.band) else None
            text = _fmt(chart, value) + (f" ({_fmt(chart, band[0])}–{_fmt(chart, band[1])})" if band else "")
            cells.append(format_html('<td class="num">{}</td>', text))
        rows.append(format_html('<tr><th scope="row">{}</th>{}</tr>', label, mark_safe("".join(cells))))  # noqa: S308
    table = format_html(
        '<details class="chart-table"><summary>{} as a table</summary><table class="keep-table"><caption class="visually-hidden">{}</caption>'
        '<thead><tr><th scope="col">{}</th>{}</tr></thead><tbody>{}</tbody></table></details>',
        chart.title, chart.title, chart.x_label or "", mark_safe(head), mark_safe("".join(rows)),  # noqa: S308
    )
    return format_html(
        '<figure class="chart chart-{}" id="{}"><figcaption><strong class="chart-title">{}</strong> <span class="chart-summary">{}</span></figcaption>'
        '<div class="chart-figure">{}</div>{}{}</figure>',
        chart.kind, chart.ident, chart.title, chart.summary, mark_safe("".join(parts)), mark_safe(legend), table,  # noqa: S308
    )
