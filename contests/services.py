"""Setting up quizzes and who plays in them."""

from __future__ import annotations

import random
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests import broadcast
from contests.errors import QuizError
from contests.models import (
    MAX_SECONDS,
    MIN_SECONDS,
    Participant,
    Quiz,
    QuizQuestion,
    QuizStatus,
)
from training.models import Bank, Category, Question

PIN_ATTEMPTS = 20


def pick_random_questions(
    *, bank: Bank, categories: list[Category], count: int, language: str = ""
) -> list[Question]:
    """``count`` questions drawn at random from the chosen categories."""
    pool = bank.questions.in_categories(categories)
    if language:
        pool = pool.filter(language=language)
    ids = list(pool.values_list("id", flat=True))
    chosen = random.sample(ids, min(count, len(ids)))
    by_id = Question.objects.in_bulk(chosen)
    return [by_id[i] for i in chosen]


def create_quiz(*, host, title: str, bank: Bank | None, questions, **options) -> Quiz:
    """A quiz in its lobby, with a fresh PIN and its questions frozen in order.

    ``options`` are Quiz settings (seconds_per_question, points_per_question,
    speed_scoring, streak_bonus, shuffle_options, team_mode).
    """
    questions = list(questions)
    if not questions:
        raise QuizError(_("Choose at least one question."), "empty")
    seconds = options.get("seconds_per_question", MIN_SECONDS)
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise QuizError(
            _("Seconds per question go from %(min)d to %(max)d.")
            % {"min": MIN_SECONDS, "max": MAX_SECONDS},
            "seconds",
        )
    for _attempt in range(PIN_ATTEMPTS):
        try:
            with transaction.atomic():
                quiz = Quiz.objects.create(
                    host=host, title=title, bank=bank, pin=_new_pin(), **options
                )
                QuizQuestion.objects.bulk_create(
                    QuizQuestion(
                        quiz=quiz,
                        position=position,
                        source=question,
                        kind=question.kind,
                        prompt=question.prompt,
                        options=question.options,
                        correct=question.correct,
                        explanation=question.explanation,
                        image=question.image.name if question.image else "",
                    )
                    for position, question in enumerate(questions)
                )
                broadcast.live_quizzes_changed()
                return quiz
        except IntegrityError:
            continue  # the PIN was taken by another live quiz a moment ago
    raise QuizError(_("Could not find a free PIN; try again."), "pin")


def _new_pin() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


@transaction.atomic
def join_quiz(*, quiz: Quiz, user) -> Participant:
    """Join (or come back to) a quiz. Idempotent: one participant per person."""
    quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
    if quiz.host_id == user.pk:
        raise QuizError(_("You are hosting this quiz."), "host")
    participant = Participant.objects.filter(quiz=quiz, user=user).first()
    if participant is not None:
        if participant.removed_at is not None:
            raise QuizError(_("The host removed you from this quiz."), "removed")
        return participant
    if quiz.status == QuizStatus.FINISHED:
        raise QuizError(_("This quiz has ended."), "finished")
    participant = Participant.objects.create(quiz=quiz, user=user, team=user.team)
    broadcast.roster_changed(quiz)
    return participant


@transaction.atomic
def remove_participant(*, quiz_id: int, participant_id: int, by) -> Participant:
    quiz = Quiz.objects.select_for_update().get(pk=quiz_id)
    if quiz.host_id != by.pk:
        raise QuizError(_("Only the quiz's host can do that."), "not_host")
    try:
        participant = quiz.participants.get(pk=participant_id)
    except Participant.DoesNotExist:
        raise QuizError(_("That player is not in this quiz."), "not_found") from None
    if participant.removed_at is None:
        participant.removed_at = timezone.now()
        participant.save(update_fields=["removed_at"])
        broadcast.player_removed(participant)
        broadcast.roster_changed(quiz)
    return participant


@transaction.atomic
def take_seat(*, quiz_id: int, user, channel_name: str) -> tuple:
    """A WebSocket connecting: (role, quiz, participant, previous channel), the
    role "host", "player" or "" (not allowed in).

    A player's tab takes the seat: its channel replaces the previous tab's,
    which is returned ("" if none) to be told. One trip to the database for
    the whole check, which a floor of agents connecting at once makes by the
    thousand.
    """
    quiz = Quiz.objects.filter(pk=quiz_id).first()
    if quiz is None:
        return "", None, None, ""
    if quiz.host_id == user.pk:
        return "host", quiz, None, ""
    participant = (
        Participant.objects.select_for_update()
        .filter(quiz=quiz, user=user, removed_at__isnull=True)
        .first()
    )
    if participant is None:
        return "", quiz, None, ""
    previous = participant.channel_name
    participant.channel_name = channel_name
    participant.save(update_fields=["channel_name"])
    return "player", quiz, participant, previous if previous != channel_name else ""


def let_go(*, participant_id: int, channel_name: str) -> None:
    """The tab closed: forget its channel, unless a newer tab has taken over."""
    Participant.objects.filter(pk=participant_id, channel_name=channel_name).update(
        channel_name=""
    )
