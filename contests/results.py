"""A finished quiz's results as an Excel workbook."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from contests import standings
from contests.models import Quiz
from training.models import OPTION_LETTERS

FORMULA_STARTS = ("=", "+", "-", "@")


def _cell(value):
    """Text that Excel would run as a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _sheet(workbook: Workbook, title: str, header: list[str], rows) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    sheet.freeze_panes = "A2"


def results_workbook(quiz: Quiz) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    people = standings.individual_standings(quiz)
    _sheet(
        workbook,
        _("Players"),
        [_("Rank"), _("Name"), _("Team"), _("Score"), _("Correct answers")],
        ([p.rank, p.name, p.team_name, p.score, p.correct_count] for p in people),
    )
    if quiz.team_mode:
        _sheet(
            workbook,
            _("Teams"),
            [_("Rank"), _("Team"), _("Average score"), _("Players")],
            (
                [t.rank, t.name, t.score, t.members]
                for t in standings.team_standings(quiz)
            ),
        )
    rows = []
    for entry in standings.question_report(quiz):
        question = entry["question"]
        shares = entry["distribution"]
        spread = ", ".join(
            f"{OPTION_LETTERS[i] if question.options else ('✓✗'[i])}: {n}"
            for i, n in enumerate(shares.option_counts)
        ) or "; ".join(f"{text}: {n}" for text, n in shares.common_texts)
        rows.append(
            [
                question.number,
                question.prompt,
                shares.answered,
                round(100 * entry["correct_rate"])
                if entry["correct_rate"] is not None
                else "",
                round(entry["average_s"], 1) if entry["average_s"] is not None else "",
                spread,
            ]
        )
    _sheet(
        workbook,
        _("Questions"),
        [
            _("No."),
            _("Question"),
            _("Answers"),
            _("Correct (%)"),
            _("Average time (s)"),
            _("Distribution"),
        ],
        rows,
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
