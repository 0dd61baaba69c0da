"""The demo's quizzes are real finished quizzes behind the demo points."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from contests.demo import QUIZZES
from contests.models import Contest, Kind, Status
from leaderboard import ledger, rankings
from leaderboard.models import PointEntry, Source
from people.models import User


def test_demo_quizzes_are_finished_contests_behind_the_points(db, client, settings):
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())  # twice: nothing doubles

    quizzes = Contest.objects.filter(kind=Kind.QUIZ, title__in=QUIZZES)
    assert sorted(quizzes.values_list("title", flat=True)) == sorted(QUIZZES)
    quiz_points = PointEntry.objects.filter(source=Source.QUIZ)
    assert set(quiz_points.values_list("reference", flat=True)) == {
        quiz.reference for quiz in quizzes
    }
    today = timezone.localdate()
    for quiz in quizzes:
        assert quiz.status == Status.FINISHED
        assert quiz.started_at < quiz.ended_at < timezone.now()
        points = quiz_points.filter(reference=quiz.reference)
        assert points.exists()
        assert {e.occurred_at for e in points} == {quiz.ended_at}
        # Each answer came in while its round was open.
        for round in quiz.rounds.all():
            for submission in round.submissions.all():
                assert round.opened_at <= submission.received_at <= round.deadline
    days = {timezone.localdate(q.ended_at) for q in quizzes}
    assert len(days) == len(QUIZZES) and max(days) <= today

    client.force_login(User.objects.get(username="trainer1"))
    for quiz in quizzes:
        page = client.get(reverse("contests:results", args=[quiz.pk]))
        assert page.status_code == 200

    entry = quiz_points.order_by("-occurred_at").first()
    client.force_login(entry.person)
    my_result = reverse("contests:my_result", args=[int(entry.reference[5:])])
    history = client.get(reverse("leaderboard:my_points")).content.decode()
    assert f'href="{my_result}"' in history
    assert client.get(my_result).status_code == 200


def test_the_older_demos_quiz_points_without_a_quiz_go(db, settings):
    """A database the older demo loaded: its quiz:demo-N points would count
    twice next to the real demo quizzes' points."""
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    agent = User.objects.get(username="agent01")
    ledger.award(
        person=agent,
        source=Source.QUIZ,
        reference="quiz:demo-0",
        units=42,
        detail={"title": "周一晨会快问快答", "rank": 1, "players": 30, "score": 4200},
        occurred_at=timezone.now() - timedelta(days=6),
    )
    call_command("demo", stdout=io.StringIO())
    entries = PointEntry.objects.filter(person=agent)
    assert not entries.filter(reference__startswith="quiz:demo-").exists()
    assert rankings.totals_for(agent)["all"] == sum(e.points for e in entries)
