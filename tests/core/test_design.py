"""The design system holds: tokens meet AA in both themes, every state has a chip, every
icon a template names is vendored, the theme switch works without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from heard.core import ui

SRC = Path(__file__).resolve().parents[2] / "src" / "heard"
CSS = (SRC / "static" / "heard" / "heard.css").read_text(encoding="utf-8")


def _themes() -> dict[str, dict[str, str]]:
    """The colour tokens of each theme: ``--name: light-dark(LIGHT, DARK)`` or one value for both."""
    tokens = CSS[CSS.index(":root {"):CSS.index("}", CSS.index(":root {"))]
    light, dark = {}, {}
    for name, a, b in re.findall(r"--([a-z0-9-]+):\s*light-dark\((#[0-9a-fA-F]{6}),\s*(#[0-9a-fA-F]{6})\)", tokens):
        light[name], dark[name] = a, b
    for name, both in re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6});", tokens):
        light[name] = dark[name] = both
    assert ':root[data-theme="dark"] { color-scheme: dark; }' in CSS and ':root[data-theme="light"] { color-scheme: light; }' in CSS
    return {"light": light, "dark": dark}


def _contrast(a: str, b: str) -> float:
    def lum(hex_colour):
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b_ = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


TEXT_PAIRS = [
    ("ink", "bg"), ("ink", "surface-2"), ("ink", "surface-3"), ("muted", "bg"), ("muted", "surface-2"),
    ("accent", "bg"), ("accent", "surface-2"), ("accent-ink", "accent"), ("accent-ink", "accent-hover"),
    ("header-ink", "header-bg"), ("header-muted", "header-bg"), ("ink", "subnav-bg"), ("accent", "subnav-bg"),
    ("ok", "bg"), ("warn", "bg"), ("danger", "bg"), ("danger-ink", "danger-bg"), ("ink", "accent-soft"),
] + [(f"chip-{tone}-fg", f"chip-{tone}-bg") for tone in ui.TONES]
# Non-text: borders of inputs and the focus ring need 3:1 against the page.
UI_PAIRS = [("line-strong", "bg"), ("line-strong", "surface"), ("focus", "bg"), ("header-focus", "header-bg")] + [(f"chart-{n}", "bg") for n in (1, 2, 3, 4)]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_colour_tokens_meet_wcag_aa(theme):
    tokens = _themes()[theme]
    low = [(fg, bg, round(_contrast(tokens[fg], tokens[bg]), 2)) for fg, bg in TEXT_PAIRS if _contrast(tokens[fg], tokens[bg]) < 4.5]
    low += [(fg, bg, round(_contrast(tokens[fg], tokens[bg]), 2)) for fg, bg in UI_PAIRS if _contrast(tokens[fg], tokens[bg]) < 3]
    assert low == []


def test_every_state_of_every_model_has_a_chip():
    from heard.backlog.models import BacklogStatus, CriterionStatus
    from heard.closure.models import CycleStatus, NoteStatus
    from heard.decisions.models import DecisionStatus
    from heard.feedback.models import Disposition, QualityBand

    for domain, choices in [("disposition", Disposition), ("backlog", BacklogStatus), ("criterion", CriterionStatus),
                            ("decision", DecisionStatus), ("closure_note", NoteStatus), ("cycle", CycleStatus), ("quality", QualityBand)]:
        assert set(choices.values) <= set(ui.STATUS[domain]), domain
    for domain in ("verdict", "program_verdict"):
        assert ui.STATUS[domain]
    for states in ui.STATUS.values():
        for tone, icon_name in states.values():
            assert tone in ui.TONES
            assert ui.icon_svg(icon_name), icon_name


def test_a_chip_says_its_state_in_words_and_hides_its_icon():
    html = Template('{% chip "disposition" "declined" "Declined" %}').render(Context())
    assert 'class="chip chip-danger"' in html
    assert "<span>Declined</span>" in html
    assert 'aria-hidden="true"' in html and "<svg" in html
    assert "Under review" in Template('{% chip "disposition" "under_review" %}').render(Context())


def test_icon_tag_inlines_the_vendored_svg_with_an_optional_label():
    html = Template('{% icon "menu" "Menu" %}').render(Context())
    assert html.startswith('<svg class="icon icon-menu" aria-hidden="true" focusable="false"')
    assert '<span class="icon-label">Menu</span>' in html
    hidden = Template('{% icon "x" "Dismiss" hidden_label=True %}').render(Context())
    assert '<span class="visually-hidden">Dismiss</span>' in hidden
    assert Template('{% icon "../../settings" %}').render(Context()) == ""
    assert "license" not in html.lower()


def test_every_icon_a_template_names_is_vendored_with_its_licence():
    licence = SRC / "static" / "vendor" / "lucide" / "LICENSE"
    assert "ISC License" in licence.read_text(encoding="utf-8")
    used = set()
    for path in SRC.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'{%\s*icon\s+"([a-z0-9-]+)"', text))
        used |= set(re.findall(r'{%\s*nav_link\s+"[^"]+"\s+\S+\s+"([a-z0-9-]+)"', text))
        used |= set(re.findall(r'with icon="([a-z0-9-]+)"', text))
    assert used, "templates use icons"
    missing = sorted(name for name in used if not (ui.ICON_DIR / f"{name}.svg").is_file())
    assert missing == []


def test_no_inline_style_attributes_in_templates():
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.html") if re.search(r"\sstyle=", p.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.django_db
def test_theme_switch_without_javascript_sets_a_cookie_and_the_page_follows(client_as):
    client = client_as("viewer")
    response = client.post("/ui/theme/", {"theme": "dark", "next": "/w/acme/"})
    assert response.status_code == 302 and response["Location"] == "/w/acme/"
    assert response.cookies["heard_theme"].value == "dark"
    assert response.cookies["heard_theme"]["samesite"] == "Lax"
    page = client.get("/w/acme/").content.decode()
    assert '<html lang="en" data-theme="dark">' in page
    assert '<option value="dark" selected>' in page


@pytest.mark.django_db
def test_theme_switch_refuses_an_unknown_theme_and_a_foreign_redirect(client):
    bad = client.post("/ui/theme/", {"theme": "neon"})
    assert bad.status_code == 400
    assert "Choose a theme" in bad.content.decode()
    away = client.post("/ui/theme/", {"theme": "light", "next": "https://evil.example/"})
    assert away.status_code == 302 and away["Location"] == "/"
    assert 'data-theme="system"' in client.get("/accounts/login/", HTTP_COOKIE="heard_theme=<script>").content.decode()


@pytest.mark.django_db
def test_navigation_marks_the_current_page(client_as, product):
    page = client_as("developer").get("/w/acme/p/app/feedback/").content.decode()
    assert re.search(r'<a href="/w/acme/p/app/feedback/" aria-current="page">', page)
    assert 'aria-controls="site-menu"' in page and 'aria-controls="product-menu"' in page


@pytest.mark.django_db
def test_messages_are_toasts_with_an_icon_and_a_dismiss_button(client_as, product):
    client = client_as("owner")
    response = client.post("/w/acme/p/app/backlog/new/", {"title": "Export to DATEV", "status": "idea"}, follow=True)
    html = response.content.decode()
    assert 'class="messages" role="status"' in html
    toast = html[html.index('class="toast success"'):]
    assert "Saved “Export to DATEV”." in toast[:2000]
    assert "Dismiss this message" in toast[:2000]


def test_every_portal_accent_keeps_text_readable_in_both_themes():
    from heard.core.models import Accent

    for accent in Accent.values:
        rule = re.search(r"\.accent-" + accent + r" \{([^}]*)\}", CSS)
        assert rule, accent
        pairs = {n: (a, b) for n, a, b in re.findall(r"--([a-z-]+):\s*light-dark\((#[0-9a-f]{6}),\s*(#[0-9a-f]{6})\)", rule.group(1))}
        themes = _themes()
        for i, theme in enumerate(("light", "dark")):
            colour = pairs["accent"][i]
            hover = pairs["accent-hover"][i]
            assert _contrast(colour, themes[theme]["bg"]) >= 4.5, (accent, theme, "link")
            assert _contrast(themes[theme]["accent-ink"], colour) >= 4.5, (accent, theme, "button")
            assert _contrast(themes[theme]["accent-ink"], hover) >= 4.5, (accent, theme, "hover")
            assert _contrast(themes[theme]["ink"], pairs["accent-soft"][i]) >= 4.5, (accent, theme, "soft")
