"""Shared fixtures: a workspace with a member of every role, logged-in clients, API
clients with real tokens, and a real Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from django.test import Client

from heard.core import actions as core_actions
from heard.core.roles import ROLES

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# there unless told it is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Ids repeat from test to test (each rolls back): what one test's pages remembered
    # (the homes' inboxes) must not answer the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def workspace(db):
    ws = core_actions.create_workspace(actor=None, slug="acme", name="Acme")
    for role in ROLES:
        core_actions.add_member(actor=None, workspace=ws, email=f"{role}@acme.example", role=role, name=role.replace("_", " ").title(), password=PASSWORD)
    # A workspace in use: its owner is past the first-run wizard (tests of the wizard make a fresh one).
    from django.utils import timezone

    type(ws).objects.filter(pk=ws.pk).update(setup_finished_at=timezone.now())
    ws.refresh_from_db()
    return ws


@pytest.fixture
def product(workspace):
    return core_actions.create_product(actor=None, workspace=workspace, slug="app", name="Acme App")


@pytest.fixture
def other_workspace(db):
    ws = core_actions.create_workspace(actor=None, slug="globex", name="Globex")
    core_actions.add_member(actor=None, workspace=ws, email="owner@globex.example", role="owner", password=PASSWORD)
    return ws


@pytest.fixture
def member(workspace):
    """``member("developer")`` -> the User with that role in the workspace."""
    from heard.core.models import User

    return lambda role: User.objects.get(email=f"{role}@acme.example")


@pytest.fixture
def owner(member):
    return member("owner")


@pytest.fixture
def client_as(workspace):
    """``client_as("viewer")`` -> a Django test client logged in as that role."""

    def make(role: str) -> Client:
        client = Client()
        assert client.login(username=f"{role}@acme.example", password=PASSWORD)
        return client

    return make


class ApiClient:
    """A thin JSON client over Django's test client, with a real bearer token."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method, path, data=None, **params):
        import json

        kwargs = {"headers": self.headers}
        if data is not None:
            kwargs["data"] = json.dumps(data)
            kwargs["content_type"] = "application/json"
        if params:
            from urllib.parse import urlencode

            path = f"{path}?{urlencode(params, doseq=True)}"
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path, **params):
        return self._call("get", path, **params)

    def post(self, path, data=None, **params):
        return self._call("post", path, data if data is not None else {}, **params)

    def patch(self, path, data=None, **params):
        return self._call("patch", path, data or {}, **params)

    def delete(self, path, **params):
        return self._call("delete", path, **params)


@pytest.fixture
def api_as(workspace, member):
    def make(role: str) -> ApiClient:
        raw = core_actions.issue_token(actor=None, user=member(role), workspace=workspace)
        return ApiClient(raw)

    return make


# ---------------------------------------------------------------- browser

@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A SQLite database migrated once by `heard migrate` in its own process, for the tests
    that run heard as a separate process (serve, proxy, backup, crash recovery): each takes a
    copy with ``copy_migrated_sqlite`` instead of migrating again (10-20 s each on 2 cores)."""
    path = tmp_path_factory.mktemp("migrated") / "heard.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEARD_", "DATABASE_URL"))}
    env["HEARD_DB_PATH"] = str(path)
    subprocess.run([sys.executable, "-m", "heard.cli", "migrate", "--verbosity", "0"], env=env, check=True, timeout=600)
    return path


def copy_migrated_sqlite(migrated, target) -> str:
    """Copy the migrated database to ``target`` (a path) and return it as a string."""
    shutil.copyfile(migrated, target)
    return str(target)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def press(page, button: str) -> None:
    """Click the button named ``button`` and wait for the page it leads to."""
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def shown_after_create(page, model, where: str):
    """The one ``model`` row a form just made, once the browser is on its detail page
    (``.../<where>/<pk>/``, e.g. where="sessions")."""
    made = model.objects.get()
    assert page.url.endswith(f"/{where}/{made.pk}/"), page.url
    return made


def axe_serious(page) -> list[dict]:
    """Run axe-core on the page; return violations of serious or critical impact."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


@pytest.fixture
def login(page):
    def do(email: str, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(password)
        press(page, "Log in")

    return do
