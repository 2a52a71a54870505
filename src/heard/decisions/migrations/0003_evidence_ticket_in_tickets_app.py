"""Evidence points at tickets.Ticket now that tickets have their own app (the table was
renamed by support.0005 and the foreign key followed it), so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0002_decision_records'),
        ('tickets', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='decisionevidence',
                    name='ticket',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='decision_evidence', to='tickets.ticket'),
                ),
            ],
        ),
    ]
