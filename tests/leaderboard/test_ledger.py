"""The ledger: once per thing, corrections by reversal, caps, running totals."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from contests.engine import intake, lifecycle, setup
from contests.kinds.quiz import setup as quiz_setup
from leaderboard import ledger, rankings
from leaderboard.models import AppendOnly, PointEntry, PointTotal, StarThreshold
from leaderboard.periods import period_start
from leaderboard.rules import change_rule, rule_for
from tests.factories import make_bank, make_user

NOON = timezone.make_aware(datetime(2026, 11, 18, 12, 0))  # a Wednesday


def award(person, reference, units, *, source="quiz", at=NOON):
    return ledger.award(
        person=person,
        source=source,
        reference=reference,
        units=units,
        detail={"title": "t", "rank": 1, "players": 1, "score": 100},
        occurred_at=at,
    )


TODAY = NOON.date()


def total(owner, period, day=TODAY):
    key = {"person": owner} if hasattr(owner, "role") else {"team": owner}
    row = PointTotal.objects.filter(
        period=period, starts_on=period_start(period, day), **key
    ).first()
    return row.points if row else 0


def test_the_same_thing_is_recorded_once(agent):
    first = award(agent, "quiz:1", 12)
    again = award(agent, "quiz:1", 99)
    assert first.pk == again.pk and PointEntry.objects.count() == 1
    assert total(agent, "week") == 12
    with pytest.raises(IntegrityError):
        PointEntry.objects.create(
            person=agent, source="quiz", reference="quiz:1", points=5, occurred_at=NOON
        )


def test_entries_are_never_edited_or_deleted(agent):
    entry = award(agent, "quiz:1", 12)
    entry.points = 1000
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()


def test_a_correction_is_a_reversing_entry_in_the_same_period(agent):
    earlier = NOON - timedelta(days=40)
    entry = award(agent, "quiz:1", 30, at=earlier)
    reversal = ledger.reverse(entry=entry, why="wrong player")
    assert reversal.points == -30 and reversal.occurred_at == earlier
    assert ledger.reverse(entry=reversal, why="again") is None
    assert ledger.reverse(entry=entry, why="twice").pk == reversal.pk
    assert total(agent, "month", earlier.date()) == 0
    assert total(agent, "all") == 0
    assert PointEntry.objects.count() == 2


def test_totals_follow_person_and_team_by_week_month_and_all_time(agent, team):
    award(agent, "quiz:1", 10)
    award(agent, "quiz:2", 5, at=NOON + timedelta(days=7))  # the next week
    assert total(agent, "week") == 10
    assert total(agent, "month") == 15
    assert total(agent, "all") == 15
    assert total(team, "month") == 15


def test_the_daily_cap_trims_points_and_says_so(agent):
    rule = rule_for("kudos")  # 5 points each, 25 a day
    assert (rule.weight, rule.daily_cap) == (Decimal("5"), 25)
    points = [award(agent, f"kudos:{n}", 1, source="kudos").points for n in range(7)]
    assert points == [5, 5, 5, 5, 5, 0, 0]
    assert PointEntry.objects.get(reference="kudos:5").detail["capped_from"] == 5
    tomorrow = award(agent, "kudos:8", 1, source="kudos", at=NOON + timedelta(days=1))
    assert tomorrow.points == 5


def test_rule_changes_apply_to_new_points_and_are_logged(agent, manager):
    award(agent, "quiz:1", 10)
    rule = change_rule(
        rule=rule_for("quiz"), weight=Decimal("2"), daily_cap=None, by=manager
    )
    award(agent, "quiz:2", 10)
    assert list(PointEntry.objects.order_by("id").values_list("points", flat=True)) == [
        10,
        20,
    ]
    change = rule.changes.get()
    assert change.before == {"weight": "1.00", "daily_cap": 100}
    assert change.after == {"weight": "2.00", "daily_cap": None}
    assert change.changed_by == manager


def test_rankings_share_ranks_on_ties_and_show_movement(team):
    people = [make_user(team=team) for _ in range(4)]
    yesterday = NOON - timedelta(days=1)
    for person, units in zip(people, [50, 40, 30, 10], strict=True):
        award(person, "quiz:1", units, at=yesterday)
    award(people[3], "quiz:2", 30)  # 40 now: from 4th to shared 2nd
    rows = rankings.people_ranking("week", day=NOON.date())
    assert [(r.person_id, r.rank, r.points) for r in rows] == [
        (people[0].pk, 1, 50),
        (people[1].pk, 2, 40),
        (people[3].pk, 2, 40),
        (people[2].pk, 4, 30),
    ]
    movement = {r.person_id: r.movement for r in rows}
    assert movement == {
        people[0].pk: 0,
        people[1].pk: 0,
        people[3].pk: 2,
        people[2].pk: -1,
    }


def test_stars_follow_the_thresholds_a_manager_sets(agent):
    for stars, needed in [(1, 10), (2, 50), (3, 100), (4, 200), (5, 400)]:
        StarThreshold.objects.create(stars=stars, min_points=needed)
    award(agent, "quiz:1", 120)
    (row,) = rankings.people_ranking("month", day=NOON.date())
    assert row.stars == 3
    assert rankings.stars_for(0, rankings.thresholds()) == 0
    assert rankings.stars_for(400, rankings.thresholds()) == 5


def test_a_finished_quiz_turns_into_points_once(trainer, team):
    bank = make_bank(trainer)
    quiz = quiz_setup.create_quiz(
        host=trainer, title="擂台赛", bank=bank, questions=bank.questions.all()
    )
    players = [
        setup.join_contest(contest=quiz, user=make_user(team=team)) for _ in range(2)
    ]
    lifecycle.start_contest(contest_id=quiz.pk, by=trainer)
    question = quiz.rounds.get(position=0)
    intake.record(
        contest_id=quiz.pk,
        user=players[0].user,
        position=0,
        payload=[0],
        received_at=timezone.now(),
    )
    lifecycle.end_contest(contest_id=quiz.pk, by=trainer)
    entry = PointEntry.objects.get()
    assert (entry.person, entry.reference, entry.points) == (
        players[0].user,
        f"quiz:{quiz.pk}",
        10,
    )
    assert entry.detail == {"title": "擂台赛", "rank": 1, "players": 2, "score": 1000}
    assert question.contest_id == quiz.pk


def test_a_whole_floor_is_awarded_as_one_by_one_but_in_a_few_queries(
    agent, team, django_assert_max_num_queries
):
    """award_many keeps award's promises: once only, the daily cap, and
    totals in step for people and their teams."""
    floor = [agent, *(make_user(team=team) for _ in range(30))]
    award(agent, "kudos:earlier", 5, source="kudos")  # all 25 of the day's cap
    award(floor[1], "kudos:same", 1, source="kudos")  # already has this one
    batch = [ledger.Award(person, 1, {"n": n}) for n, person in enumerate(floor)]

    with django_assert_max_num_queries(30):  # one at a time: ~300
        ledger.award_many(
            source="kudos", reference="kudos:same", awards=batch, occurred_at=NOON
        )
    ledger.award_many(  # again: nothing more
        source="kudos", reference="kudos:same", awards=batch, occurred_at=NOON
    )

    same = PointEntry.objects.filter(reference="kudos:same")
    assert same.count() == len(floor)
    capped = same.get(person=agent)
    assert (capped.points, capped.detail["capped_from"]) == (0, 5)
    assert same.get(person=floor[1]).detail == {
        "title": "t",
        "rank": 1,
        "players": 1,
        "score": 100,
    }
    for person in floor:
        expected = sum(
            PointEntry.objects.filter(person=person).values_list("points", flat=True)
        )
        assert total(person, "week") == total(person, "all") == expected
    assert total(team, "month") == sum(
        PointEntry.objects.values_list("points", flat=True)
    )
