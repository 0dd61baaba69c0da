"""Customer satisfaction (CSAT): scoring a month and importing it.

A manager uploads one month's satisfaction results per agent (工号, 周期,
评价数, 满意数); leaderboard.csat_sheets reads the file. The scoring
functions here are pure; ``import_csat`` checks the people and writes
everything in one transaction, replacing the month's earlier import if there
is one. docs/csat.md explains the rules.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from leaderboard import ledger
from leaderboard.csat_sheets import CsatReading
from leaderboard.models import CsatImport, CsatResult, Source
from people.models import User
from training.spreadsheets import RowProblem

TARGET = Fraction(4, 5)  # points start above 80% satisfied
# Stored in the ledger in English, a msgid, so it can be shown translated.
REPLACED_WHY = gettext_noop("Replaced by a newer CSAT file for the same month")


def csat_settings() -> tuple[int, int]:
    """(minimum ratings to earn points, prior weight m), from the settings."""
    min_ratings = int(getattr(settings, "CSAT_MIN_RATINGS", 20))
    prior_weight = int(getattr(settings, "CSAT_PRIOR_WEIGHT", 50))
    return max(0, min_ratings), max(0, prior_weight)


# Scoring (pure) -------------------------------------------------------------


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
