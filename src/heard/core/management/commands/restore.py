import sys

from django.core.management.base import BaseCommand, CommandError

from heard.core import backup
from heard.core.errors import HeardError


class Command(BaseCommand):
    help = ("Replace the database and the uploaded files with a backup made by `heard backup`. Stop `heard serve` and "
            "`heard worker` first. The backup must come from the same kind of database (SQLite or PostgreSQL).")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="A backup written by `heard backup`.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation (for scripts).")

    def handle(self, *args, file, yes=False, **options):
        try:
            manifest = backup.read_manifest(file)
            if not yes:
                if not sys.stdin.isatty():
                    raise CommandError("Restoring replaces everything in the database; pass --yes to confirm.")
                answer = input(f"Replace this server's database and uploaded files with the backup of {manifest['created_at']}? [y/N] ")
                if answer.strip().lower() not in ("y", "yes"):
                    self.stdout.write("Nothing was changed.")
                    return
            backup.restore(file)
        except HeardError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Restored the backup of {manifest['created_at']} (heard {manifest['heard']}). "
            "Run `heard migrate` if this heard is newer, then start the server again."))
