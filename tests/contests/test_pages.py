"""The quiz pages: who may open what, creating, joining, results."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contests.engine import audience, lifecycle, setup, snapshots
from contests.engine.standings import team_standings
from contests.kinds.quiz import setup as quiz_setup
from contests.models import Contest, Entry
from tests.factories import make_user
from training.models import Question


def en(client, method, name, *args, data=None):
    return getattr(client, method)(
        reverse(name, args=args), data or {}, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_agents_cannot_open_the_console_the_form_or_any_results(client, quiz, agent):
    client.force_login(agent)
    for name, args in [
        ("contests:console", [quiz.pk]),
        ("contests:join_qr", [quiz.pk]),
        ("contests:results", [quiz.pk]),
        ("contests:results_export", [quiz.pk]),
        ("contests:quiz_create", []),
        ("contests:quiz_list", []),
        ("training:bank_list", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name


def test_only_the_host_opens_the_console(client, quiz, manager):
    client.force_login(manager)
    assert client.get(reverse("contests:console", args=[quiz.pk])).status_code == 403
    client.force_login(quiz.host)
    page = client.get(reverse("contests:console", args=[quiz.pk])).content.decode()
    assert quiz.pin in page and 'ws-connect="/ws/quiz/' in page


def test_a_player_sees_only_their_own_result_of_quizzes_they_played(
    client, quiz, players, other_agent
):
    lifecycle.start_contest(contest_id=quiz.pk, by=quiz.host)
    lifecycle.end_contest(contest_id=quiz.pk, by=quiz.host)
    client.force_login(players[0].user)
    mine = en(client, "get", "contests:my_result", quiz.pk)
    assert mine.status_code == 200 and "Right answer:" in mine.content.decode()
    client.force_login(other_agent)
    assert en(client, "get", "contests:my_result", quiz.pk).status_code == 403
    assert en(client, "get", "contests:play", quiz.pk).status_code == 403


def test_a_trainer_creates_a_quiz_from_chosen_questions(client, trainer, bank):
    client.force_login(trainer)
    chosen = list(bank.questions.order_by("-id").values_list("id", flat=True)[:2])
    response = en(
        client,
        "post",
        "contests:quiz_create",
        data={
            "title": "周五擂台赛",
            "bank": bank.pk,
            "selection": "chosen",
            "questions": chosen,
            "seconds_per_question": 30,
            "points_per_question": 2000,
            "speed_scoring": "on",
        },
    )
    quiz = Contest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contests:console", args=[quiz.pk])
    assert sorted(r.content["source"] for r in quiz.rounds.all()) == sorted(chosen)
    assert (quiz.seconds_per_round, quiz.quiz_options.points_per_question) == (
        30,
        2000,
    )
    assert not quiz.quiz_options.streak_bonus and len(quiz.pin) == 6


def test_random_questions_come_from_the_ticked_categories(client, trainer, bank):
    client.force_login(trainer)
    norms = bank.categories.get(name="服务规范")
    en(
        client,
        "post",
        "contests:quiz_create",
        data={
            "title": "随机",
            "bank": bank.pk,
            "selection": "random",
            "categories": [norms.pk],
            "count": 10,
            "seconds_per_question": 20,
            "points_per_question": 1000,
        },
    )
    quiz = Contest.objects.get()
    assert quiz.rounds.count() == 2  # all the category has
    sources = [r.content["source"] for r in quiz.rounds.all()]
    categories = Question.objects.filter(pk__in=sources).values_list("category_id")
    assert set(categories) == {(norms.pk,)}


@pytest.mark.parametrize("seconds", [4, 241])
def test_time_limits_outside_5_to_240_seconds_are_refused(
    client, trainer, bank, seconds
):
    client.force_login(trainer)
    response = en(
        client,
        "post",
        "contests:quiz_create",
        data={
            "title": "x",
            "bank": bank.pk,
            "selection": "chosen",
            "questions": [bank.questions.first().pk],
            "seconds_per_question": seconds,
            "points_per_question": 1000,
        },
    )
    assert response.status_code == 200 and not Contest.objects.exists()


@pytest.mark.parametrize(
    ("language", "help_text", "other_language"),
    [
        ("en", "From 5 to 240 seconds.", "5 到 240 秒"),
        ("zh-hans", "5 到 240 秒", "From 5"),
    ],
)
def test_the_new_quiz_page_reads_in_the_readers_language(
    client, trainer, language, help_text, other_language
):
    client.force_login(trainer)
    page = client.get(
        reverse("contests:quiz_create"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert help_text in page and other_language not in page
    seconds = re.search(r'<input type="number" name="seconds_per_question"[^>]*>', page)
    assert 'min="5"' in seconds[0] and 'max="240"' in seconds[0]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "A question lasts from 5 to 240 seconds: choose a number in between."),
        ("zh-hans", "每题限时 5 到 240 秒，请在此范围内选择。"),
    ],
)
def test_zero_seconds_is_refused_in_our_words(client, trainer, bank, language, message):
    client.force_login(trainer)
    response = client.post(
        reverse("contests:quiz_create"),
        {
            "title": "x",
            "bank": bank.pk,
            "selection": "chosen",
            "questions": [bank.questions.first().pk],
            "seconds_per_question": 0,
            "points_per_question": 1000,
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    page = response.content.decode()
    assert message in page and "Ensure this value" not in page
    assert "确保该值" not in page and not Contest.objects.exists()


def test_joining_by_pin_then_by_qr_link_makes_one_participant(client, quiz, agent):
    client.force_login(agent)
    wrong = en(client, "post", "contests:join", data={"pin": "000000"})
    assert "No live quiz has this PIN" in wrong.content.decode()
    joined = en(client, "post", "contests:join", data={"pin": quiz.pin})
    assert joined["Location"] == reverse("contests:play", args=[quiz.pk])
    confirm = en(client, "get", "contests:join_pin", quiz.pin)
    assert quiz.title in confirm.content.decode()
    en(client, "post", "contests:join_pin", quiz.pin)
    assert Entry.objects.filter(contest=quiz, user=agent).count() == 1
    play = en(client, "get", "contests:play", quiz.pk).content.decode()
    assert "You're in!" in play


def test_the_home_page_shows_live_quizzes(client, quiz, agent):
    client.force_login(agent)
    page = en(client, "get", "people:home").content.decode()
    assert "Live now" in page and quiz.title in page
    quiz.status = "finished"
    quiz.save()
    assert quiz.title not in en(client, "get", "people:home").content.decode()


def test_team_mode_ranks_teams_by_the_average_of_their_players(
    client, bank, trainer, team, other_team
):
    quiz = quiz_setup.create_quiz(
        host=trainer,
        title="班组对抗",
        bank=bank,
        questions=bank.questions.all(),
        team_mode=True,
    )
    a = [make_user(team=team) for _ in range(2)]
    b = [make_user(team=other_team) for _ in range(3)]
    scores = {a[0]: 1000, a[1]: 0, b[0]: 600, b[1]: 600, b[2]: 600}
    for user, score in scores.items():
        participant = setup.join_contest(contest=quiz, user=user)
        Entry.objects.filter(pk=participant.pk).update(score=score)
    ranked = team_standings(quiz)
    assert [(t.name, t.score, t.rank) for t in ranked] == [
        (other_team.name, 600.0, 1),
        (team.name, 500.0, 2),
    ]


def test_results_page_and_excel_show_every_player_and_question(client, quiz, players):
    lifecycle.start_contest(contest_id=quiz.pk, by=quiz.host)
    lifecycle.end_contest(contest_id=quiz.pk, by=quiz.host)
    client.force_login(quiz.host)
    page = en(client, "get", "contests:results", quiz.pk).content.decode()
    for participant in players:
        assert participant.user.display_name in page
    assert "停电故障报修拨打哪个号码" in page
    export = en(client, "get", "contests:results_export", quiz.pk)
    sheets = load_workbook(io.BytesIO(export.content))
    assert sheets.sheetnames == ["Contest", "Players", "Questions", "Player answers"]
    assert sheets["Players"].max_row == 1 + len(players)
    assert sheets["Questions"].max_row == 1 + quiz.rounds.count()


def test_screens_show_board_names_and_the_host_sees_real_names(quiz, players):
    alias = players[0].user
    alias.board_alias = "微笑天使"
    alias.save()
    Entry.objects.filter(pk=players[0].pk).update(score=900)
    lifecycle.start_contest(contest_id=quiz.pk, by=quiz.host)
    lifecycle.end_contest(contest_id=quiz.pk, by=quiz.host)
    quiz.refresh_from_db()
    on_tv = audience.audience_snapshot(contest_id=quiz.pk, language="en")
    assert "微笑天使" in on_tv and alias.display_name not in on_tv
    console = snapshots.host_snapshot(contest_id=quiz.pk, language="en")
    assert alias.display_name in console
