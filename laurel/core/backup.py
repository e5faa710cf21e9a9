"""Backup and restore of a whole installation: the database, both media areas, and a manifest with checksums.

`manage.py backup --to DIR` writes into a new (or empty) directory:
- `database.sqlite3` (SQLite's online backup API: a consistent copy while Laurel runs) or `database.pgdump`
  (`pg_dump --format=custom`, a consistent snapshot of PostgreSQL);
- `media/private/...` and `media/public/...`: every stored file, read through the storages (local disk or object
  storage alike);
- `manifest.json`, written last: the engine, the applied migrations, every table's row count, and each file's size
  and SHA-256. A directory without a manifest is not a backup.

`manage.py restore --from DIR` checks every checksum first, refuses anything but an empty installation of the same
database engine (no tables, no media), restores, and counts every table's rows against the manifest.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from laurel.core import storage as laurel_storage

FORMAT = 1
MANIFEST = "manifest.json"
AREAS = {"private": "default", "public": "public"}  # media/<area>/ in the backup: the storage alias
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Why a backup or restore cannot go on; nothing was changed when it is raised before writing."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _entry(root: Path, path: Path) -> dict:
    return {"path": path.relative_to(root).as_posix(), "bytes": path.stat().st_size, "sha256": sha256_of(path)}


def _pg_environment() -> dict:
    database = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": database["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _run(command: list[str], *, env: dict) -> None:
    try:
        completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from None
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed: {completed.stderr.strip()[-2000:]}")


def table_counts() -> dict[str, int]:
    """Rows in every table of the database, Django's and Laurel's alike."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _walk(storage, directory: str = ""):
    """Every file name in a storage, below `directory`."""
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for folder in folders:
        yield from _walk(storage, f"{directory}/{folder}" if directory else folder)


def _dump_database(target: Path) -> Path:
    if connection.vendor == "sqlite":
        path = target / "database.sqlite3"
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        copy = sqlite3.connect(str(path))
        try:
            source.backup(copy)  # online: a consistent copy, even while other processes write
        finally:
            copy.close()
            source.close()
        return path
    if connection.vendor == "postgresql":
        path = target / "database.pgdump"
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path)],
            env=_pg_environment(),
        )
        return path
    raise BackupError(f"backing up a {connection.vendor} database is not supported")


def backup(target: Path) -> dict:
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: back up into a new directory")
    target.mkdir(parents=True, exist_ok=True)
    database = _dump_database(target)
    files = []
    for area, alias in AREAS.items():
        source = storages[alias]
        for name in sorted(_walk(source)):
            destination = target / "media" / area / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            with source.open(name, "rb") as handle, destination.open("wb") as out:
                shutil.copyfileobj(handle, out, CHUNK)
            files.append(_entry(target, destination))
    recorder = MigrationRecorder(connection)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "engine": connection.vendor,
        "database": _entry(target, database),
        "migrations": sorted([app, name] for app, name in recorder.applied_migrations()),
        "tables": table_counts(),
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return manifest


def read_manifest(source: Path) -> dict:
    """The manifest of a backup, after checking every file it lists against its size and checksum."""
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: it is not a complete backup")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    root = Path(source).resolve()
    for entry in [manifest["database"], *manifest["files"]]:
        file = (root / entry["path"]).resolve()
        if not file.is_relative_to(root):
            raise BackupError(f"{entry['path']} leaves the backup directory")
        if not file.is_file():
            raise BackupError(f"{entry['path']} is missing")
        if file.stat().st_size != entry["bytes"] or sha256_of(file) != entry["sha256"]:
            raise BackupError(f"{entry['path']} does not match its checksum: the backup is damaged")
    return manifest


def _check_empty(manifest: dict) -> None:
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"this backup is of a {manifest['engine']} database; this installation uses {connection.vendor}"
        )
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        raise BackupError(f"the database is not empty ({len(tables)} tables): restore into an empty installation")
    for area, alias in AREAS.items():
        if next(_walk(storages[alias]), None) is not None:
            raise BackupError(f"the {area} media area is not empty: restore into an empty installation")


def _restore_database(root: Path, manifest: dict) -> None:
    dump = root / manifest["database"]["path"]
    if connection.vendor == "sqlite":
        connection.close()
        target = Path(settings.DATABASES["default"]["NAME"])
        source = sqlite3.connect(str(dump))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--dbname",
            settings.DATABASES["default"]["NAME"],
            str(dump),
        ],
        env=_pg_environment(),
    )


def _save_exactly(storage, name: str, content) -> str:
    """Store `content` under `name` itself: the random naming of new uploads would rename it."""
    if isinstance(storage, laurel_storage._RandomNames):
        return super(laurel_storage._RandomNames, storage).save(name, content)
    return storage.save(name, content)


def restore(source: Path) -> dict:
    root = Path(source).resolve()
    manifest = read_manifest(root)
    _check_empty(manifest)
    _restore_database(root, manifest)
    for entry in manifest["files"]:
        _media, area, name = entry["path"].split("/", 2)
        storage = storages[AREAS[area]]
        with (root / entry["path"]).open("rb") as handle:
            saved = _save_exactly(storage, name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"{entry['path']} was stored as {saved}")
    counts = table_counts()
    if counts != manifest["tables"]:
        differing = sorted(
            table
            for table in set(counts) | set(manifest["tables"])
            if counts.get(table) != manifest["tables"].get(table)
        )
        raise BackupError(f"row counts differ after the restore in: {', '.join(differing)}")
    return manifest
