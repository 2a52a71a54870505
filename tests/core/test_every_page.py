"""Every main page of the demo, as `make screenshots` shows them, in light, dark and at
390 px: axe finds no serious or critical violation, and nothing needs sideways scrolling
on a phone. The page list is heard.core.screens (MAIN_PAGES and PORTAL_PAGES)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from heard.core import screens
from tests.conftest import axe_serious

VARIANTS = {
    "light": {"viewport": {"width": 1366, "height": 768}, "color_scheme": "light"},
    "dark": {"viewport": {"width": 1366, "height": 768}, "color_scheme": "dark"},
    "390px": {"viewport": {"width": 390, "height": 844}, "color_scheme": "light", "is_mobile": True, "has_touch": True},
}
SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_demo_page_is_accessible_in_light_dark_and_390px_and_never_scrolls_sideways(browser, live_server, settings):
    settings.BASE_URL = live_server.url
    call_command("demo", stdout=StringIO())
    violations, sideways, seen = [], [], []
    for variant, options in VARIANTS.items():
        context = browser.new_context(base_url=live_server.url, **options)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto("/accounts/login/")
        page.get_by_label("E-mail").fill(screens.DEMO_OWNER)
        page.get_by_label("Password").fill(screens.DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        pages = screens.discover_pages(page)
        portal = context.browser.new_context(base_url=live_server.url, **options).new_page()
        pages_portal = screens.sign_in_to_portal(portal, screens.portal_link(live_server.url))
        for tab, found in ((page, pages), (portal, pages_portal)):
            for name, path in found:
                tab.goto(path)
                tab.wait_for_load_state("networkidle")
                seen.append((variant, name))
                for v in axe_serious(tab):
                    violations.append(f"{variant} {name} {path}: {v['id']} ({v['impact']}) {v['nodes'][0]['target']}")
                if variant == "390px" and not tab.evaluate(SIDEWAYS):
                    wide = tab.evaluate("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1).slice(0, 3).map(e => e.tagName + '.' + e.className).join(', ')")
                    sideways.append(f"{name} {path}: {wide}")
        portal.context.close()
        context.close()
    names = {name for _, name in seen}
    assert {"feedback", "feedback-item", "backlog", "backlog-item", "decision", "session", "portal-home", "portal-note"} <= names
    assert len(seen) == 3 * len(names)
    assert violations == []
    assert sideways == []
