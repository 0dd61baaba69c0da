"""Banks can be renamed and deleted by trainers, never by agents."""

from __future__ import annotations

from django.urls import reverse

from contests.kinds.quiz import setup as contest_services
from contests.models import Contest
from tests.factories import make_bank
from training.models import Bank, Question


def test_a_trainer_renames_a_bank(client, trainer):
    bank = make_bank(trainer)
    client.force_login(trainer)
    response = client.post(
        reverse("training:bank_edit", args=[bank.pk]),
        {"name": "电力业务题库", "description": "2026 版"},
    )
    assert response.status_code == 302
    bank.refresh_from_db()
    assert (bank.name, bank.description) == ("电力业务题库", "2026 版")


def test_deleting_a_bank_asks_first_and_keeps_quizzes_that_used_it(client, trainer):
    bank = make_bank(trainer)
    quiz = contest_services.create_quiz(
        host=trainer, title="用过的竞赛", bank=bank, questions=bank.questions.all()
    )
    client.force_login(trainer)
    confirm = client.get(
        reverse("training:bank_delete", args=[bank.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "4 questions" in confirm.content.decode()
    assert Bank.objects.filter(pk=bank.pk).exists()
    client.post(reverse("training:bank_delete", args=[bank.pk]))
    assert not Bank.objects.filter(pk=bank.pk).exists()
    assert not Question.objects.exists()
    quiz = Contest.objects.get(pk=quiz.pk)
    quiz.quiz_options.refresh_from_db()
    assert quiz.quiz_options.bank is None and quiz.rounds.count() == 4


def test_agents_cannot_rename_or_delete_banks(client, trainer, agent):
    bank = make_bank(trainer)
    client.force_login(agent)
    assert (
        client.post(
            reverse("training:bank_edit", args=[bank.pk]), {"name": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("training:bank_delete", args=[bank.pk])).status_code == 403
    )
    assert Bank.objects.get(pk=bank.pk).name == "客服题库"
