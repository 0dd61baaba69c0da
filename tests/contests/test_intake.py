"""Group commit of answers: one refused answer costs nobody else theirs."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from contests.engine import intake, lifecycle, setup
from contests.engine.errors import ContestError
from contests.kinds.quiz import setup as quiz_setup
from contests.models import Submission
from tests import factories

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def typed_quiz(bank, trainer, team):
    quiz = quiz_setup.create_quiz(
        host=trainer,
        title="热线号码",
        bank=bank,
        questions=bank.questions.filter(kind="text"),
        seconds_per_question=20,
    )
    for n in range(3):
        person = factories.make_user(username=f"typist{n}", team=team)
        setup.join_contest(contest=quiz, user=person)
    lifecycle.start_contest(contest_id=quiz.pk, by=trainer)
    return quiz


async def test_a_typed_answer_holding_nul_is_refused_alone_in_its_batch(typed_quiz):
    """PostgreSQL refuses NUL in text: stored together, such an answer
    failed every answer committed with it."""
    users = await sync_to_async(
        lambda: list(typed_quiz.entries.order_by("pk").values_list("user_id"))
    )()
    texts = ["95598", "955\x0098", "12345"]
    now = timezone.now()
    results = await asyncio.gather(
        *(
            intake.submit(typed_quiz.pk, intake.Incoming(user, 0, text, now, "en"))
            for (user,), text in zip(users, texts, strict=True)
        ),
        return_exceptions=True,
    )

    kept, refused, wrong = results
    assert isinstance(refused, ContestError) and refused.code == "invalid"
    assert (kept.payload, wrong.payload) == ("95598", "12345")
    stored = await sync_to_async(
        lambda: sorted(Submission.objects.values_list("payload", flat=True))
    )()
    assert stored == ["12345", "95598"]
