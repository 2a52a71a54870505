from io import StringIO

import pytest
from django.core.management import call_command

from heard.health.figures import FIGURES
from heard.health.models import Flag, HealthSnapshot, Rule


@pytest.mark.django_db
def test_demo_moves_every_figure_and_shows_every_anti_pattern():
    call_command("demo", stdout=StringIO())
    flags_before = Flag.objects.count()
    call_command("demo", stdout=StringIO())  # idempotent
    assert Flag.objects.count() == flags_before
    from heard.core.models import Product

    product = Product.objects.get(workspace__slug="demo", slug="invoicing")
    figures = HealthSnapshot.objects.get(product=product).figures["figures"]
    still = []
    for fig in FIGURES:
        points = {v for _, v in figures[fig.key]["weekly"] + figures[fig.key]["monthly"] if v is not None}
        if len(points) < 2:
            still.append(fig.key)
    assert not still, still
    rules = set(Flag.objects.filter(product=product).values_list("rule", flat=True))
    assert rules == set(Rule.values), set(Rule.values) - rules
