"""Making a quiz: its questions drawn or chosen from a bank, frozen as rounds."""

from __future__ import annotations

import random

from django.utils.translation import gettext as _

from contests.engine.errors import ContestError
from contests.engine.setup import create_contest
from contests.kinds.quiz.models import MAX_SECONDS, MIN_SECONDS, QuizOptions
from contests.models import Contest, Kind, TieRule
from training.models import Bank, Category, Question

OPTION_FIELDS = (
    "points_per_question",
    "speed_scoring",
    "streak_bonus",
    "shuffle_options",
)


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


def create_quiz(
    *,
    host,
    title: str,
    bank: Bank | None,
    questions,
    seconds_per_question: int = MIN_SECONDS,
    team_mode: bool = False,
    tie_rule: str = TieRule.SHARED,
    **options,
) -> Contest:
    """A quiz in its lobby, with a fresh PIN and its questions frozen in order.

    ``options`` are QuizOptions fields (points_per_question, speed_scoring,
    streak_bonus, shuffle_options).
    """
    questions = list(questions)
    if not questions:
        raise ContestError(_("Choose at least one question."), "empty")
    if not MIN_SECONDS <= seconds_per_question <= MAX_SECONDS:
        raise ContestError(
            _("Seconds per question go from %(min)d to %(max)d.")
            % {"min": MIN_SECONDS, "max": MAX_SECONDS},
            "seconds",
        )
    unknown = set(options) - set(OPTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown quiz options: {sorted(unknown)}")
    return create_contest(
        kind=Kind.QUIZ,
        host=host,
        title=title,
        material=questions,
        options=QuizOptions(bank=bank, **options),
        seconds_per_round=seconds_per_question,
        team_mode=team_mode,
        tie_rule=tie_rule,
    )
