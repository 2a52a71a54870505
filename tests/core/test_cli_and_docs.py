"""The `heard` command and the documentation promise the same things."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from heard.cli import VERBS
from heard.core.roles import CAPABILITIES, ROLES

ROOT = Path(__file__).resolve().parents[2]
HEARD = [sys.executable, "-m", "heard.cli"]


def run(*args, env=None):
    return subprocess.run([*HEARD, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120, cwd=ROOT)


def test_heard_help_lists_every_verb():
    result = run("--help")
    assert result.returncode == 0
    for verb in VERBS:
        assert re.search(rf"^\s+{verb}\s", result.stdout, re.M), verb


# Each verb's `--help` through the real `heard` entry point, all in one process: one
# interpreter start per verb cost a minute of the suite on two cores.
HELP_ALL = """
import sys
from heard.cli import main
for verb in sys.argv[1:]:
    print(f"=== {verb}", flush=True)
    try:
        main([verb, "--help"])
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    print(f"=== exit {code}", flush=True)
"""


@pytest.fixture(scope="module")
def every_help():
    result = subprocess.run([sys.executable, "-c", HELP_ALL, *sorted(VERBS)], capture_output=True, text=True,
                            timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    sections = re.findall(r"^=== (\S+)\n(.*?)^=== exit (\S+)$", result.stdout, re.M | re.S)
    return {verb: (text, code) for verb, text, code in sections}


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_verb_has_help(verb, every_help):
    text, code = every_help[verb]
    assert code == "0", text
    assert "usage:" in text


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_verb_is_documented(verb):
    assert f"heard {verb}" in (ROOT / "docs" / "cli.md").read_text()


def test_every_setting_is_documented():
    settings_source = (ROOT / "src" / "heard" / "settings.py").read_text()
    names = set(re.findall(r'env(?:_bool)?\("((?:HEARD_|DATABASE_)[A-Z_]+)"', settings_source))
    assert "HEARD_SECRET_KEY" in names and "DATABASE_URL" in names
    documented = (ROOT / "docs" / "settings.md").read_text()
    missing = sorted(n for n in names if f"`{n}`" not in documented)
    assert not missing, f"undocumented settings: {missing}"


def test_roles_doc_matches_the_capability_table():
    doc = (ROOT / "docs" / "roles.md").read_text()
    for capability, (roles, _text) in CAPABILITIES.items():
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{capability}`")), None)
        assert row, f"{capability} missing from docs/roles.md"
        cells = [c.strip() for c in row.strip("|").split("|")]
        marks = cells[1 : 1 + len(ROLES)]
        assert marks == ["yes" if r in roles else "" for r in ROLES], capability


def test_readme_starts_with_the_two_commands():
    head = (ROOT / "README.md").read_text()[:1500]
    assert "make demo" in head and "make test" in head


def test_production_refuses_a_default_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='heard.settings'; django.setup()"],
        capture_output=True, text=True, env={**os.environ, "HEARD_ENV": "production", "HEARD_SECRET_KEY": ""}, timeout=60,
    )
    assert result.returncode != 0 and "HEARD_SECRET_KEY must be set" in result.stderr


def test_healthz_is_503_when_the_database_is_unreachable():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='heard.settings'; django.setup();"
        "from django.test import Client; r = Client().get('/healthz'); print(r.status_code, r.json()['database'])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"})
    assert result.stdout.strip() == "503 unreachable", result.stderr


def test_createuser_and_token(db):
    out = StringIO()
    call_command("createuser", "pat@example.com", "--workspace", "newco", "--role", "product_owner", "--no-password", stdout=out)
    assert "pat@example.com is Product owner in newco" in out.getvalue()
    out = StringIO()
    call_command("token", "pat@example.com", stdout=out)
    raw = out.getvalue().strip()
    from django.test import Client

    assert Client().get("/api/v1/stakeholders", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_createuser_rejects_a_bad_email(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a valid e-mail"):
        call_command("createuser", "not-an-email", "--workspace", "newco", "--role", "viewer", "--no-password")


def test_demo_twice_adds_nothing(db):
    from django.apps import apps

    call_command("demo", stdout=StringIO())
    counts = {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in {"core", "stakeholders", "feedback", "backlog", "heard_sessions", "decisions", "tickets", "themes"} and m._meta.label != "core.AuditEvent"}
    assert counts["stakeholders.Stakeholder"] >= 55 and counts["stakeholders.Organisation"] >= 12
    call_command("demo", stdout=StringIO())
    again = {label: apps.get_model(label).objects.count() for label in counts}
    assert again == counts


def test_check_verb_reports_the_database(db):
    out = StringIO()
    call_command("check", stdout=out)
    assert "Database ok" in out.getvalue()
