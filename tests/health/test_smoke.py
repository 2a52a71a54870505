import pytest

from heard.health import rollups
from heard.health.models import HealthSnapshot, PendingWeek


@pytest.mark.django_db
def test_refresh_counts_pending_weeks(product, world):
    assert PendingWeek.objects.filter(product=product).exists()
    rollups.refresh(product)
    assert not PendingWeek.objects.filter(product=product).exists()
    snap = HealthSnapshot.objects.get(product=product)
    assert snap.figures["figures"]["proxy_share"]["value"] is not None
