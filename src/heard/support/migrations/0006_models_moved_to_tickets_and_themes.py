"""Tickets and themes live in heard.tickets and heard.themes now: drop the models from this
app's state (the tables, renamed by 0005, belong to the new apps), and move what names
them by app label, so nothing is lost:

* audit events keep their history under the new labels (``support.theme`` -> ``themes.theme``);
* content types (and the permissions hanging off them) follow their models;
* queued background jobs point at the tasks' new modules.
"""

from django.db import migrations

MOVED = {
    "ticket": "tickets", "importjob": "tickets",
    "themerun": "themes", "theme": "themes", "themeticket": "themes", "themelink": "themes",
}
TASKS = {
    "heard.support.tasks.run_ticket_import": "heard.tickets.tasks.run_ticket_import",
    "heard.support.tasks.run_theme_mining_task": "heard.themes.tasks.run_theme_mining_task",
}


def _relabel(apps, moves, tasks):
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for (old_label, new_label), model in moves:
        AuditEvent.objects.filter(object_type=f"{old_label}.{model}").update(object_type=f"{new_label}.{model}")
        if not ContentType.objects.filter(app_label=new_label, model=model).exists():
            ContentType.objects.filter(app_label=old_label, model=model).update(app_label=new_label)
    for old_path, new_path in tasks:
        DBTaskResult.objects.filter(task_path=old_path).update(task_path=new_path)


def forwards(apps, schema_editor):
    _relabel(apps, [(("support", label), model) for model, label in MOVED.items()], TASKS.items())


def backwards(apps, schema_editor):
    _relabel(apps, [((label, "support"), model) for model, label in MOVED.items()], [(new, old) for old, new in TASKS.items()])


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0001_initial'),
        ('decisions', '0003_evidence_ticket_in_tickets_app'),
        ('django_tasks_database', '0001_initial'),
        ('support', '0005_tables_to_tickets_and_themes'),
        ('themes', '0001_initial'),
        ('tickets', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ThemeLink"),
                migrations.DeleteModel(name="ThemeTicket"),
                migrations.DeleteModel(name="Theme"),
                migrations.DeleteModel(name="ThemeRun"),
                migrations.DeleteModel(name="Ticket"),
                migrations.DeleteModel(name="ImportJob"),
            ],
        ),
    ]
