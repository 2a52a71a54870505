# Program results as decision evidence (added by the programs app, issue 16).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0004_participation_shape'),
        ('programs', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='decisionevidence',
            name='evidence_kind_matches_target',
        ),
        migrations.AddField(
            model_name='decisionevidence',
            name='program_outcome',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='decision_evidence', to='programs.programoutcome'),
        ),
        migrations.AlterField(
            model_name='decisionevidence',
            name='kind',
            field=models.CharField(choices=[('feedback', 'Feedback'), ('ticket', 'Support ticket'), ('backlog_item', 'Backlog item'), ('program', 'Program results')], max_length=20),
        ),
        migrations.AddConstraint(
            model_name='decisionevidence',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('backlog_item__isnull', True), ('feedback__isnull', False), ('kind', 'feedback'), ('program_outcome__isnull', True), ('ticket__isnull', True)), models.Q(('backlog_item__isnull', True), ('feedback__isnull', True), ('kind', 'ticket'), ('program_outcome__isnull', True), ('ticket__isnull', False)), models.Q(('backlog_item__isnull', False), ('feedback__isnull', True), ('kind', 'backlog_item'), ('program_outcome__isnull', True), ('ticket__isnull', True)), models.Q(('backlog_item__isnull', True), ('feedback__isnull', True), ('kind', 'program'), ('program_outcome__isnull', False), ('ticket__isnull', True)), _connector='OR'), name='evidence_kind_matches_target'),
        ),
        migrations.AddConstraint(
            model_name='decisionevidence',
            constraint=models.UniqueConstraint(condition=models.Q(('program_outcome__isnull', False)), fields=('decision', 'program_outcome'), name='program_outcome_once_per_decision'),
        ),
    ]
