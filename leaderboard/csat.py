"""Customer satisfaction (CSAT): reading a month's results, scoring them,
importing them.

A manager uploads one month's satisfaction results per agent (工号, 周期,
评价数, 满意数). ``read_csat`` checks every row of the file without the
database (leaderboard.csat_sheets reads the cells); the scoring functions
are pure; ``import_csat`` checks the people and writes everything in one
transaction, replacing the month's earlier import if there is one.
docs/csat.md explains the rules. Messages come out in the active language.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leaderboard import ledger
from leaderboard.csat_sheets import REQUIRED, cell_text, parse_period, read_sheet
from leaderboard.models import CsatImport, CsatResult, Source
from people.models import User
from uploads.spreadsheets import RowProblem, UnreadableFile

TARGET = Fraction(4, 5)  # points start above 80% satisfied
MAX_COUNT = 1_000_000  # ratings of one agent in one month; more is a typo
# A key of leaderboard.reasons.REVERSALS: shown in the reader's language.
REPLACED_WHY = "csat_replaced"
COUNT_LABELS = {
    "rated": gettext_lazy("Rated calls"),
    "satisfied": gettext_lazy("Satisfied calls"),
}


# Reading and checking the rows (no database) --------------------------------


@dataclass(frozen=True)
class CsatRow:
    row: int  # as Excel numbers it, the header being row 1
    employee_number: str
    rated: int
    satisfied: int


@dataclass
class CsatReading:
    period: date | None = None  # the month's first day
    rows: list[CsatRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # Every row's employee number, bad rows' too, so that unknown people are
    # reported together with the other problems.
    employee_numbers: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Line:
    row: int
    employee_number: str
    period: date | None
    rated: int | None
    satisfied: int | None
    reasons: list[str]


def read_csat(
    data: bytes, *, today: date | None = None, file_name: str = ""
) -> CsatReading:
    """One month's rows from an .xlsx or .csv file, or every problem in it.

    Raises UnreadableFile when the file as a whole cannot be used (or its
    ``file_name`` is not a spreadsheet's).
    """
    sheet = read_sheet(data, file_name=file_name)
    today = today or timezone.localdate()
    lines = [
        _check_line(number, cells, today)
        for number, cells in sheet.rows
        # A remark in the name column, say: nothing to import, nothing wrong.
        if any(cells[key] not in (None, "") for key in REQUIRED)
    ]
    if not lines:
        raise UnreadableFile(_("The file has no results under the header row."))
    reading = CsatReading(ignored_columns=sheet.ignored_columns)
    reading.period = _check_one_month(lines)
    _check_one_row_per_person(lines)
    for line in lines:
        if line.employee_number:
            reading.employee_numbers.append((line.row, line.employee_number))
        if line.reasons:
            reading.problems.append(RowProblem(line.row, line.reasons))
        else:
            reading.rows.append(
                CsatRow(line.row, line.employee_number, line.rated, line.satisfied)
            )
    return reading


def _check_line(number: int, cells: dict, today: date) -> _Line:
    reasons: list[str] = []
    employee_number = cell_text(cells["employee_number"])
    if not employee_number:
        reasons.append(_("The employee number is empty."))
    period = None
    if cells["period"] in (None, ""):
        reasons.append(_("The period is empty."))
    elif (period := parse_period(cells["period"])) is None:
        reasons.append(
            _("The period “%(period)s” is not a month: write it as 2026-10.")
            % {"period": cell_text(cells["period"])}
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
    return _Line(number, employee_number, period, reasons=reasons, **counts)


def _check_one_month(lines: list[_Line]) -> date | None:
    """The month most rows name; rows naming another month are bad.

    A re-import replaces a whole month, so a file holds exactly one: a stray
    row of September in October's file would otherwise be scored with
    October's average, or silently replace September's points.
    """
    months = Counter(line.period for line in lines if line.period)
    if not months:
        return None
    month = months.most_common(1)[0][0]  # a tie goes to the first named
    for line in lines:
        if line.period and line.period != month:
            line.reasons.append(
                _(
                    "This row is for %(period)s but the file is for %(month)s: "
                    "import one month per file."
                )
                % {"period": f"{line.period:%Y-%m}", "month": f"{month:%Y-%m}"}
            )
    return month


def _check_one_row_per_person(lines: list[_Line]) -> None:
    rows_of: dict[str, list[int]] = {}
    for line in lines:
        if line.employee_number:
            rows_of.setdefault(line.employee_number.casefold(), []).append(line.row)
    for line in lines:
        same = rows_of.get(line.employee_number.casefold(), [])
        if len(same) > 1:
            line.reasons.append(
                _(
                    "Employee number %(number)s is also in row %(rows)s: "
                    "one row per person."
                )
                % {
                    "number": line.employee_number,
                    "rows": ", ".join(str(n) for n in same if n != line.row),
                }
            )


def _count(value, label) -> tuple[int | None, str | None]:
    if value in (None, ""):
        return None, _("%(column)s is empty.") % {"column": label}
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = cell_text(value).replace(" ", "")
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", text):  # 1,234
            text = text.replace(",", "")
        if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
            number = int(text.split(".")[0])
    if number is None:
        return None, _("%(column)s “%(value)s” is not a whole number.") % {
            "column": label,
            "value": cell_text(value),
        }
    if number < 0:
        return None, _("%(column)s cannot be negative.") % {"column": label}
    if number > MAX_COUNT:
        return None, _("%(column)s is more than %(limit)s: check the number.") % {
            "column": label,
            "limit": MAX_COUNT,
        }
    return number, None


# Scoring (pure) ---------------------------------------------------------------


def csat_settings() -> tuple[int, int]:
    """(minimum ratings to earn points, prior weight m), from the settings."""
    min_ratings = int(getattr(settings, "CSAT_MIN_RATINGS", 20))
    prior_weight = int(getattr(settings, "CSAT_PRIOR_WEIGHT", 50))
    return max(0, min_ratings), max(0, prior_weight)


@dataclass(frozen=True)
class Score:
    adjusted: Fraction
    units: Fraction  # satisfaction points above 80%; 0 below the minimum
    counted: bool  # enough ratings to earn points


def center_average(counts: list[tuple[int, int]]) -> Fraction:
    """Satisfied over rated, summed over every (satisfied, rated) of the month."""
    rated = sum(n for _s, n in counts)
    return Fraction(sum(s for s, _n in counts), rated) if rated else Fraction(0)


def adjusted_rate(
    *, satisfied: int, rated: int, center: Fraction, prior_weight: int
) -> Fraction:
    """The rate pulled toward the center: ``prior_weight`` imagined ratings at
    the center average added to the agent's own (s + m·c) / (n + m)."""
    if rated + prior_weight == 0:
        return center
    return (satisfied + prior_weight * center) / (rated + prior_weight)


def satisfaction_units(adjusted: Fraction) -> Fraction:
    return max(Fraction(0), adjusted - TARGET) * 100


def score(
    *,
    satisfied: int,
    rated: int,
    center: Fraction,
    min_ratings: int,
    prior_weight: int,
) -> Score:
    adjusted = adjusted_rate(
        satisfied=satisfied, rated=rated, center=center, prior_weight=prior_weight
    )
    counted = rated >= min_ratings
    units = satisfaction_units(adjusted) if counted else Fraction(0)
    return Score(adjusted=adjusted, units=units, counted=counted)


def as_decimal(value: Fraction, places: str = "0.0001") -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(places), ROUND_HALF_UP)


