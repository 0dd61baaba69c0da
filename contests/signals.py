"""Signals the contests app sends. Receivers run inside the sender's
transaction: whatever they write commits or rolls back with it."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent once when a contest of any kind ends, inside the transaction that
#: ends it.
#:
#: Arguments:
#: - ``sender``: the ``contests.models.Contest`` class.
#: - ``contest``: the finished ``Contest`` (status ``finished``, ``ended_at``
#:   set). ``contest.kind`` says which kind; ``contest.reference`` is how the
#:   ledger names it (``quiz:<id>``).
#: - ``results``: a list of ``contests.engine.standings.Standing``, best first,
#:   one per entry that was not removed, with the final score, number of
#:   rounds judged right and competition rank (ties share a rank).
#: - ``team_results``: a list of ``contests.engine.standings.TeamStanding``
#:   (team average scores and ranks) when played in team mode, else [].
contest_finished = Signal()

#: Sent after commit whenever the set of live contests changes (one was
#: created, or one ended).
#:
#: Arguments:
#: - ``sender``: the ``contests.models.Contest`` class.
#: - ``contest_ids``: ids of every contest still live (in its lobby or
#:   running), oldest first. Screens that show live contests to an audience
#:   follow ``contests.engine.audience`` (its module docstring says what the
#:   audience group carries).
live_contests_changed = Signal()
