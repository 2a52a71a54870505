"""The theme tables, moved here from the support app with their rows.

support.0005 renamed the tables (support_theme -> themes_theme, and likewise themerun,
themeticket, themelink); this migration only tells Django's model state that they are this
app's now. On a fresh database the tables are made by support's migrations 0001-0005.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('backlog', '0001_initial'),
        ('core', '0001_initial'),
        ('decisions', '0002_decision_records'),
        ('feedback', '0001_initial'),
        ('support', '0005_tables_to_tickets_and_themes'),
        ('tickets', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Theme',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200)),
                        ('label', models.CharField(blank=True, default='', max_length=300)),
                        ('terms', models.JSONField(blank=True, default=list)),
                        ('status', models.CharField(choices=[('active', 'Active'), ('retired', 'Retired'), ('merged', 'Merged into another theme')], default='active', max_length=10)),
                        ('pinned', models.BooleanField(default=False)),
                        ('curated', models.BooleanField(default=False, help_text='Merged or split by a person; re-runs keep it apart.')),
                        ('hold_similarity', models.FloatField(blank=True, null=True)),
                        ('size', models.PositiveIntegerField(default=0)),
                        ('representative_ids', models.JSONField(blank=True, default=list)),
                        ('centroid', models.BinaryField(blank=True, null=True)),
                        ('embedder_fingerprint', models.CharField(blank=True, default='', max_length=64)),
                        ('weekly', models.JSONField(blank=True, default=dict)),
                        ('spikes', models.JSONField(blank=True, default=list)),
                        ('latest_spike_ratio', models.FloatField(blank=True, help_text='Ratio of the latest flagged week if it is among the last four weeks.', null=True)),
                        ('resolved_count', models.PositiveIntegerField(default=0)),
                        ('resolution_median_hours', models.FloatField(blank=True, null=True)),
                        ('resolution_p90_hours', models.FloatField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('retired_at', models.DateTimeField(blank=True, null=True)),
                        ('feedback', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='feedback.feedback')),
                        ('merged_into', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='absorbed', to='themes.theme')),
                        ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='themes', to='core.product')),
                        ('split_from', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='split_parts', to='themes.theme')),
                    ],
                    options={
                        'ordering': ['-size', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ThemeLink',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('weight', models.PositiveSmallIntegerField(default=2)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('backlog_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='theme_links', to='backlog.backlogitem')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='theme_links', to='decisions.decision')),
                        ('theme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='themes.theme')),
                    ],
                    options={
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='ThemeRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('phase', models.CharField(blank=True, default='', max_length=80)),
                        ('percent', models.PositiveSmallIntegerField(default=0)),
                        ('tickets', models.PositiveBigIntegerField(default=0)),
                        ('themes_added', models.PositiveIntegerField(default=0)),
                        ('themes_grown', models.PositiveIntegerField(default=0)),
                        ('themes_kept', models.PositiveIntegerField(default=0)),
                        ('themes_retired', models.PositiveIntegerField(default=0)),
                        ('unassigned', models.PositiveBigIntegerField(default=0)),
                        ('embedder', models.BinaryField(blank=True, null=True)),
                        ('embedder_fingerprint', models.CharField(blank=True, default='', max_length=64)),
                        ('error', models.TextField(blank=True, default='')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='theme_runs', to='core.product')),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AddField(
                    model_name='theme',
                    name='created_by_run',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='themes_created', to='themes.themerun'),
                ),
                migrations.AddField(
                    model_name='theme',
                    name='last_run',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='themes.themerun'),
                ),
                migrations.CreateModel(
                    name='ThemeTicket',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('similarity', models.FloatField(default=0.0)),
                        ('theme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='themes.theme')),
                    ],
                ),
                migrations.AddField(
                    model_name='themeticket',
                    name='ticket',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='theme_membership', to='tickets.ticket'),
                ),
                migrations.AddConstraint(
                    model_name='themelink',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('backlog_item__isnull', False), ('decision__isnull', True)), models.Q(('backlog_item__isnull', True), ('decision__isnull', False)), _connector='OR'), name='theme_link_one_target'),
                ),
                migrations.AddConstraint(
                    model_name='themelink',
                    constraint=models.CheckConstraint(condition=models.Q(('weight__gte', 1), ('weight__lte', 3)), name='theme_link_weight_1_3'),
                ),
                migrations.AddConstraint(
                    model_name='themelink',
                    constraint=models.UniqueConstraint(condition=models.Q(('backlog_item__isnull', False)), fields=('theme', 'backlog_item'), name='theme_link_unique_item'),
                ),
                migrations.AddConstraint(
                    model_name='themelink',
                    constraint=models.UniqueConstraint(condition=models.Q(('decision__isnull', False)), fields=('theme', 'decision'), name='theme_link_unique_decision'),
                ),
                migrations.AddIndex(
                    model_name='theme',
                    index=models.Index(fields=['product', 'status', 'size'], name='theme_product_status'),
                ),
                migrations.AddIndex(
                    model_name='themeticket',
                    index=models.Index(fields=['theme', 'similarity'], name='theme_ticket_by_theme'),
                ),
            ],
        ),
    ]
