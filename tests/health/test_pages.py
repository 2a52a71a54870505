import pytest

from heard.health import rollups
from heard.health.figures import FIGURES


@pytest.fixture
def counted(product, world):
    rollups.refresh(product)
    return world


def _url(product, tail=""):
    return f"/w/{product.workspace.slug}/p/{product.slug}/health/{tail}"


@pytest.mark.django_db
def test_health_page_shows_figures_representation_and_flags(client_as, product, counted):
    response = client_as("viewer").get(_url(product))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Collaboration health of" in body
    for fig in FIGURES:
        assert fig.title.replace("'", "&#x27;") in body
    assert "Segment 0" in body and "target" in body
    assert "<svg" in body and 'role="img"' in body


@pytest.mark.django_db
@pytest.mark.parametrize("key", [f.key for f in FIGURES])
def test_every_figure_has_a_page_with_chart_table_and_drill_down(client_as, product, counted, key):
    response = client_as("viewer").get(_url(product, f"{key}/"))
    assert response.status_code == 200, response.content[:500]
    body = response.content.decode()
    assert "<svg" in body and "<table" in body and "Behind the figure" in body
    monthly = client_as("viewer").get(_url(product, f"{key}/"), {"period": "monthly"})
    assert monthly.status_code == 200


@pytest.mark.django_db
def test_unknown_figure_is_404(client_as, product, counted):
    assert client_as("viewer").get(_url(product, "nonsense/")).status_code == 404


@pytest.mark.django_db
def test_csv_export(client_as, product, counted):
    response = client_as("viewer").get(_url(product, "proxy_share.csv"))
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("product,figure")
    assert len(lines) == 1 + 26 + 24
    seg = client_as("viewer").get(_url(product, "segments.csv"))
    assert seg.status_code == 200 and "Segment 0" in seg.content.decode()


@pytest.mark.django_db
def test_flags_page(client_as, product, counted):
    response = client_as("viewer").get(_url(product, "flags/"))
    assert response.status_code == 200
    assert client_as("viewer").get(_url(product, "flags/"), {"rule": "nope"}).status_code == 400
