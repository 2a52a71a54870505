"""Tickets and themes moved out of the support app (support.0005/0006, tickets.0001,
themes.0001, decisions.0003). A database that holds rows in the old tables, migrated
forward, keeps every row with its id and every link between them, on SQLite and PostgreSQL."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils.module_loading import import_string
from django_tasks.base import Task

from heard.backlog import actions as backlog_actions
from heard.decisions import actions as decision_actions
from heard.feedback import actions as feedback_actions
from heard.stakeholders import actions as stakeholder_actions

BEFORE_THE_MOVE = ("support", "0004_ticket_references_checked_by_importer")
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # The state of exactly what is applied now: the models as the database has them.
    applied = list(MigrationRecorder(connection).applied_migrations())
    return MigrationExecutor(connection).loader.project_state(applied).apps


def _old_rows(old, product, requester, item, decision, feedback):
    """Rows written through the support app's models as they were before the move."""
    Ticket, ImportJob = old.get_model("support", "Ticket"), old.get_model("support", "ImportJob")
    ThemeRun, Theme = old.get_model("support", "ThemeRun"), old.get_model("support", "Theme")
    ThemeTicket, ThemeLink = old.get_model("support", "ThemeTicket"), old.get_model("support", "ThemeLink")
    job = ImportJob.objects.create(workspace_id=product.workspace_id, product_id=product.pk, format="zendesk", file_path="/tmp/export.json", status="done", created=3)
    tickets = [
        Ticket.objects.create(product_id=product.pk, source="zendesk", external_id=str(4700 + n), subject=subject, created_at=WHEN,
                              content_hash=f"h{n}", requester_id=requester.pk if n == 0 else None, last_import_id=job.pk, tags=["vat"])
        for n, subject in enumerate(["VAT wrong on invoice", "VAT rate shows 19%", "Cannot log in"])
    ]
    run = ThemeRun.objects.create(product_id=product.pk, status="done", tickets=3, themes_added=2, embedder=b"space")
    vat = Theme.objects.create(product_id=product.pk, name="Wrong VAT", size=2, created_by_run_id=run.pk, last_run_id=run.pk,
                               centroid=b"\x00\x01", weekly={"start": "2026-03-02", "counts": [2]}, feedback_id=feedback.pk, pinned=True)
    login = Theme.objects.create(product_id=product.pk, name="Login", size=1, status="merged", merged_into_id=vat.pk)
    for ticket, theme in zip(tickets, [vat, vat, login], strict=True):
        ThemeTicket.objects.create(ticket_id=ticket.pk, theme_id=theme.pk, similarity=0.8)
    ThemeLink.objects.create(theme_id=vat.pk, backlog_item_id=item.pk, weight=3)
    ThemeLink.objects.create(theme_id=vat.pk, decision_id=decision.pk, weight=1)
    old.get_model("decisions", "DecisionEvidence").objects.create(decision_id=decision.pk, kind="ticket", ticket_id=tickets[0].pk, note="The VAT tickets")
    old.get_model("core", "AuditEvent").objects.create(workspace_id=product.workspace_id, verb="themes.renamed", object_type="support.theme",
                                                       object_id=str(vat.pk), object_repr="Wrong VAT")
    old.get_model("django_tasks_database", "DBTaskResult").objects.create(
        task_path="heard.support.tasks.run_ticket_import", args_kwargs={"args": [job.pk, ""], "kwargs": {}},
        backend_name="default", run_after=WHEN, exception_class_path="", traceback="")
    # Going back relabelled the content types too: as before the move, they are support's.
    content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(app_label="support", model="themelink")[0]
    return {"tickets": [t.pk for t in tickets], "job": job.pk, "run": run.pk, "vat": vat.pk, "login": login.pk,
            "content_type": content_type.pk}


@pytest.mark.django_db(transaction=True)
def test_rows_in_the_support_tables_survive_the_move(product):
    requester = stakeholder_actions.create_stakeholder(actor=None, workspace=product.workspace, data={"name": "Ada", "email": "ada@client.example"})
    item = backlog_actions.create_item(actor=None, product=product, data={"title": "Fix VAT rates"})
    decision = decision_actions.create_decision(actor=None, product=product, data={"question": "Which VAT rates do we support?"})
    feedback = feedback_actions.record_feedback(actor=None, product=product, data={"text": "VAT is wrong", "stakeholder": requester.pk})
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()

    old = _migrate([BEFORE_THE_MOVE])
    assert "support_ticket" in connection.introspection.table_names()
    ids = _old_rows(old, product, requester, item, decision, feedback)
    old_counts = {name: old.get_model("support", name).objects.count() for name in ("Ticket", "ImportJob", "ThemeRun", "Theme", "ThemeTicket", "ThemeLink")}

    new = _migrate(leaves)
    tables = connection.introspection.table_names()
    assert "tickets_ticket" in tables and "themes_theme" in tables and not any(t.startswith("support_") for t in tables)

    from heard.decisions.models import DecisionEvidence
    from heard.themes.models import Theme, ThemeLink, ThemeRun, ThemeTicket
    from heard.tickets.models import ImportJob, Ticket

    moved = {"Ticket": Ticket, "ImportJob": ImportJob, "ThemeRun": ThemeRun, "Theme": Theme, "ThemeTicket": ThemeTicket, "ThemeLink": ThemeLink}
    assert {name: model.objects.count() for name, model in moved.items()} == old_counts
    assert sorted(Ticket.objects.values_list("pk", flat=True)) == sorted(ids["tickets"])
    first = Ticket.objects.get(pk=ids["tickets"][0])
    assert (first.requester, first.last_import_id, first.tags, first.created_at) == (requester, ids["job"], ["vat"], WHEN)
    vat = Theme.objects.get(pk=ids["vat"])
    assert (vat.name, vat.pinned, vat.created_by_run_id, bytes(vat.centroid), vat.feedback_id) == ("Wrong VAT", True, ids["run"], b"\x00\x01", feedback.pk)
    assert sorted(vat.memberships.values_list("ticket_id", flat=True)) == sorted(ids["tickets"][:2])
    assert list(vat.absorbed.values_list("pk", flat=True)) == [ids["login"]]
    assert {(link.backlog_item_id, link.decision_id, link.weight) for link in vat.links.all()} == {(item.pk, None, 3), (None, decision.pk, 1)}
    assert bytes(ThemeRun.objects.get(pk=ids["run"]).embedder) == b"space"
    assert DecisionEvidence.objects.get(decision=decision).ticket == first
    # History, content types and queued jobs follow the models to their new apps.
    assert new.get_model("core", "AuditEvent").objects.filter(object_type="themes.theme", object_id=str(vat.pk)).count() == 1
    assert new.get_model("contenttypes", "ContentType").objects.get(pk=ids["content_type"]).app_label == "themes"
    # (other apps may queue their own work meanwhile, e.g. a health refresh)
    queued = new.get_model("django_tasks_database", "DBTaskResult").objects.get(task_path__endswith="run_ticket_import")
    assert isinstance(import_string(queued.task_path), Task) and queued.task_path == "heard.tickets.tasks.run_ticket_import"

    # The moved tables take new rows where the old ids left off, and cascade as before.
    later = Ticket.objects.create(product=product, source="zendesk", external_id="4800", created_at=WHEN, content_hash="h9")
    assert later.pk > max(ids["tickets"])
    first.delete()
    assert not DecisionEvidence.objects.filter(decision=decision).exists()
    assert ThemeTicket.objects.filter(theme=vat).count() == 1
