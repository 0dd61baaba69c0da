"""A finished contest's results as an Excel workbook: the contest's own
details, its players and teams for every kind, then the kind's own sheets
(ContestKind.workbook_sheets)."""

from __future__ import annotations

import io
import re
import unicodedata
from urllib.parse import quote

from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from contests.engine import registry, standings
from contests.models import Contest, TieRule

FORMULA_STARTS = ("=", "+", "-", "@")
MIN_WIDTH = 6
MAX_WIDTH = 60
UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|;]+')


def _put(sheet, row: int, column: int, value) -> None:
    """Write one cell. Text that Excel would run as a formula (=, +, -, @) is
    stored as plain text, unchanged: no apostrophe is added to the value; the
    cell's quote prefix keeps Excel from evaluating it when it is edited."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _width(value) -> int:
    """How wide a value reads: East Asian characters take two columns."""
    text = "" if value is None else str(value)
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)


def _sheet(workbook: Workbook, title: str, header: list, rows) -> None:
    sheet = workbook.create_sheet(str(title))
    widths = [_width(h) for h in header]
    for column, value in enumerate(header, start=1):
        _put(sheet, 1, column, str(value))
        sheet.cell(row=1, column=column).font = Font(bold=True)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _put(sheet, row_number, column, value)
            if column > len(widths):
                widths.append(0)
            widths[column - 1] = max(widths[column - 1], _width(value))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(
            MAX_WIDTH, max(MIN_WIDTH, width + 2)
        )
    sheet.freeze_panes = "A2"


def contest_date(contest: Contest):
    """The day the contest was played (or made, if it never started)."""
    return timezone.localdate(contest.started_at or contest.created_at)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _option_rows(contest: Contest) -> list[list]:
    """The kind's options row as (setting, value) pairs, read from its fields."""
    try:
        options = registry.kind_of(contest).options(contest)
    except models.ObjectDoesNotExist:  # a contest made without its options row
        return []
    if options is None:
        return []
    rows = []
    for field in options._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(options, field.name)
        if field.choices:
            value = getattr(options, f"get_{field.name}_display")()
        elif isinstance(value, bool):
            value = _yes_no(value)
        elif value is None:
            value = "—"
        elif isinstance(value, models.Model):
            value = str(value)
        rows.append([capfirst(str(field.verbose_name)), value])
    return rows


def _label(name: str) -> str:
    return capfirst(str(Contest._meta.get_field(name).verbose_name))


def _contest_rows(contest: Contest, players: int) -> list[list]:
    rows = [
        [_label("title"), contest.title],
        [_label("host"), contest.host.name],
        [_("Date"), contest_date(contest).isoformat()],
        [_label("kind"), contest.get_kind_display()],
        [_label("status"), contest.get_status_display()],
        [_("Rounds"), contest.rounds.count()],
        [_("Players"), players],
        [_label("seconds_per_round"), contest.seconds_per_round],
        [_label("team_mode"), _yes_no(contest.team_mode)],
        [_label("tie_rule"), contest.get_tie_rule_display()],
    ]
    for label, moment in (
        (_("Started"), contest.started_at),
        (_("Ended"), contest.ended_at),
    ):
        if moment is not None:
            rows.append([label, timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")])
    return rows + _option_rows(contest)


def results_workbook(contest: Contest) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    people = standings.individual_standings(contest)
    _sheet(
        workbook,
        _("Contest"),
        [_("Detail"), _("Value")],
        _contest_rows(contest, len(people)),
    )
    header = [
        capfirst(_("employee number")),
        _("Name"),
        _("Team"),
        _("Score"),
        _("Rank"),
        _("Correct answers"),
        _("Average time (s)"),
    ]
    rows = [
        [
            p.employee_number,
            p.name,
            p.team_name,
            p.score,
            p.rank,
            p.right_count,
            round(p.average_s, 1) if p.average_s is not None else None,
        ]
        for p in people
    ]
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
    for title, header, rows in registry.kind_of(contest).workbook_sheets(contest):
        _sheet(workbook, title, header, rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def file_name(contest: Contest) -> str:
    """The workbook's name: the contest's title and the day it was played."""
    title = " ".join(UNSAFE_IN_NAMES.sub(" ", contest.title).split()).strip(" .")
    title = title or _("results")
    return f"{title}-{contest_date(contest).isoformat()}.xlsx"


def attachment_header(contest: Contest) -> str:
    """Content-Disposition for the workbook: the real name as RFC 5987
    ``filename*`` and an ASCII ``filename`` for clients that do not read it."""
    name = file_name(contest)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9.]+", "-", ascii_name).strip("-.")
    if ascii_name.removesuffix(".xlsx").strip("-0123456789") == "":
        ascii_name = f"contest-{contest.pk}-{contest_date(contest).isoformat()}.xlsx"
    return (
        f'attachment; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )
