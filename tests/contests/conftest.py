from __future__ import annotations

import pytest

from contests.engine import setup
from contests.kinds.quiz import setup as quiz_setup
from tests import factories


@pytest.fixture
def bank(trainer):
    return factories.make_bank(trainer)


@pytest.fixture
def quiz(bank, trainer):
    return quiz_setup.create_quiz(
        host=trainer,
        title="业务知识擂台赛",
        bank=bank,
        questions=bank.questions.order_by("id"),
        seconds_per_question=20,
    )


@pytest.fixture
def players(quiz, team):
    people = [
        factories.make_user(username=f"p{n}", display_name=f"选手{n}", team=team)
        for n in range(1, 4)
    ]
    return [setup.join_contest(contest=quiz, user=person) for person in people]
