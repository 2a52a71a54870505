"""The design system's vocabulary in one place: which tone and icon each state gets.

Templates use it through ``{% chip "disposition" value label %}`` (see
core/templatetags/heard_ui.py); docs/design.md lists the tones. A state is never told by
colour alone: every chip carries its label as text and an icon shape.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

ICON_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "lucide" / "icons"
_ICON_NAME = re.compile(r"^[a-z0-9-]{1,60}$")

# Tones map to colour tokens in heard.css (.chip-<tone>); each pair meets WCAG AA in both themes.
TONES = ("neutral", "info", "progress", "success", "warning", "danger", "muted")

# domain -> value -> (tone, icon). Domains name the field the value comes from.
STATUS: dict[str, dict[str, tuple[str, str]]] = {
    "disposition": {
        "new": ("info", "circle-dot"),
        "under_review": ("progress", "eye"),
        "planned": ("success", "calendar"),
        "if_time_remains": ("warning", "hourglass"),
        "deferred": ("neutral", "circle-pause"),
        "declined": ("danger", "ban"),
        "duplicate": ("muted", "copy"),
        "already_done": ("success", "circle-check"),
    },
    "backlog": {
        "idea": ("neutral", "lightbulb"),
        "refined": ("info", "list-checks"),
        "ready": ("info", "circle-play"),
        "in_progress": ("progress", "loader-circle"),
        "done": ("success", "circle-check"),
        "released": ("success", "rocket"),
    },
    "criterion": {
        "draft": ("neutral", "circle-dashed"),
        "agreed": ("info", "check"),
        "verified": ("success", "badge-check"),
    },
    "decision": {
        "open": ("info", "circle-dot"),
        "decided": ("success", "gavel"),
        "superseded": ("muted", "history"),
        "escalated": ("warning", "triangle-alert"),
    },
    # A stakeholder's verdict on an acceptance criterion in a demo (issue 16).
    "verdict": {
        "fits": ("success", "thumbs-up"),
        "partly_fits": ("warning", "circle-minus"),
        "partly": ("warning", "circle-minus"),
        "does_not_fit": ("danger", "thumbs-down"),
        "cannot_judge": ("neutral", "circle-help"),
    },
    # A beta or pilot program's threshold verdict (issue 16).
    "program_verdict": {
        "met": ("success", "circle-check"),
        "not_met": ("danger", "circle-x"),
        "not_yet_decidable": ("warning", "hourglass"),
        "undecidable": ("warning", "hourglass"),
    },
    "closure_note": {
        "draft": ("neutral", "pencil"),
        "reviewed": ("info", "clipboard-check"),
        "sent": ("success", "send"),
        "skipped": ("muted", "circle-minus"),
    },
    "cycle": {
        "open": ("info", "circle-dot"),
        "closed": ("muted", "circle-check"),
    },
    "quality": {
        "low": ("danger", "triangle-alert"),
        "medium": ("warning", "circle-minus"),
        "high": ("success", "circle-check"),
    },
    "flag": {
        "ok": ("success", "circle-check"),
        "warn": ("warning", "triangle-alert"),
        "late": ("danger", "clock"),
    },
}


def status_style(domain: str, value: str) -> tuple[str, str]:
    """(tone, icon) for a state; an unknown state gets the neutral tone and a plain dot."""
    return STATUS.get(domain, {}).get(str(value or ""), ("neutral", "circle-dot"))


@lru_cache(maxsize=256)
def icon_svg(name: str) -> str:
    """The vendored Lucide SVG ``name`` as markup to inline, hidden from assistive technology.

    Returns "" for an unknown name (``tests/core/test_design.py`` checks that every name a
    template uses exists, so a typo fails a test instead of a page).
    """
    if not _ICON_NAME.match(name or ""):
        return ""
    path = ICON_DIR / f"{name}.svg"
    if not path.is_file():
        return ""
    svg = path.read_text(encoding="utf-8")
    svg = svg[svg.index("<svg"):]  # drop the licence comment; the licence ships beside the icons
    svg = re.sub(r'\s*class="[^"]*"', "", svg, count=1)
    svg = re.sub(r'\s*(width|height)="24"', "", svg)
    svg = re.sub(r"\s+", " ", svg).replace("> <", "><").strip()
    return svg.replace("<svg ", f'<svg class="icon icon-{name}" aria-hidden="true" focusable="false" ', 1)