def month_noon(period: date) -> datetime:
    """Noon of the month's last day, local time: when its CSAT points count."""
    following = (period.replace(day=28) + timedelta(days=4)).replace(day=1)
    last_day = following - timedelta(days=1)
    return timezone.make_aware(datetime.combine(last_day, time(12)))


# Importing (database) -------------------------------------------------------


class CsatRejected(Exception):
    """Some rows are bad: nothing was imported. ``problems`` says which."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__(f"{len(problems)} bad rows")
        self.problems = problems


class CsatClash(Exception):
    """Another import of the same month was saved at the same moment."""


def _match_people(numbers: list[tuple[int, str]]) -> tuple[dict, list[RowProblem]]:
    """Active staff by employee number, exactly or ignoring case if unique."""
    staff = User.objects.active().exclude(employee_number="")
    exact = {user.employee_number: user for user in staff}
    loose = Counter(number.casefold() for number in exact)
    by_fold = {n.casefold(): u for n, u in exact.items() if loose[n.casefold()] == 1}
    people, problems = {}, []
    for row, number in numbers:
        person = exact.get(number) or by_fold.get(number.casefold())
        if person is None:
            reason = _("No active staff member has the employee number “%(number)s”.")
            problems.append(RowProblem(row, [reason % {"number": number}]))
        else:
            people[number] = person
    return people, problems


def _merged(*groups: list[RowProblem]) -> list[RowProblem]:
    by_row: dict[int, list[str]] = {}
    for group in groups:
        for problem in group:
            by_row.setdefault(problem.row, []).extend(problem.reasons)
    return [RowProblem(row, reasons) for row, reasons in sorted(by_row.items())]


@transaction.atomic
def import_csat(*, reading: CsatReading, file_name: str, uploaded_by) -> CsatImport:
    """Import a month's results, replacing the month's earlier import.

    The earlier import's ledger entries are reversed and the new ones added
    in this one transaction, so the month's totals end up as if only this
    file had ever been imported. Raises CsatRejected (nothing written) when
    any row is bad, CsatClash when another import of the month won a race.
    """
    people, unknown = _match_people(reading.employee_numbers)
    problems = _merged(reading.problems, unknown)
    if problems:
        raise CsatRejected(problems)
    period = reading.period
    min_ratings, prior_weight = csat_settings()
    counts = [(row.satisfied, row.rated) for row in reading.rows]
    center = center_average(counts)
    previous = CsatImport.objects.current().filter(period=period).first()
    try:
        # The unique constraints make this the only import of the month that
        # replaces ``previous``; a concurrent one fails here, before any points.
        with transaction.atomic():
            batch = CsatImport.objects.create(
                period=period,
                uploaded_by=uploaded_by,
                file_name=file_name[:255],
                row_count=len(reading.rows),
                rated_total=sum(n for _s, n in counts),
                satisfied_total=sum(s for s, _n in counts),
                center=as_decimal(center),
                min_ratings=min_ratings,
                prior_weight=prior_weight,
                replaces=previous,
            )
    except IntegrityError:
        raise CsatClash from None
    if previous is not None:
        earlier = previous.results.filter(entry__isnull=False)
        for result in earlier.select_related("entry__person"):
            ledger.reverse(entry=result.entry, why=REPLACED_WHY)
    key = f"{period:%Y-%m}"
    occurred_at = month_noon(period)
    results = []
    for row in reading.rows:
        person = people[row.employee_number]
        scored = score(
            satisfied=row.satisfied,
            rated=row.rated,
            center=center,
            min_ratings=min_ratings,
            prior_weight=prior_weight,
        )
        entry = None
        if scored.units > 0:
            entry = ledger.award(
                person=person,
                source=Source.CSAT,
                reference=f"csat:{key}:{batch.pk}",
                units=as_decimal(scored.units),
                detail={
                    "period": key,
                    "satisfied": row.satisfied,
                    "rated": row.rated,
                    "adjusted": float(as_decimal(scored.adjusted)),
                    "center": float(as_decimal(center)),
                },
                occurred_at=occurred_at,
                monthly=True,
            )
        results.append(
            CsatResult(
                csat_import=batch,
                person=person,
                row=row.row,
                rated=row.rated,
                satisfied=row.satisfied,
                adjusted=as_decimal(scored.adjusted),
                points=entry.points if entry else 0,
                entry=entry,
            )
        )
    CsatResult.objects.bulk_create(results, batch_size=500)
    return batch
