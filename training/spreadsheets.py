"""Reading question sheets: .xlsx workbooks and CSV files as Excel saves them.

Nothing here needs a request or the database: ``read_questions`` takes the
file's bytes and returns either questions ready to save or every problem, by
the row number Excel shows (the header is row 1). Reading the file is
uploads.spreadsheets; what each column means is training.sheet_columns. Messages
come out in the active language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from training.sheet_columns import COLUMNS, REQUIRED, QuestionRow, parse_row
from uploads.spreadsheets import NUL, RowProblem, UnreadableFile, read_table

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 2000
# A 5 MB .xlsx can inflate a hundredfold; the sheet XML of 2000 long questions
# and their pictures (which do not compress) stay far below this.
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024


@dataclass
class Reading:
    questions: list[QuestionRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def read_questions(data: bytes, *, file_name: str = "") -> Reading:
    """Every question in an .xlsx or .csv file, or every problem in it.

    Raises UnreadableFile when the file is too large, is not a spreadsheet, or
    has no usable header row.
    """
    table = read_table(
        data,
        columns=COLUMNS,
        required=REQUIRED,
        cell_text=_cell_text,
        max_bytes=MAX_FILE_BYTES,
        max_rows=MAX_QUESTIONS,
        max_unzipped_bytes=MAX_UNZIPPED_BYTES,
        too_many_rows=_(
            "The file has more than %(limit)s questions: import it in parts."
        )
        % {"limit": MAX_QUESTIONS},
        # Each is re-encoded later under the same limit as any uploaded image.
        max_picture_bytes=settings.AVATAR_MAX_BYTES,
        not_text=NUL,
        missing_in_first_row=True,
        file_name=file_name,
    )
    if not table.rows:
        raise UnreadableFile(_("The file has no questions under the header row."))
    reading = Reading(ignored_columns=table.ignored_columns)
    numbers = {number for number, _cells in table.rows}
    for number in sorted(set(table.pictures) - numbers):
        reading.problems.append(
            RowProblem(number, [_("This row has a picture but no question.")])
        )
    for number, cells in table.rows:
        texts = {key: _cell_text(value) for key, value in cells.items()}
        question, reasons = parse_row(number, texts, table.pictures.get(number, []))
        if reasons:
            reading.problems.append(RowProblem(number, reasons))
        else:
            reading.questions.append(question)
    reading.problems.sort(key=lambda problem: problem.row)
    return reading


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return str(value).strip()
