"""Demo themes: one mining run per demo product, over the demo tickets (heard.tickets.demo,
loaded first: tickets come before themes in INSTALLED_APPS)."""

from __future__ import annotations

from heard.tickets.demo import PAINS


def load(workspace) -> str:
    """Mine themes once per demo product (skipped when a run exists), so the themes page
    shows labelled themes, trends and the recent spikes."""
    from heard.themes.actions import start_theme_run
    from heard.themes.models import ThemeRun

    made = 0
    for product in workspace.products.filter(slug__in=PAINS).order_by("slug"):
        if ThemeRun.objects.filter(product=product).exists():
            continue
        run = start_theme_run(actor=None, product=product, background=False)
        made += run.themes_added
    return f"{made} support themes."
