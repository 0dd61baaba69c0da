"""A finished contest's results as an Excel workbook: players and teams for
every kind, the rules they were ranked by, then the kind's own sheets
(ContestKind.workbook_sheets)."""

from __future__ import annotations

import io

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from contests.engine import registry, standings
from contests.models import Contest, TieRule

FORMULA_STARTS = ("=", "+", "-", "@")


def _cell(value):
    """Text that Excel would run as a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _sheet(workbook: Workbook, title: str, header: list[str], rows) -> None:
    sheet = workbook.create_sheet(str(title))
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    sheet.freeze_panes = "A2"


def results_workbook(contest: Contest) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    people = standings.individual_standings(contest)
    header = [_("Rank"), _("Name"), _("Team"), _("Score"), _("Correct answers")]
    rows = [[p.rank, p.name, p.team_name, p.score, p.right_count] for p in people]
    if contest.tie_rule == TieRule.FASTER:
        header.append(_("Total time (s)"))
        for row, person in zip(rows, people, strict=True):
            row.append(person.total_s)
    _sheet(workbook, _("Players"), header, rows)
    if contest.team_mode:
        _sheet(
            workbook,
            _("Teams"),
            [_("Rank"), _("Team"), _("Average score"), _("Players")],
            (
                [t.rank, t.name, t.score, t.members]
                for t in standings.team_standings(contest)
            ),
        )
    _sheet(
        workbook,
        _("Rules"),
        [_("Rule"), _("Setting")],
        [[capfirst(_("tie rule")), contest.get_tie_rule_display()]],
    )
    for title, header, rows in registry.kind_of(contest).workbook_sheets(contest):
        _sheet(workbook, title, header, rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
