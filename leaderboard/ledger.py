"""Writing the ledger. Every write keeps the running totals in step, in the
same transaction, and schedules a refresh of the boards after commit."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from leaderboard import live
from leaderboard.models import Period, PointEntry, PointTotal
from leaderboard.periods import period_start
from leaderboard.rules import rule_for


@transaction.atomic
def award(
    *,
    person,
    source: str,
    reference: str,
    units: float | Decimal,
    detail: dict,
    occurred_at: datetime | None = None,
) -> PointEntry:
    """Points for ``units`` of ``source`` under its rule, recorded once.

    The same (source, reference, person) again returns the first entry and
    changes nothing. A daily cap trims the points; the entry says so.
    """
    existing = PointEntry.objects.filter(
        source=source, reference=reference, person=person
    ).first()
    if existing is not None:
        return existing
    occurred_at = occurred_at or timezone.now()
    rule = rule_for(source)
    points = int((Decimal(str(units)) * rule.weight).quantize(0, ROUND_HALF_UP))
    if rule.daily_cap is not None and points > 0:
        earned = (
            PointEntry.objects.filter(person=person, source=source)
            .on_day(timezone.localdate(occurred_at))
            .aggregate(total=Sum("points"))["total"]
            or 0
        )
        allowed = max(0, rule.daily_cap - earned)
        if points > allowed:
            detail = {**detail, "capped_from": points}
            points = allowed
    return record(
        person=person,
        source=source,
        reference=reference,
        points=points,
        detail=detail,
        occurred_at=occurred_at,
    )


@transaction.atomic
def record(
    *,
    person,
    source: str,
    reference: str,
    points: int,
    detail: dict,
    occurred_at: datetime,
    reverses: PointEntry | None = None,
) -> PointEntry:
    """Append one entry as given (no rule applied) and add it to the totals."""
    try:
        with transaction.atomic():
            entry = PointEntry.objects.create(
                person=person,
                team_id=person.team_id,
                source=source,
                reference=reference,
                points=points,
                detail=detail,
                occurred_at=occurred_at,
                reverses=reverses,
            )
    except IntegrityError:
        return PointEntry.objects.get(source=source, reference=reference, person=person)
    _add_to_totals(entry)
    live.points_changed(entry)
    return entry


@transaction.atomic
def reverse(*, entry: PointEntry, why: str, **facts) -> PointEntry | None:
    """Cancel an entry with an opposite one in the same period. Once only.

    ``why`` is a key of leaderboard.reasons.REVERSALS (shown translated) or
    plain text; ``facts`` fill the reason (e.g. who hid a kudos).
    """
    if entry.reverses_id is not None:
        return None
    return record(
        person=entry.person,
        source=entry.source,
        reference=f"{entry.reference}:reversed",
        points=-entry.points,
        detail={**entry.detail, **facts, "reversal": why},
        occurred_at=entry.occurred_at,
        reverses=entry,
    )


def _add_to_totals(entry: PointEntry) -> None:
    if entry.points == 0:
        return
    day = timezone.localdate(entry.occurred_at)
    owners = [{"person_id": entry.person_id}]
    if entry.team_id:
        owners.append({"team_id": entry.team_id})
    for period in Period.values:
        starts_on = period_start(period, day)
        for owner in owners:
            _bump(period, starts_on, owner, entry.points)


def _bump(period: str, starts_on, owner: dict, points: int) -> None:
    key = {"period": period, "starts_on": starts_on, **owner}
    if PointTotal.objects.filter(**key).update(points=F("points") + points):
        return
    try:
        with transaction.atomic():
            PointTotal.objects.create(points=points, **key)
    except IntegrityError:  # created by a concurrent writer a moment ago
        PointTotal.objects.filter(**key).update(points=F("points") + points)
