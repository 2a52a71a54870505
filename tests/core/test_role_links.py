"""Pages offer a role only what it may use: every link a member sees on any page opens
for them (no 403), and every form they see accepts their submission (no 403 or refusal)."""

import re
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command
from django.test import Client

DEMO_PASSWORD = "heard-demo-2026"
ROLES = {"viewer": "viewer@demo.heard.example", "developer": "dev@demo.heard.example", "scrum_master": "sm@demo.heard.example", "product_owner": "po@demo.heard.example"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea", "button") and self._form is not None and attrs.get("name"):
            if tag == "input" and attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._form["fields"].setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _shape(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/N", path)


def crawl(client: Client, start: str, limit: int = 400):
    """Visit every distinct page shape reachable from ``start``; return (forbidden links, forms)."""
    seen, queue, forbidden, forms = set(), deque([start]), [], []
    while queue and len(seen) < limit:
        path = queue.popleft()
        if _shape(path) in seen:
            continue
        seen.add(_shape(path))
        response = client.get(path)
        if response.status_code == 403:
            forbidden.append(path)
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Page()
        parser.feed(response.content.decode())
        for form in parser.forms:
            if form["method"] == "post":
                forms.append((path, form))
        for href in parser.links:
            href = urldefrag(href)[0]
            url = urlparse(href)
            if url.scheme or url.netloc or not url.path.startswith("/w/") or url.path.endswith((".ics", ".json", ".csv")):
                continue
            queue.append(url.path + (f"?{url.query}" if url.query else ""))
    return forbidden, forms


@pytest.fixture
def demo(db):
    call_command("demo", stdout=StringIO())


def refused_forms(client: Client, forms) -> list[str]:
    """Submit each distinct form once, as the page filled it in; list those the role may not send."""
    refused, tried = [], set()
    for page, form in forms:
        action = form["action"] or page.split("?")[0]
        if action in ("/accounts/logout/", "/ui/theme/") or _shape(action) in tried:
            continue
        tried.add(_shape(action))
        response = client.post(action, form["fields"])
        if response.status_code == 403 or "may not do this" in response.content.decode(errors="replace"):
            refused.append(f"{_shape(page)} -> {_shape(action)}")
    return refused


def test_every_link_and_form_a_role_sees_is_theirs_to_use(demo):
    # One demo load for every role: it is the slow part.
    problems = {}
    for role, email in ROLES.items():
        client = Client()
        assert client.login(username=email, password=DEMO_PASSWORD)
        forbidden, forms = crawl(client, "/w/demo/")
        refused = refused_forms(client, forms)
        if forbidden or refused:
            problems[role] = {"links answering 403": forbidden, "forms refused": refused}
    assert problems == {}
