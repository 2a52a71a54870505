"""Background work for support: ticket imports started from the API or the upload page."""

from django_tasks import task


@task()
def run_ticket_import(job_id: int, fmt: str = "") -> dict:
    """Import the stored file of ImportJob ``job_id``; progress is written to the job."""
    from .actions import run_import_job
    from .models import ImportJob

    job = ImportJob.objects.select_related("product__workspace", "created_by").filter(pk=job_id).first()
    if job is None:
        return {"status": "missing"}
    job = run_import_job(job, fmt)
    return {"status": job.status, "created": job.created, "updated": job.updated, "rejected": job.rejected}


@task()
def run_theme_mining_task(run_id: int, engine_name: str = "") -> dict:
    """Mine themes for ThemeRun ``run_id`` with ``engine_name`` (empty: the HEARD_THEMES_ENGINE
    setting); progress is written to the run."""
    from .models import ThemeRun
    from .themes import run_theme_mining

    run = ThemeRun.objects.select_related("product__workspace", "created_by").filter(pk=run_id).first()
    if run is None:
        return {"status": "missing"}
    run = run_theme_mining(run, engine_name or None)
    return {"status": run.status, "added": run.themes_added, "kept": run.themes_kept, "retired": run.themes_retired}
