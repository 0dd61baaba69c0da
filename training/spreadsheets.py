"""Reading question sheets: .xlsx workbooks and CSV files as Excel saves them.

Nothing here needs a request or the database: ``read_questions`` takes the
file's bytes and returns either questions ready to save or every problem, by
the row number Excel shows (the header is row 1). What each column means is
training.sheet_columns. Messages come out in the active language.
"""

from __future__ import annotations

import csv
import datetime
import io
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from training.sheet_columns import (
    COLUMNS,
    HEADER_KEYS,
    REQUIRED,
    QuestionRow,
    fold,
    parse_row,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_QUESTIONS = 2000
# A 5 MB .xlsx can inflate a hundredfold; the sheet XML of 2000 long questions
# stays far below this (pictures are counted apart: they do not compress).
MAX_UNZIPPED_XML_BYTES = 40 * 1024 * 1024
HEADER_SEARCH_ROWS = 5


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why, for people."""


@dataclass
class RowProblem:
    row: int
    reasons: list[str]


@dataclass
class Reading:
    questions: list[QuestionRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def read_questions(data: bytes) -> Reading:
    """Every question in an .xlsx or .csv file, or every problem in it.

    Raises UnreadableFile when the file is too large, is not a spreadsheet, or
    has no usable header row.
    """
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(_("The file is larger than 5 MB. Split it into parts."))
    if data.startswith(b"PK\x03\x04"):
        rows, pictures = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            _(
                "This is an old .xls workbook. In Excel choose Save As and pick "
                "Excel Workbook (.xlsx) or CSV, then import that file."
            )
        )
    else:
        rows, pictures = _csv_rows(data), {}
    return _read_table(rows, pictures)


# Reading the two file types -------------------------------------------------


def _xlsx_rows(data: bytes) -> tuple[list[tuple[int, list[str]]], dict]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(
                info.file_size
                for info in archive.infolist()
                if not info.filename.startswith("xl/media/")
            )
            has_pictures = any(
                name.startswith("xl/media/") for name in archive.namelist()
            )
        if unzipped > MAX_UNZIPPED_XML_BYTES:
            raise UnreadableFile(_("The workbook is too large to read."))
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it skips (styles, extensions).
            warnings.simplefilter("ignore")
            # Read-only mode streams the cells, so a stray cell a million rows
            # down costs a loop, not a million rows in memory.
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                sheet.reset_dimensions()  # some writers record wrong ones
                rows = _filled_rows(sheet.iter_rows(values_only=True))
            finally:
                book.close()
            pictures = _pictures_by_row(data) if has_pictures else {}
    except UnreadableFile:
        raise
    except Exception:
        # A damaged or foreign zip fails inside openpyxl in many different ways;
        # to the trainer they all mean the same thing.
        raise UnreadableFile(_not_a_spreadsheet()) from None
    return rows, pictures


def _pictures_by_row(data: bytes) -> dict[int, list[bytes]]:
    """The pictures floating over the first sheet, by the row of their top edge."""
    book = load_workbook(io.BytesIO(data), data_only=True)
    pictures: dict[int, list[bytes]] = {}
    for picture in book.worksheets[0]._images:
        start = getattr(picture.anchor, "_from", None)
        if start is None:  # anchored to the page, not to a cell
            continue
        picture.ref.seek(0)
        pictures.setdefault(start.row + 1, []).append(picture.ref.read())
    return pictures


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    if b"\x00" in data:
        raise UnreadableFile(_not_a_spreadsheet())
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(_not_a_spreadsheet())
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _filled_rows(reader)
    except csv.Error:
        raise UnreadableFile(_not_a_spreadsheet()) from None


def _filled_rows(rows: Iterable) -> list[tuple[int, list[str]]]:
    """The non-empty rows as texts, numbered as Excel shows them (from 1).

    Stops a few rows past the limit: enough to say the file is too long.
    """
    filled = []
    for number, values in enumerate(rows, start=1):
        cells = [_cell_text(value) for value in values]
        if any(cells):
            filled.append((number, cells))
            if len(filled) > MAX_QUESTIONS + HEADER_SEARCH_ROWS:
                break
    return filled


def _not_a_spreadsheet() -> str:
    return _(
        "This file is not a spreadsheet we can read. Use an Excel workbook "
        "(.xlsx) or a CSV file saved from Excel."
    )


# From rows of cells to questions --------------------------------------------


def _read_table(
    texts: list[tuple[int, list[str]]], pictures: dict[int, list[bytes]]
) -> Reading:
    if not texts:
        raise UnreadableFile(_("The file is empty."))
    header_at, columns, ignored = _find_header(texts)
    reading = Reading(ignored_columns=ignored)
    data_rows = texts[header_at + 1 :]
    if len(data_rows) > MAX_QUESTIONS:
        raise UnreadableFile(
            _("The file has more than %(limit)s questions: import it in parts.")
            % {"limit": MAX_QUESTIONS}
        )
    if not data_rows:
        raise UnreadableFile(_("The file has no questions under the header row."))
    numbers = {number for number, _cells in data_rows}
    for number in sorted(set(pictures) - numbers):
        reading.problems.append(
            RowProblem(number, [_("This row has a picture but no question.")])
        )
    for number, cells in data_rows:
        named = {
            key: (cells[index] if index < len(cells) else "")
            for key, index in columns.items()
        }
        question, reasons = parse_row(number, named, pictures.get(number, []))
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


def _find_header(texts: list[tuple[int, list[str]]]) -> tuple[int, dict, list[str]]:
    """Which of the first rows names the columns (a title row may sit above)."""
    best: tuple[int, dict, list[str]] | None = None
    for position, (_number, cells) in enumerate(texts[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        ignored = []
        for index, text in enumerate(cells):
            key = HEADER_KEYS.get(fold(text))
            if key is None:
                if text:
                    ignored.append(text)
            elif key in columns:
                raise UnreadableFile(
                    _("Two columns are both named “%(name)s”.") % {"name": text}
                )
            else:
                columns[key] = index
        if all(key in columns for key in REQUIRED):
            return position, columns, ignored
        if best is None:
            best = (position, columns, ignored)
    missing = [c.header for c in COLUMNS if c.key in REQUIRED and c.key not in best[1]]
    raise UnreadableFile(
        _(
            "The first row must name the columns. Missing: %(columns)s. "
            "Download the template to see the expected headers."
        )
        % {"columns": ", ".join(missing)}
    )
