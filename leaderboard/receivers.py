"""Turning what happened elsewhere into points. Receivers run in the sender's
transaction, so points and the result they come from commit together."""

from __future__ import annotations

from django.dispatch import receiver

from contests.models import Kind
from contests.signals import contest_finished, live_contests_changed
from leaderboard import ledger, live
from leaderboard.models import Source
from people.models import User

# Each contest kind's source of points, and how many of its points make one
# unit of that source's rule (leaderboard/rules.py). A kind missing here
# earns no points: a new kind gets a source and a rule when it gets a policy.
SOURCES = {Kind.QUIZ: (Source.QUIZ, 100)}


@receiver(contest_finished, dispatch_uid="leaderboard.contest_points")
def points_for_contest(sender, contest, results, team_results, **kwargs) -> None:
    """Points for a finished contest of any kind, once: the ledger's
    reference (``<kind>:<id>``) is unique per person."""
    if contest.kind not in SOURCES:
        return
    source, unit = SOURCES[contest.kind]
    people = User.objects.in_bulk([r.user_id for r in results])
    ledger.award_many(
        source=source,
        reference=contest.reference,
        occurred_at=contest.ended_at,
        awards=[
            ledger.Award(
                person=people[result.user_id],
                units=result.score / unit,
                detail={
                    "title": contest.title,
                    "rank": result.rank,
                    "players": len(results),
                    "score": result.score,
                },
            )
            for result in results
            if result.score > 0
        ],
    )


@receiver(live_contests_changed, dispatch_uid="leaderboard.displays_follow")
def displays_follow_contests(sender, contest_ids, **kwargs) -> None:
    """Wall displays take over with a live contest while it runs (after commit)."""
    live.quizzes_changed(contest_ids)
