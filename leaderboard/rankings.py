"""Rankings from the running totals: a fixed number of queries, however many
people and ledger entries there are."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Q, Sum

from leaderboard.models import PointEntry, PointTotal, StarThreshold
from leaderboard.periods import period_start, today
from people.models import Role, Team, User


def public_top() -> int:
    """How many places a public board shows (settings.BOARD_TOP_N)."""
    return getattr(settings, "BOARD_TOP_N", 10)


AROUND = 2


@dataclass(frozen=True)
class Row:
    rank: int
    points: int
    person_id: int
    name: str
    public_name: str
    initials: str
    avatar: str
    team_name: str
    stars: int
    # Places gained since yesterday (negative: lost); None: new today, or the
    # period began today.
    movement: int | None
    new: bool = False


@dataclass(frozen=True)
class TeamRow:
    rank: int
    team_id: int
    name: str
    points: int
    members: int
    average: float


def stars_for(points: int, thresholds: list[tuple[int, int]]) -> int:
    """Stars for a month's points, given (stars, min_points) thresholds."""
    earned = 0
    for stars, needed in thresholds:
        if points >= needed:
            earned = max(earned, stars)
    return earned


def thresholds() -> list[tuple[int, int]]:
    return list(StarThreshold.objects.values_list("stars", "min_points"))


def _totals(period: str, day: date, people=None):
    totals = PointTotal.objects.filter(
        period=period, starts_on=period_start(period, day), person__isnull=False
    )
    if people is not None:
        totals = totals.filter(person__in=people)
    return totals


def _earned_today(day: date) -> dict[int, int]:
    return dict(
        PointEntry.objects.on_day(day)
        .values("person_id")
        .annotate(points=Sum("points"))
        .values_list("person_id", "points")
    )


def people_ranking(
    period: str,
    *,
    day: date | None = None,
    limit: int | None = None,
    scope: Q | None = None,
) -> list[Row]:
    """The top ``limit`` people (ties share a rank) with their movement."""
    day = day or today()
    limit = limit or public_top()
    base = _totals(period, day).filter(points__gt=0)
    if scope is not None:
        base = base.filter(scope)
    rows = list(
        base.select_related("person", "person__team").order_by("-points", "person_id")[
            :limit
        ]
    )
    return _rows(period, day, base, rows)


def around(person: User, period: str, *, day: date | None = None) -> list[Row]:
    """The person's own place and the places just above and below: for their
    own screen only, never a public board."""
    day = day or today()
    base = _totals(period, day).filter(points__gt=0)
    mine = base.filter(person=person).first()
    if mine is None:
        return []
    above = list(
        base.filter(
            Q(points__gt=mine.points) | Q(points=mine.points, person_id__lt=person.pk)
        )
        .select_related("person", "person__team")
        .order_by("points", "-person_id")[:AROUND]
    )[::-1]
    below = list(
        base.filter(
            Q(points__lt=mine.points) | Q(points=mine.points, person_id__gt=person.pk)
        )
        .select_related("person", "person__team")
        .order_by("-points", "person_id")[:AROUND]
    )
    mine = base.select_related("person", "person__team").get(pk=mine.pk)
    return _rows(period, day, base, [*above, mine, *below])


def rank_of(person: User, period: str, *, day: date | None = None) -> int | None:
    day = day or today()
    base = _totals(period, day).filter(points__gt=0)
    mine = base.filter(person=person).values_list("points", flat=True).first()
    if mine is None:
        return None
    return base.filter(points__gt=mine).count() + 1


