"""Monthly service stars (服务明星) and the star team (明星班组): proposed from
the month's points, confirmed by a manager, celebrated on the displays."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from leaderboard import live
from leaderboard.models import AwardScope, PointTotal, ServiceStarAward
from leaderboard.rankings import team_ranking
from people.models import Role, Team


@transaction.atomic
def propose(month: date) -> list[ServiceStarAward]:
    """The month's candidates: the center's top scorer, each team's top
    scorer, and the team with the best average. Confirmed awards are kept as
    they are; open proposals follow the latest points."""
    month = month.replace(day=1)
    totals = (
        PointTotal.objects.filter(
            period="month",
            starts_on=month,
            person__isnull=False,
            person__is_active=True,
            person__role=Role.AGENT,
            points__gt=0,
        )
        .select_related("person")
        .order_by("-points", "person_id")
    )
    best = totals.first()
    if best:
        _propose(month, AwardScope.CENTER, None, best.person, best.points)
    for team in Team.objects.all():
        top = totals.filter(person__team=team).first()
        if top:
            _propose(month, AwardScope.TEAM, team, top.person, top.points)
    teams = [row for row in team_ranking("month", day=month, limit=1) if row.points > 0]
    if teams:
        team = Team.objects.get(pk=teams[0].team_id)
        _propose(month, AwardScope.STAR_TEAM, team, None, teams[0].average)
    return list(
        ServiceStarAward.objects.filter(month=month).select_related(
            "person", "team", "confirmed_by"
        )
    )


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
def confirm(*, award: ServiceStarAward, by) -> ServiceStarAward:
    award = ServiceStarAward.objects.select_for_update().get(pk=award.pk)
    if award.is_confirmed:
        return award
    award.confirmed_at = timezone.now()
    award.confirmed_by = by
    award.save(update_fields=["confirmed_at", "confirmed_by"])
    live.celebrate(award)
    return award


def last_month(day: date) -> date:
    first = day.replace(day=1)
    return (first - timezone.timedelta(days=1)).replace(day=1)
