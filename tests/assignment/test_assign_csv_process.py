"""`manage.py assign_csv` run as a user runs it: every input problem is one line on stderr and exit code 1,
never a traceback, and nothing is written; conflict rows as the OpenReview matcher writes them are taken."""

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT = {**os.environ, "LAUREL_DEBUG": "1"}


def command(tmp_path, *arguments, out=None, limit=None):
    out = tmp_path / "O.csv" if out is None else out
    arguments = ["--affinity", str(tmp_path / "A.csv"), "--k", "1", "--max-load", "2", *arguments, "--out", str(out)]

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "assign_csv", *arguments],
        capture_output=True,
        text=True,
        env=ENVIRONMENT,
        preexec_fn=limited if limit else None,
        timeout=300,
    )


def refused(result, message: str) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"CommandError: {message}"]


def test_a_file_that_is_not_utf8(tmp_path):
    (tmp_path / "A.csv").write_bytes(b"a,x,0.5\n\xc0\xaf,x,0.5\n")
    refused(command(tmp_path), f"{tmp_path / 'A.csv'} 不是 UTF-8 文本（第 2 行）。")
    assert not (tmp_path / "O.csv").exists()


@pytest.mark.parametrize("quoted", [False, True])
def test_a_field_over_131072_characters(tmp_path, quoted):
    """131,072 is the csv module's own limit, past which it raised a traceback."""
    name = "n" * 131_073
    field = f'"{name}"' if quoted else name
    (tmp_path / "A.csv").write_text(f"a,x,0.5\n{field},x,0.5\n", encoding="ascii")
    refused(command(tmp_path), f"{tmp_path / 'A.csv'} 第 2 行：有字段超过 1000 个字符。")


def test_out_in_a_missing_folder(tmp_path):
    (tmp_path / "A.csv").write_text("a,x,0.5\n", encoding="ascii")
    target = tmp_path / "missing" / "O.csv"
    refused(command(tmp_path, out=target), f"--out {target}：文件夹 {tmp_path / 'missing'} 不存在。")


def test_out_naming_a_folder(tmp_path):
    (tmp_path / "A.csv").write_text("a,x,0.5\n", encoding="ascii")
    refused(command(tmp_path, out=tmp_path), f"--out {tmp_path} 是文件夹；请指定文件名。")


def address_space_after_start() -> int:
    """Bytes of address space a process holds once Django and the command are loaded."""
    probe = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'laurel.settings'); django.setup();"
        "import laurel.assignment.management.commands.assign_csv;"
        "print([line.split()[1] for line in open('/proc/self/status') if line.startswith('VmSize')][0])"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=ENVIRONMENT, cwd=ROOT)
    return int(result.stdout.strip()) * 1024


def test_out_of_memory_is_one_line(tmp_path):
    """A sparse file is not sized beforehand: 3 million rows under 128 MB of address space beyond start-up run
    out of memory while read, and the MemoryError becomes one line."""
    with open(tmp_path / "A.csv", "w", encoding="ascii") as handle:
        handle.writelines(f"i{row},e{row % 1000},0.5\n" for row in range(3_000_000))
    result = command(tmp_path, "--missing", "forbid", limit=address_space_after_start() + (128 << 20))
    refused(result, "内存不足以求解此问题；未写入任何内容。")
    assert not (tmp_path / "O.csv").exists()
    assert list(tmp_path.glob("*.part")) == []


def test_conflict_rows_as_the_matcher_writes_them(tmp_path):
    """-1 or -1.0 a conflict, 0 (or 0.0) no constraint, as the OpenReview matcher reads them."""
    (tmp_path / "A.csv").write_text("a,x,0.9\na,y,0.1\nb,x,0.8\nb,y,0.7\n", encoding="ascii")
    (tmp_path / "C.csv").write_text("a,x,-1.0\nb,y,0\nb,x,0.0\na,y,-1\n", encoding="ascii")
    result = command(tmp_path, "--conflicts", str(tmp_path / "C.csv"))
    assert result.returncode == 1 and "Traceback" not in result.stderr  # a has no expert left: one line
    assert len(result.stderr.strip().splitlines()) == 1 and "a" in result.stderr
    (tmp_path / "C.csv").write_text("a,x,-1.0\nb,y,0\nb,x,0.0\n", encoding="ascii")
    result = command(tmp_path, "--conflicts", str(tmp_path / "C.csv"))
    assert result.returncode == 0 and result.stderr == ""
    assert (tmp_path / "O.csv").read_text().splitlines() == ["a,y", "b,x"]
