"""`manage.py restore --from DIR`: a backup into an empty installation, checksums first (laurel/core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laurel.core import backup


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty installation (same database engine)."

    def add_arguments(self, parser):
        parser.add_argument("--from", required=True, type=Path, dest="source", help="The backup's directory.")

    def handle(self, *args, source, **options):
        try:
            manifest = backup.restore(source)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"restored {len(manifest['tables'])} tables, {rows} rows (every count as backed up) and "
            f"{len(manifest['files'])} media files from {source}"
        )
