from django.core.management.base import BaseCommand, CommandError

from heard.core import backup
from heard.core.errors import HeardError


class Command(BaseCommand):
    help = ("Write the whole server to one .tar.gz: the database (SQLite's online backup, or pg_dump) and the uploaded "
            "files. Safe while heard runs. Restore it with `heard restore FILE`.")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="Where to write the backup, e.g. heard-2026-12-01.tar.gz.")
        parser.add_argument("--force", action="store_true", help="Replace FILE if it exists.")

    def handle(self, *args, file, force=False, **options):
        try:
            manifest = backup.backup(file, overwrite=force)
        except HeardError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Backed up the {manifest['database']} database ({len(manifest['migrations'])} migrations applied) "
            f"and the uploaded files to {file}."))
