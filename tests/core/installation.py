"""An installation of its own for tests that run Laurel's processes (schedulers, servers, backup and restore):
a SQLite file in a temporary directory, or a PostgreSQL database next to the test database."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def pg_arguments() -> list[str]:
    base = settings.DATABASES["default"]
    return ["-h", base["HOST"] or "127.0.0.1", "-p", str(base["PORT"] or 5432), "-U", base["USER"]]


def create_empty(env: dict) -> None:
    """An empty database for `env` (PostgreSQL: dropped and created again; SQLite: no file)."""
    if "LAUREL_DATABASE_URL" in env:
        name = env["LAUREL_DATABASE_URL"].rsplit("/", 1)[1]
        subprocess.run(["dropdb", "--if-exists", *pg_arguments(), name], check=True)
        subprocess.run(["createdb", *pg_arguments(), name], check=True)
    else:
        for path in Path(env["LAUREL_DATA_DIR"]).glob("laurel.sqlite3*"):
            path.unlink()


def environment(tmp_path: Path, suffix: str, **extra) -> dict:
    env = {
        **os.environ,
        "LAUREL_DEBUG": "1",
        "LAUREL_TASKS_BACKEND": "database",
        "LAUREL_DATA_DIR": str(tmp_path),
        "LAUREL_MEDIA_ROOT": str(tmp_path / "media"),
        "LAUREL_LOG_LEVEL": "WARNING",
        **extra,
    }
    env.pop("LAUREL_TEST_DATABASE_NAME", None)
    if connection.vendor == "postgresql":
        base = settings.DATABASES["default"]
        name = f"{base['NAME']}_{suffix}"
        env["LAUREL_DATABASE_URL"] = (
            f"postgres://{base['USER']}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/{name}"
        )
    else:
        env.pop("LAUREL_DATABASE_URL", None)
    return env


def manage(env: dict, *arguments: str, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=timeout,
    )


def migrated(tmp_path: Path, suffix: str, **extra) -> dict:
    env = environment(tmp_path, suffix, **extra)
    create_empty(env)
    manage(env, "migrate", "--verbosity", "0")
    return env


def query(env: dict, sql: str):
    """One row from the installation, read directly (no Django start-up per look)."""
    if "LAUREL_DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["LAUREL_DATABASE_URL"].replace("postgres://", "postgresql://")) as db:
            return db.execute(sql).fetchone()
    import sqlite3

    with sqlite3.connect(Path(env["LAUREL_DATA_DIR"]) / "laurel.sqlite3") as db:
        return db.execute(sql).fetchone()
