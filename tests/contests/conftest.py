from __future__ import annotations

import pytest

from contests import services
from tests import factories
from training.models import Bank, Category, Question


def make_bank(created_by) -> Bank:
    bank = Bank.objects.create(name="客服题库", created_by=created_by)
    product = Category.objects.create(bank=bank, name="业务知识")
    norms = Category.objects.create(bank=bank, name="服务规范")
    Question.objects.create(
        bank=bank,
        category=product,
        kind="single",
        prompt="停电故障报修拨打哪个号码？",
        options=["95598", "10086", "12345"],
        correct=[0],
        explanation="95598 是电力服务热线。",
    )
    Question.objects.create(
        bank=bank,
        category=norms,
        kind="multiple",
        prompt="哪些做法符合通话结束规范？",
        options=["确认客户没有其他问题", "先于客户挂机", "致谢并道别"],
        correct=[0, 2],
        explanation="等客户先挂机，并确认再无其他需求。",
    )
    Question.objects.create(
        bank=bank,
        category=norms,
        kind="true_false",
        prompt="微笑可以通过声音传递给客户。",
        options=[],
        correct=[0],
        explanation="微笑会改变语调。",
    )
    Question.objects.create(
        bank=bank,
        category=product,
        kind="text",
        prompt="电力服务热线号码是多少？",
        options=[],
        correct=["95598"],
        explanation="记住这个号码。",
    )
    return bank


@pytest.fixture
def bank(trainer):
    return make_bank(trainer)


@pytest.fixture
def quiz(bank, trainer):
    return services.create_quiz(
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
    return [services.join_quiz(quiz=quiz, user=person) for person in people]
