from django.db import migrations, models


class Migration(migrations.Migration):
    """Its own migration: on PostgreSQL the rows 0004 moved leave deferred foreign-key checks
    pending, and a table with pending checks cannot be altered in the same transaction."""

    dependencies = [
        ("core", "0004_api_tokens_belong_to_one_workspace"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='apitoken',
            constraint=models.CheckConstraint(condition=models.Q(('workspace__isnull', False), ('revoked_at__isnull', False), _connector='OR'), name='live_api_token_has_a_workspace'),
        ),
    ]
