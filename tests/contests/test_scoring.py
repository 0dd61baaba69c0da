"""The scoring rules, as the README states them, hold for every input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contests.engine.standings import competition_ranks
from contests.kinds.quiz.scoring import answer_points, is_correct, streak_bonus

limits = st.integers(min_value=5, max_value=240)
point_values = st.sampled_from([1000, 2000])


@given(limit=limits, points=point_values, t=st.floats(0, 0.4999))
def test_full_points_under_half_a_second(limit, points, t):
    assert (
        answer_points(
            correct=True, elapsed_s=t, limit_s=limit, points=points, speed=True
        )
        == points
    )


@given(
    limit=limits,
    points=point_values,
    fractions=st.tuples(st.floats(0, 1), st.floats(0, 1)),
)
def test_correct_answers_score_between_half_and_full_and_never_rise_with_time(
    limit, points, fractions
):
    early, late = sorted(f * limit for f in fractions)
    early_points = answer_points(
        correct=True, elapsed_s=early, limit_s=limit, points=points, speed=True
    )
    late_points = answer_points(
        correct=True, elapsed_s=late, limit_s=limit, points=points, speed=True
    )
    assert points / 2 <= late_points <= early_points <= points


@given(limit=limits, points=point_values, t=st.floats(0, 1000))
def test_wrong_answers_score_nothing(limit, points, t):
    assert (
        answer_points(
            correct=False, elapsed_s=t, limit_s=limit, points=points, speed=True
        )
        == 0
    )


@given(limit=limits, points=point_values, over=st.floats(0.001, 1000))
def test_late_answers_score_nothing(limit, points, over):
    for speed in (True, False):
        assert (
            answer_points(
                correct=True,
                elapsed_s=limit + over,
                limit_s=limit,
                points=points,
                speed=speed,
            )
            == 0
        )


def test_the_formula_at_known_points():
    kwargs = {"correct": True, "limit_s": 20, "points": 1000, "speed": True}
    assert answer_points(elapsed_s=10, **kwargs) == 750
    assert answer_points(elapsed_s=20, **kwargs) == 500
    assert answer_points(elapsed_s=5, **kwargs) == 875
    assert answer_points(elapsed_s=15, **{**kwargs, "speed": False}) == 1000


@given(st.integers(min_value=0, max_value=10_000))
def test_the_streak_bonus_never_exceeds_500(streak):
    assert 0 <= streak_bonus(streak) <= 500


def test_the_streak_bonus_grows_by_100_from_the_second_answer():
    assert [streak_bonus(n) for n in range(1, 9)] == [
        0,
        100,
        200,
        300,
        400,
        500,
        500,
        500,
    ]


def test_ties_share_a_rank_and_the_next_rank_skips():
    assert competition_ranks([900, 1500, 900, 300, 1500]) == [3, 1, 3, 5, 1]
    assert competition_ranks([]) == []


@given(st.lists(st.integers(0, 5000), max_size=30))
def test_a_rank_is_one_plus_the_number_of_better_scores(scores):
    ranks = competition_ranks(scores)
    for score, rank in zip(scores, ranks, strict=True):
        assert rank == 1 + sum(other > score for other in scores)


def test_multiple_choice_is_all_or_nothing():
    assert is_correct("multiple", [0, 2], [2, 0])
    assert not is_correct("multiple", [0, 2], [0])
    assert not is_correct("multiple", [0, 2], [0, 1, 2])
    assert not is_correct("multiple", [0, 2], [0, 0])
    assert is_correct("single", [1], [1])
    assert is_correct("true_false", [0], [0])
    assert is_correct("text", ["95598"], "９５５９８。")
    assert not is_correct("text", ["95598"], [0])
