"""The main pages of the demo, for `make screenshots` and the browser tests that check every
page (axe in light, dark and at 390 px; no sideways scrolling at 390 px).

A page is (name, path) for a fixed page, or (name, list path, link pattern) for a detail
page: the first link on the list page whose href matches the pattern. Add a page here when
you add one to heard; the tests then look at it in all three variants.
"""

from __future__ import annotations

import re

from heard.demo import DEMO_LOGIN as DEMO_OWNER
from heard.demo import DEMO_PASSWORD

__all__ = ["DEMO_OWNER", "DEMO_PASSWORD", "MAIN_PAGES", "PORTAL_PAGES", "discover_pages", "portal_link", "sign_in_to_portal"]

W = "/w/demo"
P = f"{W}/p/invoicing"

MAIN_PAGES: list[tuple] = [
    ("home", "/"),
    ("workspace", f"{W}/"),
    ("stakeholders", f"{W}/stakeholders/"),
    ("stakeholder", f"{W}/stakeholders/", r"/stakeholders/\d+/$"),
    ("influence-grid", f"{W}/stakeholders/grid/"),
    ("organisations", f"{W}/stakeholders/organisations/"),
    ("segments", f"{W}/stakeholders/segments/"),
    ("unheard", f"{W}/stakeholders/unheard/"),
    ("members", f"{W}/members/"),
    ("tokens", f"{W}/tokens/"),
    ("audit-log", f"{W}/audit/"),
    ("feedback", f"{P}/feedback/"),
    ("feedback-item", f"{P}/feedback/", r"/feedback/\d+/$"),
    ("quick-entry", f"{P}/feedback/new/"),
    ("backlog", f"{P}/backlog/"),
    ("backlog-item", f"{P}/backlog/?view=list", r"/backlog/\d+/$"),
    ("sessions", f"{P}/sessions/"),
    ("session", f"{P}/sessions/", r"/sessions/\d+/$"),
    ("engagement", f"{P}/sessions/engagement/"),
    ("demos", f"{P}/demos/"),
    ("demo", f"{P}/demos/", r"/demos/\d+/$"),
    ("programs", f"{P}/programs/"),
    ("program", f"{P}/programs/", r"/programs/\d+/$"),
    ("decisions", f"{P}/decisions/"),
    ("decision", f"{P}/decisions/", r"/decisions/\d+/$"),
    ("forums", f"{P}/decisions/forums/"),
    ("tickets", f"{P}/support/"),
    ("ticket", f"{P}/support/", r"/support/tickets/\d+/$"),
    ("themes", f"{P}/support/themes/"),
    ("theme", f"{P}/support/themes/", r"/support/themes/\d+/$"),
    ("closure", f"{P}/closure/"),
    ("closure-cycle", f"{P}/closure/", r"/closure/\d+/$"),
    ("enablement", f"{P}/closure/enablement/"),
    ("sharing", f"{P}/closure/sharing/"),
    ("portal-start", "/portal/"),
]


def discover_pages(page) -> list[tuple[str, str]]:
    """Resolve MAIN_PAGES to paths with a logged-in Playwright ``page``; skips a detail page
    whose list has no matching link (the demo has none of that thing)."""
    found = []
    for entry in MAIN_PAGES:
        if len(entry) == 2:
            found.append(entry)
            continue
        name, list_path, pattern = entry
        page.goto(list_path)
        hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        match = next((h for h in hrefs if re.search(pattern, h.split("?")[0])), None)
        if match:
            found.append((name, match))
    return found


# The stakeholder portal, signed in as a demo customer who has been sent closure notes.
PORTAL_PAGES: list[tuple] = [
    ("portal-home", "/portal/me/"),
    ("portal-give-feedback", "/portal/feedback/new/"),
    ("portal-note", "/portal/me/", r"/portal/notes/\d+/$"),
    ("portal-feedback", "/portal/me/", r"/portal/feedback/\d+/$"),
    ("portal-demo", "/portal/me/", r"/portal/demos/\d+/$"),
]


def portal_link(base_url: str) -> str:
    """A one-time portal sign-in link for a demo stakeholder with closure notes (needs Django set up)."""
    from heard.closure.models import ClosureNote
    from heard.portal import actions

    note = ClosureNote.objects.filter(cycle__product__workspace__slug="demo").exclude(status="draft").select_related("stakeholder").order_by("id").first()
    if note is None:
        note = ClosureNote.objects.filter(cycle__product__workspace__slug="demo").select_related("stakeholder").order_by("id").first()
    return actions.issue_link(note.stakeholder, base_url)


def sign_in_to_portal(page, link: str) -> list[tuple[str, str]]:
    """Follow a portal link in ``page``, sign in, and resolve PORTAL_PAGES to paths."""
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    found = []
    for entry in PORTAL_PAGES:
        if len(entry) == 2:
            found.append(entry)
            continue
        name, list_path, pattern = entry
        page.goto(list_path)
        hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        match = next((h for h in hrefs if re.search(pattern, h.split("?")[0])), None)
        if match:
            found.append((name, match))
    return found
