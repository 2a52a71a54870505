"""Whole-server copies: `heard backup FILE` and `heard restore FILE`.

A backup is one ``.tar.gz`` holding ``manifest.json`` (heard's version, the database kind, the
applied migrations, when), the database (``database.sqlite3`` — SQLite's online backup, so it
is consistent while heard runs — or ``database.pgdump``, ``pg_dump``'s custom format) and the
uploaded files under ``media/``. Restoring puts all three back on the same kind of database.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from heard.core.errors import HeardError

MANIFEST = "manifest.json"
FORMAT = 1


def _vendor() -> str:
    return connection.vendor


def _pg_url() -> str:
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{params['NAME']}"


def _pg_env() -> dict:
    env = dict(os.environ)
    if connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    return env


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise HeardError("tool_missing", f"{command[0]} is not installed; it is needed to {what} (Debian: postgresql-client).") from exc
    if done.returncode != 0:
        raise HeardError("tool_failed", f"{command[0]} could not {what}: {done.stderr.strip()[:2000]}")


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def backup(path: str | os.PathLike, *, overwrite: bool = False) -> dict:
    """Write a backup of the database and the uploaded files to ``path``; return its manifest."""
    from heard import __version__

    target = Path(path)
    if target.exists() and not overwrite:
        raise HeardError("exists", f"{target} already exists; choose another name or pass --force to replace it.", "file")
    if not target.parent.exists():
        raise HeardError("no_folder", f"The folder {target.parent} does not exist.", "file")
    manifest = {
        "format": FORMAT,
        "heard": __version__,
        "database": _vendor(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "migrations": _applied_migrations(),
    }
    with tempfile.TemporaryDirectory(prefix="heard-backup-", dir=target.parent) as work:
        work = Path(work)
        if manifest["database"] == "sqlite":
            database = work / "database.sqlite3"
            _sqlite_copy(Path(connection.settings_dict["NAME"]), database)
        elif manifest["database"] == "postgresql":
            database = work / "database.pgdump"
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--dbname={_pg_url()}", f"--file={database}"],
                 "copy the database")
        else:
            raise HeardError("unsupported", f"Backups support SQLite and PostgreSQL, not {manifest['database']}.")
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = work / "backup.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, MANIFEST)
            archive.add(database, database.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, "media")
        # Only a finished archive gets the name: a crash mid-way leaves no half backup behind.
        os.replace(partial, target)
    return manifest


def _sqlite_copy(source: Path, destination: Path) -> None:
    """SQLite's online backup: a consistent copy even while others write."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(destination)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def read_manifest(path: str | os.PathLike) -> dict:
    """The manifest of a backup, or a clear error for a file that is not one."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else None
    except FileNotFoundError as exc:
        raise HeardError("not_found", f"{path} does not exist.", "file") from exc
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise HeardError("not_a_backup", f"{path} is not a heard backup (not a readable .tar.gz: {exc}).", "file") from exc
    except KeyError as exc:
        raise HeardError("not_a_backup", f"{path} is not a heard backup (it has no {MANIFEST}).", "file") from exc
    except ValueError as exc:
        raise HeardError("not_a_backup", f"{path} is not a heard backup ({MANIFEST} is not JSON).", "file") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("database") not in ("sqlite", "postgresql"):
        raise HeardError("not_a_backup", f"{path} is not a heard backup this version can read.", "file")
    return manifest


def restore(path: str | os.PathLike) -> dict:
    """Replace the database and the uploaded files with the backup's. Stop the server and the
    worker first: whatever they write meanwhile is lost."""
    manifest = read_manifest(path)
    if manifest["database"] != _vendor():
        raise HeardError(
            "wrong_database",
            f"This backup holds a {manifest['database']} database but heard runs on {_vendor()}; "
            "restore it onto the same kind, or move one workspace with `heard export-workspace`.",
            "file",
        )
    with tempfile.TemporaryDirectory(prefix="heard-restore-") as work:
        work = Path(work)
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(work, filter="data")
        connection.close()
        if manifest["database"] == "sqlite":
            _sqlite_copy(work / "database.sqlite3", Path(connection.settings_dict["NAME"]))
        else:
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                  f"--dbname={_pg_url()}", str(work / "database.pgdump")], "restore the database")
        _replace_media(work / "media")
    return manifest


def _replace_media(restored: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    if restored.is_dir():
        shutil.copytree(restored, media)
    else:
        media.mkdir(parents=True, exist_ok=True)
