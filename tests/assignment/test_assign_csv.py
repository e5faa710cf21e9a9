import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from laurel.assignment.problem import Reason
from laurel.assignment.texts import TEMPLATES, translate_reason


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(tmp_path, affinity, conflicts=None, *extra):
    arguments = ["--affinity", write(tmp_path / "A.csv", affinity), "--k", "1", "--max-load", "1"]
    if conflicts is not None:
        arguments += ["--conflicts", write(tmp_path / "C.csv", conflicts)]
    arguments += ["--out", str(tmp_path / "O.csv"), *extra]
    call_command("assign_csv", *arguments)
    return (tmp_path / "O.csv").read_text(encoding="utf-8").splitlines()


def test_assign_csv_writes_pairs_and_honours_conflicts_and_forced(tmp_path, capsys):
    rows = run(tmp_path, "a,x,0.5\na,y,0.9\nb,x,0.7\nb,y,0.1\nc,z,0.3\n", "a,y,-1\nc,z,1\n")
    assert rows == ["a,x", "b,y", "c,z"]
    assert "Objective 0.900000 (min-cost-flow, exact)" in capsys.readouterr().out


def test_assign_csv_fair_mode(tmp_path, capsys):
    rows = run(tmp_path, "a,x,1.0\na,y,0.3\nb,x,0.2\nb,y,0\n", None, "--fair")
    assert rows == ["a,y", "b,x"]


@pytest.mark.parametrize(
    ("affinity", "conflicts", "message"),
    [
        ("a,x,0.5\na,x,0.6\n", None, "the pair a,x appears twice"),
        ("a,x,nan\n", None, "the score is not a finite number"),
        ("a,x,-0.2\n", None, "the score is negative"),
        ("a,x,high\n", None, "high is not a number"),
        ("a,x,0.5\nb,x,0.5\n", None, "The items need 2 reviews in total but the experts' maximum loads allow only 1."),
        ("a,x,0.5\na,y,0.5\n", "a,x,-1\na,x,-1\n", "the pair a,x appears twice"),
        ("a,x,0.5\na,y,0.5\n", "a,x,-1\na,y,-1\n", "fewer experts without a conflict than the reviews they need: a"),
        ("a,x,0.5\n", "a,q,-1\n", "is not in the affinity file"),
    ],
)
def test_assign_csv_refuses_bad_input_and_writes_nothing(tmp_path, affinity, conflicts, message):
    with pytest.raises(CommandError) as caught:
        run(tmp_path, affinity, conflicts)
    assert message in str(caught.value)
    assert not (tmp_path / "O.csv").exists()
    assert list(tmp_path.glob("*.part")) == []


def test_reasons_are_translated_to_chinese():
    reason = Reason("capacity_short", "x", {"demand": 8, "capacity": 6})
    with translation.override("zh-hans"):
        text = translate_reason(reason)
    assert "8" in text and "6" in text
    assert text != "The items need 8 reviews in total but the experts' maximum loads allow only 6."


def test_every_reason_code_in_the_engine_has_a_template():
    import re
    from pathlib import Path

    import laurel.assignment as package

    folder = Path(package.__file__).parent
    paths = [*folder.glob("*.py"), folder / "management" / "commands" / "assign_csv.py"]
    source = "".join(path.read_text(encoding="utf-8") for path in paths)
    codes = set(re.findall(r'(?:Reason|_problem|_line_reason)\(\s*"([a-z_0-9]+)"', source))
    assert codes <= set(TEMPLATES)
    assert {"file_not_utf8", "field_too_long", "out_is_folder", "matrix_too_big", "out_of_memory"} <= codes
