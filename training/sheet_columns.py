"""What the columns of a question sheet mean, both ways.

Trainers keep their banks in Excel, so a row is read the way a person wrote
it: headers in Chinese or English, 单选/多选/判断/填空 or the English kind
names, answers as letters (B, A,C, AC, A、C), 对/错 and friends for
true-or-false, and typed answers separated by "|". ``question_cells`` writes a
question back in the same words, so an export imports unchanged. Messages
come out in the active language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from training.models import (
    OPTION_LETTERS,
    Category,
    Question,
    QuestionKind,
    question_shape_errors,
)
from uploads.images import reencode_image
from uploads.spreadsheets import Column, fold

MAX_OPTION_LENGTH = 200
QUESTION_IMAGE_BOX = 1024

COLUMNS = [
    Column("category", "分类", "category", ("类别",)),
    Column("kind", "题型", "kind", ("类型", "题目类型", "type")),
    Column("prompt", "题目", "question", ("题干", "prompt")),
    *(
        Column(f"option_{letter.lower()}", f"选项{letter}", f"option {letter}")
        for letter in OPTION_LETTERS
    ),
    Column("answer", "答案", "answer", ("正确答案", "参考答案")),
    Column("explanation", "解析", "explanation", ("答案解析",)),
    Column("language", "语言", "language"),
    Column("image", "图片", "image", ("picture",)),
]
REQUIRED = ("category", "kind", "prompt", "answer")
OPTION_KEYS = [f"option_{letter.lower()}" for letter in OPTION_LETTERS]

KIND_WORDS = {
    fold(word): kind
    for kind, words in {
        QuestionKind.SINGLE: ["single", "single choice", "单选", "单选题", "单项选择"],
        QuestionKind.MULTIPLE: [
            "multiple",
            "multiple choice",
            "多选",
            "多选题",
            "多项选择",
        ],
        QuestionKind.TRUE_FALSE: ["true_false", "true/false", "判断", "判断题"],
        QuestionKind.TEXT: ["text", "typed", "填空", "填空题"],
    }.items()
    for word in words
}
# What an export writes, by the language of the person exporting.
KIND_LABELS = {
    "zh-hans": {
        QuestionKind.SINGLE: "单选",
        QuestionKind.MULTIPLE: "多选",
        QuestionKind.TRUE_FALSE: "判断",
        QuestionKind.TEXT: "填空",
    },
    "en": {kind: kind.value for kind in QuestionKind},
}
TRUE_WORDS = {fold(w) for w in ["对", "正确", "是", "true", "t", "yes", "√", "✓", "✔"]}
FALSE_WORDS = {
    fold(w) for w in ["错", "错误", "否", "false", "f", "no", "×", "x", "✗", "✘"]
}
TRUTH_LABELS = {"zh-hans": ("对", "错"), "en": ("true", "false")}
LANGUAGE_WORDS = {
    fold(w): code
    for code, words in {
        "zh-hans": ["zh-hans", "zh", "zh-cn", "中文", "简体中文", "汉语", "chinese"],
        "en": ["en", "english", "英文", "英语"],
    }.items()
    for w in words
}
LANGUAGE_LABELS = {"zh-hans": {"zh-hans": "中文", "en": "英文"}}
ANSWER_SEPARATOR = "|"
_letter_separators = re.compile(r"[\s,、;/|]+")


@dataclass
class QuestionRow:
    """One valid row, ready to become a Question (``row`` as Excel numbers it)."""

    row: int
    category: str
    kind: str
    prompt: str
    options: list[str]
    correct: list
    explanation: str
    language: str
    image: ContentFile | None = None


def letters_for(indexes: Iterable[int]) -> str:
    return ",".join(OPTION_LETTERS[i] for i in sorted(indexes))


def question_cells(question: Question, *, language: str) -> dict[str, str]:
    """One question as the texts of a spreadsheet row (the inverse of reading)."""
    labels = "en" if language == "en" else "zh-hans"
    if question.is_choice:
        answer = letters_for(question.correct)
    elif question.kind == QuestionKind.TRUE_FALSE:
        answer = TRUTH_LABELS[labels][question.correct[0]]
    else:
        answer = ANSWER_SEPARATOR.join(question.correct)
    cells = {
        "category": question.category.name,
        "kind": KIND_LABELS[labels][question.kind],
        "prompt": question.prompt,
        "answer": answer,
        "explanation": question.explanation,
        "language": LANGUAGE_LABELS.get(labels, {}).get(
            question.language, question.language
        ),
    }
    for key, text in zip(OPTION_KEYS, question.options, strict=False):
        cells[key] = text
    return cells


def parse_row(
    number: int, cells: dict[str, str], pictures: list[bytes]
) -> tuple[QuestionRow | None, list[str]]:
    reasons: list[str] = []
    category = cells.get("category", "")
    kind = KIND_WORDS.get(fold(cells.get("kind", "")))
    prompt = cells.get("prompt", "")
    explanation = cells.get("explanation", "")
    options = [cells.get(key, "") for key in OPTION_KEYS]
    while options and not options[-1]:
        options.pop()

    if not category:
        reasons.append(_("The category is empty."))
    elif len(category) > Category._meta.get_field("name").max_length:
        reasons.append(_("The category name is longer than 60 characters."))
    if kind is None:
        reasons.append(
            _(
                "The kind “%(kind)s” is not one we know: use 单选, 多选, 判断 or 填空 "
                "(single, multiple, true_false, text)."
            )
            % {"kind": cells.get("kind", "")}
        )
    if not prompt:
        reasons.append(_("The question is empty."))
    elif len(prompt) > Question._meta.get_field("prompt").max_length:
        reasons.append(_("The question is longer than 500 characters."))
    if len(explanation) > Question._meta.get_field("explanation").max_length:
        reasons.append(_("The explanation is longer than 1000 characters."))
    options_ok = True
    for letter, text in zip(OPTION_LETTERS, options, strict=False):
        options_ok = options_ok and bool(text) and len(text) <= MAX_OPTION_LENGTH
        if not text:
            reasons.append(
                _("Option %(letter)s is empty but a later option is filled.")
                % {"letter": letter}
            )
        elif len(text) > MAX_OPTION_LENGTH:
            reasons.append(
                _("Option %(letter)s is longer than 200 characters.")
                % {"letter": letter}
            )
    language = LANGUAGE_WORDS.get(fold(cells.get("language", "")) or "zh")
    if language is None:
        reasons.append(
            _("The language “%(language)s” is not one we know: use 中文 or 英文.")
            % {"language": cells["language"]}
        )

    correct: list = []
    if kind is not None:
        if kind in (QuestionKind.TRUE_FALSE, QuestionKind.TEXT):
            options_given, options = bool(options), []
        else:
            options_given = False
        correct, answer_reasons = parse_answer(kind, cells.get("answer", ""), options)
        reasons += answer_reasons
        if options_given:
            reasons.append(_("Only choice questions have options: clear A to F."))
        if options_ok and not answer_reasons:
            for messages in question_shape_errors(kind, options, correct).values():
                reasons += [str(message) for message in messages]

    image = None
    if cells.get("image"):
        reasons.append(
            _(
                "The picture column holds text or an in-cell picture. Insert the "
                "picture so it floats over the cell (Insert > Pictures), or leave "
                "the cell empty."
            )
        )
    if len(pictures) > 1:
        reasons.append(_("This row has more than one picture; a question has one."))
    elif pictures:
        try:
            image = reencode_image(
                SimpleUploadedFile("picture", pictures[0]),
                box=QUESTION_IMAGE_BOX,
                square=False,
            )
        except ValidationError as error:
            reasons.append(_("The picture: %(reason)s") % {"reason": error.messages[0]})
    if reasons:
        return None, reasons
    return QuestionRow(
        row=number,
        category=category,
        kind=kind,
        prompt=prompt,
        options=options,
        correct=correct,
        explanation=explanation,
        language=language,
        image=image,
    ), []


def parse_answer(kind: str, answer: str, options: list[str]) -> tuple[list, list]:
    if not answer:
        return [], [_("The answer is empty.")]
    if kind == QuestionKind.TEXT:
        accepted = [a.strip() for a in answer.split(ANSWER_SEPARATOR) if a.strip()]
        return accepted, [] if accepted else [_("The answer is empty.")]
    if kind == QuestionKind.TRUE_FALSE:
        word = fold(answer)
        if word in TRUE_WORDS:
            return [0], []
        if word in FALSE_WORDS:
            return [1], []
        return [], [
            _("The answer “%(answer)s” should be 对 or 错 (true or false).")
            % {"answer": answer}
        ]
    letters = _letter_separators.sub("", unicodedata.normalize("NFKC", answer).upper())
    if not letters or any(letter not in OPTION_LETTERS for letter in letters):
        return [], [
            _("The answer “%(answer)s” should be option letters, such as B or A,C.")
            % {"answer": answer}
        ]
    indexes = sorted({OPTION_LETTERS.index(letter) for letter in letters})
    empty = [OPTION_LETTERS[i] for i in indexes if i >= len(options)]
    if empty:
        return [], [
            _("The answer names option %(letters)s, which is empty.")
            % {"letters": ", ".join(empty)}
        ]
    return indexes, []
