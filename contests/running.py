"""Running a live quiz: every state change and every answer.

Each function is one transaction. State changes lock the quiz row, check who
asks and where the quiz stands, bump the version and schedule the broadcast
for after commit. The server's clock is the only clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contests import broadcast, standings
from contests.errors import QuizError
from contests.models import Answer, Participant, Phase, Quiz, QuizQuestion, QuizStatus
from contests.scoring import answer_points, is_correct, streak_bonus
from contests.signals import quiz_finished
from contests.stage import answer_labels
from realtime.messages import storable
from training.models import QuestionKind

MAX_TEXT_ANSWER = 200


def _lock(quiz_id: int) -> Quiz:
    try:
        return Quiz.objects.select_for_update().get(pk=quiz_id)
    except Quiz.DoesNotExist:
        raise QuizError(_("This quiz does not exist."), "not_found") from None


def _require_host(quiz: Quiz, user) -> None:
    if user is None or quiz.host_id != user.pk:
        raise QuizError(_("Only the quiz's host can do that."), "not_host")


def _require_phase(quiz: Quiz, *phases: str) -> None:
    if quiz.status != QuizStatus.RUNNING or quiz.phase not in phases:
        raise QuizError(_("That is not possible at this point of the quiz."), "phase")


def _changed(quiz: Quiz, **fields) -> Quiz:
    for name, value in fields.items():
        setattr(quiz, name, value)
    quiz.version += 1
    quiz.changed_at = timezone.now()
    quiz.save(update_fields=[*fields, "version", "changed_at"])
    broadcast.quiz_changed(quiz)
    return quiz


def _open(quiz: Quiz, position: int, now: datetime) -> Quiz:
    question = quiz.questions.get(position=position)
    question.opened_at = now
    question.deadline = now + timedelta(seconds=quiz.seconds_per_question)
    question.save(update_fields=["opened_at", "deadline"])
    return _changed(
        quiz, current_position=position, phase=Phase.QUESTION, paused_at=None
    )


@transaction.atomic
def start_quiz(*, quiz_id: int, by) -> Quiz:
    quiz = _lock(quiz_id)
    _require_host(quiz, by)
    if quiz.status != QuizStatus.LOBBY:
        raise QuizError(_("The quiz has already started."), "phase")
    if not quiz.participants.playing().exists():
        raise QuizError(_("Nobody has joined yet."), "empty")
    now = timezone.now()
    quiz.status = QuizStatus.RUNNING
    quiz.started_at = now
    quiz.save(update_fields=["status", "started_at"])
    return _open(quiz, 0, now)


@transaction.atomic
def close_question(*, quiz_id: int, position: int, by=None) -> bool:
    """Stop taking answers. ``by=None`` is the clock at the deadline.

    Idempotent: closing a question that is no longer open changes nothing and
    returns False, so the clocks of several processes may all try.
    """
    quiz = _lock(quiz_id)
    if by is not None:
        _require_host(quiz, by)
        _require_phase(quiz, Phase.QUESTION)
    if (
        quiz.status != QuizStatus.RUNNING
        or quiz.phase != Phase.QUESTION
        or quiz.current_position != position
    ):
        return False
    question = _locked_question(quiz, position)
    now = timezone.now()
    if by is None:
        if quiz.is_paused or question.deadline > now:
            return False  # paused, or the deadline moved on a resume
        question.closed_at = question.deadline
    else:
        question.closed_at = min(now, question.deadline)
    question.save(update_fields=["closed_at"])
    _changed(quiz, phase=Phase.CLOSED)
    return True


def close_now(*, quiz_id: int, by) -> bool:
    """The host closes the open question before its deadline."""
    position = Quiz.objects.values_list("current_position", flat=True).get(pk=quiz_id)
    if position is None:
        raise QuizError(_("That is not possible at this point of the quiz."), "phase")
    return close_question(quiz_id=quiz_id, position=position, by=by)


@transaction.atomic
def reveal_answer(*, quiz_id: int, by) -> Quiz:
    quiz = _lock(quiz_id)
    _require_host(quiz, by)
    if quiz.phase == Phase.QUESTION:
        close_question(quiz_id=quiz_id, position=quiz.current_position, by=by)
        quiz.refresh_from_db()
    _require_phase(quiz, Phase.CLOSED)
    question = _locked_question(quiz, quiz.current_position)
    question.revealed_at = timezone.now()
    question.save(update_fields=["revealed_at"])
    _changed(quiz, phase=Phase.REVEALED)
    broadcast.personal_results(quiz, standings.personal_results(quiz, question))
    return quiz


@transaction.atomic
def show_leaderboard(*, quiz_id: int, by) -> Quiz:
    quiz = _lock(quiz_id)
    _require_host(quiz, by)
    _require_phase(quiz, Phase.REVEALED)
    return _changed(quiz, phase=Phase.LEADERBOARD)


@transaction.atomic
def next_question(*, quiz_id: int, by) -> Quiz:
    quiz = _lock(quiz_id)
    _require_host(quiz, by)
    _require_phase(quiz, Phase.REVEALED, Phase.LEADERBOARD)
    position = quiz.current_position + 1
    if position >= quiz.questions.count():
        raise QuizError(_("That was the last question: end the quiz."), "last")
    return _open(quiz, position, timezone.now())


@transaction.atomic
def pause_quiz(*, quiz_id: int, by) -> Quiz:
    quiz = _lock(quiz_id)
    _require_host(quiz, by)
    _require_phase(quiz, Phase.QUESTION)
    if quiz.is_paused:
        return quiz
    now = timezone.now()
    if _locked_question(quiz, quiz.current_position).deadline <= now:
        raise QuizError(_("Time is already up for this question."), "phase")
    return _changed(quiz, paused_at=now)


@transaction.atomic
def resume_quiz(*, quiz_id: int, by) -> Quiz:
    """Give the paused time back: the deadline moves by the length of the pause."""
    quiz = _lock(quiz_id)
    _require_host(quiz, by)
    if not quiz.is_paused:
        return quiz
    question = _locked_question(quiz, quiz.current_position)
    paused = timezone.now() - quiz.paused_at
    question.deadline += paused
    question.paused_seconds += paused.total_seconds()
    question.save(update_fields=["deadline", "paused_seconds"])
    return _changed(quiz, paused_at=None)


@transaction.atomic
def end_quiz(*, quiz_id: int, by) -> Quiz:
    quiz = _lock(quiz_id)
    _require_host(quiz, by)
    if quiz.status == QuizStatus.FINISHED:
        return quiz
    if quiz.phase == Phase.QUESTION:
        close_question(quiz_id=quiz_id, position=quiz.current_position, by=by)
        quiz.refresh_from_db()
    return _finish(quiz)


def end_idle_quizzes(*, now: datetime | None = None) -> list[int]:
    """End the running quizzes nobody has moved on for
    ``settings.QUIZ_IDLE_END_MINUTES``, as their host would have: a trainer
    who walked away would otherwise leave every wall display on that quiz,
    and its players' points out of the ledger. The ids ended."""
    now = now or timezone.now()
    idle_since = now - timedelta(minutes=settings.QUIZ_IDLE_END_MINUTES)
    candidates = list(
        Quiz.objects.filter(
            status=QuizStatus.RUNNING, changed_at__lt=idle_since
        ).values_list("pk", flat=True)
    )
    return [pk for pk in candidates if _end_if_idle(pk, idle_since, now)]


