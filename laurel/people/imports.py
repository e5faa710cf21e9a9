"""What happens to an uploaded spreadsheet after the upload request: a background task reads and checks it
(with a progress bar on its page), staff read the preview and confirm, and a second task writes it, all rows or
none, in one transaction. Both tasks take the import's primary key and are safe to run again (a task requeued
after a worker died): a status claimed with a conditional update says what is left to do."""

from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from laurel.people import spreadsheets
from laurel.people.importfiles import MAX_BYTES, SpreadsheetError
from laurel.people.models import SpreadsheetImport

SHOWN_ERRORS = 200
SHOWN_ROWS = 20

Status = SpreadsheetImport.Status


def summary(preview: spreadsheets.ImportPreview, *, more_errors: list[str] = ()) -> dict:
    """What the preview page shows: counts, the first row errors, the first rows."""
    errors = [asdict(error) for error in preview.errors] + [
        {"row": "", "column": "", "message": message} for message in more_errors
    ]
    return {
        "rows": len(preview.rows),
        "creates": preview.creates,
        "updates": preview.updates,
        "error_count": len(errors),
        "errors": errors[:SHOWN_ERRORS],
        "sample": [
            {"row_number": row["row_number"], "name": row["name"], "name_en": row["name_en"]}
            for row in preview.rows[:SHOWN_ROWS]
        ],
    }


def _content(spreadsheet_import: SpreadsheetImport) -> bytes:
    with spreadsheet_import.file.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


def _progress(import_id: int):
    def report(done: int, total: int) -> None:
        SpreadsheetImport.objects.filter(pk=import_id).update(rows_done=done, rows_total=total)

    return report


def _fail(import_id: int, reason: str) -> None:
    SpreadsheetImport.objects.filter(pk=import_id).update(status=Status.FAILED, failure=reason)


def read_import(import_id: int) -> None:
    """Read and check the file; the import is then previewed, or failed with the reason in words."""
    claimed = SpreadsheetImport.objects.filter(pk=import_id, status__in=[Status.QUEUED, Status.READING]).update(
        status=Status.READING, rows_done=0, rows_total=0
    )
    if claimed != 1:
        return
    spreadsheet_import = SpreadsheetImport.objects.get(pk=import_id)
    with translation.override(spreadsheet_import.language):
        try:
            preview = spreadsheets.preview_import(
                spreadsheet_import.kind, _content(spreadsheet_import), progress=_progress(import_id)
            )
        except SpreadsheetError as error:
            _fail(import_id, str(error))
            return
        except Exception:
            _fail(import_id, _("The file could not be read; nothing was imported."))
            raise
        SpreadsheetImport.objects.filter(pk=import_id, status=Status.READING).update(
            status=Status.PREVIEWED, preview=summary(preview)
        )


class _Refused(Exception):
    """The rows are wrong now (the database changed since the preview): nothing is written."""

    def __init__(self, summary: dict):
        self.summary = summary


def write_import(import_id: int) -> None:
    """Write a confirmed import: the file is read again outside any transaction (the slow part), then checked
    against the database and written in one transaction. If the database changed since the preview so that
    a row is now wrong, nothing is written and the preview shows why."""
    spreadsheet_import = SpreadsheetImport.objects.get(pk=import_id)
    if spreadsheet_import.status != Status.APPLYING:
        return
    with translation.override(spreadsheet_import.language):
        try:
            table = spreadsheets.read_table(_content(spreadsheet_import), progress=_progress(import_id))
            _write(import_id, spreadsheet_import.kind, table)
        except SpreadsheetError as error:
            _fail(import_id, str(error))
        except _Refused as refused:
            SpreadsheetImport.objects.filter(pk=import_id, status=Status.APPLYING).update(
                status=Status.PREVIEWED, preview=refused.summary
            )
        except Exception:
            _fail(import_id, _("The import failed; nothing was imported."))
            raise


def _write(import_id: int, kind: str, table: list[list[str]]) -> None:
    with transaction.atomic():
        # The row lock makes a second run of this task (requeued while the first still ran) wait, then find
        # the import written.
        locked = SpreadsheetImport.objects.select_for_update().get(pk=import_id)
        if locked.status != Status.APPLYING:
            return
        preview = spreadsheets.check_table(kind, table)
        try:
            with transaction.atomic():
                result = spreadsheets.apply_import(preview, actor=locked.confirmed_by)
        except ValidationError as error:
            more = [] if preview.errors else error.messages
            raise _Refused(summary(preview, more_errors=more)) from None
        SpreadsheetImport.objects.filter(pk=import_id).update(status=Status.APPLIED, result=result)
