"""Background work for themes: mining runs started from the API or the themes page."""

from django_tasks import task


@task()
def run_theme_mining_task(run_id: int, engine_name: str = "") -> dict:
    """Mine themes for ThemeRun ``run_id`` with ``engine_name`` (empty: the HEARD_THEMES_ENGINE
    setting); progress is written to the run."""
    from .actions import run_theme_mining
    from .models import ThemeRun

    run = ThemeRun.objects.select_related("product__workspace", "created_by").filter(pk=run_id).first()
    if run is None:
        return {"status": "missing"}
    run = run_theme_mining(run, engine_name or None)
    return {"status": run.status, "added": run.themes_added, "kept": run.themes_kept, "retired": run.themes_retired}
