"""Demo quizzes: four finished quizzes, played by the demo agents.

Each is made and played through the engine, as a trainer and a floor would:
create_quiz with questions of the Chinese demo bank, every agent who plays
joins, each answer goes through intake.record (judged by the quiz's rules,
inside its round's window), every round is revealed and end_contest
finishes the quiz, so the leaderboard's receiver gives the points with the
quiz's own ``quiz:<id>`` reference and the players' "my result" pages exist.

The demo plays them now but they happened earlier (one last month for last
month's service stars, three this month): before ending a quiz, its times
(created, started, joined, each round's opening, deadline, close and reveal,
each answer's arrival, kept at the same distance from its round's opening)
are moved to its demo date, and it is ended at that date, so the ledger
dates its points on that day.

Idempotent: a demo quiz is found by its host and title; one that exists is
left as it is.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from contests.engine import intake, lifecycle
from contests.engine.setup import join_contest
from contests.kinds.quiz.setup import create_quiz
from contests.models import Contest, Kind, Round, Submission
from people.models import User
from training.models import Bank, QuestionKind

HOST = "trainer1"  # keeps the Chinese demo bank (training.demo)
BANK = "客服技能题库"
QUIZZES = ["周一晨会快问快答", "电费账单知识擂台", "投诉处理情景赛", "十心服务规范抢答"]
QUESTIONS_PER_QUIZ = 5
SECONDS = 20
BETWEEN_ROUNDS = timedelta(seconds=15)  # reveal and leaderboard, on the day


def demo_dates() -> list[datetime]:
    """When each demo quiz started: one last month, three this month."""
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=10)
    now = timezone.now()
    return [
        now - timedelta(days=days_ago, hours=2)
        for days_ago in [(today - last_month).days, 13, 6, 0]
    ]


@transaction.atomic
def load(out) -> None:
    host = User.objects.get(username=HOST)
    bank = Bank.objects.get(name=BANK)
    pool = list(
        bank.questions.exclude(kind=QuestionKind.TEXT).order_by("pk")[
            : QUESTIONS_PER_QUIZ * len(QUIZZES)
        ]
    )
    agents = list(User.objects.agents().order_by("username"))
    chance = random.Random(2026)  # noqa: S311 - the same story every time
    played = 0
    for number, (title, when) in enumerate(zip(QUIZZES, demo_dates(), strict=True)):
        if Contest.objects.filter(kind=Kind.QUIZ, host=host, title=title).exists():
            continue
        start = number * QUESTIONS_PER_QUIZ % max(len(pool), 1)
        questions = (pool[start:] + pool[:start])[:QUESTIONS_PER_QUIZ]
        contest = create_quiz(
            host=host,
            title=title,
            bank=bank,
            questions=questions,
            seconds_per_question=SECONDS,
        )
        play(contest, host, [a for a in agents if chance.random() < 0.85], chance)
        lifecycle.end_contest(
            contest_id=contest.pk, by=host, now=move_to(contest, when)
        )
        played += 1
    out.write(f"Contests: {len(QUIZZES)} demo quizzes ({played} played now).")


def play(contest: Contest, host, players: list, chance: random.Random) -> None:
    """Every player answers every round, then the host reveals it."""
    skill = {p.pk: chance.uniform(0.35, 0.95) for p in players}
    for player in players:
        join_contest(contest=contest, user=player)
    lifecycle.start_contest(contest_id=contest.pk, by=host)
    rounds = contest.rounds.count()
    for position in range(rounds):
        round = contest.rounds.get(position=position)
        content = round.content
        for player in players:
            right = chance.random() < skill[player.pk]
            intake.record(
                contest_id=contest.pk,
                user=player,
                position=position,
                payload=answer(content, right=right),
                received_at=round.opened_at
                + timedelta(seconds=chance.uniform(2, SECONDS - 2)),
            )
        lifecycle.reveal_round(contest_id=contest.pk, by=host)
        if position + 1 < rounds:
            lifecycle.next_round(contest_id=contest.pk, by=host)


def answer(content: dict, *, right: bool) -> list[int]:
    """The right choice, or a wrong one, of a choice question's content."""
    correct = sorted(content.get("correct") or [])
    if right:
        return correct
    width = 2 if content.get("kind") == QuestionKind.TRUE_FALSE else 0
    width = width or len(content.get("options") or [])
    wrong = [i for i in range(width) if i not in correct]
    return wrong[:1] or correct


def move_to(contest: Contest, start: datetime) -> datetime:
    """Date a played quiz at ``start`` (see the module's docstring); when it
    ended."""
    contest.entries.update(joined_at=start - timedelta(minutes=3))
    opens = start
    for round in contest.rounds.order_by("position"):
        old_opened = round.opened_at
        submissions = list(round.submissions.all())
        for submission in submissions:
            submission.received_at = opens + (submission.received_at - old_opened)
        Submission.objects.bulk_update(submissions, ["received_at"])
        round.opened_at = opens
        round.deadline = round.closed_at = opens + timedelta(seconds=SECONDS)
        round.revealed_at = round.closed_at + timedelta(seconds=3)
        round.paused_seconds = 0
        Round.objects.filter(pk=round.pk).update(
            opened_at=round.opened_at,
            deadline=round.deadline,
            closed_at=round.closed_at,
            revealed_at=round.revealed_at,
            paused_seconds=0,
        )
        opens = round.revealed_at + BETWEEN_ROUNDS
    Contest.objects.filter(pk=contest.pk).update(
        created_at=start - timedelta(minutes=10), started_at=start
    )
    return opens
