from __future__ import annotations

import dataclasses
import io

import pytest

from people import demo as people_demo
from people.models import User
from training import demo
from training.demo_questions import BANKS
from training.matching import matches_accepted
from training.models import Bank, Question, QuestionKind, question_shape_errors
from training.permissions import can_edit_bank, can_manage_bank

MINIMUM_QUESTIONS = {"zh-hans": 44, "en": 22}
CATEGORIES = {
    "zh-hans": {"业务知识", "服务规范", "投诉处理", "情绪劳动"},
    "en": {
        "Products and tariffs",
        "Service norms",
        "Complaint handling",
        "Emotional labour",
    },
}
ALL_QUESTIONS = [(bank, question) for bank in BANKS for question in bank.questions]


def load_demo() -> None:
    people_demo.load(io.StringIO())
    demo.load(io.StringIO())


@pytest.mark.parametrize(
    ("bank", "question"),
    ALL_QUESTIONS,
    ids=[f"{bank.language}-{index}" for index, (bank, _q) in enumerate(ALL_QUESTIONS)],
)
def test_every_demo_question_is_well_formed(bank, question):
    stored = demo.stored_answer(question)
    assert question_shape_errors(question.kind, **stored) == {}
    assert question.category in bank.categories
    assert question.explanation.strip()
    if question.kind == QuestionKind.SINGLE:
        assert 3 <= len(question.options) <= 4


def test_the_demo_content_has_no_problems_the_loader_would_refuse():
    assert demo.demo_errors() == []


def test_each_language_has_enough_questions_in_four_categories_and_every_kind():
    assert {bank.language for bank in BANKS} == set(MINIMUM_QUESTIONS)
    for bank in BANKS:
        assert len(bank.questions) >= MINIMUM_QUESTIONS[bank.language], bank.name
        used = {question.category for question in bank.questions}
        assert set(bank.categories) == used == CATEGORIES[bank.language]
        kinds = [question.kind for question in bank.questions]
        assert set(kinds) == set(QuestionKind.values), bank.name
        # Mostly single choice, as on a real arena quiz.
        assert kinds.count(QuestionKind.SINGLE) >= len(kinds) / 3, bank.name


def test_every_accepted_typed_answer_is_accepted_when_typed():
    typed = [q for _b, q in ALL_QUESTIONS if q.kind == QuestionKind.TEXT]
    assert typed
    for question in typed:
        assert 1 <= len(question.correct) <= 3, question.prompt
        for answer in question.correct:
            assert matches_accepted(answer, list(question.correct)), answer


def test_loading_twice_creates_nothing_new_and_restores_edited_questions(db):
    load_demo()
    zh_bank = Bank.objects.get(name="客服技能题库")
    en_bank = Bank.objects.get(name="Contact Center Basics")
    assert zh_bank.created_by.username == en_bank.created_by.username == "trainer1"
    counts = {
        language: Question.objects.filter(language=language).count()
        for language in MINIMUM_QUESTIONS
    }
    assert counts == {bank.language: len(bank.questions) for bank in BANKS}
    edited = zh_bank.questions.filter(kind=QuestionKind.SINGLE).first()
    original = (edited.options, edited.correct, edited.explanation, edited.category)
    other_category = zh_bank.categories.exclude(pk=edited.category_id).first()
    Question.objects.filter(pk=edited.pk).update(
        options=["改过的选项", "另一个选项"],
        correct=[1],
        explanation="",
        category=other_category,
    )
    own = Question.objects.create(
        bank=zh_bank,
        category=other_category,
        kind=QuestionKind.TRUE_FALSE,
        prompt="培训师自己加的题",
        correct=[0],
    )
    out = io.StringIO()

    demo.load(out)

    assert Bank.objects.count() == 2
    assert zh_bank.categories.count() == en_bank.categories.count() == 4
    assert Question.objects.exclude(pk=own.pk).count() == sum(counts.values())
    edited.refresh_from_db()
    assert (
        edited.options,
        edited.correct,
        edited.explanation,
        edited.category,
    ) == original
    assert Question.objects.filter(pk=own.pk).exists()
    assert "0 added, 1 restored" in out.getvalue()


def test_a_malformed_demo_question_stops_the_load(db, monkeypatch):
    people_demo.load(io.StringIO())
    bank = BANKS[0]
    broken = dataclasses.replace(bank.questions[0], correct=(0, 1))
    monkeypatch.setattr(
        demo, "BANKS", (dataclasses.replace(bank, questions=(broken,)),)
    )
    with pytest.raises(ValueError, match=": correct: "):
        demo.load(io.StringIO())
    assert not Bank.objects.exists()


def test_each_demo_trainer_edits_one_bank_or_both_and_reads_the_other(db):
    load_demo()
    load_demo()
    banks = [
        Bank.objects.get(name="客服技能题库"),
        Bank.objects.get(name="Contact Center Basics"),
    ]
    editable = {
        user.username: [can_edit_bank(user, bank) for bank in banks]
        for user in User.objects.filter(
            username__in=["trainer1", "trainer2", "trainer3", "manager"]
        )
    }
    assert editable == {
        "trainer1": [True, True],
        "trainer2": [False, True],
        "trainer3": [True, False],
        "manager": [True, True],
    }
    assert [bank.owner.username for bank in banks] == ["trainer1", "trainer2"]
    manager = User.objects.get(username="manager")
    assert all(can_manage_bank(manager, bank) for bank in banks)
