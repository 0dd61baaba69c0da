"""Signals the contests app sends. Receivers run inside the sender's
transaction: whatever they write commits or rolls back with it."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent once when a quiz ends, inside the transaction that ends it.
#:
#: Arguments:
#: - ``sender``: the ``contests.models.Quiz`` class.
#: - ``quiz``: the finished ``Quiz`` (status ``finished``, ``ended_at`` set).
#: - ``results``: a list of ``contests.standings.Standing``, best first, one per
#:   participant who was not removed, with the final score, number of correct
#:   answers and competition rank (ties share a rank).
#: - ``team_results``: a list of ``contests.standings.TeamStanding`` (team
#:   average scores and ranks) when the quiz was played in team mode, else [].
quiz_finished = Signal()

#: Sent after commit whenever the set of live quizzes changes (one was
#: created, or one ended).
#:
#: Arguments:
#: - ``sender``: the ``contests.models.Quiz`` class.
#: - ``quiz_ids``: ids of every quiz still live (in its lobby or running),
#:   oldest first. Screens that show live quizzes to an audience follow the
#:   group ``realtime.groups.contest_audience(quiz_id)``, which receives
#:   ``quiz.audience`` events: ``{"type": "quiz.audience", "html": {language:
#:   fragment}}`` with ``#audience-stage`` (whole stage) or
#:   ``#audience-answered`` (the answered count) for htmx out-of-band swaps.
live_quizzes_changed = Signal()
