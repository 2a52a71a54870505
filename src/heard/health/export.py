"""CSV export of health series. Cells a spreadsheet would run as a formula (starting with
=, +, -, @, tab or carriage return) are prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def figure_csv(product, fig: dict) -> str:
    """Weekly and monthly points of one figure: period, start, value, unit, product, figure."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["product", "figure", "title", "period", "start", "value", "unit"])
    for period in ("weekly", "monthly"):
        for start, value in fig[period]:
            writer.writerow([safe_cell(c) for c in (product.slug, fig["key"], fig["title"], period, start, value, fig["unit"])])
    return out.getvalue()


def segments_csv(product, segments: list[dict]) -> str:
    """Weekly share of voice and of seats per segment, with the target."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["product", "segment", "target_share", "week", "voice_share", "seat_share"])
    for s in segments:
        seats = dict(tuple(p) for p in s["weekly_seats"])
        for week, voice in s["weekly_voice"]:
            writer.writerow([safe_cell(c) for c in (product.slug, s["name"], s["target"], week, voice, seats.get(week))])
    return out.getvalue()
