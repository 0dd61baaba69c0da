"""CSAT files: reading one month's results from .xlsx or .csv, and the
template to fill in.

``read_csat`` turns a file's bytes into rows or row problems, numbered as
Excel shows them (the header is row 1), without touching the database.
Messages come out in the active language.

The reading follows training.spreadsheets (the same encodings, size and zip
checks) but is written again here rather than imported: those helpers are
private, stop at the question bank's 2000 rows and turn every cell into text,
while a CSAT file needs the raw cells (Excel dates, numbers).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from training.sheet_columns import fold
from training.spreadsheets import RowProblem, UnreadableFile

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_UNZIPPED_XML_BYTES = 40 * 1024 * 1024
MAX_COUNT = 1_000_000  # ratings of one agent in one month; more is a typo
HEADER_SEARCH_ROWS = 5


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return f"{self.zh} {self.en}"


COLUMNS = [
    Column(
        "employee_number",
        "工号",
        "employee number",
        ("员工编号", "员工工号", "座席工号", "坐席工号", "employee no", "staff number"),
    ),
    Column("name", "姓名", "name", ("员工姓名", "座席姓名", "agent name")),
    Column("period", "周期", "period", ("月份", "统计周期", "统计月份", "month")),
    Column("rated", "评价数", "rated calls", ("评价量", "参评数", "参评量", "rated")),
    Column("satisfied", "满意数", "satisfied calls", ("满意量", "satisfied")),
]
REQUIRED = ("employee_number", "period", "rated", "satisfied")
HEADER_KEYS = {
    fold(alias): column.key
    for column in COLUMNS
    for alias in (column.zh, column.en, column.zh + column.en, *column.aliases)
} | {fold(column.en + column.zh): column.key for column in COLUMNS}
COUNT_LABELS = {
    "rated": gettext_lazy("Rated calls"),
    "satisfied": gettext_lazy("Satisfied calls"),
}


# Reading -------------------------------------------------------------------


@dataclass(frozen=True)
class CsatRow:
    row: int  # as Excel numbers it, the header being row 1
    employee_number: str
    rated: int
    satisfied: int


@dataclass
class CsatReading:
    period: date | None = None
    rows: list[CsatRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # Every row's employee number, bad rows too, so unknown people are
    # reported together with the other problems.
    employee_numbers: list[tuple[int, str]] = field(default_factory=list)


def read_csat(data: bytes, *, today: date | None = None) -> CsatReading:
    """One month's rows from an .xlsx or .csv file, or every problem in it.

    Raises UnreadableFile when the file is too large, is not a spreadsheet or
    has no usable header row.
    """
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(_("The file is larger than 5 MB. Split it into parts."))
    if data.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            _(
                "This is an old .xls workbook. In Excel choose Save As and pick "
                "Excel Workbook (.xlsx) or CSV, then import that file."
            )
        )
    else:
        rows = _csv_rows(data)
    return _read_table(rows, today or timezone.localdate())


def _not_a_spreadsheet() -> str:
    return _(
        "This file is not a spreadsheet we can read. Use an Excel workbook "
        "(.xlsx) or a CSV file saved from Excel."
    )


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_UNZIPPED_XML_BYTES:
            raise UnreadableFile(_("The workbook is too large to read."))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # styles openpyxl skips
            # Read-only streams the cells: a stray cell far down costs a loop.
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                sheet.reset_dimensions()  # some writers record wrong ones
                return _filled_rows(sheet.iter_rows(values_only=True))
            finally:
                book.close()
    except UnreadableFile:
        raise
    except Exception:
        # A damaged or foreign zip fails inside openpyxl in many ways; to the
        # manager they all mean the same thing.
        raise UnreadableFile(_not_a_spreadsheet()) from None


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(_not_a_spreadsheet())
    # Pictures, PDFs and the like decode as text now and then; control
    # characters give them away.
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise UnreadableFile(_not_a_spreadsheet())
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _filled_rows(reader)
    except csv.Error:
        raise UnreadableFile(_not_a_spreadsheet()) from None


def _filled_rows(rows) -> list[tuple[int, list]]:
    """Non-empty rows numbered as Excel shows them; stops just past the limit."""
    filled = []
    for number, values in enumerate(rows, start=1):
        values = [v.strip() if isinstance(v, str) else v for v in values]
        if any(v not in (None, "") for v in values):
            filled.append((number, values))
            if len(filled) > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
    return filled


def _find_header(rows: list[tuple[int, list]]) -> tuple[int, dict, list[str]]:
    """Which of the first rows names the columns (a title may sit above)."""
    best: dict = {}
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        ignored = []
        for index, value in enumerate(cells):
            text = _text(value)
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
        if len(columns) > len(best):
            best = columns
    missing = [c.header for c in COLUMNS if c.key in REQUIRED and c.key not in best]
    raise UnreadableFile(
        _(
            "The first row must name the columns. Missing: %(columns)s. "
            "Download the template to see the expected headers."
        )
        % {"columns": ", ".join(missing)}
    )


def _read_table(rows: list[tuple[int, list]], today: date) -> CsatReading:
    if not rows:
        raise UnreadableFile(_("The file is empty."))
    header_at, columns, ignored = _find_header(rows)
    data_rows = rows[header_at + 1 :]
    if len(data_rows) > MAX_ROWS:
        raise UnreadableFile(
            _("The file has more than %(limit)s rows: import it in parts.")
            % {"limit": MAX_ROWS}
        )
    reading = CsatReading(ignored_columns=ignored)
    parsed = []
    for number, cells in data_rows:
        named = {
            key: (cells[index] if index < len(cells) else None)
            for key, index in columns.items()
        }
        if all(named[key] in (None, "") for key in REQUIRED):
            continue  # a remark in the name column, say: nothing to import
        parsed.append(_parse_row(number, named, today))
    if not parsed:
        raise UnreadableFile(_("The file has no results under the header row."))
    reading.period = _file_period(parsed)
    _check_one_period(parsed, reading.period)
    _check_duplicates(parsed)
    for row in parsed:
        if row["number"]:
            reading.employee_numbers.append((row["row"], row["number"]))
        if row["reasons"]:
            reading.problems.append(RowProblem(row["row"], row["reasons"]))
        else:
            reading.rows.append(
                CsatRow(row["row"], row["number"], row["rated"], row["satisfied"])
            )
    return reading


def _parse_row(number: int, cells: dict, today: date) -> dict:
    reasons: list[str] = []
    employee_number = _text(cells["employee_number"])
    if not employee_number:
        reasons.append(_("The employee number is empty."))
    period = None
    raw_period = cells["period"]
    if raw_period in (None, ""):
        reasons.append(_("The period is empty."))
    else:
        period = parse_period(raw_period)
        if period is None:
            reasons.append(
                _("The period “%(period)s” is not a month: write it as 2026-10.")
                % {"period": _text(raw_period)}
            )
        elif period > today.replace(day=1):
            reasons.append(
                _("The month %(period)s has not started yet.")
                % {"period": f"{period:%Y-%m}"}
            )
            period = None
    counts = {}
    for key in ("rated", "satisfied"):
        counts[key], reason = _count(cells[key], COUNT_LABELS[key])
        if reason:
            reasons.append(reason)
    if None not in counts.values() and counts["satisfied"] > counts["rated"]:
        reasons.append(
            _("More satisfied calls (%(satisfied)s) than rated calls (%(rated)s).")
            % counts
        )
    return {
        "row": number,
        "number": employee_number,
        "period": period,
        "reasons": reasons,
        **counts,
    }


def _file_period(parsed: list[dict]) -> date | None:
    """The month most rows name (the first named wins a tie)."""
    periods = Counter(row["period"] for row in parsed if row["period"])
    return periods.most_common(1)[0][0] if periods else None


def _check_one_period(parsed: list[dict], period: date | None) -> None:
    # A re-import replaces a whole month, so a file holds exactly one month:
    # a stray row of another month would otherwise wipe or mix that month.
    for row in parsed:
        if row["period"] and row["period"] != period:
            row["reasons"].append(
                _(
                    "This row is for %(period)s but the file is for %(file_period)s: "
                    "import one month per file."
                )
                % {"period": f"{row['period']:%Y-%m}", "file_period": f"{period:%Y-%m}"}
            )


def _check_duplicates(parsed: list[dict]) -> None:
    rows_of: dict[str, list[int]] = {}
    for row in parsed:
        if row["number"]:
            rows_of.setdefault(row["number"].casefold(), []).append(row["row"])
    for row in parsed:
        same = rows_of.get(row["number"].casefold(), [])
        if len(same) > 1:
            others = "、".join(str(n) for n in same if n != row["row"])
            row["reasons"].append(
                _(
                    "Employee number %(number)s is also in row %(rows)s: "
                    "one row per person."
                )
                % {"number": row["number"], "rows": others}
            )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == time():
        value = value.date()
    return unicodedata.normalize("NFKC", str(value)).strip()


_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC_MONTH = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?"
    r"(?:\s*[-/.]?\s*\d{1,2}\s*日?)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
_COMPACT_MONTH = re.compile(r"(\d{4})(\d{2})")
# What Excel writes to CSV for a month-formatted date: Oct-26, Oct 2026.
_NAMED_MONTH = re.compile(r"([a-z]+)[\s\-/.,]*(\d{2}|\d{4})")


def parse_period(value) -> date | None:
    """The first day of the month a cell names, or None.

    Accepts 2026-10, 2026/10, 2026.10, 2026年10月, 202610, a full date in
    those forms, Oct-26 as Excel writes to CSV, and Excel date cells.
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        year, month = value.year, value.month
    else:
        text = _text(value).casefold()
        if match := _NUMERIC_MONTH.fullmatch(text) or _COMPACT_MONTH.fullmatch(text):
            year, month = int(match[1]), int(match[2])
        elif (match := _NAMED_MONTH.fullmatch(text)) and match[1] in _MONTH_NAMES:
            year, month = int(match[2]), _MONTH_NAMES[match[1]]
            year += 2000 if year < 100 else 0
        else:
            return None
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return date(year, month, 1)


def _count(value, label) -> tuple[int | None, str | None]:
    if value in (None, ""):
        return None, _("%(column)s is empty.") % {"column": label}
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = _text(value).replace(" ", "")
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", text):  # 1,234
            text = text.replace(",", "")
        if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
            number = int(text.split(".")[0])
    if number is None:
        return None, _("%(column)s “%(value)s” is not a whole number.") % {
            "column": label,
            "value": _text(value),
        }
    if number < 0:
        return None, _("%(column)s cannot be negative.") % {"column": label}
    if number > MAX_COUNT:
        return None, _("%(column)s is more than %(limit)s: check the number.") % {
            "column": label,
            "limit": MAX_COUNT,
        }
    return number, None