@transaction.atomic
def _end_if_idle(quiz_id: int, idle_since: datetime, now: datetime) -> bool:
    quiz = _lock(quiz_id)
    if quiz.status != QuizStatus.RUNNING or quiz.changed_at >= idle_since:
        return False  # moved on meanwhile
    if quiz.phase == Phase.QUESTION:
        question = _locked_question(quiz, quiz.current_position)
        if question.closed_at is None:  # paused mid-question
            question.closed_at = min(now, question.deadline)
            question.save(update_fields=["closed_at"])
    _finish(quiz)
    return True


def _finish(quiz: Quiz) -> Quiz:
    """Final ranks, the quiz finished, results to the ledger and the players."""
    results = standings.individual_standings(quiz)
    Participant.objects.save_each(
        [Participant(pk=s.participant_id, final_rank=s.rank) for s in results],
        ["final_rank"],
    )
    now = timezone.now()
    team_results = standings.team_standings(quiz) if quiz.team_mode else []
    _changed(quiz, status=QuizStatus.FINISHED, phase="", ended_at=now, paused_at=None)
    broadcast.live_quizzes_changed()
    quiz_finished.send(
        sender=Quiz, quiz=quiz, results=results, team_results=team_results
    )
    broadcast.final_results(quiz, results)
    return quiz


