"""Monthly service stars (服务明星) and the star team (明星班组): proposed from
the month's points, confirmed by a manager, celebrated on the displays.

Ties are never hidden. When several agents (or teams) share the best score,
all of them are listed with the award, in tie-break order: the one who
reached the score first, that is whose last points of the month came
earliest, is proposed; then the lowest id, so the order never wobbles. The
manager confirms the proposal or chooses another of the tied (README,
"Service stars")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leaderboard import live
from leaderboard.models import AwardScope, PointEntry, PointTotal, ServiceStarAward
from leaderboard.periods import day_bounds
from leaderboard.rankings import team_ranking
from people.models import Role, Team, User

TIE_RULE = _(
    "When several share the best score, all of them are listed: the one who "
    "reached it first (whose last points of the month came earliest) is "
    "proposed, and you may confirm another of the tied instead."
)


@dataclass(frozen=True)
class Candidate:
    """One of those tied for an award: a person, or a team (star team)."""

    pk: int
    name: str
    points: float
    reached_at: datetime | None  # their last points of the month


class NotTied(Exception):
    """The chosen candidate is not among those tied for the award."""


def candidates(month: date, scope: str, team: Team | None = None) -> list[Candidate]:
    """Everyone tied for the award's best score, the proposal first."""
    month = month.replace(day=1)
    if scope == AwardScope.STAR_TEAM:
        return _tied_teams(month)
    totals = PointTotal.objects.filter(
        period="month",
        starts_on=month,
        person__isnull=False,
        person__is_active=True,
        person__role=Role.AGENT,
        points__gt=0,
    )
    if scope == AwardScope.TEAM:
        totals = totals.filter(person__team=team)
    best = totals.order_by("-points").values_list("points", flat=True).first()
    if best is None:
        return []
    tied = list(totals.filter(points=best).select_related("person"))
    reached = _last_points(month, "person_id", [t.person_id for t in tied])
    found = [
        Candidate(t.person_id, t.person.name, t.points, reached.get(t.person_id))
        for t in tied
    ]
    return _in_tie_break_order(found)


def _tied_teams(month: date) -> list[Candidate]:
    rows = [
        row
        for row in team_ranking("month", day=month, limit=Team.objects.count() or 1)
        if row.points > 0 and row.rank == 1
    ]
    reached = _last_points(month, "team_id", [row.team_id for row in rows])
    found = [
        Candidate(row.team_id, row.name, row.average, reached.get(row.team_id))
        for row in rows
    ]
    return _in_tie_break_order(found)


def _last_points(month: date, owner: str, ids: list[int]) -> dict[int, datetime]:
    if len(ids) < 2:
        return {}
    start, _end = day_bounds(month)
    end, _after = day_bounds(_next_month(month))
    return dict(
        PointEntry.objects.filter(
            **{f"{owner}__in": ids}, occurred_at__gte=start, occurred_at__lt=end
        )
        .exclude(points=0)
        .values(owner)
        .annotate(last=Max("occurred_at"))
        .values_list(owner, "last")
    )


def _in_tie_break_order(found: list[Candidate]) -> list[Candidate]:
    def order(candidate: Candidate):
        reached = candidate.reached_at
        return (reached is None, reached.timestamp() if reached else 0, candidate.pk)

    return sorted(found, key=order)


@transaction.atomic
def propose(month: date) -> list[ServiceStarAward]:
    """The month's candidates: the center's top scorer, each team's top
    scorer, and the team with the best average. Confirmed awards are kept as
    they are; open proposals follow the latest points. Each award comes with
    ``tied``: everyone sharing its best score (one name when nobody ties)."""
    month = month.replace(day=1)
    wanted = [(AwardScope.CENTER, None)]
    wanted += [(AwardScope.TEAM, team) for team in Team.objects.all()]
    wanted.append((AwardScope.STAR_TEAM, None))
    tied_for = {}
    for scope, team in wanted:
        tied = candidates(month, scope, team)
        if not tied:
            continue
        tied_for[(scope, team.pk if team else None)] = tied
        first = tied[0]
        if scope == AwardScope.STAR_TEAM:
            team = Team.objects.get(pk=first.pk)
            _propose(month, scope, team, None, first.points)
        else:
            _propose(month, scope, team, User.objects.get(pk=first.pk), first.points)
    awards = list(
        ServiceStarAward.objects.filter(month=month).select_related(
            "person", "team", "confirmed_by"
        )
    )
    for award in awards:
        key = (award.scope, award.team_id if award.scope == AwardScope.TEAM else None)
        award.tied = tied_for.get(key, [])
    return awards


def _propose(month, scope, team, person, points) -> None:
    key = {"month": month, "scope": scope}
    if scope == AwardScope.TEAM:
        key["team"] = team
    award = ServiceStarAward.objects.filter(**key).first()
    if award is None:
        try:
            with transaction.atomic():
                ServiceStarAward.objects.create(
                    **{**key, "team": team}, person=person, points=points
                )
        except IntegrityError:
            pass  # proposed by a concurrent request a moment ago
        return
    if not award.is_confirmed:
        award.person, award.team, award.points = person, team, points
        award.save(update_fields=["person", "team", "points"])


@transaction.atomic
def confirm(
    *, award: ServiceStarAward, by, choice: int | None = None
) -> ServiceStarAward:
    """Confirm the award, for ``choice`` (a person's or, for the star team, a
    team's id) when the manager picked another of the tied. Raises NotTied
    when ``choice`` does not share the best score (any more)."""
    award = ServiceStarAward.objects.select_for_update().get(pk=award.pk)
    if award.is_confirmed:
        return award
    fields = ["confirmed_at", "confirmed_by"]
    if choice is not None:
        tied = {c.pk: c for c in candidates(award.month, award.scope, award.team)}
        if choice not in tied:
            raise NotTied(choice)
        if award.scope == AwardScope.STAR_TEAM:
            award.team_id = choice
            fields.append("team")
        else:
            award.person_id = choice
            fields.append("person")
        award.points = tied[choice].points
        fields.append("points")
    award.confirmed_at = timezone.now()
    award.confirmed_by = by
    award.save(update_fields=fields)
    live.celebrate(award)
    return award


def last_month(day: date) -> date:
    first = day.replace(day=1)
    return (first - timezone.timedelta(days=1)).replace(day=1)


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)
