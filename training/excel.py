"""Writing question banks to .xlsx: the export, and the template to fill in.

Both use the columns of training.sheet_columns, so an exported bank imports
back unchanged. The instructions sheet is written in Chinese and English side
by side: a file travels between people who read either.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image

from training.models import Question, QuestionKind
from training.sheet_columns import (
    COLUMNS,
    KIND_LABELS,
    LANGUAGE_LABELS,
    question_cells,
)
from training.spreadsheets import MAX_QUESTIONS
from uploads.images import ALLOWED_FORMATS

logger = logging.getLogger("servicestar.training")

# "/" is not allowed in a sheet name, so the two languages sit side by side.
QUESTIONS_SHEET = "题目 Questions"
INSTRUCTIONS_SHEET = "说明 Instructions"
# Excel, LibreOffice and WPS treat text starting with these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PICTURE_PIXELS = 96
WIDTHS = {"category": 14, "kind": 10, "prompt": 46, "answer": 12}
WIDTHS.update({"explanation": 36, "language": 9, "image": 16})
OPTION_WIDTH = 20
HEADER_FILL = PatternFill("solid", fgColor="E3F1F0")

EXAMPLES = {
    "zh-hans": [
        {
            "category": "示例 业务知识",
            "kind": QuestionKind.SINGLE,
            "prompt": "客户来电办理业务，座席首先应当做什么？",
            "options": ["核实客户身份", "推荐新套餐", "询问客户职业", "直接转接"],
            "answer": "A",
            "explanation": "办理任何业务前都要先核实身份，保护客户信息。",
        },
        {
            "category": "示例 情绪安抚",
            "kind": QuestionKind.MULTIPLE,
            "prompt": "面对情绪激动的客户，哪些做法有助于缓和情绪？",
            "options": [
                "耐心倾听，不打断",
                "复述诉求，表示理解",
                "告诉客户不归我管",
                "给出明确的处理时限",
            ],
            "answer": "A,B,D",
            "explanation": "多选题须全部选对才得分。",
        },
        {
            "category": "示例 服务规范",
            "kind": QuestionKind.TRUE_FALSE,
            "prompt": "客户情绪激动时，座席应提高音量压过客户。",
            "answer": "错",
            "explanation": "应保持语速平稳、语气温和，先让客户把话说完。",
        },
        {
            "category": "示例 业务知识",
            "kind": QuestionKind.TEXT,
            "prompt": "国家电网的供电服务热线号码是多少？",
            "answer": "95598",
            "explanation": "填空题可写多个可接受答案，用 | 分隔。",
        },
    ],
    "en": [
        {
            "category": "Example: billing",
            "kind": QuestionKind.SINGLE,
            "prompt": "A caller asks to change their plan. What comes first?",
            "options": ["Verify who they are", "Offer a new plan", "Transfer the call"],
            "answer": "A",
            "explanation": "Always verify identity before changing an account.",
        },
        {
            "category": "Example: calming callers",
            "kind": QuestionKind.MULTIPLE,
            "prompt": "Which of these help an upset caller calm down?",
            "options": [
                "Listen without interrupting",
                "Repeat their request back",
                "Say it is not your department",
                "Give a clear time for the fix",
            ],
            "answer": "A,B,D",
            "explanation": "It scores only when every right option is picked.",
        },
        {
            "category": "Example: service norms",
            "kind": QuestionKind.TRUE_FALSE,
            "prompt": "When a caller shouts, speak louder than them.",
            "answer": "false",
            "explanation": "Keep a calm, steady voice and let them finish.",
        },
        {
            "category": "Example: billing",
            "kind": QuestionKind.TEXT,
            "prompt": "How many days does a customer have to dispute a bill?",
            "answer": "30|thirty",
            "explanation": "List every accepted answer, separated by |.",
        },
    ],
}

INSTRUCTIONS = [
    (
        "分类 category",
        "题目所属的分类，例如“业务知识”。题库里还没有的分类会自动新建。",
        "The question's category, e.g. Billing. "
        "Categories the bank does not have yet are created.",
    ),
    (
        "题型 kind",
        "单选、多选、判断、填空（也可写 single、multiple、true_false、text）。",
        "single, multiple, true_false or text (or 单选, 多选, 判断, 填空).",
    ),
    ("题目 question", "题目内容，最多 500 字。", "The question, up to 500 characters."),
    (
        "选项A–F option A–F",
        "选择题的选项：至少两个，从 A 开始连续填写，每个最多 200 字。"
        "判断题和填空题不填。",
        "Choice questions only: at least two, filled from A without gaps, "
        "up to 200 characters each. Empty for true/false and text questions.",
    ),
    (
        "答案 answer",
        "单选填一个字母，如 B；多选填所有正确字母，如 A,C 或 AC（须全部选对才得分）；"
        "判断题填 对 或 错；填空题填可接受的答案，多个用 | 分隔。",
        "Single: one letter, e.g. B. Multiple: every correct letter, e.g. A,C "
        "or AC (it scores only when exactly those are picked). True/false: "
        "true or false (对 / 错). Text: the accepted answers, separated by |.",
    ),
    (
        "解析 explanation",
        "答题结束后显示的解析，可不填，最多 1000 字。",
        "Shown after the question closes. Optional, up to 1000 characters.",
    ),
    (
        "语言 language",
        "中文 或 英文（zh-hans / en），不填即为中文。",
        "zh-hans or en (中文 / 英文); empty means Chinese.",
    ),
    (
        "图片 image",
        "可不填。用“插入 > 图片”把图片放在该行这一格上"
        "（浮于单元格上方，不要“嵌入单元格”）。每题最多一张。",
        "Optional. Insert a picture over this row's cell (Insert > Pictures, "
        "floating over the cell, not placed in it). One per question.",
    ),
    ("", "", ""),
    (
        "",
        "第 1 行是表头，中文或英文列名都可以，列的顺序不限。"
        "只读取第一个工作表，空行会被跳过。",
        "Row 1 holds the column names, in Chinese or English, in any order. "
        "Only the first sheet is read; empty rows are skipped.",
    ),
    (
        "",
        "每次最多导入 2000 道题，文件不超过 5 MB（图片也计算在内）。",
        "Up to 2000 questions and 5 MB per file, pictures included.",
    ),
    (
        "",
        "只要有一行有误，整个文件都不会导入。请按提示的行号改正后重新导入。",
        "If any row has a problem, nothing is imported: "
        "fix the rows listed and import again.",
    ),
    (
        "",
        "也可以另存为 CSV（UTF-8 或 GB18030 编码）导入，但 CSV 不能带图片。",
        "A CSV file (UTF-8 or GB18030) imports too, but cannot carry pictures.",
    ),
]


def export_workbook(questions: Iterable[Question], *, language: str) -> bytes:
    """The questions as an .xlsx file that imports back to the same questions."""
    book = Workbook()
    sheet = _question_sheet(book, language)
    for question in questions:
        row = _write_row(sheet, question_cells(question, language=language))
        if question.image:
            _place_picture(sheet, row, question)
    _add_instructions(book)
    return _to_bytes(book)


def template_workbook(*, language: str) -> bytes:
    """An empty bank to fill in: the header and one example of each kind."""
    labels = "en" if language == "en" else "zh-hans"
    book = Workbook()
    sheet = _question_sheet(book, language)
    for example in EXAMPLES[labels]:
        cells = {
            "category": example["category"],
            "kind": KIND_LABELS[labels][example["kind"]],
            "prompt": example["prompt"],
            "answer": example["answer"],
            "explanation": example["explanation"],
            "language": LANGUAGE_LABELS.get(labels, {}).get(labels, labels),
        }
        for letter, text in zip("abcdef", example.get("options", []), strict=False):
            cells[f"option_{letter}"] = text
        _write_row(sheet, cells)
    _add_instructions(book)
    return _to_bytes(book)


def safe_cell_text(text: str) -> str:
    """Text Excel can store: control characters it rejects are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _question_sheet(book: Workbook, language: str) -> Worksheet:
    sheet = book.active
    sheet.title = QUESTIONS_SHEET
    sheet.append([column.header for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDTHS.get(column.key, OPTION_WIDTH)
    sheet.freeze_panes = "A2"
    labels = "en" if language == "en" else "zh-hans"
    # Drop-down suggestions only: other spellings (单选题, 判断题) import too.
    choices = {
        "kind": ",".join(KIND_LABELS[labels].values()),
        "language": "中文,英文" if labels == "zh-hans" else "zh-hans,en",
    }
    for key, values in choices.items():
        letter = get_column_letter(_column_number(key))
        suggestion = DataValidation(
            type="list", formula1=f'"{values}"', showErrorMessage=False
        )
        suggestion.add(f"{letter}2:{letter}{MAX_QUESTIONS + 1}")
        sheet.add_data_validation(suggestion)
    return sheet


def _write_row(sheet: Worksheet, cells: dict[str, str]) -> int:
    row = sheet.max_row + 1
    for index, column in enumerate(COLUMNS, start=1):
        text = safe_cell_text(cells.get(column.key, ""))
        if not text:
            continue
        cell = sheet.cell(row=row, column=index, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if text.startswith(FORMULA_STARTS):
            # Kept as text, and marked so that editing the cell keeps it text:
            # a question must never run as a formula on a trainer's computer.
            cell.data_type = "s"
            cell.quotePrefix = True
    return row


def _place_picture(sheet: Worksheet, row: int, question: Question) -> None:
    try:
        with (
            question.image.open("rb") as stored,
            Image.open(stored, formats=ALLOWED_FORMATS) as picture,
        ):
            # Excel cannot show WebP: hand it a JPEG.
            jpeg = io.BytesIO()
            picture.convert("RGB").save(jpeg, "JPEG", quality=90)
    except (OSError, ValueError):
        logger.warning("Question %s: image %s unreadable", question.pk, question.image)
        return
    jpeg.seek(0)
    image = SheetImage(jpeg)
    scale = PICTURE_PIXELS / max(image.width, image.height)
    image.width, image.height = image.width * scale, image.height * scale
    sheet.add_image(image, f"{get_column_letter(_column_number('image'))}{row}")
    # Points are 3/4 of a pixel; leave the picture a little room.
    sheet.row_dimensions[row].height = image.height * 0.75 + 6


def _add_instructions(book: Workbook) -> None:
    sheet = book.create_sheet(INSTRUCTIONS_SHEET)
    sheet.append(["列 Column", "说明", "Explanation"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for line in INSTRUCTIONS:
        sheet.append(line)
    for letter, width in zip("ABC", (20, 60, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _column_number(key: str) -> int:
    return next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key)


def _to_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
