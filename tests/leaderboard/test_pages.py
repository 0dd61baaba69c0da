"""The leaderboard pages: top N in public, one's own place in private, rules
and service stars for managers."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from leaderboard import ledger, rankings, stars
from leaderboard.models import PointRule, RuleChange, ServiceStarAward, StarThreshold
from tests.factories import make_user


def give(person, points, reference, at=None):
    return ledger.award(
        person=person,
        source="quiz",
        reference=reference,
        units=points,
        detail={"title": "擂台赛", "rank": 1, "players": 9, "score": points * 100},
        occurred_at=at or timezone.now(),
    )


def en(client, name, *args, **params):
    return client.get(reverse(name, args=args), params, HTTP_ACCEPT_LANGUAGE="en")


def test_the_shared_board_shows_the_top_ten_only_and_my_place_privately(client, team):
    people = [make_user(team=team, display_name=f"第{n:02d}名") for n in range(1, 16)]
    for n, person in enumerate(people):
        give(person, 100 - n, f"quiz:{n}")
    last = people[-1]
    client.force_login(last)
    page = en(client, "leaderboard:board", period="month").content.decode()
    top, mine = page.split("Where you stand")
    assert "第01名" in top and "第10名" in top and "第11名" not in top
    assert "第15名" in mine and "第13名" in mine and "第01名" not in mine
    ranks = [int(r) for r in re.findall(r'<span class="rank">(\d+)</span>', top)]
    assert max(ranks) <= 10


def test_an_alias_replaces_the_name_on_shared_boards_only(client, agent):
    agent.board_alias = "微笑天使"
    agent.save()
    give(agent, 50, "quiz:1")
    client.force_login(make_user())
    page = en(client, "leaderboard:board").content.decode()
    assert (
        "微笑天使" in page
        and agent.display_name not in page.split("Where you stand")[0]
    )


def test_my_points_lists_every_entry_with_its_reason_and_link(client, agent):
    give(agent, 12, "quiz:7")
    give(agent, 3, "quiz:8", at=timezone.now() - timedelta(days=400))
    client.force_login(agent)
    page = en(client, "leaderboard:my_points").content.decode()
    assert "Quiz “擂台赛”: #1 of 9 with 1200 quiz points" in page
    assert reverse("contests:my_result", args=[7]) in page
    totals = re.findall(r'<span class="total-value">(\d+)</span>', page)
    assert totals == ["12", "12", "15"]


def test_managers_change_rules_and_thresholds_and_every_change_is_logged(
    client, manager, trainer
):
    client.force_login(trainer)
    assert client.get(reverse("leaderboard:rules")).status_code == 403
    client.force_login(manager)
    form = en(client, "leaderboard:rules").content.decode()
    data = {
        name: value
        for name, value in re.findall(r'name="([\w-]+)" value="([^"]*)"', form)
        if name != "csrfmiddlewaretoken"
    }
    data["quiz-weight"] = "2.5"
    data.update({f"stars-stars_{n}": str(n * 100) for n in range(1, 6)})
    response = client.post(reverse("leaderboard:rules"), data)
    assert response.status_code == 302
    assert PointRule.objects.get(source="quiz").weight == 2.5
    assert RuleChange.objects.get().after["weight"] == "2.50"
    assert StarThreshold.objects.get(stars=5).min_points == 500
    data.update({"stars-stars_2": "50"})  # fewer than one star needs
    refused = client.post(reverse("leaderboard:rules"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "Each star needs more points than the one before." in refused.content.decode()
    )


def test_service_stars_are_proposed_from_the_month_and_confirmed_once(
    client, manager, team, other_team
):
    october = timezone.make_aware(datetime(2026, 10, 15, 12))
    best, second, other = (
        make_user(team=team),
        make_user(team=team),
        make_user(team=other_team),
    )
    give(best, 90, "quiz:1", at=october)
    give(second, 40, "quiz:1", at=october)
    give(other, 70, "quiz:1", at=october)
    awards = {(a.scope, a.team_id): a for a in stars.propose(date(2026, 10, 1))}
    assert awards[("center", None)].person == best
    assert awards[("team", team.pk)].person == best
    assert awards[("team", other_team.pk)].person == other
    assert awards[("star_team", other_team.pk)].points == 70.0
    client.force_login(manager)
    center = awards[("center", None)]
    client.post(reverse("leaderboard:star_confirm", args=[center.pk]))
    client.post(reverse("leaderboard:star_confirm", args=[center.pk]))
    center.refresh_from_db()
    assert center.confirmed_by == manager
    give(second, 100, "quiz:2", at=october)  # late points change open proposals only
    stars.propose(date(2026, 10, 1))
    assert ServiceStarAward.objects.get(pk=center.pk).person == best
    assert ServiceStarAward.objects.get(scope="team", team=team).person == second


def test_a_tie_for_service_star_is_shown_with_its_rule_and_the_manager_chooses(
    client, manager, team
):
    early = timezone.make_aware(datetime(2026, 10, 10, 12))
    later = timezone.make_aware(datetime(2026, 10, 20, 12))
    # Equal on 198 points; the second reached it first, so the rule proposes
    # her, whatever the order the accounts were made in.
    first_made = make_user(team=team, display_name="王佳怡")
    reached_first = make_user(team=team, display_name="李晓婷")
    give(first_made, 198, "quiz:1", at=later)
    give(reached_first, 198, "quiz:2", at=early)
    client.force_login(manager)
    page = en(client, "leaderboard:stars", month="2026-10").content.decode()
    assert "Tied: 2 share the best score" in page
    assert "whose last points of the month came earliest" in page
    assert page.count(f'name="choice" value="{first_made.pk}"') == 2  # 2 awards
    center = ServiceStarAward.objects.get(scope="center")
    assert center.person == reached_first
    # The manager chooses the other one of the tied.
    client.post(
        reverse("leaderboard:star_confirm", args=[center.pk]),
        {"choice": first_made.pk},
    )
    center.refresh_from_db()
    assert center.person == first_made and center.confirmed_by == manager
    # Someone not tied cannot be chosen.
    outsider = make_user(team=team)
    give(outsider, 10, "quiz:3", at=early)
    team_star = ServiceStarAward.objects.get(scope="team", team=team)
    client.post(
        reverse("leaderboard:star_confirm", args=[team_star.pk]),
        {"choice": outsider.pk},
    )
    team_star.refresh_from_db()
    assert not team_star.is_confirmed and team_star.person == reached_first


def test_a_tie_for_star_team_is_listed_too(client, manager, team, other_team):
    october = timezone.make_aware(datetime(2026, 10, 15, 12))
    give(make_user(team=team), 50, "quiz:1", at=october)
    give(make_user(team=other_team), 50, "quiz:1", at=october)
    awards = {a.scope: a for a in stars.propose(date(2026, 10, 1))}
    assert {c.pk for c in awards["star_team"].tied} == {team.pk, other_team.pk}
    client.force_login(manager)
    client.post(
        reverse("leaderboard:star_confirm", args=[awards["star_team"].pk]),
        {"choice": other_team.pk},
    )
    assert ServiceStarAward.objects.get(scope="star_team").team == other_team


def test_agents_cannot_open_manager_pages(client, agent):
    client.force_login(agent)
    for name in ["leaderboard:rules", "leaderboard:stars", "people:manage"]:
        assert client.get(reverse(name)).status_code == 403, name


def test_my_place_shows_the_two_just_above_and_below_ties_broken_as_on_the_board(
    team,
):
    points = [50, 40, 40, 40, 40, 30, 20]
    people = [make_user(team=team) for _ in points]
    for n, (person, units) in enumerate(zip(people, points, strict=True)):
        give(person, units, f"quiz:{n}")

    def names_around(person):
        return [row.person_id for row in rankings.around(person, "month")]

    # Among the four on 40, the board lists them by id: the third has the
    # first two of them above and the fourth and the one on 30 below.
    assert names_around(people[3]) == [p.pk for p in people[1:6]]
    assert names_around(people[0]) == [p.pk for p in people[0:3]]
    assert names_around(people[-1]) == [p.pk for p in people[-3:]]
    give(people[-1], 100, "quiz:late")  # from last to first
    assert names_around(people[-1]) == [people[-1].pk, people[0].pk, people[1].pk]
    assert names_around(people[5]) == [p.pk for p in people[3:5]] + [people[5].pk]
