"""Laurel's credentials validate against 1EdTech's Open Badges 3.0 JSON schema (bundled, see schemas/README.md)."""

import copy
import datetime
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator, FormatChecker

from laurel.certificates import services

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential_schema.json").read_text())
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
FORMATS = FormatChecker()


@FORMATS.checks("date-time")
def _date_time(value) -> bool:  # jsonschema skips date-time without an optional package: check it here
    if not isinstance(value, str):
        return True
    return bool(RFC3339.match(value)) and bool(datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00")))


def _errors(credential) -> list[str]:
    validator = Draft201909Validator(SCHEMA, format_checker=FORMATS)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(credential)
    ]


def test_schema_is_the_vc_2_0_open_badges_schema():
    Draft201909Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"].endswith("ob_v3p0_achievementcredential_schema.json")
    assert "validFrom" in SCHEMA["required"]


def test_issued_credential_validates(certificate):
    assert _errors(certificate.credential) == []


def test_credential_with_english_texts_and_end_date_validates(template, honoree, staff):
    certificate = services.issue_one(
        template=template,
        recipient=honoree,
        title="宣讲团成员",
        title_en="Member of the Lecture Group",
        citation_en="For talks in 12 counties.",
        batch_key="宣讲团-2026",
        valid_until=datetime.date(2028, 12, 31),
        actor=staff,
    )
    assert _errors(certificate.credential) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [(("validFrom",), None), (("validFrom",), "2026-05-30"), (("credentialSubject", "achievement", "criteria"), None)],
)
def test_schema_catches_what_a_broken_credential_lacks(certificate, path, value):
    broken = copy.deepcopy(certificate.credential)
    parent = broken
    for key in path[:-1]:
        parent = parent[key]
    if value is None:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    assert _errors(broken) != []
