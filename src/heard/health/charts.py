"""Server-rendered SVG charts, small enough for any app to adopt.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (the text
summary), values are written on the chart as well as drawn, and nothing is told by colour
alone: series differ by marker shape and dash pattern, targets are labelled. Pages put the
same numbers in a table next to the chart. Styling comes from classes (``chart-*`` in
heard.css), never from inline styles, so the CSP holds.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 16, 16, 36


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "–"
    if unit == "%":
        return f"{v:.0f}%"
    if unit == "days":
        return f"{v:.0f}d"
    return f"{v:.1f}" if v != int(v) else f"{int(v)}"


def line_chart(points: list[tuple[str, float | None]], *, title: str, summary: str, unit: str = "", chart_id: str = "chart") -> SafeString:
    """A line over labelled points (gaps where a value is None), each point marked and the
    last value written beside it; every sixth label on the x axis."""
    values = [v for _, v in points if v is not None]
    top = max(values + [1.0]) if unit != "%" else max(100.0, *(values or [0]))
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def xy(i, v):
        return PAD_LEFT + i * step, PAD_TOP + plot_h - (v / top) * plot_h if top else PAD_TOP + plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" focusable="false">',
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(summary)}</desc>',
        f'<line class="chart-axis" x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - PAD_RIGHT}" y2="{PAD_TOP + plot_h}"/>',
        f'<line class="chart-axis" x1="{PAD_LEFT}" y1="{PAD_TOP}" x2="{PAD_LEFT}" y2="{PAD_TOP + plot_h}"/>',
        f'<text class="chart-label" x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" text-anchor="end">{escape(_fmt(top, unit))}</text>',
        f'<text class="chart-label" x="{PAD_LEFT - 6}" y="{PAD_TOP + plot_h}" text-anchor="end">0</text>',
    ]
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (_label, v) in enumerate(points):
        if v is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x, y = xy(i, v)
        segment.append(f"{x:.1f},{y:.1f}")
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.append(f'<polyline class="chart-line" fill="none" points="{" ".join(seg)}"/>')
    for i, (label, v) in enumerate(points):
        if v is not None:
            x, y = xy(i, v)
            parts.append(f'<circle class="chart-point" cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{escape(label)}: {escape(_fmt(v, unit))}</title></circle>')
        if i % 6 == 0 or i == len(points) - 1:
            x = PAD_LEFT + i * step
            parts.append(f'<text class="chart-label" x="{x:.1f}" y="{HEIGHT - 12}" text-anchor="middle">{escape(label[-5:])}</text>')
    last = next(((i, v) for i, (_, v) in reversed(list(enumerate(points))) if v is not None), None)
    if last:
        x, y = xy(*last)
        parts.append(f'<text class="chart-value" x="{min(x + 6, WIDTH - PAD_RIGHT):.1f}" y="{y - 6:.1f}" text-anchor="end">{escape(_fmt(last[1], unit))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def share_bars(rows: list[dict], *, title: str, summary: str, share_key: str, chart_id: str = "bars") -> SafeString:
    """Horizontal bars of a share per segment (0–100 %), each with its value written and its
    target drawn as a labelled dashed tick, so over/under reads without colour."""
    bar_h, gap, label_w = 18, 20, 170
    height = PAD_TOP + len(rows) * (bar_h + gap) + 20
    plot_w = WIDTH - label_w - 60
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" focusable="false">',
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(summary)}</desc>',
    ]
    for i, row in enumerate(rows):
        y = PAD_TOP + i * (bar_h + gap)
        share = row.get(share_key) or 0.0
        w = plot_w * min(share, 100.0) / 100.0
        parts.append(f'<text class="chart-label" x="{label_w - 8}" y="{y + bar_h - 4}" text-anchor="end">{escape(row["name"][:24])}</text>')
        parts.append(f'<rect class="chart-bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}"/>')
        parts.append(f'<text class="chart-value" x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}">{escape(_fmt(row.get(share_key), "%"))}</text>')
        if row.get("target") is not None:
            tx = label_w + plot_w * min(row["target"], 100.0) / 100.0
            parts.append(f'<line class="chart-target" x1="{tx:.1f}" y1="{y - 3}" x2="{tx:.1f}" y2="{y + bar_h + 3}"/>')
            parts.append(f'<text class="chart-label" x="{tx:.1f}" y="{y - 4}" text-anchor="middle">target {escape(_fmt(row["target"], "%"))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
