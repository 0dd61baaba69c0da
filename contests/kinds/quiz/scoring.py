"""Quiz scoring rules: pure functions of what the server measured.

- A correct answer earns ``round(P × (1 − (t / T) / 2))`` points, where ``t``
  is the time from the question opening to the answer's arrival at the server
  and ``T`` the time limit: the full ``P`` under half a second, ``P / 2`` at
  the very end. Without speed scoring a correct answer earns ``P``.
- Wrong, missing and late answers earn nothing.
- With streak bonuses, the n-th correct answer in a row adds
  ``min(100 × (n − 1), 500)``.

Ranks are the engine's (contests/engine/standings.py: competition ranks).
"""

from __future__ import annotations

import math

from training.matching import matches_accepted
from training.models import QuestionKind

FULL_POINTS_WITHIN_S = 0.5
STREAK_STEP = 100
STREAK_CAP = 500


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def answer_points(
    *, correct: bool, elapsed_s: float, limit_s: float, points: int, speed: bool
) -> int:
    if not correct or elapsed_s > limit_s:
        return 0
    if not speed or elapsed_s < FULL_POINTS_WITHIN_S:
        return points
    return _round_half_up(points * (1 - (elapsed_s / limit_s) / 2))


def streak_bonus(streak: int) -> int:
    """Bonus for the ``streak``-th correct answer in a row (1 = no streak yet)."""
    if streak < 2:
        return 0
    return min(STREAK_STEP * (streak - 1), STREAK_CAP)


def is_correct(kind: str, correct: list, choice: list[int] | str) -> bool:
    """Whether ``choice`` answers a question of ``kind`` whose answer is ``correct``.

    Multiple choice is all or nothing: exactly the correct options, no more.
    """
    if kind == QuestionKind.TEXT:
        return isinstance(choice, str) and matches_accepted(choice, correct)
    if not isinstance(choice, list):
        return False
    return sorted(set(choice)) == sorted(correct) and len(choice) == len(correct)
