"""The quiz's rules, at the service level: time, order, one answer each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from contests.engine import intake, lifecycle, setup, snapshots
from contests.engine.errors import ContestError
from contests.kinds.quiz import questions as quiz_questions
from contests.kinds.quiz import setup as quiz_setup
from contests.models import Phase, Status, Submission, Verdict
from contests.signals import contest_finished


def started(quiz, trainer):
    lifecycle.start_contest(contest_id=quiz.pk, by=trainer)
    quiz.refresh_from_db()
    return quiz.current_round()


def answer(quiz, participant, choice, *, after_s=1.0, position=None):
    question = quiz.rounds.get(
        position=quiz.current_position if position is None else position
    )
    return intake.record(
        contest_id=quiz.pk,
        user=participant.user,
        position=question.position,
        payload=choice,
        received_at=question.opened_at + timedelta(seconds=after_s),
    )


def test_only_the_host_runs_the_quiz(quiz, players, agent, other_agent):
    for outsider in (players[0].user, other_agent):
        with pytest.raises(ContestError) as refused:
            lifecycle.start_contest(contest_id=quiz.pk, by=outsider)
        assert refused.value.code == "not_host"
    quiz.refresh_from_db()
    assert quiz.status == Status.LOBBY and quiz.version == 0


def test_scores_follow_the_server_clock_and_the_rules(quiz, trainer, players):
    started(quiz, trainer)
    first, second, third = players
    answer(quiz, first, [0], after_s=0.2)  # right, under half a second
    answer(quiz, second, [0], after_s=10)  # right, half way
    answer(quiz, third, [1], after_s=1)  # wrong
    for participant, points in zip(players, [1000, 750, 0], strict=True):
        participant.refresh_from_db()
        assert participant.score == points


def test_an_answer_after_the_deadline_is_refused_and_not_stored(quiz, trainer, players):
    started(quiz, trainer)
    with pytest.raises(ContestError) as refused:
        answer(quiz, players[0], [0], after_s=20.001)
    assert refused.value.code == "late"
    assert not Submission.objects.exists()


def test_a_repeated_answer_stores_one_row_and_gets_the_first_receipt(
    quiz, trainer, players
):
    started(quiz, trainer)
    first = answer(quiz, players[0], [1], after_s=2)
    again = answer(quiz, players[0], [0], after_s=3)
    assert again.payload == first.payload == [1]
    assert again.repeated
    assert Submission.objects.count() == 1
    players[0].refresh_from_db()
    assert players[0].score == 0


def test_the_database_refuses_a_second_answer_row(quiz, trainer, players):
    question = started(quiz, trainer)
    answer(quiz, players[0], [0])
    with pytest.raises(IntegrityError):
        Submission.objects.create(
            entry=players[0],
            round=question,
            payload=[1],
            received_at=timezone.now(),
            elapsed_ms=1,
            verdict=Verdict.WRONG,
        )


def test_streak_bonus_and_all_or_nothing_multiple_choice(quiz, trainer, players):
    started(quiz, trainer)
    player = players[0]
    answer(quiz, player, [0], after_s=0.1)
    lifecycle.reveal_round(contest_id=quiz.pk, by=trainer)
    lifecycle.next_round(contest_id=quiz.pk, by=trainer)
    quiz.refresh_from_db()
    answer(quiz, player, [2, 0], after_s=0.1)  # exactly the right two: streak of 2
    lifecycle.reveal_round(contest_id=quiz.pk, by=trainer)
    lifecycle.next_round(contest_id=quiz.pk, by=trainer)
    quiz.refresh_from_db()
    answer(quiz, players[1], [0], after_s=0.1)
    player.refresh_from_db()
    assert player.score == 1000 + 1000 + 100
    assert player.streak == 2
    answers = Submission.objects.filter(entry=player).order_by("round__position")
    assert [a.bonus for a in answers] == [0, 100]


def test_pausing_gives_the_time_back(quiz, trainer, players, monkeypatch):
    """Paused 5 s into a 20 s question for a minute: the clock stands still
    at 15 s left, nothing is taken or closed meanwhile, and after the resume
    the question still has 15 s and an answer 10 s later took 15 s."""
    question = started(quiz, trainer)
    opened = question.opened_at
    clock = [opened + timedelta(seconds=5)]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    lifecycle.pause_contest(contest_id=quiz.pk, by=trainer)

    clock[0] = opened + timedelta(seconds=65)
    quiz.refresh_from_db()
    assert quiz.paused_at == opened + timedelta(seconds=5)
    assert snapshots.remaining_ms(quiz, question) == 15_000
    with pytest.raises(ContestError) as refused:
        answer(quiz, players[0], [0], after_s=65)
    assert refused.value.code == "paused"
    assert not Submission.objects.exists()
    assert not lifecycle.close_round(contest_id=quiz.pk, position=0)

    lifecycle.resume_contest(contest_id=quiz.pk, by=trainer)
    quiz.refresh_from_db()
    question.refresh_from_db()
    assert (quiz.status, quiz.phase, quiz.paused_at) == (
        Status.RUNNING,
        Phase.OPEN,
        None,
    )
    assert question.deadline == opened + timedelta(seconds=80)
    assert question.paused_seconds == 60
    assert question.closed_at is None
    assert snapshots.remaining_ms(quiz, question) == 15_000

    clock[0] = opened + timedelta(seconds=75)
    answer(quiz, players[0], [0], after_s=75)
    assert Submission.objects.get().elapsed_ms == 15_000
    players[0].refresh_from_db()
    assert players[0].score == 625  # 1000 × (1 − (15 / 20) / 2)


def test_the_clock_closes_only_at_the_deadline(quiz, trainer, players):
    question = started(quiz, trainer)
    assert not lifecycle.close_round(contest_id=quiz.pk, position=0)
    question.deadline = timezone.now() - timedelta(milliseconds=1)
    question.save()
    assert lifecycle.close_round(contest_id=quiz.pk, position=0)
    assert not lifecycle.close_round(contest_id=quiz.pk, position=0)  # idempotent
    quiz.refresh_from_db()
    question.refresh_from_db()
    assert quiz.phase == Phase.CLOSED
    assert question.closed_at == question.deadline


def test_ending_records_ranks_and_sends_the_signal_once(quiz, trainer, players):
    received = []

    def receiver(sender, contest, results, team_results, **kwargs):
        received.append([(r.name, r.score, r.rank) for r in results])

    contest_finished.connect(receiver)
    try:
        started(quiz, trainer)
        answer(quiz, players[0], [0], after_s=0.2)
        answer(quiz, players[1], [0], after_s=0.3)
        lifecycle.end_contest(contest_id=quiz.pk, by=trainer)
        lifecycle.end_contest(contest_id=quiz.pk, by=trainer)
    finally:
        contest_finished.disconnect(receiver)
    assert received == [[("选手1", 1000, 1), ("选手2", 1000, 1), ("选手3", 0, 3)]]
    players[2].refresh_from_db()
    assert players[2].final_rank == 3


def test_a_removed_player_cannot_answer_or_rejoin(quiz, trainer, players):
    setup.remove_entry(contest_id=quiz.pk, entry_id=players[0].pk, by=trainer)
    started(quiz, trainer)
    with pytest.raises(ContestError) as refused:
        answer(quiz, players[0], [0])
    assert refused.value.code == "not_playing"
    with pytest.raises(ContestError) as refused:
        setup.join_contest(contest=quiz, user=players[0].user)
    assert refused.value.code == "removed"


@pytest.mark.parametrize(
    ("choice", "position"),
    [
        ([7], 0),  # no such option
        ([0, 1], 0),  # two options for a single choice
        ([], 0),
        ({"a": 1}, 0),
        (["x"], 0),
        ("", 3),  # typed answer: empty
        ("   ", 3),
        (["95598"], 3),  # a list for a typed answer
        ("9" * (quiz_questions.MAX_TEXT_ANSWER + 1), 3),  # too long
    ],
)
def test_answers_that_do_not_fit_the_question_are_refused(
    quiz, trainer, players, choice, position
):
    started(quiz, trainer)
    quiz.current_position = position
    quiz.save()
    quiz.rounds.filter(position=position).update(
        opened_at=timezone.now(), deadline=timezone.now() + timedelta(seconds=20)
    )
    with pytest.raises(ContestError) as refused:
        answer(quiz, players[0], choice, position=position, after_s=0.5)
    assert refused.value.code == "invalid"
    assert not Submission.objects.exists()
    players[0].refresh_from_db()
    assert (players[0].score, players[0].streak) == (0, 0)


def test_a_burst_of_answers_is_judged_one_by_one_in_one_batch(
    quiz, trainer, players, other_agent, django_assert_max_num_queries
):
    """Group commit: each answer keeps its own verdict, refusal and language,
    a repeat inside the batch stores nothing, and the batch costs a fixed
    number of queries however many answer."""
    question = started(quiz, trainer)
    first, second, third = players
    at = question.opened_at

    def sent(user, choice, after_s, language="en"):
        return intake.Incoming(
            user.pk, 0, choice, at + timedelta(seconds=after_s), language
        )

    batch = [
        sent(first.user, [0], 0.2),
        sent(second.user, [1], 1.0),
        sent(first.user, [1], 1.5),  # the same player again: the first counts
        sent(third.user, [0], 25.0, "zh-hans"),  # after the deadline
        sent(other_agent, [0], 1.0),  # never joined
    ]
    with django_assert_max_num_queries(12):
        results = intake.record_batch(quiz.pk, batch)

    kept, wrong, repeat, late, outsider = results
    assert kept.payload == [0] and not kept.repeated
    assert wrong.payload == [1] and not wrong.repeated
    assert repeat.payload == [0] and repeat.repeated
    assert late.code == "late" and "截止" in late.message
    assert outsider.code == "not_playing" and "not playing" in outsider.message
    stored = Submission.objects.filter(round=question)
    assert sorted(stored.values_list("entry_id", "payload")) == sorted(
        [(first.pk, [0]), (second.pk, [1])]
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.score, first.right_count, second.score) == (1000, 1, 0)


def test_a_quiz_left_alone_is_ended_with_its_points_kept(
    quiz, trainer, players, settings
):
    """A trainer who walks away mid-quiz (here: paused mid-question) leaves
    it to the server: after QUIZ_IDLE_END_MINUTES without a change it ends as
    if the host had ended it. A quiz still moving, or not started, is left."""
    from leaderboard.models import PointEntry

    settings.QUIZ_IDLE_END_MINUTES = 120
    question = started(quiz, trainer)
    answer(quiz, players[0], [0], after_s=0.2)
    lifecycle.pause_contest(contest_id=quiz.pk, by=trainer)
    bank = quiz.quiz_options.bank
    waiting = quiz_setup.create_quiz(
        host=trainer, title="下午场", bank=bank, questions=bank.questions.all()
    )
    quiz.refresh_from_db()
    soon = quiz.changed_at + timedelta(minutes=119)
    assert lifecycle.end_idle_contests(now=soon) == []

    later = quiz.changed_at + timedelta(minutes=121)
    assert lifecycle.end_idle_contests(now=later) == [quiz.pk]
    assert lifecycle.end_idle_contests(now=later) == []  # once
    quiz.refresh_from_db()
    question.refresh_from_db()
    waiting.refresh_from_db()
    assert quiz.status == Status.FINISHED and question.closed_at is not None
    assert waiting.status == Status.LOBBY  # never started: not ended
    players[0].refresh_from_db()
    assert players[0].final_rank == 1
    earned = PointEntry.objects.filter(reference=f"quiz:{quiz.pk}")
    assert [e.person_id for e in earned] == [players[0].user_id]
