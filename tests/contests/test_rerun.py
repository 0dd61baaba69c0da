"""Running a finished contest again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contests.engine import lifecycle, setup
from contests.engine.errors import ContestError
from contests.kinds.quiz import setup as quiz_setup
from contests.models import Contest, Round, Status, TieRule
from tests.factories import make_user
from training.models import Question


@pytest.fixture
def finished(bank, trainer, team):
    quiz = quiz_setup.create_quiz(
        host=trainer,
        title="业务知识擂台赛",
        bank=bank,
        questions=bank.questions.order_by("id"),
        seconds_per_question=45,
        team_mode=True,
        tie_rule=TieRule.FASTER,
        points_per_question=0,
        speed_scoring=False,
        streak_bonus=False,
        shuffle_options=False,
    )
    Round.objects.filter(contest=quiz, position=0).update(media="questions/map.png")
    setup.join_contest(contest=quiz, user=make_user(team=team))
    lifecycle.start_contest(contest_id=quiz.pk, by=trainer)
    lifecycle.end_contest(contest_id=quiz.pk, by=trainer)
    quiz.refresh_from_db()
    return quiz


def rounds(contest):
    return [(r.content, r.media.name) for r in contest.rounds.order_by("position")]


def test_run_again_opens_a_new_lobby_with_the_same_rounds_and_settings(
    client, finished, bank
):
    before = rounds(finished)
    # The bank changes afterwards: the new contest plays what was played.
    Question.objects.filter(bank=bank).update(prompt="改过的题目")
    client.force_login(finished.host)
    response = client.post(reverse("contests:rerun", args=[finished.pk]))
    again = Contest.objects.exclude(pk=finished.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contests:console", args=[again.pk])
    assert again.status == Status.LOBBY and again.pin != finished.pin
    assert again.title == finished.title and again.host == finished.host
    assert rounds(again) == before
    assert before[0][1] == "questions/map.png"
    assert (again.seconds_per_round, again.team_mode, again.tie_rule) == (
        45,
        True,
        TieRule.FASTER,
    )
    options, old = again.quiz_options, finished.quiz_options
    assert (options.bank, options.points_per_question) == (bank, 0)
    assert not (options.speed_scoring or options.streak_bonus)
    assert not options.shuffle_options
    assert again.entries.count() == 0
    # The finished contest is untouched.
    finished.refresh_from_db()
    assert finished.status == Status.FINISHED and rounds(finished) == before
    assert finished.entries.count() == 1 and old.contest_id == finished.pk
    assert finished.quiz_options.points_per_question == 0


def test_another_trainer_who_may_read_the_results_hosts_the_new_run(client, finished):
    colleague = make_user(role="trainer")
    client.force_login(colleague)
    client.post(reverse("contests:rerun", args=[finished.pk]))
    again = Contest.objects.exclude(pk=finished.pk).get()
    assert again.host == colleague


def test_agents_cannot_run_a_contest_again(client, finished, agent):
    client.force_login(agent)
    response = client.post(reverse("contests:rerun", args=[finished.pk]))
    assert response.status_code == 403
    assert Contest.objects.count() == 1


def test_run_again_takes_a_post(client, finished):
    client.force_login(finished.host)
    response = client.get(reverse("contests:rerun", args=[finished.pk]))
    assert response.status_code == 405
    assert Contest.objects.count() == 1


def test_a_contest_still_running_cannot_be_run_again(quiz):
    with pytest.raises(ContestError):
        setup.rerun_contest(contest=quiz, by=quiz.host)
    assert Contest.objects.count() == 1


def test_the_button_is_only_on_finished_results(client, quiz, finished):
    client.force_login(quiz.host)
    live = client.get(reverse("contests:results", args=[quiz.pk])).content.decode()
    done = client.get(reverse("contests:results", args=[finished.pk])).content
    assert reverse("contests:rerun", args=[quiz.pk]) not in live
    assert reverse("contests:rerun", args=[finished.pk]) in done.decode()
