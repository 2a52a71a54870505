from django.core.management.commands.check import Command as DjangoCheck
from django.db import connection


class Command(DjangoCheck):
    help = "Check heard's configuration (Django's system checks) and that the database answers."

    def handle(self, *app_labels, **options):
        super().handle(*app_labels, **options)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:
            from django.core.management.base import CommandError

            raise CommandError(f"The database is not reachable ({connection.vendor}): {exc}") from exc
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(f"Database ok ({connection.vendor}: {connection.settings_dict['NAME']}).")
