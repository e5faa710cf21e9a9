"""Backup -> wipe -> restore finds every row and every file back, on SQLite and on PostgreSQL (whichever the suite
runs on); a damaged backup or a used installation is refused and nothing is changed."""

import json
import shutil

import pytest

from tests.core import installation

pytestmark = pytest.mark.django_db


def snapshot(env) -> dict:
    code = "from tests.core.populate import snapshot; snapshot()"
    return json.loads(installation.manage(env, "shell", "--no-imports", "-c", code).stdout.strip().splitlines()[-1])


def wipe(env, tmp_path):
    installation.create_empty(env)
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture
def populated(tmp_path):
    env = installation.migrated(tmp_path / "site", "backup")
    installation.manage(env, "createcachetable")
    installation.manage(env, "shell", "--no-imports", "-c", "from tests.core.populate import run; run()")
    return env


def test_backup_wipe_restore_finds_every_row_and_file_back(populated, tmp_path):
    env = populated
    before = snapshot(env)
    assert before["tables"]["honors_vote"][0] == 3 and before["tables"]["news_article"][0] == 1
    assert any(name.startswith("public/news/covers/") for name in before["files"])
    assert sum(name.startswith("private/") for name in before["files"]) >= 6
    backup = tmp_path / "backup"
    assert "backed up" in installation.manage(env, "backup", "--to", str(backup)).stdout
    manifest = json.loads((backup / "manifest.json").read_text())
    assert len(manifest["files"]) == len(before["files"])
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"])

    # A used installation is refused, and so is a second backup into the same directory.
    used = installation.manage(env, "restore", "--from", str(backup), check=False)
    assert used.returncode != 0 and "not empty" in used.stderr
    again = installation.manage(env, "backup", "--to", str(backup), check=False)
    assert again.returncode != 0 and "not empty" in again.stderr
    assert snapshot(env) == before

    wipe(env, tmp_path / "site")

    # A damaged copy is refused before anything is written.
    damaged = tmp_path / "damaged"
    shutil.copytree(backup, damaged)
    broken = damaged / manifest["files"][0]["path"]
    broken.write_bytes(broken.read_bytes()[:-1] + b"!")
    refused = installation.manage(env, "restore", "--from", str(damaged), check=False)
    assert refused.returncode != 0 and "does not match its checksum" in refused.stderr
    assert snapshot(env) == {"tables": {}, "files": {}}

    out = installation.manage(env, "restore", "--from", str(backup)).stdout
    assert "every count as backed up" in out
    assert snapshot(env) == before
