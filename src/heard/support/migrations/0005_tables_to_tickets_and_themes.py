"""Tickets and themes moved to their own apps (heard.tickets, heard.themes): their tables
take those apps' names, keeping every row, id and foreign key (a rename, no copy).
tickets.0001 and themes.0001 then take the models over in Django's state and 0006 drops
them from this app's."""

from django.db import migrations

TABLES = {
    "ticket": "tickets_ticket",
    "importjob": "tickets_importjob",
    "themerun": "themes_themerun",
    "theme": "themes_theme",
    "themeticket": "themes_themeticket",
    "themelink": "themes_themelink",
}


class Migration(migrations.Migration):

    dependencies = [
        ('support', '0004_ticket_references_checked_by_importer'),
    ]

    operations = [migrations.AlterModelTable(name=model, table=table) for model, table in TABLES.items()]