@dataclass(frozen=True)
class Receipt:
    """The acknowledgement of an answer. The same, right or wrong."""

    position: int
    choice: list[int] | str
    labels: list
    repeated: bool = False


@dataclass(frozen=True)
class Submission:
    """One answer as it reached the server: who, to which question, what, when.

    ``language`` is the sender's, for the refusal message (a batch mixes
    senders).
    """

    user_id: int
    position: object
    choice: object
    received_at: datetime
    language: str | None = None


def record_answer(
    *, quiz_id: int, user, position: int, choice, received_at: datetime
) -> Receipt:
    """Store one answer; QuizError when it is refused. See record_answers."""
    submission = Submission(user.pk, position, choice, received_at)
    (result,) = record_answers(quiz_id, [submission])
    if isinstance(result, QuizError):
        raise result
    return result


def record_answers(
    quiz_id: int, submissions: list[Submission]
) -> list[Receipt | QuizError]:
    """Store answers that arrived together, each judged by when it arrived.

    One transaction and a fixed number of queries for the whole batch (a
    floor answering within the same half second is one commit, not a
    thousand). Every answer is stored before this returns, so before it is
    acknowledged. A second answer to the same question (a repeat, a replay,
    another tab, in this batch or an earlier one) stores nothing and gets the
    first one's receipt; a unique constraint in the database guarantees it.
    The result for each submission, in order: its Receipt, or the QuizError
    that refused it.
    """
    for _attempt in range(RECORD_ATTEMPTS - 1):
        try:
            return _record_batch(quiz_id, submissions)
        except _AlreadyStored:
            # Another worker stored one of these first (two tabs on two
            # workers at the same instant): judge the batch again against
            # what is stored now.
            continue
    return _record_batch(quiz_id, submissions)


RECORD_ATTEMPTS = 3


class _AlreadyStored(IntegrityError):
    pass


@transaction.atomic
def _record_batch(quiz_id: int, submissions: list[Submission]) -> list:
    positions = {s.position for s in submissions if isinstance(s.position, int)}
    questions = {p: _question_for_answer(quiz_id, p) for p in sorted(positions)}
    questions = {p: q for p, q in questions.items() if q is not None}
    participants = {
        p.user_id: p
        for p in Participant.objects.filter(
            quiz_id=quiz_id, user_id__in={s.user_id for s in submissions}
        )
    }
    stored = {
        (a.participant_id, a.question_id): a.choice
        for a in Answer.objects.filter(
            participant__in=participants.values(), question__in=questions.values()
        ).only("participant_id", "question_id", "choice")
    }
    results: list[Receipt | QuizError] = []
    new_answers: list[Answer] = []
    for submission in submissions:
        with translation.override(submission.language or translation.get_language()):
            try:
                answer = _judge(submission, participants, questions, stored)
            except QuizError as refused:
                results.append(refused)
                continue
        question = questions[submission.position]
        if answer is None:  # answered before: the first answer's receipt
            key = (participants[submission.user_id].pk, question.pk)
            results.append(_receipt(question, stored[key], repeated=True))
            continue
        new_answers.append(answer)
        results.append(_receipt(question, answer.choice))
    # One order for every writer, so two workers' batches cannot deadlock.
    new_answers.sort(key=lambda answer: answer.participant_id)
    try:
        Answer.objects.bulk_create(new_answers)
    except IntegrityError as conflict:
        raise _AlreadyStored from conflict
    _save_scores([answer.participant for answer in new_answers])
    return results


def _save_scores(participants: list[Participant]) -> None:
    Participant.objects.save_each(
        participants, ["score", "correct_count", "streak", "last_correct_position"]
    )


