"""Jobs never stay "queued" or "running" when nothing runs them: a corrupt upload fails with
its reason, a run whose worker died blocks no new run, and a NUL keeps the file's good rows."""

from __future__ import annotations

import gzip
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from heard.themes.models import RunStatus, ThemeRun
from heard.tickets.actions import import_tickets
from heard.tickets.models import ImportJob, ImportStatus, Ticket


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


CSV = "id,subject,description,created_at,status,email\n" + "".join(
    f"C-{i},Export {i * 7919 % 10007} slow,Report {i * 104729 % 99991} takes long,2024-01-01T10:00:00Z,open,p{i}@example.org\n" for i in range(3000))


@pytest.mark.parametrize("content", [b"this is not gzip at all", gzip.compress(CSV.encode())[: len(gzip.compress(CSV.encode())) // 2]], ids=["not-gzip", "cut-short"])
@pytest.mark.django_db(transaction=True)
def test_a_corrupt_gz_upload_ends_its_job_as_failed_with_the_reason(api_as, client_as, product, tmp_path, content):
    bad = tmp_path / "tickets.csv.gz"
    bad.write_bytes(content)
    api = api_as("owner")
    with open(bad, "rb") as handle:
        started = api.client.post("/api/v1/tickets:import", {"file": handle, "product": "app", "format": "csv"}, headers=api.headers)
    assert started.status_code == 202, started.content
    run_worker()
    job = api.get(f"/import-jobs/{started.json()['id']}").json()
    assert job["status"] == "failed", str(job)
    assert ".gz" in job["error"]
    page = client_as("owner").get(f"/w/acme/p/app/support/import/{job['id']}/").content.decode()
    assert "not a readable .gz archive" in page


@pytest.mark.django_db
def test_a_run_whose_worker_stopped_beating_fails_with_the_reason_and_blocks_no_new_run(api_as, product, settings):
    settings.HEARD_JOB_STALE_SECONDS = 60
    long_ago = timezone.now() - timedelta(seconds=61)
    dead = ThemeRun.objects.create(product=product, status=RunStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago, worker="box:4242")
    api = api_as("owner")
    started = api.post("/theme-runs", {"product": "app"})
    assert started.status_code == 202, started.content
    shown = api.get(f"/theme-runs/{dead.pk}").json()
    assert shown["status"] == "failed"
    assert "Interrupted: box:4242 stopped" in shown["error"]


@pytest.mark.django_db
def test_a_running_job_that_still_beats_is_left_alone(api_as, product, settings):
    settings.HEARD_JOB_STALE_SECONDS = 60
    alive = ThemeRun.objects.create(product=product, status=RunStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1), heartbeat_at=timezone.now() - timedelta(seconds=5))
    assert api_as("owner").get(f"/theme-runs/{alive.pk}").json()["status"] == "running"
    assert api_as("owner").post("/theme-runs", {"product": "app"}).status_code == 409


@pytest.mark.django_db
def test_an_import_whose_process_died_fails_with_the_reason_on_the_page_and_the_api(api_as, client_as, product, settings):
    settings.HEARD_JOB_STALE_SECONDS = 60
    long_ago = timezone.now() - timedelta(minutes=5)
    job = ImportJob.objects.create(workspace=product.workspace, product=product, format="csv", file_path="/data/tickets.csv", file_name="tickets.csv",
                                   status=ImportStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago, worker="box:77", attempts=1)
    shown = api_as("viewer").get(f"/import-jobs/{job.pk}").json()
    assert shown["status"] == "failed"
    assert "Interrupted: box:77 stopped" in shown["error"] and "run the import again" in shown["error"]
    assert "Interrupted: box:77 stopped" in client_as("viewer").get(f"/w/acme/p/app/support/import/{job.pk}/").content.decode()


@pytest.mark.django_db
def test_a_nul_in_a_ticket_row_keeps_the_file_s_good_rows(product, tmp_path):
    path = Path(tmp_path) / "nul.csv"
    path.write_text(
        "id,subject,description,created_at,status,email\n"
        "N-1,Good ticket,Works fine.,2024-01-01T10:00:00Z,open,rosa@example.org\n"
        "N-2,Bad\x00subject,Body with a \x00 NUL.,2024-01-02T10:00:00Z,open,sven@example.org\n"
        "N-3,Another good one,Also fine.,2024-01-03T10:00:00Z,open,rosa@example.org\n",
        encoding="utf-8",
    )
    report = import_tickets(actor=None, product=product, path=str(path), fmt="csv")
    assert report.created == 3 and report.rejected == 0
    assert Ticket.objects.get(external_id="N-2").subject == "Badsubject"
    assert "\x00" not in Ticket.objects.get(external_id="N-2").body


def _uploads(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports" / "tickets"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_export_is_deleted_once_imported_and_once_its_import_failed(api_as, product, tmp_path, settings):
    api = api_as("owner")
    good, bad = tmp_path / "tickets.csv", tmp_path / "broken.csv.gz"
    good.write_text(CSV, encoding="utf-8")
    bad.write_bytes(b"this is not gzip at all")
    for path, status in ((good, "done"), (bad, "failed")):
        with open(path, "rb") as handle:
            started = api.client.post("/api/v1/tickets:import", {"file": handle, "product": "app", "format": "csv"}, headers=api.headers)
        assert started.status_code == 202, started.content
        assert len(_uploads(settings)) == 1  # kept until the worker has read it
        run_worker()
        assert api.get(f"/import-jobs/{started.json()['id']}").json()["status"] == status
        assert _uploads(settings) == []


@pytest.mark.django_db(transaction=True)
def test_an_upload_whose_import_died_for_good_is_deleted_when_the_job_is_settled(api_as, product, settings):
    settings.HEARD_JOB_STALE_SECONDS = 60
    folder = Path(settings.MEDIA_ROOT) / "imports" / "tickets"
    folder.mkdir(parents=True)
    upload = folder / "abc-tickets.csv"
    upload.write_text(CSV, encoding="utf-8")
    long_ago = timezone.now() - timedelta(minutes=5)
    # Its last attempt: settling fails it rather than queueing it again.
    job = ImportJob.objects.create(workspace=product.workspace, product=product, format="csv", file_path=str(upload), file_name="tickets.csv",
                                   status=ImportStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago, worker="box:78", attempts=2)
    assert api_as("owner").get(f"/import-jobs/{job.pk}").json()["status"] == "failed"
    assert not upload.exists()
