"""Reading uploaded spreadsheets: .xlsx workbooks and CSV files as Excel saves them.

``read_table`` takes a file's bytes and the caller's columns and limits, finds
the header row (Chinese or English names, any order, a title row may sit
above) and returns each filled row's raw cells by column key, numbered as
Excel shows them (the header is row 1). What the cells mean, and whether they
become text, is the caller's: the question bank (training.spreadsheets) reads
every cell as text, the CSAT import (leaderboard.csat_sheets) keeps Excel's
dates and numbers. Nothing here needs a request or the database; messages
come out in the active language.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook

# How many filled rows may stand above the header (a title, a note).
HEADER_SEARCH_ROWS = 5
# Characters no spreadsheet's text holds. GB18030 decodes almost any bytes, so
# a picture or a PDF can come out as "text"; one of these gives it away.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NUL = re.compile("\x00")  # the question bank checks for NUL alone
PICTURES_FOLDER = "xl/media/"


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why, for people."""


@dataclass
class RowProblem:
    row: int
    reasons: list[str]


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return f"{self.zh} {self.en}"


def fold(text: str) -> str:
    """Compare words loosely: width, case, spaces and light punctuation ignored."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s_\-/()（）:：.·]+", "", text)


def header_keys(columns: Sequence[Column]) -> dict[str, str]:
    """Every folded way a header may name a column, to the column's key."""
    return {
        fold(alias): column.key
        for column in columns
        for alias in (column.zh, column.en, column.zh + column.en, *column.aliases)
    } | {fold(column.en + column.zh): column.key for column in columns}


@dataclass
class Table:
    # (Excel row number, {column key: raw cell value or None}) for each filled
    # row under the header. Strings are stripped; other cells are as openpyxl
    # gives them (numbers, dates, booleans).
    rows: list[tuple[int, dict]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # Pictures floating over the first sheet, by the row of their top edge
    # (only when the caller asks for them).
    pictures: dict[int, list[bytes]] = field(default_factory=dict)


def read_table(
    data: bytes,
    *,
    columns: Sequence[Column],
    required: Sequence[str],
    cell_text: Callable[[object], str],
    max_bytes: int,
    max_rows: int,
    max_unzipped_bytes: int,
    too_many_rows: str,
    pictures: bool = False,
    not_text: re.Pattern[str] = CONTROL_CHARACTERS,
    missing_in_first_row: bool = False,
) -> Table:
    """The filled rows under the header of an .xlsx or .csv file.

    ``cell_text`` reads a header cell as text; ``too_many_rows`` is the message
    for more than ``max_rows`` rows under the header. The last three say where
    the two imports differ. With ``pictures`` the pictures are read too and
    are not counted in ``max_unzipped_bytes`` (they do not compress); without,
    they count like the rest. A CSV file in which ``not_text`` finds a
    character is not a spreadsheet. When no row names the required columns,
    the missing ones are those of the row that came closest or, with
    ``missing_in_first_row``, of the first filled row.

    Raises UnreadableFile when the file is too large or too long, is not a
    spreadsheet, or has no header row naming the required columns.
    """
    if len(data) > max_bytes:
        # Both callers allow 5 MB; the message says so.
        raise UnreadableFile(_("The file is larger than 5 MB. Split it into parts."))
    # Enough rows to find the header and to say the file is too long.
    stop_after = max_rows + HEADER_SEARCH_ROWS
    if data.startswith(b"PK\x03\x04"):
        rows, found_pictures = _xlsx_rows(
            data,
            stop_after=stop_after,
            max_unzipped_bytes=max_unzipped_bytes,
            pictures=pictures,
        )
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            _(
                "This is an old .xls workbook. In Excel choose Save As and pick "
                "Excel Workbook (.xlsx) or CSV, then import that file."
            )
        )
    else:
        rows = _csv_rows(data, stop_after=stop_after, not_text=not_text)
        found_pictures = {}
    if not rows:
        raise UnreadableFile(_("The file is empty."))
    header_at, positions, ignored = _find_header(
        rows,
        columns=columns,
        required=required,
        cell_text=cell_text,
        missing_in_first_row=missing_in_first_row,
    )
    below = rows[header_at + 1 :]
    if len(below) > max_rows:
        raise UnreadableFile(too_many_rows)
    table = Table(ignored_columns=ignored, pictures=found_pictures)
    for number, cells in below:
        named = {
            key: cells[index] if index < len(cells) else None
            for key, index in positions.items()
        }
        table.rows.append((number, named))
    return table


