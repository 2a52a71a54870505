"""A bounded schemathesis run over the whole API, against a live server on this test's
database (SQLite or PostgreSQL) filled with the demo workspace.

It fails on any 5xx, on a response that does not match the OpenAPI document (body schema,
status code, content type), so the document stays true and no input is a server error.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


@pytest.mark.django_db(transaction=True)
def test_fuzzing_the_api_finds_no_server_error_and_no_schema_violation(live_server, settings, tmp_path):
    from heard.core import actions as core_actions
    from heard.core.models import User
    from heard.demo import DEMO_LOGIN, load_demo

    settings.HEARD_API_RATE_LIMIT = 1_000_000  # the run sends thousands of requests a minute
    load_demo()
    token = core_actions.issue_token(actor=None, user=User.objects.get(email=DEMO_LOGIN), name="fuzz")
    command = [
        SCHEMATHESIS, "--config-file", "schemathesis.toml", "run", f"{live_server.url}/api/v1/openapi.json",
        "--header", f"Authorization: Bearer {token}",
        # Django's test server answers a kept-alive connection ~40 ms late (Nagle and delayed
        # ACKs); a new connection per request is ten times faster.
        "--header", "Connection: close",
        "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
        "--phases", "coverage,fuzzing",
        # Revoking the run's own token would turn every later call into a 401.
        "--exclude-operation-id", "heard_core_team_api_revoke_token",
        "--max-examples", "5", "--workers", "1", "--seed", "20261201", "--no-color",
    ]
    # Thousands of expected 4xx would each be logged (and captured by pytest): keep errors only.
    quiet = [logging.getLogger(name) for name in ("django.request", "django.server", "django.security.csrf")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    (tmp_path / "schemathesis.toml").write_text("[phases.coverage]\nunexpected-methods = []\n")
    started = time.monotonic()
    try:
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=900)  # a cap for a loaded machine; about 1-2 min when quiet
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    print(f"schemathesis took {time.monotonic() - started:.0f} s")
    report = result.stdout[-20000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    assert "passed" in result.stdout and "generated" in result.stdout, report
