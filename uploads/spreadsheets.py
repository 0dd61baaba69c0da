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

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.xml.constants import ARC_CONTENT_TYPES, IMAGE_NS, SHARED_STRINGS
from openpyxl.xml.functions import fromstring

# How many filled rows may stand above the header (a title, a note).
HEADER_SEARCH_ROWS = 5
# Characters no spreadsheet's text holds. GB18030 decodes almost any bytes, so
# a picture or a PDF can come out as "text"; one of these gives it away.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NUL = re.compile("\x00")  # the question bank checks for NUL alone
PICTURES_FOLDER = "xl/media/"
# Members of a workbook are inflated this much at a time, never whole.
READ_PIECE_BYTES = 64 * 1024
# More than any sheet the imports take holds (2000 questions of 14 texts,
# 10000 CSAT rows of 5 cells); each costs openpyxl ~60 bytes besides its text.
MAX_SHARED_STRINGS = 100_000
STRING_ELEMENT = re.compile(rb"<(?:\w{1,16}:)?si[\s/>]")
STRING_ELEMENT_LONGEST = 21
# What a spreadsheet's file is called: Excel's workbooks, and the text files
# Excel saves (CSV, or tab-separated text).
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")
# How other documents saved as text begin (PDF, HTML or XML, JSON, RTF): read
# as CSV, they would be reported as a sheet missing its columns.
DOCUMENT_START = re.compile(r"\s*(%PDF|<|\{|\[)")


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
    max_picture_bytes: int | None = None,
    not_text: re.Pattern[str] = CONTROL_CHARACTERS,
    missing_in_first_row: bool = False,
    file_name: str = "",
) -> Table:
    """The filled rows under the header of an .xlsx or .csv file.

    ``cell_text`` reads a header cell as text; ``too_many_rows`` is the message
    for more than ``max_rows`` rows under the header. The last three say where
    the two imports differ. Every member of an .xlsx archive, pictures too,
    counts in ``max_unzipped_bytes``; with ``max_picture_bytes`` the pictures
    are read too, each at most that large. A CSV file in which ``not_text`` finds a
    character is not a spreadsheet. When no row names the required columns,
    the missing ones are those of the row that came closest or, with
    ``missing_in_first_row``, of the first filled row. A ``file_name`` not
    named as a spreadsheet is refused before its contents are read.

    Raises UnreadableFile when the file is too large or too long, is not a
    spreadsheet, or has no header row naming the required columns.
    """
    if len(data) > max_bytes:
        # Both callers allow 5 MB; the message says so.
        raise UnreadableFile(_("The file is larger than 5 MB. Split it into parts."))
    if file_name and not file_name.lower().endswith(SPREADSHEET_SUFFIXES):
        raise UnreadableFile(
            _(
                "“%(name)s” is not an Excel or CSV file. Import an Excel workbook "
                "(.xlsx) or a CSV file saved from Excel."
            )
            % {"name": file_name}
        )
    # Enough rows to find the header and to say the file is too long.
    stop_after = max_rows + HEADER_SEARCH_ROWS
    if data.startswith(b"PK\x03\x04"):
        rows, found_pictures = _xlsx_rows(
            data,
            stop_after=stop_after,
            max_unzipped_bytes=max_unzipped_bytes,
            max_picture_bytes=max_picture_bytes,
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
    try:
        header_at, positions, ignored = _find_header(
            rows,
            columns=columns,
            required=required,
            cell_text=cell_text,
            missing_in_first_row=missing_in_first_row,
        )
    except UnreadableFile:
        workbook = data.startswith(b"PK\x03\x04")
        if not workbook and _is_prose(rows, columns, cell_text):
            raise UnreadableFile(_not_a_spreadsheet()) from None
        raise
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
    data: bytes,
    *,
    stop_after: int,
    max_unzipped_bytes: int,
    max_picture_bytes: int | None,
) -> tuple[list[tuple[int, list]], dict[int, list[bytes]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(
                archive,
                max_unzipped_bytes=max_unzipped_bytes,
                max_picture_bytes=max_picture_bytes,
            )
            with warnings.catch_warnings():
                # openpyxl warns about Excel features it skips (styles, extensions).
                warnings.simplefilter("ignore")
                # Read-only mode streams the cells, so a stray cell a million
                # rows down costs a loop, not a million rows in memory.
                book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
                try:
                    sheet = book.worksheets[0]
                    sheet.reset_dimensions()  # some writers record wrong ones
                    rows = _filled_rows(sheet.iter_rows(values_only=True), stop_after)
                    found = (
                        {}
                        if max_picture_bytes is None
                        else _pictures_by_row(
                            archive, sheet._worksheet_path, max_picture_bytes
                        )
                    )
                finally:
                    book.close()
    except UnreadableFile:
        raise
    except Exception:
        # A damaged or foreign zip (a .docx, say) fails inside openpyxl in many
        # ways; to the person uploading they all mean the same thing.
        raise UnreadableFile(_not_a_spreadsheet()) from None
    return rows, found


def _check_archive(
    archive: zipfile.ZipFile, *, max_unzipped_bytes: int, max_picture_bytes: int | None
) -> None:
    """Refuse a zip bomb before anything inflates it.

    Every member counts, pictures too: their declared sizes first, then each
    member is inflated a piece at a time and refused the moment it gives more
    than it declared (headers can lie, and a whole-member read would inflate
    all of it at once). What openpyxl reads afterwards is what was counted.
    """
    members = archive.infolist()
    if max_picture_bytes is not None:
        for info in members:
            if info.filename.startswith(PICTURES_FOLDER):
                _check_picture_size(info.file_size, max_picture_bytes)
    if sum(info.file_size for info in members) > max_unzipped_bytes:
        raise UnreadableFile(_("The workbook is too large to read."))
    strings_path = _shared_strings_path(archive)
    for info in members:
        pieces = _pieces(archive, info, limit=info.file_size)
        if info.filename == strings_path:
            # Each shared string costs openpyxl a Python object: a few MB of
            # one-letter strings would take hundreds of MB and minutes.
            if _count_strings(pieces) > MAX_SHARED_STRINGS:
                raise UnreadableFile(_("The workbook is too large to read."))
        else:
            for _piece in pieces:
                pass


def _shared_strings_path(archive: zipfile.ZipFile) -> str | None:
    """The part openpyxl reads the workbook's shared strings from, if any."""
    info = archive.getinfo(ARC_CONTENT_TYPES)
    types = b"".join(_pieces(archive, info, limit=info.file_size))
    part = Manifest.from_tree(fromstring(types)).find(SHARED_STRINGS)
    return part.PartName[1:] if part is not None else None


def _count_strings(pieces) -> int:
    """How many ``<si>`` elements the pieces hold, however they were cut."""
    count, tail = 0, b""
    for piece in pieces:
        text = tail + piece
        # A match ending inside the tail was counted with the piece before.
        count += sum(1 for m in STRING_ELEMENT.finditer(text) if m.end() > len(tail))
        tail = text[-STRING_ELEMENT_LONGEST:]
    return count


def _pieces(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, limit: int):
    """A member's bytes, a small piece at a time, refused past ``limit``."""
    produced = 0
    with archive.open(info) as member:
        while piece := member.read(READ_PIECE_BYTES):
            produced += len(piece)
            if produced > limit:
                raise UnreadableFile(_not_a_spreadsheet())
            yield piece
    if produced != info.file_size:
        raise UnreadableFile(_not_a_spreadsheet())


def _check_picture_size(size: int, limit: int) -> None:
    if size > limit:
        raise UnreadableFile(
            _("A picture in the file is larger than %(limit)s. Make it smaller.")
            % {"limit": filesizeformat(limit)}
        )


def _pictures_by_row(
    archive: zipfile.ZipFile, sheet_path: str, max_picture_bytes: int
) -> dict[int, list[bytes]]:
    """The pictures floating over a sheet, by the row of their top edge.

    Read from the sheet's drawings directly: a full openpyxl load would hold
    every cell in memory and decode every picture with every Pillow parser.
    """
    pictures: dict[int, list[bytes]] = {}
    names = set(archive.namelist())
    drawings = _related_by_id(archive, names, sheet_path, SpreadsheetDrawing._rel_type)
    for drawing_path in drawings.values():
        try:
            drawing = SpreadsheetDrawing.from_tree(
                fromstring(archive.read(drawing_path))
            )
        except TypeError:  # shapes openpyxl cannot read hold no pictures
            continue
        images = _related_by_id(archive, names, drawing_path, IMAGE_NS)
        for blip in drawing._blip_rels:
            start = getattr(blip.anchor, "_from", None)
            if start is None or blip.embed not in images:
                continue  # anchored to the page, or not a picture in the file
            info = archive.getinfo(images[blip.embed])
            _check_picture_size(info.file_size, max_picture_bytes)
            picture = b"".join(_pieces(archive, info, limit=max_picture_bytes))
            pictures.setdefault(start.row + 1, []).append(picture)
    return pictures


def _related_by_id(
    archive: zipfile.ZipFile, names: set[str], path: str, rel_type: str
) -> dict[str, str]:
    """The parts ``path`` refers to with relationships of ``rel_type``, by id."""
    rels_path = get_rels_path(path)
    if rels_path not in names:
        return {}
    return {
        rel.id: rel.target
        for rel in get_dependents(archive, rels_path).find(rel_type)
        if rel.target in names
    }


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
    if not_text.search(text) or DOCUMENT_START.match(text):
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


def _is_prose(
    rows: list[tuple[int, list]],
    columns: Sequence[Column],
    cell_text: Callable[[object], str],
) -> bool:
    """Whether the rows where a header should be are plain lines of text: one
    cell each and no column's name among them (a note or a letter, not a
    sheet missing some of its columns)."""
    keys = header_keys(columns)
    top = [cells for _number, cells in rows[:HEADER_SEARCH_ROWS]]
    return all(
        len([c for c in cells if c not in (None, "")]) <= 1 for cells in top
    ) and not any(fold(cell_text(value)) in keys for cells in top for value in cells)


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
