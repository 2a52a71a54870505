"""Defects a new user hit on the first day: the version, a closed pipe, the help text, the
favicon and the flood of e-mail in the demo console."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest

import heard
from heard.cli import VERBS
from heard.core.importing import IMPORTERS, load_importers

ROOT = Path(__file__).resolve().parents[2]
HEARD = [sys.executable, "-m", "heard.cli"]


def run(*args, env=None):
    return subprocess.run([*HEARD, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120, cwd=ROOT)


def test_version_is_heards_not_djangos():
    import django

    for args in (("--version",), ("check", "--version")):
        result = run(*args)
        assert result.returncode == 0, result.stderr
        assert heard.__version__ in result.stdout
        assert django.get_version() not in result.stdout


@pytest.mark.parametrize("args", [("--help",), ("themes", "--help"), ("check",)])
def test_a_closed_pipe_ends_quietly(tmp_path, args):
    # The reader has gone before heard writes a byte, as with `heard themes list | head`
    # when head has had its lines: every write then fails with EPIPE.
    env = {**os.environ, "HEARD_DB_PATH": str(tmp_path / "db.sqlite3")}
    proc = subprocess.Popen([*HEARD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr and "Exception ignored" not in stderr, stderr
    assert proc.returncode in (0, 141)  # argparse itself ignores a failed write of its help


def test_help_describes_imports_as_they_are(db):
    text = run("--help").stdout
    import_line = next(line for line in text.splitlines() if line.strip().startswith("import "))
    assert "later" not in text
    # Every kind `heard import` accepts today is named in the help, and nothing more.
    load_importers()
    assert {"stakeholders", "feedback", "backlog", "tickets"} <= set(IMPORTERS)
    assert all(kind in import_line for kind in IMPORTERS), import_line


def test_help_verbs_match_the_commands_heard_has():
    from django.core.management import get_commands

    commands = get_commands()
    assert [verb for verb in VERBS if verb not in commands] == []


def test_favicon_answers_and_pages_link_it(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = response.content
    assert body[:4] == b"\x00\x00\x01\x00" and b"PNG" in body[:40]
    login = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in login and "favicon.svg" in login
    from django.contrib.staticfiles import finders

    assert finders.find("heard/favicon.svg")


def test_without_smtp_mail_goes_to_the_console_one_line_each():
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='heard.settings'; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"
    env = {k: v for k, v in os.environ.items() if k not in ("HEARD_EMAIL_HOST", "HEARD_EMAIL_CONSOLE")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.stdout.strip() == "heard.core.mail.ConsoleSummaryBackend", result.stderr
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**env, "HEARD_EMAIL_CONSOLE": "full"}, timeout=60)
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"


def test_a_portal_sign_in_mail_is_one_line_with_its_link(settings, workspace):
    from django.core.mail import get_connection

    from heard.portal import actions as portal_actions

    stream = StringIO()
    settings.EMAIL_BACKEND = "heard.core.mail.ConsoleSummaryBackend"
    link = "http://127.0.0.1:8000/portal/link/abc/"
    connection = get_connection(stream=stream)
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    body = render_to_string("portal/email/link.txt", {"links": [("Acme", link)], "minutes": 30})
    message = EmailMultiAlternatives(subject="Your sign-in link for heard", body=body, to=["ada@example.org"], connection=connection)
    message.attach_alternative("<p>html</p>", "text/html")
    assert message.send() == 1
    assert stream.getvalue() == f"[e-mail] to ada@example.org: “Your sign-in link for heard” — {link}\n"
    assert portal_actions.LINK_MINUTES