# Reading the two file types -------------------------------------------------


def _xlsx_rows(
    data: bytes, *, stop_after: int, max_unzipped_bytes: int, pictures: bool
) -> tuple[list[tuple[int, list]], dict[int, list[bytes]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
        in_pictures = [info.filename.startswith(PICTURES_FOLDER) for info in members]
        unzipped = sum(
            info.file_size
            for info, is_picture in zip(members, in_pictures, strict=True)
            if not (pictures and is_picture)
        )
        if unzipped > max_unzipped_bytes:
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
                rows = _filled_rows(sheet.iter_rows(values_only=True), stop_after)
            finally:
                book.close()
            found = _pictures_by_row(data) if pictures and any(in_pictures) else {}
    except UnreadableFile:
        raise
    except Exception:
        # A damaged or foreign zip (a .docx, say) fails inside openpyxl in many
        # ways; to the person uploading they all mean the same thing.
        raise UnreadableFile(_not_a_spreadsheet()) from None
    return rows, found


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


def _csv_rows(
    data: bytes, *, stop_after: int, not_text: re.Pattern[str]
) -> list[tuple[int, list]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(_not_a_spreadsheet())
    if not_text.search(text):
        raise UnreadableFile(_not_a_spreadsheet())
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _filled_rows(reader, stop_after)
    except csv.Error:
        raise UnreadableFile(_not_a_spreadsheet()) from None


def _filled_rows(rows: Iterable, stop_after: int) -> list[tuple[int, list]]:
    """The non-empty rows, numbered as Excel shows them (from 1), texts stripped.

    Stops after ``stop_after`` filled rows: a stray cell far down costs a loop.
    """
    filled = []
    for number, values in enumerate(rows, start=1):
        values = [v.strip() if isinstance(v, str) else v for v in values]
        if any(v not in (None, "") for v in values):
            filled.append((number, values))
            if len(filled) > stop_after:
                break
    return filled


def _not_a_spreadsheet() -> str:
    return _(
        "This file is not a spreadsheet we can read. Use an Excel workbook "
        "(.xlsx) or a CSV file saved from Excel."
    )


# Finding the header ---------------------------------------------------------


def _find_header(
    rows: list[tuple[int, list]],
    *,
    columns: Sequence[Column],
    required: Sequence[str],
    cell_text: Callable[[object], str],
    missing_in_first_row: bool,
) -> tuple[int, dict[str, int], list[str]]:
    """Which of the first rows names the columns (a title row may sit above)."""
    keys = header_keys(columns)
    named_by_row: list[dict[str, int]] = []
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        positions: dict[str, int] = {}
        ignored = []
        for index, value in enumerate(cells):
            text = cell_text(value)
            key = keys.get(fold(text))
            if key is None:
                if text:
                    ignored.append(text)
            elif key in positions:
                raise UnreadableFile(
                    _("Two columns are both named “%(name)s”.") % {"name": text}
                )
            else:
                positions[key] = index
        if all(key in positions for key in required):
            return position, positions, ignored
        named_by_row.append(positions)
    # max() keeps the earliest of the rows that came equally close.
    best = named_by_row[0] if missing_in_first_row else max(named_by_row, key=len)
    missing = [c.header for c in columns if c.key in required and c.key not in best]
    raise UnreadableFile(
        _(
            "The first row must name the columns. Missing: %(columns)s. "
            "Download the template to see the expected headers."
        )
        % {"columns": ", ".join(missing)}
    )
