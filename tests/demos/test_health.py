"""The rework figure "criteria changed after a demo verdict or sign-off" counts from demo data,
and follows removals (the rollups recount the weeks a verdict or sign-off affects)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from heard.backlog import actions as backlog_actions
from heard.demos import actions
from heard.demos.models import DemoVerdict
from heard.health import rollups
from heard.health.models import BacklogEvent, HealthSnapshot
from heard.health.weeks import week_of

from .conftest import demonstration


def figure(product) -> dict:
    rollups.refresh(product)
    return HealthSnapshot.objects.get(product=product).figures["figures"]["criteria_after_sign_off"]


def reword(criterion, text, *, days_ago=0):
    backlog_actions.update_criterion(actor=None, criterion=criterion, data={"text": text})
    if days_ago:
        event = BacklogEvent.objects.filter(criterion=criterion).order_by("-id").first()
        BacklogEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(days=days_ago))
        rollups.mark(criterion.item.product_id, [timezone.now() - timedelta(days=days_ago)])


@pytest.mark.django_db
def test_counts_criteria_changed_after_a_verdict_or_a_sign_off(shown, product):
    # Changed before anyone judged it: not rework.
    reword(shown.first, "Version 2 of the first criterion.", days_ago=20)
    v = actions.record_verdict(actor=None, demonstration=demonstration(shown, shown.first), stakeholder=shown.alice.pk, verdict="partly_fits")
    DemoVerdict.objects.filter(pk=v.pk).update(recorded_at=timezone.now() - timedelta(days=10))
    assert figure(product)["value"] == 0
    # Changed after the verdict, twice in one week: one criterion that week.
    reword(shown.first, "Version 3 of the first criterion.")
    reword(shown.first, "Version 4 of the first criterion.")
    got = figure(product)
    assert got["value"] == 1
    this_week = week_of(timezone.now()).isoformat()
    assert dict(got["weekly"])[this_week] == 1
    # The second criterion has no verdict, but its item is signed off: its change counts too.
    actions.sign_off(actor=None, item=shown.item, stakeholder=shown.bob.pk, at=timezone.now() - timedelta(days=1))
    reword(shown.second, "Version 2 of the second criterion.")
    assert figure(product)["value"] == 2


@pytest.mark.django_db
def test_removing_the_verdict_recounts_the_weeks_it_affected(shown, product):
    v = actions.record_verdict(actor=None, demonstration=demonstration(shown, shown.first), stakeholder=shown.alice.pk, verdict="fits")
    DemoVerdict.objects.filter(pk=v.pk).update(recorded_at=timezone.now() - timedelta(days=30))
    reword(shown.first, "Changed after the verdict.", days_ago=14)
    assert figure(product)["value"] == 1
    actions.remove_verdict(actor=None, verdict=DemoVerdict.objects.get(pk=v.pk))
    assert figure(product)["value"] == 0


@pytest.mark.django_db
def test_the_drill_down_lists_the_items(shown, product, member):
    from heard.health.queries import drill

    actions.sign_off(actor=None, item=shown.item, stakeholder=shown.alice.pk, at=timezone.now() - timedelta(days=2))
    reword(shown.first, "Changed after the sign-off.")
    figure(product)
    result = drill(member("viewer"), product, "criteria_after_sign_off")
    assert result.total == 1 and result.rows[0][0][1] == str(shown.item)
