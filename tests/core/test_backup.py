"""`heard backup` and `heard restore`: a round trip brings back every row of every table and
the uploaded files, on the database the suite runs on (SQLite or PostgreSQL)."""

import json
import os
import re
import subprocess
import sys
import tarfile

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.conftest import copy_migrated_sqlite

HEARD = [sys.executable, "-m", "heard.cli"]

EVERY_ROW = """
import hashlib, json
import django
django.setup()
from django.db import connection
tables = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names()):
        cursor.execute(f'SELECT * FROM "{table}"')
        rows = sorted(repr(row) for row in cursor.fetchall())
        tables[table] = [len(rows), hashlib.sha256("\\n".join(rows).encode()).hexdigest()]
print(json.dumps(tables))
"""

DAMAGE = """
import django
django.setup()
from heard.feedback.models import Feedback
from heard.stakeholders.models import Stakeholder
Feedback.objects.all().delete()
Stakeholder.objects.filter(pk__in=list(Stakeholder.objects.values_list("pk", flat=True)[:5])).delete()
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, django_db_blocker, migrated_sqlite):
    """A migrated database with the demo workspace, used by heard as a separate process."""
    base = tmp_path_factory.mktemp("backup")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEARD_", "DATABASE_URL"))}
    env.update(HEARD_MEDIA_ROOT=str(base / "media"), HEARD_LOG_LEVEL="WARNING")
    pg_name = None
    if connection.vendor == "postgresql":
        import psycopg

        params = django_settings.DATABASES["default"]
        pg_name = f"{connection.settings_dict['NAME']}_backup"
        with django_db_blocker.unblock():
            admin = psycopg.connect(host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"],
                                    password=params["PASSWORD"] or None, dbname="postgres", autocommit=True)
            admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
            admin.execute(f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{pg_name}"
        subprocess.run([*HEARD, "migrate", "-v", "0"], env=env, check=True, cwd=base, timeout=600)
    else:
        env["HEARD_DB_PATH"] = copy_migrated_sqlite(migrated_sqlite, base / "heard.sqlite3")
    subprocess.run([*HEARD, "demo"], env=env, check=True, cwd=base, timeout=600, capture_output=True)
    (base / "media" / "imports").mkdir(parents=True)
    (base / "media" / "imports" / "tickets.csv").write_text("id,subject\nT-1,Export is slow\n")
    yield {"env": env, "dir": base}
    if pg_name:
        with django_db_blocker.unblock():
            admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            admin.close()


def heard(server, *args, check=True):
    return subprocess.run([*HEARD, *args], env=server["env"], cwd=server["dir"], capture_output=True, text=True,
                          timeout=600, check=check)


def every_row(server) -> dict:
    out = subprocess.run([sys.executable, "-c", EVERY_ROW], env=server["env"], cwd=server["dir"], capture_output=True,
                         text=True, timeout=300, check=True).stdout
    return json.loads(out)


def test_a_backup_restores_every_row_of_every_table_and_the_uploaded_files(server):
    before = every_row(server)
    assert before["feedback_feedback"][0] > 0 and before["stakeholders_stakeholder"][0] > 0
    archive = server["dir"] / "heard-backup.tar.gz"
    result = heard(server, "backup", str(archive))
    assert "Backed up" in result.stdout
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "media/imports/tickets.csv" in names

    # Things go wrong after the backup: rows deleted, an upload gone.
    subprocess.run([sys.executable, "-c", DAMAGE], env=server["env"], cwd=server["dir"], check=True, timeout=300)
    (server["dir"] / "media" / "imports" / "tickets.csv").unlink()
    assert every_row(server)["feedback_feedback"][0] == 0

    result = heard(server, "restore", str(archive), "--yes")
    assert "Restored the backup" in result.stdout
    after = every_row(server)
    changed = sorted(table for table in before if before[table] != after.get(table))
    assert changed == [], f"tables that differ after the restore: {changed}"
    assert (server["dir"] / "media" / "imports" / "tickets.csv").read_text().startswith("id,subject")


def test_backup_refuses_to_overwrite_and_restore_refuses_what_is_not_a_backup(server):
    existing = server["dir"] / "existing.tar.gz"
    existing.write_text("keep me")
    result = heard(server, "backup", str(existing), check=False)
    assert result.returncode != 0 and "already exists" in result.stderr and "--force" in result.stderr
    assert existing.read_text() == "keep me"

    before = every_row(server)
    for bad, says in ((existing, "is not a heard backup"), (server["dir"] / "missing.tar.gz", "does not exist")):
        result = heard(server, "restore", str(bad), "--yes", check=False)
        assert result.returncode != 0 and says in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    # Without --yes and without a terminal to ask on, nothing happens.
    archive = server["dir"] / "second.tar.gz"
    heard(server, "backup", str(archive))
    result = heard(server, "restore", str(archive), check=False)
    assert result.returncode != 0 and "--yes" in result.stderr
    assert every_row(server) == before


def test_a_backup_of_one_kind_of_database_is_not_restored_onto_the_other(server, tmp_path):
    archive = server["dir"] / "kind.tar.gz"
    heard(server, "backup", str(archive))
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    other = "postgresql" if manifest["database"] == "sqlite" else "sqlite"
    manifest["database"] = other
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(forged, "w:gz") as tar:
        tar.add(tmp_path / "manifest.json", "manifest.json")
    result = heard(server, "restore", str(forged), "--yes", check=False)
    assert result.returncode != 0
    assert re.search(rf"holds a {other} database but heard runs on", result.stderr), result.stderr
