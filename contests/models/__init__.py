"""The contests app's tables: the engine's (core.py) and each kind's options."""

from contests.kinds.quiz.models import MAX_SECONDS as QUIZ_MAX_SECONDS
from contests.kinds.quiz.models import MIN_SECONDS as QUIZ_MIN_SECONDS
from contests.kinds.quiz.models import Points, QuizOptions
from contests.models.core import (
    MAX_SECONDS,
    MIN_SECONDS,
    Contest,
    ContestQuerySet,
    Entry,
    EntryQuerySet,
    Kind,
    Phase,
    Round,
    Status,
    Submission,
    TieRule,
    Verdict,
)

__all__ = [
    "MAX_SECONDS",
    "MIN_SECONDS",
    "QUIZ_MAX_SECONDS",
    "QUIZ_MIN_SECONDS",
    "Contest",
    "ContestQuerySet",
    "Entry",
    "EntryQuerySet",
    "Kind",
    "Phase",
    "Points",
    "QuizOptions",
    "Round",
    "Status",
    "Submission",
    "TieRule",
    "Verdict",
]
