"""The vectorised reader of the matcher's CSV files reads what the csv module reads, and refuses in one line."""

import csv
import io
import os
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from laurel.assignment import csvfiles
from laurel.assignment.problem import Reason

COLUMNS = Reason("affinity_columns", "%(path)s line %(line)d: expected item,expert,score.")
ROOT = Path(__file__).resolve().parents[2]
SPACES = csvfiles.SPACES.decode("ascii")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def reference(text: str):
    """What the csv module and Python's float make of the same text (the reader this one replaced)."""
    rows = []
    for row in csv.reader(io.StringIO(text)):
        if not row or not "".join(row).strip(SPACES):
            continue
        item, expert, value = (cell.strip(SPACES) for cell in row)
        rows.append((item, expert, float(value)))
    return rows


def read(path):
    triples = csvfiles.read_triples(str(path), COLUMNS)
    items, experts = triples.item_names.texts(), triples.expert_names.texts()
    return [
        (items[item], experts[expert], value)
        for item, expert, value in zip(
            triples.items.tolist(), triples.experts.tolist(), triples.values.tolist(), strict=True
        )
    ]


names = st.text(alphabet=st.characters(codec="utf-8", exclude_characters=',"\r\n\0 \t'), min_size=1, max_size=12)
numbers = st.one_of(
    st.floats(0, 1e6, allow_nan=False).map(repr),
    st.integers(0, 10**18).map(str),
    st.decimals(0, 1000, places=6, allow_nan=False, allow_infinity=False).map(str),
    st.floats(0, 1, allow_nan=False).map(lambda value: f"{value:.17f}"),
    st.sampled_from(["1e-3", "2E+2", ".5", "7.", "+0.25", "0"]),
)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.tuples(names, names, numbers), min_size=1, max_size=60),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.integers(1, 200),
)
def test_reader_reads_what_the_csv_module_reads(tmp_path_factory, rows, newline, spaces, block):
    """Across block boundaries too (tiny blocks), with CRLF, spaces around fields and unicode names."""
    pad = " " if spaces else ""
    text = newline.join(f"{pad}{item},{pad}{expert}{pad},{value}{pad}" for item, expert, value in rows)
    path = tmp_path_factory.mktemp("csv") / "A.csv"
    path.write_bytes(text.encode("utf-8"))
    original = csvfiles.BLOCK_BYTES
    csvfiles.BLOCK_BYTES = block
    try:
        assert read(path) == reference(text)
    finally:
        csvfiles.BLOCK_BYTES = original


def test_reader_gives_names_codes_in_order_of_first_appearance(tmp_path):
    path = tmp_path / "A.csv"
    path.write_text("\ufeffb,y,0.5\n\na,x,0.25\r\nb,x,1\n,,\n", encoding="utf-8")
    triples = csvfiles.read_triples(str(path), COLUMNS)
    assert triples.item_names.texts() == ["b", "a"]
    assert triples.expert_names.texts() == ["y", "x"]
    assert triples.items.tolist() == [0, 1, 0]
    assert triples.experts.tolist() == [0, 1, 1]
    assert triples.values.tolist() == [0.5, 0.25, 1.0]
    assert triples.lines.tolist() == [1, 3, 4]


def test_reader_reads_quoted_fields_through_the_csv_module(tmp_path):
    path = tmp_path / "A.csv"
    path.write_text('"a, the first","x",0.5\n"b",x,"0.75"\n', encoding="utf-8")
    assert read(path) == [("a, the first", "x", 0.5), ("b", "x", 0.75)]


def test_reader_keeps_names_apart_when_their_hashes_collide(tmp_path, monkeypatch):
    """Every name hashes alike: the byte comparison sees it and the exact dictionary takes over."""
    monkeypatch.setattr(csvfiles, "_hash", lambda matrix: np.zeros(len(matrix), dtype=np.uint64))
    path = tmp_path / "A.csv"
    path.write_text("a,x,0.1\nb,y,0.2\na,y,0.3\n", encoding="utf-8")
    assert read(path) == [("a", "x", 0.1), ("b", "y", 0.2), ("a", "y", 0.3)]


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(tmp_path, affinity, conflicts=None, *extra, out=None):
    arguments = ["--affinity", write(tmp_path / "A.csv", affinity), "--k", "1", "--max-load", "1"]
    if conflicts is not None:
        arguments += ["--conflicts", write(tmp_path / "C.csv", conflicts)]
    arguments += ["--out", str(out or tmp_path / "O.csv"), *extra]
    call_command("assign_csv", *arguments)
    return (tmp_path / "O.csv").read_text(encoding="utf-8").splitlines()


def test_assign_csv_takes_conflicts_given_as_minus_one_point_zero_and_ignores_zero_rows(tmp_path):
    rows = run(tmp_path, "a,x,0.9\na,y,0.1\nb,x,0.8\nb,y,0.7\n", "a,x,-1.0\nb,y,0\n")
    assert rows == ["a,y", "b,x"]


