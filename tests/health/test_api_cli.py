import json
from io import StringIO

import pytest
from django.core.management import call_command

from heard.health import rollups
from heard.health.figures import FIGURES


@pytest.fixture
def counted(product, world):
    rollups.refresh(product)
    return world


@pytest.mark.django_db
def test_api_lists_figures_with_trends(api_as, product, counted):
    response = api_as("viewer").get("/health/figures", workspace=product.workspace.slug, product=product.slug)
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "ready"
    assert {f["key"] for f in body["figures"]} == {f.key for f in FIGURES}
    proxy = next(f for f in body["figures"] if f["key"] == "proxy_share")
    assert proxy["arrow"] in "↑↓→–" and proxy["summary"].startswith("Feedback only from internal proxies")


@pytest.mark.django_db
def test_api_figure_series_segments_flags_and_csv(api_as, product, counted):
    api = api_as("viewer")
    ws = product.workspace.slug
    fig = api.get("/health/figures/gini", workspace=ws, product=product.slug).json()
    assert len(fig["weekly"]) == 26 and len(fig["monthly"]) == 24 and fig["definition"]["numerator"]
    segs = api.get("/health/segments", workspace=ws, product=product.slug).json()
    assert {s["name"] for s in segs["segments"]} >= {"Segment 0", "Segment 1"}
    flags = api.get("/health/flags", workspace=ws, product=product.slug).json()
    assert flags["total"] > 0 and {"rule", "evidence", "advice", "url"} <= set(flags["items"][0])
    csv = api.get("/health/figures/proxy_share/csv", workspace=ws, product=product.slug)
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")


@pytest.mark.django_db
def test_api_bad_input_names_the_field(api_as, product, counted):
    api = api_as("viewer")
    ws = product.workspace.slug
    unknown = api.get("/health/figures/nope", workspace=ws, product=product.slug)
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "figure"
    rule = api.get("/health/flags", workspace=ws, product=product.slug, rule="nope")
    assert rule.status_code == 400 and rule.json()["error"]["field"] == "rule"
    missing = api.get("/health/figures", workspace=ws, product="nope")
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "product"


@pytest.mark.django_db
def test_api_other_workspace_is_refused(api_as, product, other_workspace, counted):
    response = api_as("viewer").get("/health/figures", workspace=other_workspace.slug, product=product.slug)
    assert response.status_code in (403, 404)


@pytest.mark.django_db
def test_cli_rebuild_and_show(product, world):
    out = StringIO()
    call_command("health", "rebuild", "--product", f"{product.workspace.slug}/{product.slug}", stdout=out)
    assert "counted" in out.getvalue()
    out = StringIO()
    call_command("health", "show", "--product", f"{product.workspace.slug}/{product.slug}", stdout=out)
    text = out.getvalue()
    assert "Participation equity" in text and "Anti-patterns:" in text and "Segment 0" in text
    out = StringIO()
    call_command("health", "show", "--product", f"{product.workspace.slug}/{product.slug}", "--json", stdout=out)
    assert "proxy_share" in json.loads(out.getvalue())["figures"]


def test_every_figure_and_rule_is_documented():
    from pathlib import Path

    from heard.health.models import Rule

    text = (Path(__file__).resolve().parents[2] / "docs" / "health.md").read_text()
    for fig in FIGURES:
        assert f"`{fig.key}`" in text and fig.title in text
    for rule in Rule.values:
        assert f"`{rule}`" in text
    for path in ("/health/figures", "/health/segments", "/health/flags", "heard health show", "heard health rebuild"):
        assert path in text, path