def _judge(submission, participants, questions, stored) -> Answer | None:
    """The answer to store, None if one is stored already, or QuizError."""
    participant = participants.get(submission.user_id)
    if participant is None or participant.removed_at is not None:
        raise QuizError(_("You are not playing in this quiz."), "not_playing")
    question = questions.get(submission.position)
    if question is None:
        raise QuizError(_("This question is not open."), "not_open")
    key = (participant.pk, question.pk)
    if key in stored:
        return None
    quiz = question.quiz
    _check_open(quiz, question, submission.received_at)
    cleaned = clean_choice(question, submission.choice)
    elapsed = (submission.received_at - question.opened_at).total_seconds() - (
        question.paused_seconds
    )
    elapsed = max(elapsed, 0.0)
    correct = is_correct(question.kind, question.correct, cleaned)
    points = answer_points(
        correct=correct,
        elapsed_s=elapsed,
        limit_s=quiz.seconds_per_question,
        points=quiz.points_per_question,
        speed=quiz.speed_scoring,
    )
    if correct:
        follows = participant.last_correct_position == question.position - 1
        streak = participant.streak + 1 if follows else 1
    else:
        streak = 0
    bonus = (
        streak_bonus(streak)
        if correct and quiz.streak_bonus and quiz.points_per_question
        else 0
    )
    stored[key] = cleaned
    participant.score += points + bonus
    participant.correct_count += int(correct)
    participant.streak = streak
    if correct:
        participant.last_correct_position = question.position
    return Answer(
        participant=participant,
        question=question,
        choice=cleaned,
        received_at=submission.received_at,
        elapsed_ms=round(elapsed * 1000),
        is_correct=correct,
        points=points,
        bonus=bonus,
    )


def _receipt(question: QuizQuestion, choice, *, repeated: bool = False) -> Receipt:
    return Receipt(
        question.position, choice, answer_labels(question, choice), repeated=repeated
    )


def _locked_question(quiz: Quiz, position: int) -> QuizQuestion:
    return QuizQuestion.objects.select_for_update().get(quiz=quiz, position=position)


def _question_for_answer(quiz_id: int, position) -> QuizQuestion | None:
    """The question, read under a shared lock on PostgreSQL.

    Answers take the shared lock and so run side by side; closing and revealing
    take the exclusive one (select_for_update) and so wait for answers in
    flight, and answers that come later see the question closed. SQLite runs
    one writer at a time anyway.
    """
    if not isinstance(position, int):
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {QuizQuestion._meta.db_table} "  # noqa: S608 - table name
                "WHERE quiz_id = %s AND position = %s FOR SHARE",
                [quiz_id, position],
            )
    return (
        QuizQuestion.objects.select_related("quiz")
        .filter(quiz_id=quiz_id, position=position)
        .first()
    )


def _check_open(quiz: Quiz, question: QuizQuestion, received_at: datetime) -> None:
    if quiz.status != QuizStatus.RUNNING or question.opened_at is None:
        raise QuizError(_("This question is not open."), "not_open")
    if question.revealed_at is not None or quiz.current_position != question.position:
        raise QuizError(_("This question is already over."), "not_open")
    if quiz.is_paused and received_at >= quiz.paused_at:
        raise QuizError(_("The quiz is paused: wait for the host."), "paused")
    closes = question.deadline
    if question.closed_at is not None:
        closes = min(closes, question.closed_at)
    if received_at > closes or received_at < question.opened_at:
        raise QuizError(
            _("Time is up: your answer reached the server after the deadline."),
            "late",
        )


def clean_choice(question: QuizQuestion, choice) -> list[int] | str:
    """The answer in its stored form, or QuizError if it cannot answer this question."""
    invalid = QuizError(_("That is not an answer to this question."), "invalid")
    if question.kind == QuestionKind.TEXT:
        if not isinstance(choice, str) or not choice.strip():
            raise invalid
        if not storable(choice):  # PostgreSQL refuses NUL in text
            raise invalid
        if len(choice) > MAX_TEXT_ANSWER:
            raise QuizError(
                _("Answers are at most %(n)d characters.") % {"n": MAX_TEXT_ANSWER},
                "invalid",
            )
        return choice.strip()
    width = 2 if question.kind == QuestionKind.TRUE_FALSE else len(question.options)
    if isinstance(choice, int | str):
        choice = [choice]
    if not isinstance(choice, list) or not choice:
        raise invalid
    try:
        indexes = sorted({int(c) for c in choice})
    except (TypeError, ValueError, OverflowError):  # OverflowError: infinity
        raise invalid from None
    if any(i < 0 or i >= width for i in indexes):
        raise invalid
    if question.kind != QuestionKind.MULTIPLE and len(indexes) != 1:
        raise invalid
    return indexes
