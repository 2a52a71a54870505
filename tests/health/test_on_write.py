"""Rollups follow writes made through the actions: the week is marked pending in the
writer's transaction and one refresh task is enqueued after the commit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from heard.feedback import actions as feedback_actions
from heard.health import rollups
from heard.health.models import BacklogEvent, HealthSnapshot, PendingWeek
from heard.health.weeks import week_of


@pytest.mark.django_db
def test_recording_feedback_marks_its_week_and_refresh_counts_it(product, owner, django_capture_on_commit_callbacks):
    said = timezone.now() - timedelta(days=2)
    with django_capture_on_commit_callbacks() as callbacks:
        feedback_actions.record_feedback(actor=owner, product=product, data={"text": "Export is slow", "said_at": said.isoformat()})
    assert PendingWeek.objects.filter(product=product, week=week_of(said)).exists()
    assert len(callbacks) == 1  # one refresh enqueued for the burst
    with django_capture_on_commit_callbacks() as again:
        feedback_actions.record_feedback(actor=owner, product=product, data={"text": "Export is still slow", "said_at": said.isoformat()})
    assert again == []  # a refresh is already asked for
    rollups.refresh(product)
    snap = HealthSnapshot.objects.get(product=product)
    assert not rollups.waiting(product.pk)
    proxy = snap.figures["figures"]["proxy_share"]
    assert proxy["value"] == 100.0 and proxy["parts"]["denominator"] == 2


@pytest.mark.django_db
def test_refresh_task_runs_from_the_queue(product, owner):
    from heard.health.tasks import refresh_health

    feedback_actions.record_feedback(actor=owner, product=product, data={"text": "Hello"})
    result = refresh_health.call(product.pk)
    assert result["status"] == "done" and result["weeks"] >= 1
    assert not PendingWeek.objects.filter(product=product).exists()


@pytest.mark.django_db
def test_import_batch_marks_weeks(product, owner):
    from heard.core.importing import ImportReport

    report = ImportReport(kind="feedback")
    said = (timezone.now() - timedelta(days=40)).isoformat()
    feedback_actions.record_feedback_batch(actor=owner, product=product, rows=[(2, {"text": "a", "said_at": said}), (3, {"text": "b"})], report=report)
    assert report.created == 2
    assert PendingWeek.objects.filter(product=product, week=week_of(timezone.now() - timedelta(days=40))).exists()


@pytest.mark.django_db
def test_release_and_reopen_are_recorded(product, owner):
    from heard.backlog import actions as backlog_actions

    item = backlog_actions.create_item(actor=owner, product=product, data={"title": "Bank feeds"})
    backlog_actions.update_item(actor=owner, item=item, data={"status": "released"})
    backlog_actions.update_item(actor=owner, item=item, data={"status": "in_progress"})
    assert list(BacklogEvent.objects.filter(backlog_item=item).values_list("kind", flat=True)) == ["released", "reopened"]


@pytest.mark.django_db
def test_a_week_marked_earlier_in_the_same_action_costs_no_statement(product, django_assert_num_queries):
    from django.db import transaction

    said = timezone.now() - timedelta(days=5)
    with transaction.atomic():
        with django_assert_num_queries(2):  # the pending week and the refresh request
            rollups.mark(product.pk, [said])
        with django_assert_num_queries(0):
            rollups.mark(product.pk, [said, said + timedelta(hours=1)])


@pytest.mark.django_db
def test_a_rolled_back_mark_is_marked_again(product):
    from django.db import transaction

    said = timezone.now() - timedelta(days=5)
    with transaction.atomic():
        try:
            with transaction.atomic():
                rollups.mark(product.pk, [said])
                raise RuntimeError("the write failed")
        except RuntimeError:
            pass
        assert not PendingWeek.objects.filter(product=product).exists()
        rollups.mark(product.pk, [said])
        assert PendingWeek.objects.filter(product=product, week=week_of(said)).exists()
