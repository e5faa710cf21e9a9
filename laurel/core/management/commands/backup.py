"""`manage.py backup --to DIR`: the database, both media areas and a manifest with checksums (laurel/core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laurel.core import backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) and all media into a new directory, with checksums."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, type=Path, help="A new or empty directory.")

    def handle(self, *args, to, **options):
        try:
            manifest = backup.backup(to)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"backed up {manifest['engine']}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files'])} media files -> {to}"
        )
