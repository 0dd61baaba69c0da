"""Writing the ledger. Every write keeps the running totals in step, in the
same transaction, and schedules a refresh of the boards after commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, connection, transaction
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
    monthly: bool = False,
) -> PointEntry:
    """Points for ``units`` of ``source`` under its rule, recorded once.

    The same (source, reference, person) again returns the first entry and
    changes nothing. A daily cap trims the points; the entry says so.
    ``monthly`` marks a whole month's result: it counts in no week.
    """
    existing = PointEntry.objects.filter(
        source=source, reference=reference, person=person
    ).first()
    if existing is not None:
        return existing
    occurred_at = occurred_at or timezone.now()
    rule = rule_for(source)
    earned = 0
    if rule.daily_cap is not None:
        earned = (
            PointEntry.objects.filter(person=person, source=source)
            .on_day(timezone.localdate(occurred_at))
            .aggregate(total=Sum("points"))["total"]
            or 0
        )
    points, detail = _under_rule(rule, units, detail, earned)
    return record(
        person=person,
        source=source,
        reference=reference,
        points=points,
        detail=detail,
        occurred_at=occurred_at,
        monthly=monthly,
    )


def _under_rule(rule, units, detail: dict, earned_today: int) -> tuple[int, dict]:
    """Points for ``units`` by the rule's weight, trimmed to what its daily
    cap leaves after ``earned_today``; the detail says when it trimmed."""
    points = int((Decimal(str(units)) * rule.weight).quantize(0, ROUND_HALF_UP))
    if rule.daily_cap is not None and points > 0:
        allowed = max(0, rule.daily_cap - earned_today)
        if points > allowed:
            return allowed, {**detail, "capped_from": points}
    return points, detail


@dataclass(frozen=True)
class Award:
    """One person's share of a batch (see award_many)."""

    person: object
    units: float | Decimal
    detail: dict


@transaction.atomic
def award_many(
    *, source: str, reference: str, awards: list[Award], occurred_at: datetime
) -> None:
    """``award`` for many people earning from the same thing (a quiz's whole
    floor): the same rule, cap and once-only promise, in a fixed number of
    queries instead of about ten per person."""
    people = {a.person.pk: a for a in awards}
    done = set(
        PointEntry.objects.filter(
            source=source, reference=reference, person_id__in=people
        ).values_list("person_id", flat=True)
    )
    todo = [a for pk, a in people.items() if pk not in done]
    if not todo:
        return
    rule = rule_for(source)
    earned = {}
    if rule.daily_cap is not None:
        earned = dict(
            PointEntry.objects.filter(source=source, person_id__in=people)
            .on_day(timezone.localdate(occurred_at))
            .values("person_id")
            .annotate(total=Sum("points"))
            .values_list("person_id", "total")
        )
    entries = []
    for award in todo:
        points, detail = _under_rule(
            rule, award.units, award.detail, earned.get(award.person.pk, 0)
        )
        entries.append(
            PointEntry(
                person=award.person,
                team_id=award.person.team_id,
                source=source,
                reference=reference,
                points=points,
                detail=detail,
                occurred_at=occurred_at,
            )
        )
    try:
        with transaction.atomic():
            PointEntry.objects.bulk_create(entries)
    except IntegrityError:
        # Someone recorded one of these a moment ago: one at a time, then.
        for entry in entries:
            record(
                person=entry.person,
                source=source,
                reference=reference,
                points=entry.points,
                detail=entry.detail,
                occurred_at=occurred_at,
            )
        return
    _add_many_to_totals(entries, timezone.localdate(occurred_at))
    for entry in entries:
        live.points_changed(entry)


def _add_many_to_totals(entries: list[PointEntry], day) -> None:
    """The totals of everyone in ``entries`` (all on ``day``), a few queries
    per period whatever their number."""
    for period in Period.values:
        starts_on = period_start(period, day)
        for owner in ("person_id", "team_id"):
            gains: dict[int, int] = {}
            for entry in entries:
                key = getattr(entry, owner)
                if key is not None and entry.points:
                    gains[key] = gains.get(key, 0) + entry.points
            if gains:
                _bump_many(period, starts_on, owner, gains)


def _bump_many(period: str, starts_on, owner: str, gains: dict[int, int]) -> None:
    rows = PointTotal.objects.filter(period=period, starts_on=starts_on)
    existing = dict(rows.filter(**{f"{owner}__in": gains}).values_list(owner, "pk"))
    if existing:
        table = connection.ops.quote_name(PointTotal._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET points = points + %s WHERE id = %s",  # noqa: S608
                [[gains[key], pk] for key, pk in existing.items()],
            )
    missing = [key for key in gains if key not in existing]
    if not missing:
        return
    try:
        with transaction.atomic():
            created = [PointTotal(period=period, starts_on=starts_on) for _ in missing]
            for total, key in zip(created, missing, strict=True):
                setattr(total, owner, key)
                total.points = gains[key]
            PointTotal.objects.bulk_create(created)
    except IntegrityError:  # a concurrent writer created some: one at a time
        for key in missing:
            _bump(period, starts_on, {owner: key}, gains[key])


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
    monthly: bool = False,
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
                monthly=monthly,
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
        monthly=entry.monthly,
    )


def _add_to_totals(entry: PointEntry) -> None:
    if entry.points == 0:
        return
    day = timezone.localdate(entry.occurred_at)
    owners = [{"person_id": entry.person_id}]
    if entry.team_id:
        owners.append({"team_id": entry.team_id})
    for period in counted_in(entry):
        starts_on = period_start(period, day)
        for owner in owners:
            _bump(period, starts_on, owner, entry.points)


def counted_in(entry: PointEntry) -> list[str]:
    """The periods whose totals hold ``entry``: a month's result is in its
    month and all time, and in no week (see PointEntry.monthly)."""
    if entry.monthly:
        return [period for period in Period.values if period != Period.WEEK]
    return list(Period.values)


def _bump(period: str, starts_on, owner: dict, points: int) -> None:
    key = {"period": period, "starts_on": starts_on, **owner}
    if PointTotal.objects.filter(**key).update(points=F("points") + points):
        return
    try:
        with transaction.atomic():
            PointTotal.objects.create(points=points, **key)
    except IntegrityError:  # created by a concurrent writer a moment ago
        PointTotal.objects.filter(**key).update(points=F("points") + points)
