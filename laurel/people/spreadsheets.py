"""Import and export of units and sci-tech workers as XLSX or CSV, in the shape associations keep.

An import is read whole (within the bounds of `importfiles`) and checked row by row first; it is written only
when every row is right, in one transaction. Headers may be English keys or the Chinese column names of the
export.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laurel.core import exports
from laurel.core.services import log_action
from laurel.people.importfiles import Progress, SpreadsheetError, read_rows
from laurel.people.models import Organization, Person

XLSX_MAGIC = b"PK\x03\x04"

# key -> (Chinese header, English header)
UNIT_COLUMNS = {
    "name": ("单位名称", "Name"),
    "name_en": ("英文名称", "English name"),
    "kind": ("类型", "Type"),
    "region": ("地区", "Region"),
    "parent": ("上级单位", "Parent unit"),
}
PERSON_COLUMNS = {
    "code": ("编号", "Code"),
    "name": ("姓名", "Name"),
    "name_en": ("英文姓名", "English name"),
    "gender": ("性别", "Gender"),
    "date_of_birth": ("出生日期", "Date of birth"),
    "unit": ("单位", "Unit"),
    "position": ("职务", "Position"),
    "title": ("职称", "Professional title"),
    "field": ("领域", "Field"),
    "front_line": ("一线", "Front-line"),
    "email": ("电子邮箱", "Email"),
    "bio": ("简介", "Short bio"),
    # Last, so that sheets made before them keep their columns where they were.
    "position_en": ("英文职务", "English position"),
    "title_en": ("英文职称", "English professional title"),
}
KINDS = {"units": UNIT_COLUMNS, "persons": PERSON_COLUMNS}
KIND_LABELS = {"units": gettext_lazy("Units"), "persons": gettext_lazy("Sci-tech workers")}
REQUIRED = {"units": ("name", "kind"), "persons": ("name", "gender", "unit")}

YES = {"1", "yes", "y", "true", "是", "√"}
NO = {"", "0", "no", "n", "false", "否"}
GENDER_WORDS = {"female": "female", "f": "female", "女": "female", "male": "male", "m": "male", "男": "male"}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportPreview:
    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    creates: int = 0
    updates: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _header_map(kind: str, header: list[str]) -> dict[int, str]:
    columns = KINDS[kind]
    lookup = {}
    for key, (zh, en) in columns.items():
        for name in (key, zh, en):
            lookup[name.strip().lower()] = key
    mapping = {}
    for index, title in enumerate(header):
        key = lookup.get(title.strip().lower())
        if key:
            mapping[index] = key
    missing = [key for key in REQUIRED[kind] if key not in mapping.values()]
    if missing:
        names = ", ".join(f"{columns[key][0]} / {columns[key][1]}" for key in missing)
        raise SpreadsheetError(_("The first row must name the columns; missing: %(names)s.") % {"names": names})
    return mapping


def preview_import(kind: str, content: bytes, *, progress: Progress | None = None) -> ImportPreview:
    return check_table(kind, read_table(content, progress=progress))


def read_table(content: bytes, *, progress: Progress | None = None) -> list[list[str]]:
    """The rows of a file, within the reading limits. Laurel's CSV export marks text that would start a formula
    with an apostrophe, which is not part of the value (its XLSX export writes such text as text cells, unmarked)."""
    rows = read_rows(content, progress=progress)
    if content.startswith(XLSX_MAGIC):
        return rows
    return [[exports.unescape(cell) for cell in row] for row in rows]


def check_table(kind: str, table: list[list[str]]) -> ImportPreview:
    """Check the non-empty rows read from a file (the first names the columns) against the database."""
    if not table:
        raise SpreadsheetError(_("The file is empty."))
    mapping = _header_map(kind, table[0])
    records = []
    for number, row in enumerate(table[1:], start=2):
        record = {key: (row[index] if index < len(row) else "") for index, key in mapping.items()}
        record["row_number"] = number
        records.append(record)
    preview = ImportPreview(kind=kind)
    if kind == "units":
        _check_units(records, preview)
    else:
        _check_persons(records, preview)
    if not records:
        preview.errors.append(RowError(1, "", _("The file has a header but no rows.")))
    return preview


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _check_length(preview, record, key, model, field_name, column_title):
    value = record.get(key, "")
    limit = _max_length(model, field_name)
    if len(value) > limit:
        preview.errors.append(
            RowError(
                record["row_number"],
                column_title,
                _("%(value)s… is %(length)d characters; at most %(limit)d are allowed.")
                % {"value": value[:10], "length": len(value), "limit": limit},
            )
        )
        return False
    return True


def _kind_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in Organization.Kind.choices:
        lookup[value] = value
        lookup[str(label).lower()] = value
    from django.utils import translation

    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, label in Organization.Kind.choices:
                lookup[str(label).lower()] = value
    return lookup


def _check_units(records, preview):
    existing = {org.name: org for org in Organization.objects.all()}
    kinds = _kind_lookup()
    seen = {}
    for record in records:
        row = record["row_number"]
        name = record.get("name", "")
        column = UNIT_COLUMNS
        if not name:
            preview.errors.append(RowError(row, column["name"][0], _("The unit's name is missing.")))
            continue
        ok = _check_length(preview, record, "name", Organization, "name", column["name"][0])
        ok &= _check_length(preview, record, "name_en", Organization, "name_en", column["name_en"][0])
        ok &= _check_length(preview, record, "region", Organization, "region", column["region"][0])
        if name in seen:
            preview.errors.append(
                RowError(
                    row,
                    column["name"][0],
                    _("%(name)s also appears in row %(other)d.") % {"name": name, "other": seen[name]},
                )
            )
            ok = False
        seen[name] = row
        kind = kinds.get(record.get("kind", "").strip().lower())
        if kind is None:
            preview.errors.append(
                RowError(row, column["kind"][0], _("Unknown unit type %(value)s.") % {"value": record.get("kind", "")})
            )
            ok = False
        if ok:
            preview.rows.append(
                {
                    "row_number": row,
                    "name": name,
                    "name_en": record.get("name_en", ""),
                    "kind": kind,
                    "region": record.get("region", ""),
                    "parent": record.get("parent", ""),
                }
            )
            if name in existing:
                preview.updates += 1
            else:
                preview.creates += 1
    known = set(existing) | set(seen)
    for row in preview.rows:
        if row["parent"] and row["parent"] not in known:
            preview.errors.append(
                RowError(
                    row["row_number"],
                    UNIT_COLUMNS["parent"][0],
                    _("Unknown parent unit %(name)s.") % {"name": row["parent"]},
                )
            )
        if row["parent"] and row["parent"] == row["name"]:
            preview.errors.append(
                RowError(row["row_number"], UNIT_COLUMNS["parent"][0], _("A unit cannot be its own parent."))
            )


def _parse_date(value: str) -> datetime.date | None:
    value = value.strip().replace("/", "-").replace(".", "-")
    for pattern in ("%Y-%m-%d", "%Y-%m", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _check_persons(records, preview):
    units = {}
    for org in Organization.objects.only("pk", "name", "code"):
        units[org.name] = org.pk
        units[org.code] = org.pk
    existing_codes = set(Person.objects.values_list("code", flat=True))
    column = PERSON_COLUMNS
    seen_codes = {}
    today = datetime.date.today()
    for record in records:
        row = record["row_number"]
        ok = True
        for key, field_name in (
            ("name", "name"),
            ("name_en", "name_en"),
            ("position", "position"),
            ("title", "title"),
            ("position_en", "position_en"),
            ("title_en", "title_en"),
            ("field", "field"),
            ("email", "email"),
        ):
            ok &= _check_length(preview, record, key, Person, field_name, column[key][0])
        name = record.get("name", "")
        if not name:
            preview.errors.append(RowError(row, column["name"][0], _("The name is missing.")))
            ok = False
        gender = GENDER_WORDS.get(record.get("gender", "").strip().lower())
        if gender is None:
            preview.errors.append(
                RowError(
                    row,
                    column["gender"][0],
                    _("Gender must be 男/女 or male/female; got %(value)s.") % {"value": record.get("gender", "")},
                )
            )
            ok = False
        unit_id = units.get(record.get("unit", "").strip())
        if unit_id is None:
            preview.errors.append(
                RowError(
                    row,
                    column["unit"][0],
                    _("Unknown unit %(value)s: import it first.") % {"value": record.get("unit", "")},
                )
            )
            ok = False
        birth = None
        if record.get("date_of_birth"):
            birth = _parse_date(record["date_of_birth"])
            if birth is None or birth > today or birth.year < 1900:
                preview.errors.append(
                    RowError(
                        row,
                        column["date_of_birth"][0],
                        _("%(value)s is not a date of birth (use 1980-05-30).") % {"value": record["date_of_birth"]},
                    )
                )
                ok = False
        front_line_raw = record.get("front_line", "").strip().lower()
        if front_line_raw not in YES | NO:
            preview.errors.append(RowError(row, column["front_line"][0], _("Write 是 or 否 (yes or no).")))
            ok = False
        email = record.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                preview.errors.append(
                    RowError(row, column["email"][0], _("%(value)s is not an email address.") % {"value": email})
                )
                ok = False
        bio = record.get("bio", "")
        if len(bio) > 2000:
            preview.errors.append(RowError(row, column["bio"][0], _("The bio is over 2,000 characters.")))
            ok = False
        code = record.get("code", "").strip()
        if code:
            if code in seen_codes:
                preview.errors.append(
                    RowError(
                        row,
                        column["code"][0],
                        _("Code %(code)s also appears in row %(other)d.") % {"code": code, "other": seen_codes[code]},
                    )
                )
                ok = False
            elif code not in existing_codes:
                preview.errors.append(
                    RowError(row, column["code"][0], _("No sci-tech worker has code %(code)s.") % {"code": code})
                )
                ok = False
            seen_codes[code] = row
        if ok:
            # The English position and title are written only when the file has their columns: a sheet kept
            # from before they existed does not blank them.
            english = {key: record[key] for key in OPTIONAL_PERSON_FIELDS if key in record}
            preview.rows.append(
                {
                    **english,
                    "row_number": row,
                    "code": code,
                    "name": name,
                    "name_en": record.get("name_en", ""),
                    "gender": gender,
                    "date_of_birth": birth,
                    "organization_id": unit_id,
                    "position": record.get("position", ""),
                    "title": record.get("title", ""),
                    "field": record.get("field", ""),
                    "is_front_line": front_line_raw in YES,
                    "email": email,
                    "bio": bio,
                }
            )
            if code:
                preview.updates += 1
            else:
                preview.creates += 1


def apply_import(preview: ImportPreview, *, actor) -> dict[str, int]:
    """Write a checked import in one transaction. Nothing is written unless every row is right."""
    if not preview.ok:
        raise ValidationError(_("The file has errors; nothing was imported."))
    with transaction.atomic():
        if preview.kind == "units":
            result = _apply_units(preview.rows)
        else:
            result = _apply_persons(preview.rows)
        log_action(f"people.{preview.kind}.imported", actor=actor, data=result)
    return result


def _apply_units(rows):
    existing = {org.name: org for org in Organization.objects.all()}
    new, changed = [], []
    for row in rows:
        org = existing.get(row["name"])
        if org is None:
            org = Organization(name=row["name"], name_en=row["name_en"], kind=row["kind"], region=row["region"])
            new.append(org)
            existing[org.name] = org
        else:
            org.name_en, org.kind, org.region = row["name_en"], row["kind"], row["region"]
            changed.append(org)
    Organization.objects.bulk_create(new, batch_size=500)
    Organization.objects.bulk_update(changed, ["name_en", "kind", "region"], batch_size=500)
    by_name = {org.name: org for org in Organization.objects.all()}
    with_parent = []
    for row in rows:
        if row["parent"]:
            org = by_name[row["name"]]
            org.parent = by_name[row["parent"]]
            with_parent.append(org)
    Organization.objects.bulk_update(with_parent, ["parent"], batch_size=500)
    _check_no_cycles(by_name.values())
    return {"created": len(new), "updated": len(changed)}


def _check_no_cycles(organizations):
    parents = {org.pk: org.parent_id for org in organizations}
    for start in parents:
        seen, node = set(), start
        while node is not None:
            if node in seen:
                raise ValidationError(_("The parent units form a loop."))
            seen.add(node)
            node = parents.get(node)


PERSON_WRITE_FIELDS = [
    "name", "name_en", "gender", "date_of_birth", "organization_id", "position", "title", "field",
    "is_front_line", "email", "bio",
]  # fmt: skip


OPTIONAL_PERSON_FIELDS = ("position_en", "title_en")


def _apply_persons(rows):
    # Every row of one file has the same columns.
    fields = PERSON_WRITE_FIELDS + [key for key in OPTIONAL_PERSON_FIELDS if rows and key in rows[0]]
    updates = {row["code"]: row for row in rows if row["code"]}
    new = [Person(**{key: row[key] for key in fields}) for row in rows if not row["code"]]
    Person.objects.bulk_create(new, batch_size=1000)
    changed = []
    for person in Person.objects.filter(code__in=list(updates)):
        row = updates[person.code]
        for key in fields:
            setattr(person, key, row[key])
        changed.append(person)
    Person.objects.bulk_update(
        changed, [f.removesuffix("_id") if f == "organization_id" else f for f in fields], batch_size=1000
    )
    return {"created": len(new), "updated": len(changed)}


def export_rows(kind: str, language: str) -> tuple[list[str], list[list[Any]]]:
    index = 0 if language == "zh-hans" else 1
    columns = KINDS[kind]
    header = [titles[index] for titles in columns.values()]
    rows = []
    if kind == "units":
        for org in Organization.objects.select_related("parent").order_by("name"):
            rows.append(
                [org.name, org.name_en, org.get_kind_display(), org.region, org.parent.name if org.parent else ""]
            )
    else:
        yes, no = ("是", "否") if language == "zh-hans" else ("yes", "no")
        for person in Person.objects.select_related("organization").order_by("pk"):
            rows.append(
                [
                    person.code,
                    person.name,
                    person.name_en,
                    person.get_gender_display(),
                    person.date_of_birth.isoformat() if person.date_of_birth else "",
                    person.organization.name,
                    person.position,
                    person.title,
                    person.field,
                    yes if person.is_front_line else no,
                    person.email,
                    person.bio,
                    person.position_en,
                    person.title_en,
                ]  # fmt: skip
            )
    return header, rows


def export_xlsx(kind: str, language: str) -> bytes:
    from openpyxl import Workbook

    header, rows = export_rows(kind, language)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(KIND_LABELS[kind]))
    exports.append(sheet, header)
    for row in rows:
        exports.append(sheet, row)
    return exports.workbook_bytes(workbook)


def export_csv(kind: str, language: str) -> bytes:
    header, rows = export_rows(kind, language)
    return exports.csv_bytes([header, *rows])
