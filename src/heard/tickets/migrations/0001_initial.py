"""The ticket tables, moved here from the support app with their rows.

support.0005 renamed the tables (support_ticket -> tickets_ticket, support_importjob ->
tickets_importjob); this migration only tells Django's model state that they are this
app's now. On a fresh database the tables are made by support's migrations 0001-0005.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('core', '0001_initial'),
        ('stakeholders', '0001_initial'),
        ('support', '0005_tables_to_tickets_and_themes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ImportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(default='tickets', max_length=30)),
                        ('format', models.CharField(choices=[('zendesk', 'Zendesk'), ('freshdesk', 'Freshdesk'), ('intercom', 'Intercom'), ('jira', 'Jira Service Management'), ('csv', 'CSV file'), ('ndjson', 'NDJSON file')], max_length=20)),
                        ('file_path', models.CharField(help_text='The file as given, or where the upload was stored.', max_length=500)),
                        ('file_name', models.CharField(blank=True, default='', max_length=255)),
                        ('file_size', models.BigIntegerField(blank=True, null=True)),
                        ('mapping', models.JSONField(blank=True, default=dict)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('rows_read', models.PositiveBigIntegerField(default=0)),
                        ('bytes_read', models.PositiveBigIntegerField(default=0)),
                        ('created', models.PositiveBigIntegerField(default=0)),
                        ('updated', models.PositiveBigIntegerField(default=0)),
                        ('unchanged', models.PositiveBigIntegerField(default=0)),
                        ('rejected', models.PositiveBigIntegerField(default=0)),
                        ('requesters_created', models.PositiveIntegerField(default=0)),
                        ('problems', models.JSONField(blank=True, default=list)),
                        ('notes', models.JSONField(blank=True, default=list)),
                        ('error', models.TextField(blank=True, default='')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ticket_imports', to='core.product')),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.workspace')),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Ticket',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('zendesk', 'Zendesk'), ('freshdesk', 'Freshdesk'), ('intercom', 'Intercom'), ('jira', 'Jira Service Management'), ('csv', 'CSV file'), ('ndjson', 'NDJSON file')], max_length=20)),
                        ('external_id', models.CharField(help_text="The help desk's own id or key, e.g. 4711 or SUP-123.", max_length=100)),
                        ('requester_email', models.CharField(blank=True, default='', max_length=254)),
                        ('requester_name', models.CharField(blank=True, default='', max_length=200)),
                        ('subject', models.CharField(blank=True, default='', max_length=500)),
                        ('body', models.TextField(blank=True, default='')),
                        ('status', models.CharField(blank=True, default='', max_length=40)),
                        ('priority', models.CharField(blank=True, default='', max_length=40)),
                        ('tags', models.JSONField(blank=True, default=list)),
                        ('created_at', models.DateTimeField()),
                        ('updated_at', models.DateTimeField(blank=True, help_text='Last change in the help desk.', null=True)),
                        ('solved_at', models.DateTimeField(blank=True, null=True)),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('content_hash', models.CharField(max_length=32)),
                        ('imported_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('erased_at', models.DateTimeField(blank=True, null=True)),
                        ('last_import', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tickets.importjob')),
                        ('product', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='tickets', to='core.product')),
                        ('requester', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tickets', to='stakeholders.stakeholder')),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['product', 'created_at'], name='ticket_product_created')],
                        'constraints': [models.UniqueConstraint(fields=('product', 'source', 'external_id'), name='ticket_unique_per_source')],
                    },
                ),
            ],
        ),
    ]
