"""The podium: places 1 to 3, a shared place a shared step marked tied, at
most three names a step, nobody on it without points (contests/engine/podium.py,
templates/contests/_podium.html)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from contests.engine import audience, lifecycle, setup
from contests.engine.podium import podium_steps
from tests.factories import make_user


def ranked(*scores: int) -> list[SimpleNamespace]:
    """Standings for these scores, best first, with competition ranks."""
    ordered = sorted(scores, reverse=True)
    return [
        SimpleNamespace(
            rank=1 + ordered.index(score),
            score=score,
            name=f"Player {n}",
            public_name=f"Player {n}",
        )
        for n, score in enumerate(ordered, start=1)
    ]


def shown_names(step) -> list[str]:
    return [who.name for who in step.shown]


# The podium, as steps


def test_ten_players_tied_on_nothing_leave_the_podium_empty():
    assert podium_steps(ranked(*[0] * 10)) == []


def test_nobody_without_points_stands_on_the_podium():
    steps = podium_steps(ranked(800, 0, 0, 0))
    assert [(s.place, shown_names(s)) for s in steps] == [(1, ["Player 1"])]


def test_a_tie_on_first_shares_the_top_step_and_nobody_is_second():
    steps = podium_steps(ranked(900, 900, 700, 500))
    assert [(s.place, s.tied, shown_names(s)) for s in steps] == [
        (1, True, ["Player 1", "Player 2"]),
        (3, False, ["Player 3"]),
    ]


def test_the_podium_shows_places_one_to_three_only():
    steps = podium_steps(ranked(900, 800, 700, 600, 500))
    assert [s.place for s in steps] == [1, 2, 3]
    assert not any(s.tied for s in steps)


def test_a_step_names_three_and_counts_the_rest():
    steps = podium_steps(ranked(900, 800, 700, 700, 700, 700, 700, 100))
    third = steps[-1]
    assert (third.place, third.tied, third.score) == (3, True, 700)
    assert shown_names(third) == ["Player 3", "Player 4", "Player 5"]
    assert third.more == 2


# The podium, as seen


def _finished_stage(template: str, steps, language: str) -> str:
    quiz = SimpleNamespace(
        pk=7, version=9, status="finished", phase="", title="擂台赛", team_mode=False
    )
    with translation.override(language):
        return render_to_string(template, {"quiz": quiz, "podium": steps})


@pytest.mark.parametrize(
    "template",
    ["contests/quiz/_player_stage.html", "contests/quiz/_audience_stage.html"],
)
def test_a_shared_step_is_marked_tied_and_names_the_rest_as_a_count(template):
    steps = podium_steps(ranked(900, 900, 700, 700, 700, 700))
    page = _finished_stage(template, steps, "zh-hans")
    assert page.count("<li class=") == 2  # first and third; nobody is second
    assert page.count("并列") == 2  # first and third
    assert "另有 1 人" in page
    english = _finished_stage(template, steps, "en")
    assert english.count(">tied<") == 2 and "+1 more" in english


def test_a_podium_nobody_stands_on_says_so():
    page = _finished_stage("contests/quiz/_audience_stage.html", [], "en")
    assert 'class="podium"' not in page
    assert "Nobody scored" in page


def test_a_quiz_ten_players_ended_on_nothing_shows_nobody_on_the_podium(quiz, team):
    for n in range(10):
        person = make_user(username=f"z{n}", display_name=f"选手{n}", team=team)
        setup.join_contest(contest=quiz, user=person)
    lifecycle.start_contest(contest_id=quiz.pk, by=quiz.host)
    lifecycle.end_contest(contest_id=quiz.pk, by=quiz.host)
    on_tv = audience.audience_snapshot(contest_id=quiz.pk, language="zh-hans")
    assert 'class="place-' not in on_tv and "选手" not in on_tv
    assert "无人得分" in on_tv
