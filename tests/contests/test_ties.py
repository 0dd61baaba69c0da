"""Ties: each contest states its rule and its standings apply it
(shared/CONTESTS.md, Ties)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contests.engine import lifecycle, setup, snapshots
from contests.engine.standings import individual_standings
from contests.models import Contest, Entry, Submission, TieRule, Verdict
from tests.factories import make_user

# Standings under each rule


@pytest.fixture
def four(quiz, team):
    """Four players: 900, 700, 700, 500 points, joined in that order."""
    entries = []
    for n, score in enumerate([900, 700, 700, 500], start=1):
        person = make_user(username=f"t{n}", display_name=f"选手{n}", team=team)
        entry = setup.join_contest(contest=quiz, user=person)
        Entry.objects.filter(pk=entry.pk).update(score=score)
        entries.append(entry)
    return entries


def took(entry: Entry, *elapsed_ms: int) -> None:
    """``entry`` answered the first rounds in these times."""
    rounds = entry.contest.rounds.order_by("position")
    for round, ms in zip(rounds, elapsed_ms, strict=False):
        Submission.objects.create(
            entry=entry,
            round=round,
            payload=[0],
            received_at=timezone.now(),
            elapsed_ms=ms,
            verdict=Verdict.RIGHT,
        )


def ranks(contest: Contest) -> list[tuple[str, int]]:
    return [(s.name, s.rank) for s in individual_standings(contest)]


def test_under_shared_place_equal_scores_share_a_rank_and_the_next_skips(quiz, four):
    took(four[2], 1000)
    took(four[1], 9000)
    assert ranks(quiz) == [("选手1", 1), ("选手2", 2), ("选手3", 2), ("选手4", 4)]


def test_under_faster_total_time_the_quicker_of_equal_scores_ranks_higher(quiz, four):
    Contest.objects.filter(pk=quiz.pk).update(tie_rule=TieRule.FASTER)
    quiz.refresh_from_db()
    took(four[1], 6000, 3000)  # 9 s in all
    took(four[2], 4000, 4000)  # 8 s in all: quicker, though joined later
    assert ranks(quiz) == [("选手1", 1), ("选手3", 2), ("选手2", 3), ("选手4", 4)]


def test_under_faster_total_time_no_answer_at_all_counts_as_slowest(quiz, four):
    Contest.objects.filter(pk=quiz.pk).update(tie_rule=TieRule.FASTER)
    quiz.refresh_from_db()
    Entry.objects.filter(pk=four[1].pk).update(score=0)
    Entry.objects.filter(pk=four[0].pk).update(score=0)
    took(four[1], 20000)
    assert ranks(quiz)[-2:] == [("选手2", 3), ("选手1", 4)]


def test_under_faster_total_time_the_same_time_still_shares_a_place(quiz, four):
    Contest.objects.filter(pk=quiz.pk).update(tie_rule=TieRule.FASTER)
    quiz.refresh_from_db()
    took(four[1], 5000, 3000)
    took(four[2], 3000, 5000)
    assert ranks(quiz) == [("选手1", 1), ("选手2", 2), ("选手3", 2), ("选手4", 4)]


def test_final_ranks_and_the_podium_follow_the_tie_rule(quiz, four):
    Contest.objects.filter(pk=quiz.pk).update(tie_rule=TieRule.FASTER)
    took(four[1], 9000)
    took(four[2], 8000)
    lifecycle.start_contest(contest_id=quiz.pk, by=quiz.host)
    lifecycle.end_contest(contest_id=quiz.pk, by=quiz.host)
    quiz.refresh_from_db()
    final = dict(
        Entry.objects.filter(contest=quiz).values_list("user__username", "final_rank")
    )
    assert final == {"t1": 1, "t3": 2, "t2": 3, "t4": 4}
    steps = snapshots.stage_context(quiz)["podium"]
    assert [(s.place, s.tied) for s in steps] == [(1, False), (2, False), (3, False)]


# Where the rule is chosen and stated


def test_a_trainer_chooses_the_tie_rule_for_a_new_quiz(client, trainer, bank):
    client.force_login(trainer)
    form = client.get(reverse("contests:quiz_create"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "总用时短者胜" in form.content.decode()
    client.post(
        reverse("contests:quiz_create"),
        {
            "title": "限时赛",
            "bank": bank.pk,
            "selection": "chosen",
            "questions": list(bank.questions.values_list("id", flat=True)[:1]),
            "seconds_per_question": 20,
            "points_per_question": 1000,
            "tie_rule": TieRule.FASTER,
        },
    )
    assert Contest.objects.get().tie_rule == TieRule.FASTER


def test_a_quiz_shares_places_unless_told_otherwise(quiz):
    assert quiz.tie_rule == TieRule.SHARED


def test_the_lobby_states_the_tie_rule(client, quiz):
    client.force_login(quiz.host)
    console = client.get(
        reverse("contests:console", args=[quiz.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "同分时：名次并列" in console.content.decode()


def test_results_and_excel_state_the_tie_rule_and_the_times(client, quiz, four):
    Contest.objects.filter(pk=quiz.pk).update(tie_rule=TieRule.FASTER)
    took(four[1], 9000)
    lifecycle.start_contest(contest_id=quiz.pk, by=quiz.host)
    lifecycle.end_contest(contest_id=quiz.pk, by=quiz.host)
    client.force_login(quiz.host)
    page = client.get(
        reverse("contests:results", args=[quiz.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Equal scores: Faster total time wins" in page
    assert '<td class="num">9.0</td>' in page
    export = client.get(
        reverse("contests:results_export", args=[quiz.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    sheets = load_workbook(io.BytesIO(export.content))
    details = {row[0]: row[1] for row in sheets["Contest"].values}
    assert details["Tie rule"] == "Faster total time wins"
    players = list(sheets["Players"].values)
    assert players[0][-1] == "Total time (s)"
    assert [row[-1] for row in players[1:]] == [None, 9.0, None, None]
