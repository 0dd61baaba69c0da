"""No page costs more queries because it has more rows to show.

Every page is read with the demo center, then again after the center has
grown (three times the agents, each with points, kudos and a played quiz),
and must cost exactly as many queries both times.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contests.engine import intake, lifecycle, setup
from contests.kinds.quiz import setup as quiz_setup
from leaderboard import kudos, ledger, rankings
from leaderboard.models import Heart, Source
from people.models import Role, Team, User
from tests import factories
from training.models import Bank

PAGES = [
    ("agent01", "people:home", ()),
    ("agent01", "leaderboard:my_points", ()),
    ("agent01", "leaderboard:board", ()),
    ("agent01", "leaderboard:kudos", ()),
    ("agent01", "contests:my_result", ("quiz",)),
    ("trainer1", "people:home", ()),
    ("trainer1", "training:bank_list", ()),
    ("trainer1", "training:bank_detail", ("bank",)),
    ("trainer1", "contests:quiz_list", ()),
    ("trainer1", "contests:results", ("quiz",)),
    ("trainer1", "leaderboard:recognition", ()),
    ("manager", "people:manage", ()),
    ("manager", "people:teams", ()),
    ("manager", "people:roster", ()),
    ("manager", "leaderboard:stars", ()),
    ("manager", "leaderboard:rules", ()),
    ("manager", "leaderboard:csat", ()),
    ("manager", "leaderboard:displays", ()),
]


def grow(per_team: int) -> None:
    """More of what pages list: agents with points and kudos, questions."""
    bank = Bank.objects.filter(questions__isnull=False).first()
    for question in list(bank.questions.all()[:per_team]):
        question.pk = None
        question.prompt += "（续）"
        question.save()
    receiver = User.objects.get(username="agent01")
    now = timezone.now()
    for team in Team.objects.all():
        for n in range(per_team):
            agent = factories.make_user(display_name=f"{team.name}新人{n}", team=team)
            ledger.record(
                person=agent,
                source=Source.QUIZ,
                reference=f"grow-{agent.pk}",
                points=10 * n + 5,
                detail={},
                occurred_at=now - timedelta(hours=n),
            )
            kudos.send_kudos(
                sender=agent,
                receiver=receiver,
                heart=Heart.WARM,
                message="谢谢你帮我解答新人问题。",
            )


def played_quiz(players) -> int:
    """A finished quiz with these players, all right on its one question."""
    trainer = User.objects.get(username="trainer1")
    bank = Bank.objects.filter(questions__isnull=False).first()
    quiz = quiz_setup.create_quiz(
        host=trainer,
        title="预算测验",
        bank=bank,
        questions=bank.questions.filter(kind="single").order_by("id")[:1],
    )
    for player in players:
        setup.join_contest(contest=quiz, user=player)
    lifecycle.start_contest(contest_id=quiz.pk, by=trainer)
    quiz.refresh_from_db()
    question = quiz.current_round()
    for player in players:
        intake.record(
            contest_id=quiz.pk,
            user=player,
            position=0,
            payload=question.content["correct"],
            received_at=question.opened_at + timedelta(seconds=1),
        )
    lifecycle.end_contest(contest_id=quiz.pk, by=trainer)
    return quiz.pk


def queries(client, username: str, name: str, args: tuple) -> int:
    client.force_login(User.objects.get(username=username))
    rankings.forget_standings()  # count the page's work, not what was kept
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (username, name, response.status_code)
    return len(captured)


def measure(client, quiz_id: int) -> dict:
    bank = Bank.objects.filter(questions__isnull=False).first()
    ids = {"quiz": quiz_id, "bank": bank.pk}
    return {
        (username, name): queries(client, username, name, tuple(ids[a] for a in args))
        for username, name, args in PAGES
    }


@pytest.mark.django_db
def test_no_page_costs_more_queries_for_more_rows(client, settings):
    settings.DEBUG = True  # the demo command refuses to run otherwise
    call_command("demo", stdout=io.StringIO())
    settings.DEBUG = False
    agents = User.objects.filter(role=Role.AGENT).order_by("username")
    first_quiz = played_quiz(list(agents[:3]))
    measure(client, first_quiz)  # first visits create defaults (rules, stars)
    small = measure(client, first_quiz)

    grow(per_team=15)
    large = measure(client, played_quiz(list(agents)))

    grown = {page: (small[page], large[page]) for page in small}
    grown = {page: counts for page, counts in grown.items() if len(set(counts)) > 1}
    assert not grown, f"queries (before, after growing) per page: {grown}"
