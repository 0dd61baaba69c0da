"""Who reads a quiz's results, and when; and results outlive the bank."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contests.engine import intake, lifecycle, setup
from tests.factories import make_user

RESULT_PAGES = ["contests:results", "contests:results_export"]


def status(client, name, quiz) -> int:
    return client.get(reverse(name, args=[quiz.pk])).status_code


@pytest.fixture
def playing_trainer(quiz, team):
    colleague = make_user(username="erin", role="trainer", team=team)
    setup.join_contest(contest=quiz, user=colleague)
    return colleague


@pytest.mark.parametrize("name", RESULT_PAGES)
def test_a_trainer_playing_a_live_quiz_cannot_read_its_results_until_it_ends(
    client, quiz, players, playing_trainer, name
):
    lifecycle.start_contest(contest_id=quiz.pk, by=quiz.host)
    client.force_login(playing_trainer)
    assert status(client, name, quiz) == 403
    lifecycle.end_contest(contest_id=quiz.pk, by=quiz.host)
    assert status(client, name, quiz) == 200


@pytest.mark.parametrize("name", RESULT_PAGES)
def test_during_the_quiz_only_its_host_reads_the_results(
    client, quiz, players, manager, name
):
    lifecycle.start_contest(contest_id=quiz.pk, by=quiz.host)
    other_trainer = make_user(username="frank", role="trainer")
    for person in (manager, other_trainer):
        client.force_login(person)
        assert status(client, name, quiz) == 403, person
    client.force_login(quiz.host)
    assert status(client, name, quiz) == 200
    lifecycle.end_contest(contest_id=quiz.pk, by=quiz.host)
    for person in (manager, other_trainer):
        client.force_login(person)
        assert status(client, name, quiz) == 200, person


def test_a_finished_quiz_keeps_its_results_after_its_bank_is_deleted(
    client, quiz, players, bank
):
    lifecycle.start_contest(contest_id=quiz.pk, by=quiz.host)
    intake.record(
        contest_id=quiz.pk,
        user=players[0].user,
        position=0,
        payload=[0],
        received_at=timezone.now(),
    )
    lifecycle.end_contest(contest_id=quiz.pk, by=quiz.host)
    client.force_login(bank.owner)
    client.post(reverse("training:bank_delete", args=[bank.pk]))
    quiz.refresh_from_db()
    quiz.quiz_options.refresh_from_db()
    assert quiz.quiz_options.bank is None and quiz.rounds.count() == 4

    page = client.get(reverse("contests:results", args=[quiz.pk]))
    assert page.status_code == 200
    assert "停电故障报修拨打哪个号码" in page.content.decode()
    export = client.get(reverse("contests:results_export", args=[quiz.pk]))
    sheets = load_workbook(io.BytesIO(export.content))
    assert sheets.worksheets[2].max_row == 1 + 4  # the questions
    client.force_login(players[0].user)
    mine = client.get(reverse("contests:my_result", args=[quiz.pk]))
    assert mine.status_code == 200 and "95598" in mine.content.decode()
    quizzes = client.get(reverse("contests:quiz_list"))
    assert quizzes.status_code == 403  # an agent; the trainer's list is below
    client.force_login(bank.owner)
    assert client.get(reverse("contests:quiz_list")).status_code == 200
