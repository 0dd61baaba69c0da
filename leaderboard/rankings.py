"""Rankings from the running totals: a fixed number of queries, however many
people and ledger entries there are."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Q, Sum

from leaderboard.models import PointEntry, PointTotal, StarThreshold
from leaderboard.periods import period_start, today
from people.models import Role, Team, User


def public_top() -> int:
    """How many places a public board (TV, shared page) shows at most:
    settings.BOARD_TOP_N, read here only."""
    return max(1, settings.BOARD_TOP_N)


AROUND = 2


@dataclass(frozen=True)
class Row:
    rank: int
    points: int
    person_id: int
    name: str
    public_name: str
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


def _entries_on(period: str, day: date):
    """The day's entries that count in ``period`` (a month's result counts
    in no week: see PointEntry.monthly)."""
    entries = PointEntry.objects.on_day(day)
    return entries.in_weeks() if period == "week" else entries


def _earned_today(period: str, day: date) -> dict[int, int]:
    return dict(
        _entries_on(period, day)
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
    if not rows:
        return []
    return _rows(period, _standing(period, day, base), rows)


def around(person: User, period: str, *, day: date | None = None) -> list[Row]:
    """The person's own place and the places just above and below: for their
    own screen only, never a public board."""
    day = day or today()
    base = _totals(period, day).filter(points__gt=0)
    rows = base.select_related("person", "person__team")
    mine = rows.filter(person=person).first()
    if mine is None:
        return []
    # The neighbours come from the period's standing (kept in memory while
    # the ledger is unchanged): walking the table for "higher points, or the
    # same points and a lower id" made the database gather and sort everyone
    # above the person, tens of milliseconds at 10,000 agents.
    standing = _standing(period, day, base)
    above, below = standing.neighbours(mine.points, person.pk, AROUND)
    found = sorted(
        [mine, *rows.filter(person_id__in=[*above, *below])],
        key=lambda total: (-total.points, total.person_id),
    )
    return _rows(period, standing, found)


def rank_of(person: User, period: str, *, day: date | None = None) -> int | None:
    day = day or today()
    base = _totals(period, day).filter(points__gt=0)
    mine = base.filter(person=person).values_list("points", flat=True).first()
    if mine is None:
        return None
    return base.filter(points__gt=mine).count() + 1


def _rows(period: str, standing: _Standing, totals) -> list[Row]:
    """Rows for ``totals`` (already read, best first) with their ranks and
    movement, from the period's standing: a fixed number of queries however
    many rows and people there are."""
    levels = thresholds()
    rows = []
    for total in totals:
        points = total.points
        rank = standing.ahead(points) + 1
        movement = None
        new = False
        if standing.earned is not None:
            points_before = points - standing.earned.get(total.person_id, 0)
            if points_before <= 0:
                new = True
            else:
                movement = standing.ahead_yesterday(points_before) + 1 - rank
        person = total.person
        rows.append(
            Row(
                rank=rank,
                points=points,
                person_id=person.pk,
                name=person.name,
                public_name=person.public_name,
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


class _Standing:
    """Everyone's points in a period, sorted, and today's earners: where any
    score ranks now and where it ranked at the end of yesterday.

    Only today's earners have moved since yesterday. Ahead of a score at the
    end of yesterday were everyone ahead of it now, minus today's earners who
    are ahead only now, plus those who were ahead then.
    """

    def __init__(self, period: str, day: date, base):
        # Board order (most points first, then by id, as the pages list
        # them), read along the board's index.
        board = base.order_by("-points", "person_id").values_list("points", "person_id")
        self.order = [(-points, person) for points, person in board]
        self.points = [-points for points, _person in reversed(self.order)]
        self.earned = None
        self.now: list[int] = []
        self.then: list[int] = []
        if period_start(period, day) == day:
            return  # the period began today: nobody has moved yet
        self.earned = _earned_today(period, day)
        # Today's earners chosen by the database: a list of thousands of ids
        # cost more to build in Python than the query itself.
        earners = _entries_on(period, day).values("person_id")
        for person, points in base.filter(person_id__in=earners).values_list(
            "person_id", "points"
        ):
            self.now.append(points)
            self.then.append(points - self.earned.get(person, 0))
        self.now.sort()
        self.then.sort()

    def ahead(self, points: int) -> int:
        return len(self.points) - bisect_right(self.points, points)

    def neighbours(self, points: int, person_id: int, count: int):
        """The ids of up to ``count`` people just above and just below a
        place on the board, nearest last and nearest first."""
        place = bisect_left(self.order, (-points, person_id))
        if place < len(self.order) and self.order[place] == (-points, person_id):
            after = place + 1
        else:  # not on the board as kept: between its neighbours all the same
            after = place
        above = self.order[max(0, place - count) : place]
        below = self.order[after : after + count]
        return [person for _p, person in above], [person for _p, person in below]

    def ahead_yesterday(self, points: int) -> int:
        passed_today = len(self.now) - bisect_right(self.now, points)
        ahead_then = len(self.then) - bisect_right(self.then, points)
        return self.ahead(points) - passed_today + ahead_then


# Standings reused while the ledger has not changed: a board page reads the
# same period twice (the top and my own place), a wall display every few
# seconds. The ledger is append-only, so its newest line says whether
# anything changed.
_standings: dict[tuple, tuple[tuple, _Standing]] = {}
STANDINGS_KEPT = 32


def forget_standings() -> None:
    _standings.clear()


def _standing(period: str, day: date, base) -> _Standing:
    key = (period, day, *base.query.sql_with_params())
    newest = PointEntry.objects.order_by("-pk").values_list("pk", "created_at").first()
    kept = _standings.get(key)
    if kept is not None and kept[0] == newest:
        return kept[1]
    standing = _Standing(period, day, base)
    if len(_standings) >= STANDINGS_KEPT:
        _standings.clear()
    _standings[key] = (newest, standing)
    return standing


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
    agents = dict(
        User.objects.filter(role=Role.AGENT, is_active=True, team__isnull=False)
        .values("team")
        .annotate(count=Count("pk"))
        .values_list("team", "count")
    )
    teams = Team.objects.filter(pk__in=agents)
    if site_id is not None:
        teams = teams.filter(site_id=site_id)
    rows = [
        (
            team,
            totals.get(team.pk, 0),
            agents[team.pk],
            totals.get(team.pk, 0) / agents[team.pk],
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
