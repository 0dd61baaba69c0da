"""CSAT files: from an .xlsx or .csv file's bytes to named cells, and the
template to fill in.

``read_sheet`` finds the header row (Chinese or English names, any order)
and returns each filled row's cells by column, numbered as Excel shows them
(the header is row 1); ``cell_text`` and ``parse_period`` read one cell.
The reading itself is uploads.spreadsheets, shared with the question bank; here
the cells stay as Excel gives them (dates, numbers) and a file may hold
10000 rows. What the rows must hold is checked in leaderboard.csat.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date, datetime, time

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from uploads.spreadsheets import Column, Table, read_table

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# A 5 MB .xlsx can inflate a hundredfold; 10000 rows of five cells stay far
# below this. Every member of the archive counts, pictures too.
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024

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


def read_sheet(data: bytes, *, file_name: str = "") -> Table:
    """The filled rows under the header, raw cells by column key.

    Raises UnreadableFile when the file is too large or too long, is not a
    spreadsheet, or has no header row naming the required columns.
    """
    return read_table(
        data,
        columns=COLUMNS,
        required=REQUIRED,
        cell_text=cell_text,
        max_bytes=MAX_FILE_BYTES,
        max_rows=MAX_ROWS,
        max_unzipped_bytes=MAX_UNZIPPED_BYTES,
        too_many_rows=_("The file has more than %(limit)s rows: import it in parts.")
        % {"limit": MAX_ROWS},
        file_name=file_name,
    )


def cell_text(value) -> str:
    """A cell as people read it: 1023.0 as 1023, full-width forms folded."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == time():
        value = value.date()
    return unicodedata.normalize("NFKC", str(value)).strip()


_MONTHS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_NUMERIC_MONTH = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?"
    r"(?:\s*[-/.]?\s*\d{1,2}\s*日?)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
_COMPACT_MONTH = re.compile(r"(\d{4})(\d{2})")
# What Excel writes to CSV for a month-formatted date: Oct-26, Oct 2026.
_NAMED_MONTH = re.compile(r"([a-z]{3})[a-z]*[\s\-/.,]*(\d{2}|\d{4})")


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
        text = cell_text(value).casefold()
        if match := _NUMERIC_MONTH.fullmatch(text) or _COMPACT_MONTH.fullmatch(text):
            year, month = int(match[1]), int(match[2])
        elif (match := _NAMED_MONTH.fullmatch(text)) and match[1] in _MONTHS:
            year, month = int(match[2]), _MONTHS.index(match[1]) + 1
            year += 2000 if year < 100 else 0
        else:
            return None
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return date(year, month, 1)


# The template ----------------------------------------------------------------

# "/" is not allowed in a sheet name, so the two languages sit side by side.
RESULTS_SHEET = "满意度 CSAT"
INSTRUCTIONS_SHEET = "说明 Instructions"
HEADER_FILL = PatternFill("solid", fgColor="E3F1F0")
WIDTHS = {"employee_number": 18, "name": 14, "period": 12}


def _instructions(min_ratings: int, prior_weight: int) -> list[tuple[str, str, str]]:
    return [
        (
            "工号 employee number",
            "员工在系统里的工号，须是在职人员。每人一行。",
            "The person's employee number in ServiceStar; active staff only. "
            "One row per person.",
        ),
        ("姓名 name", "可不填，只便于核对，导入时不读取。", "Optional, not read."),
        (
            "周期 period",
            "统计月份，写成 2026-10（也可写 2026/10、2026年10月或日期）。"
            "一个文件只能有一个月份。",
            "The month, written 2026-10 (2026/10, 2026年10月 or a date work "
            "too). One month per file.",
        ),
        (
            "评价数 rated calls",
            "该月客户参与满意度评价的通话数，非负整数。",
            "Calls the customer rated that month, a whole number, 0 or more.",
        ),
        (
            "满意数 satisfied calls",
            "其中评价为满意的通话数，不能大于评价数。",
            "Of those, the calls rated satisfied; at most the rated calls.",
        ),
        ("", "", ""),
        (
            "",
            "第 1 行是表头，中文或英文列名都可以，列的顺序不限。只读取第一个工作表。",
            "Row 1 holds the column names, in Chinese or English, in any order. "
            "Only the first sheet is read.",
        ),
        (
            "",
            "只要有一行有误，整个文件都不会导入。请按提示的行号改正后重新导入。",
            "If any row has a problem, nothing is imported: fix the rows "
            "listed and import again.",
        ),
        (
            "",
            "再次导入同一月份会替换该月之前导入的满意度积分，不会重复计分。",
            "Importing a month again replaces that month's earlier CSAT points; "
            "they never add up twice.",
        ),
        (
            "",
            f"评价数少于 {min_ratings} 的员工当月没有满意度积分。其余员工的满意率"
            f"按评价数向全中心平均值校正（相当于加上 {prior_weight} 个按平均满意率"
            "计的评价），校正后每超过 80% 一个百分点得一个积分单位。",
            f"People with fewer than {min_ratings} rated calls get no CSAT points "
            "that month. Everyone else's rate is pulled toward the center "
            f"average (as if {prior_weight} ratings at the average were added); "
            "each percentage point of the adjusted rate above 80% is one unit.",
        ),
        (
            "",
            f"每个文件最多 {MAX_ROWS} 行、5 MB。也可以另存为 CSV（UTF-8 或 GB18030 "
            "编码）导入。",
            f"Up to {MAX_ROWS} rows and 5 MB per file. A CSV file (UTF-8 or "
            "GB18030) imports too.",
        ),
    ]


EXAMPLE = [
    ("示例 Example", "", "", "", ""),
    tuple(column.header for column in COLUMNS),
    ("10023", "李晓婷", "2026-10", 186, 171),
    ("10024", "王佳怡", "2026-10", 12, 12),
]


def template_workbook(*, min_ratings: int, prior_weight: int) -> bytes:
    """An empty results sheet and the instructions, in Chinese and English."""
    book = Workbook()
    sheet = book.active
    sheet.title = RESULTS_SHEET
    sheet.append([column.header for column in COLUMNS])
    _style_header(sheet[1])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDTHS.get(column.key, 16)
        if column.key in ("employee_number", "period"):
            # Text cells keep an employee number's leading zeros and stop
            # Excel from turning 2026-10 into a date.
            sheet.column_dimensions[letter].number_format = "@"
        if column.key in ("rated", "satisfied"):
            check = DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1="0",
                error="请填写非负整数。Enter a whole number, 0 or more.",
                showErrorMessage=True,
            )
            check.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"

    notes = book.create_sheet(INSTRUCTIONS_SHEET)
    notes.append(["列 Column", "说明", "Explanation"])
    _style_header(notes[1])
    for line in _instructions(min_ratings, prior_weight):
        notes.append(line)
    for letter, width in zip("ABC", (22, 60, 70), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes.append([])
    first_example = notes.max_row + 1
    for line in EXAMPLE:
        notes.append(list(line))
    notes.cell(row=first_example, column=1).font = Font(bold=True)
    _style_header(notes[first_example + 1])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _style_header(cells) -> None:
    for cell in cells:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