def test_assign_csv_refuses_a_constraint_other_than_minus_one_zero_or_one(tmp_path):
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "a,x,0.9\n", "a,x,2\n")
    assert str(caught.value) == f"{tmp_path / 'C.csv'} line 1: the constraint must be -1, 0 or 1."


def test_assign_csv_refuses_a_file_that_is_not_utf8_in_one_line(tmp_path):
    (tmp_path / "A.csv").write_bytes(b"a,x,0.5\nb\xff,x,0.5\n")
    with pytest.raises(CommandError) as caught:
        call_command("assign_csv", "--affinity", str(tmp_path / "A.csv"), "--k", "1", "--max-load", "2",
                     "--out", str(tmp_path / "O.csv"))  # fmt: skip
    assert str(caught.value) == f"{tmp_path / 'A.csv'} is not UTF-8 text (line 2)."
    assert not (tmp_path / "O.csv").exists()


@pytest.mark.parametrize("quoted", [False, True])
def test_assign_csv_refuses_a_field_over_the_limit_in_one_line(tmp_path, quoted):
    name = "n" * 131_073
    field = f'"{name}"' if quoted else name
    with pytest.raises(CommandError) as caught:
        run(tmp_path, f"a,x,0.5\n{field},x,0.5\n")
    assert str(caught.value) == f"{tmp_path / 'A.csv'} line 2: a field is longer than 1000 characters."


def test_assign_csv_refuses_a_line_without_three_fields(tmp_path):
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "a,x,0.5\n\nb,x\n")
    assert str(caught.value) == f"{tmp_path / 'A.csv'} line 3: expected item,expert,score."


def test_assign_csv_refuses_out_in_a_missing_folder_before_reading(tmp_path):
    target = tmp_path / "missing" / "O.csv"
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "a,x,0.5\n", out=target)
    assert str(caught.value) == f"--out {target}: the folder {tmp_path / 'missing'} does not exist."


def test_assign_csv_refuses_out_naming_a_folder(tmp_path):
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "a,x,0.5\n", out=tmp_path)
    assert str(caught.value) == f"--out {tmp_path} is a folder; name a file."


def test_assign_csv_refuses_a_missing_affinity_file(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("assign_csv", "--affinity", str(tmp_path / "none.csv"), "--k", "1", "--max-load", "1",
                     "--out", str(tmp_path / "O.csv"))  # fmt: skip
    assert str(caught.value) == f"Cannot read {tmp_path / 'none.csv'}: No such file or directory."


def test_assign_csv_sparse_form_assigns_only_listed_pairs(tmp_path):
    # Zero-filled, b takes y (score 0) so that a keeps x; with --missing forbid, b may only take x.
    affinity = "a,x,0.9\nb,x,0.8\na,y,0.05\n"
    assert run(tmp_path, affinity) == ["a,x", "b,y"]
    assert run(tmp_path, affinity, None, "--missing", "forbid") == ["a,y", "b,x"]
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "a,x,0.9\nb,x,0.8\nc,y,0.5\nc,z,0.5\n", None, "--missing", "forbid")
    assert str(caught.value) == (
        "Items a, b need 2 reviews together, but the only experts free of conflicts with them can take 1."
    )


def diagonal(path: Path, size: int) -> None:
    """`size` items and `size` experts, one listed pair each: a sparse file whose dense matrix is size^2."""
    numbers = np.arange(size)
    path.write_text("".join(f"i{index},e{index},0.5\n" for index in numbers.tolist()), encoding="ascii")


def test_assign_csv_refuses_a_matrix_larger_than_memory_in_one_line(tmp_path):
    """Under an address-space limit of 1 GB, 30,000 x 30,000 (10 GB dense) is refused before it is allocated,
    and the sparse form of the same file is solved."""
    diagonal(tmp_path / "A.csv", 30_000)
    command = [sys.executable, str(ROOT / "manage.py"), "assign_csv", "--affinity", str(tmp_path / "A.csv"),
               "--k", "1", "--max-load", "1", "--out", str(tmp_path / "O.csv")]  # fmt: skip
    environment = {**os.environ, "LAUREL_DEBUG": "1"}

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    refused = subprocess.run(command, capture_output=True, text=True, env=environment, preexec_fn=limited)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "30000 个项目 × 30000 位专家约需 10299 MB 内存" in refused.stderr  # the default language
    assert len(refused.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "O.csv").exists()
    solved = subprocess.run([*command, "--missing", "forbid"], capture_output=True, text=True, env=environment,
                            preexec_fn=limited)  # fmt: skip
    assert solved.returncode == 0, solved.stderr
    assert len((tmp_path / "O.csv").read_text().splitlines()) == 30_000
