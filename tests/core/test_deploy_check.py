"""`heard check --deploy` is clean once HTTPS settings are set, and says what is missing before."""

import os
import subprocess
import sys


def deploy_check(tmp_path, **settings) -> subprocess.CompletedProcess:
    env = {**os.environ, "HEARD_ENV": "production", "HEARD_SECRET_KEY": "a-long-random-test-secret-" + "x" * 40,
           "HEARD_DB_PATH": str(tmp_path / "db.sqlite3"), **settings}
    env.pop("DATABASE_URL", None)
    # The browser tests' fixture sets this for Playwright; a real deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run([sys.executable, "-m", "heard.cli", "check", "--deploy"], env=env,
                          capture_output=True, text=True, timeout=120)


def test_without_https_settings_the_deploy_check_names_them(tmp_path):
    result = deploy_check(tmp_path)
    output = result.stdout + result.stderr
    assert "security.W004" in output  # SECURE_HSTS_SECONDS
    assert "security.W008" in output  # SECURE_SSL_REDIRECT


def test_with_hsts_and_the_ssl_redirect_the_deploy_check_is_clean(tmp_path):
    result = deploy_check(tmp_path, HEARD_SSL_REDIRECT="true", HEARD_HSTS_SECONDS="31536000",
                          HEARD_HSTS_INCLUDE_SUBDOMAINS="true", HEARD_HSTS_PRELOAD="true")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_nonsense_hsts_value_is_refused_with_the_setting_named(tmp_path):
    result = deploy_check(tmp_path, HEARD_HSTS_SECONDS="a year")
    assert result.returncode != 0
    assert "HEARD_HSTS_SECONDS must be a whole number" in result.stderr