def _rows(period: str, day: date, base, totals) -> list[Row]:
    """Rows for ``totals`` (already read, best first): ranks and movement
    from one counting query, however many rows and people there are."""
    if not totals:
        return []
    earned = _earned_today(day) if period_start(period, day) != day else None
    before = {}
    if earned is not None:
        before = {t.person_id: t.points - earned.get(t.person_id, 0) for t in totals}
    ahead = _count_ahead(base, {t.points for t in totals} | set(before.values()))
    moved = _Moved(base, earned) if earned else None
    levels = thresholds()
    rows = []
    for total in totals:
        points = total.points
        rank = ahead[points] + 1
        movement = None
        new = False
        if earned is not None:
            points_before = before[total.person_id]
            if points_before <= 0:
                new = True
            else:
                rank_before = ahead[points_before] + 1
                if moved:
                    rank_before += moved.correction(points_before)
                movement = rank_before - rank
        person = total.person
        rows.append(
            Row(
                rank=rank,
                points=points,
                person_id=person.pk,
                name=person.name,
                public_name=person.public_name,
                initials=person.initials,
                avatar=person.avatar.url
                if person.avatar and not person.board_alias
                else "",
                team_name=person.team.name if person.team else "",
                stars=stars_for(points, levels) if period == "month" else 0,
                movement=movement,
                new=new,
            )
        )
    return rows


def _count_ahead(base, levels: set[int]) -> dict[int, int]:
    """For each level of points, how many in ``base`` have more: one query."""
    ordered = sorted(levels)
    counts = base.aggregate(
        **{
            f"over_{index}": Count("pk", filter=Q(points__gt=level))
            for index, level in enumerate(ordered)
        }
    )
    return {level: counts[f"over_{index}"] for index, level in enumerate(ordered)}


class _Moved:
    """Today's earners, to place a score among yesterday's totals.

    Only people who earned today have moved since yesterday. Ahead of a score
    at the end of yesterday were everyone ahead of it now, minus today's
    earners who are ahead only now, plus those who were ahead then: one
    query, then a binary search per score.
    """

    def __init__(self, base, earned: dict[int, int]):
        now = dict(
            base.filter(person_id__in=list(earned)).values_list("person_id", "points")
        )
        self.now = sorted(now.values())
        self.then = sorted(points - earned[person] for person, points in now.items())

    def correction(self, points_before: int) -> int:
        ahead_now = len(self.now) - bisect_right(self.now, points_before)
        ahead_then = len(self.then) - bisect_right(self.then, points_before)
        return ahead_then - ahead_now


def movers(
    *, day: date | None = None, limit: int = 5, scope: Q | None = None
) -> list[Row]:
    """This week's biggest gains: who earned the most points since Monday."""
    return people_ranking("week", day=day, limit=limit, scope=scope)


def team_ranking(
    period: str,
    *,
    day: date | None = None,
    limit: int | None = None,
    site_id: int | None = None,
) -> list[TeamRow]:
    """Teams by average points per active agent, so small teams compete fairly."""
    day = day or today()
    limit = limit or public_top()
    totals = dict(
        PointTotal.objects.filter(
            period=period, starts_on=period_start(period, day), team__isnull=False
        ).values_list("team_id", "points")
    )
    teams = Team.objects.annotate(
        agent_count=Count(
            "members", filter=Q(members__role=Role.AGENT, members__is_active=True)
        )
    ).filter(agent_count__gt=0)
    if site_id is not None:
        teams = teams.filter(site_id=site_id)
    rows = [
        (
            team,
            totals.get(team.pk, 0),
            team.agent_count,
            totals.get(team.pk, 0) / team.agent_count,
        )
        for team in teams
    ]
    rows.sort(key=lambda row: (-row[3], row[0].name))
    result = []
    for index, (team, points, members, average) in enumerate(rows):
        rank = index + 1
        if result and round(average, 1) == round(result[-1].average, 1):
            rank = result[-1].rank
        result.append(
            TeamRow(rank, team.pk, team.name, points, members, round(average, 1))
        )
    return result[:limit]


def totals_for(person: User, *, day: date | None = None) -> dict[str, int]:
    day = day or today()
    found = defaultdict(int)
    for total in PointTotal.objects.filter(person=person).filter(
        Q(period="week", starts_on=period_start("week", day))
        | Q(period="month", starts_on=period_start("month", day))
        | Q(period="all")
    ):
        found[total.period] = total.points
    return {"week": found["week"], "month": found["month"], "all": found["all"]}
