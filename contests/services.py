"""Setting up quizzes and who plays in them."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Seated:
    """Where a connecting tab stands: ``role`` "host", "player" or "" (not
    allowed in), and for a player the channel of the tab it took over from
    ("" if none), to be told."""

    role: str
    quiz: Quiz | None = None
    participant: Participant | None = None
    previous: str = ""


@transaction.atomic
def take_seats(quiz_id: int, tabs: list[tuple[object, str]]) -> list[Seated]:
    """WebSockets connecting to a quiz, each a (user, channel name): where
    each stands, in order.

    A player's tab takes the seat: its channel replaces the previous tab's.
    A floor's tabs connecting together are seated together: a fixed number
    of queries and one statement for the whole lot. Of two tabs of the same
    player in one batch, the later takes over from the earlier.
    """
    quiz = Quiz.objects.filter(pk=quiz_id).first()
    if quiz is None:
        return [Seated("")] * len(tabs)
    participants = {
        participant.user_id: participant
        for participant in Participant.objects.select_for_update().filter(
            quiz=quiz,
            user__in=[user.pk for user, _channel in tabs if user.pk != quiz.host_id],
            removed_at__isnull=True,
        )
    }
    seated = []
    for user, channel_name in tabs:
        participant = participants.get(user.pk)
        if user.pk == quiz.host_id:
            seated.append(Seated("host", quiz))
        elif participant is None:
            seated.append(Seated("", quiz))
        else:
            previous = participant.channel_name
            participant.channel_name = channel_name
            participant.user = user
            if previous == channel_name:
                previous = ""
            seated.append(Seated("player", quiz, participant, previous))
    Participant.objects.save_each(list(participants.values()), ["channel_name"])
    return seated


def let_go(*, participant_id: int, channel_name: str) -> None:
    """The tab closed: forget its channel, unless a newer tab has taken over."""
    Participant.objects.filter(pk=participant_id, channel_name=channel_name).update(
        channel_name=""
    )
