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
