"""Turning what happened elsewhere into points. Receivers run in the sender's
transaction, so points and the result they come from commit together."""

from __future__ import annotations

from django.dispatch import receiver

from contests.signals import live_quizzes_changed, quiz_finished
from leaderboard import ledger, live
from leaderboard.models import Source
from people.models import User

QUIZ_UNIT = 100  # quiz points per unit of the quiz rule


@receiver(quiz_finished, dispatch_uid="leaderboard.quiz_points")
def points_for_quiz(sender, quiz, results, team_results, **kwargs) -> None:
    people = User.objects.in_bulk([r.user_id for r in results])
    ledger.award_many(
        source=Source.QUIZ,
        reference=f"quiz:{quiz.pk}",
        occurred_at=quiz.ended_at,
        awards=[
            ledger.Award(
                person=people[result.user_id],
                units=result.score / QUIZ_UNIT,
                detail={
                    "title": quiz.title,
                    "rank": result.rank,
                    "players": len(results),
                    "score": result.score,
                },
            )
            for result in results
            if result.score > 0
        ],
    )


@receiver(live_quizzes_changed, dispatch_uid="leaderboard.displays_follow_quizzes")
def displays_follow_quizzes(sender, quiz_ids, **kwargs) -> None:
    """Wall displays take over with a live quiz while it runs (after commit)."""
    live.quizzes_changed(quiz_ids)
