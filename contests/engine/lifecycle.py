"""Running a contest: every state change, for every kind.

Each function is one transaction. State changes lock the contest row, check
who asks and where the contest stands, bump the version and schedule the
broadcast for after commit. The server's clock is the only clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.engine import broadcast, registry, standings
from contests.engine.errors import ContestError
from contests.models import Contest, Entry, Phase, Round, Status
from contests.signals import contest_finished


def lock(contest_id: int) -> Contest:
    try:
        return Contest.objects.select_for_update().get(pk=contest_id)
    except Contest.DoesNotExist:
        raise ContestError(_("This contest does not exist."), "not_found") from None


def require_host(contest: Contest, user) -> None:
    if user is None or contest.host_id != user.pk:
        raise ContestError(_("Only the contest's host can do that."), "not_host")


def _require_phase(contest: Contest, *phases: str) -> None:
    if contest.status != Status.RUNNING or contest.phase not in phases:
        raise ContestError(
            _("That is not possible at this point of the contest."), "phase"
        )


def changed(contest: Contest, **fields) -> Contest:
    """Save ``fields``, bump the version, and broadcast after commit."""
    for name, value in fields.items():
        setattr(contest, name, value)
    contest.version += 1
    contest.changed_at = timezone.now()
    contest.save(update_fields=[*fields, "version", "changed_at"])
    broadcast.contest_changed(contest)
    return contest


def locked_round(contest: Contest, position: int) -> Round:
    return Round.objects.select_for_update().get(contest=contest, position=position)


def _open(contest: Contest, position: int, now: datetime) -> Contest:
    round = contest.rounds.get(position=position)
    round.opened_at = now
    round.deadline = now + timedelta(seconds=contest.seconds_per_round)
    round.save(update_fields=["opened_at", "deadline"])
    return changed(contest, current_position=position, phase=Phase.OPEN, paused_at=None)


@transaction.atomic
def start_contest(*, contest_id: int, by) -> Contest:
    contest = lock(contest_id)
    require_host(contest, by)
    if contest.status != Status.LOBBY:
        raise ContestError(_("The contest has already started."), "phase")
    if not contest.entries.playing().exists():
        raise ContestError(_("Nobody has joined yet."), "empty")
    now = timezone.now()
    contest.status = Status.RUNNING
    contest.started_at = now
    contest.save(update_fields=["status", "started_at"])
    return _open(contest, 0, now)


@transaction.atomic
def close_round(*, contest_id: int, position: int, by=None) -> bool:
    """Stop taking submissions. ``by=None`` is the clock at the deadline.

    Idempotent: closing a round that is no longer open changes nothing and
    returns False, so the clocks of several processes may all try. A kind
    that tallies at the close (votes) does so here, in the same transaction.
    """
    contest = lock(contest_id)
    if by is not None:
        require_host(contest, by)
        _require_phase(contest, Phase.OPEN)
    if (
        contest.status != Status.RUNNING
        or contest.phase != Phase.OPEN
        or contest.current_position != position
    ):
        return False
    round = locked_round(contest, position)
    now = timezone.now()
    if by is None:
        if contest.is_paused or round.deadline > now:
            return False  # paused, or the deadline moved on a resume
        round.closed_at = round.deadline
    else:
        round.closed_at = min(now, round.deadline)
    round.save(update_fields=["closed_at"])
    registry.kind_of(contest).tally(contest, round)
    changed(contest, phase=Phase.CLOSED)
    return True


def close_now(*, contest_id: int, by) -> bool:
    """The host closes the open round before its deadline."""
    position = (
        Contest.objects.filter(pk=contest_id)
        .values_list("current_position", flat=True)
        .first()
    )
    if position is None:
        raise ContestError(
            _("That is not possible at this point of the contest."), "phase"
        )
    return close_round(contest_id=contest_id, position=position, by=by)


@transaction.atomic
def reveal_round(*, contest_id: int, by) -> Contest:
    contest = lock(contest_id)
    require_host(contest, by)
    if contest.phase == Phase.OPEN:
        close_round(contest_id=contest_id, position=contest.current_position, by=by)
        contest.refresh_from_db()
    _require_phase(contest, Phase.CLOSED)
    round = locked_round(contest, contest.current_position)
    round.revealed_at = timezone.now()
    round.save(update_fields=["revealed_at"])
    changed(contest, phase=Phase.REVEALED)
    broadcast.personal_results(contest, standings.personal_results(contest, round))
    return contest


@transaction.atomic
def show_leaderboard(*, contest_id: int, by) -> Contest:
    contest = lock(contest_id)
    require_host(contest, by)
    _require_phase(contest, Phase.REVEALED)
    return changed(contest, phase=Phase.LEADERBOARD)


@transaction.atomic
def next_round(*, contest_id: int, by) -> Contest:
    contest = lock(contest_id)
    require_host(contest, by)
    _require_phase(contest, Phase.REVEALED, Phase.LEADERBOARD)
    position = contest.current_position + 1
    if position >= contest.rounds.count():
        raise ContestError(str(registry.kind_of(contest).last_round), "last")
    return _open(contest, position, timezone.now())


@transaction.atomic
def pause_contest(*, contest_id: int, by) -> Contest:
    contest = lock(contest_id)
    require_host(contest, by)
    _require_phase(contest, Phase.OPEN)
    if contest.is_paused:
        return contest
    now = timezone.now()
    if locked_round(contest, contest.current_position).deadline <= now:
        raise ContestError(str(registry.kind_of(contest).time_up), "phase")
    return changed(contest, paused_at=now)


@transaction.atomic
def resume_contest(*, contest_id: int, by) -> Contest:
    """Give the paused time back: the deadline moves by the length of the pause."""
    contest = lock(contest_id)
    require_host(contest, by)
    if not contest.is_paused:
        return contest
    round = locked_round(contest, contest.current_position)
    paused = timezone.now() - contest.paused_at
    round.deadline += paused
    round.paused_seconds += paused.total_seconds()
    round.save(update_fields=["deadline", "paused_seconds"])
    return changed(contest, paused_at=None)


@transaction.atomic
def end_contest(*, contest_id: int, by, now: datetime | None = None) -> Contest:
    """``now``: when it ended, if not this moment. Only the demo passes it,
    for a contest it played and dated in the past (contests/demo.py)."""
    contest = lock(contest_id)
    require_host(contest, by)
    if contest.status == Status.FINISHED:
        return contest
    if contest.phase == Phase.OPEN:
        close_round(contest_id=contest_id, position=contest.current_position, by=by)
        contest.refresh_from_db()
    return _finish(contest, now or timezone.now())


def end_idle_contests(*, now: datetime | None = None) -> list[int]:
    """End the running contests nobody has moved on for
    ``settings.QUIZ_IDLE_END_MINUTES``, as their host would have: a trainer
    who walked away would otherwise leave every wall display on that
    contest, and its players' points out of the ledger. The ids ended."""
    now = now or timezone.now()
    idle_since = now - timedelta(minutes=settings.QUIZ_IDLE_END_MINUTES)
    candidates = list(
        Contest.objects.filter(
            status=Status.RUNNING, changed_at__lt=idle_since
        ).values_list("pk", flat=True)
    )
    return [pk for pk in candidates if _end_if_idle(pk, idle_since, now)]


@transaction.atomic
def _end_if_idle(contest_id: int, idle_since: datetime, now: datetime) -> bool:
    contest = lock(contest_id)
    if contest.status != Status.RUNNING or contest.changed_at >= idle_since:
        return False  # moved on meanwhile
    if contest.phase == Phase.OPEN:
        round = locked_round(contest, contest.current_position)
        if round.closed_at is None:  # paused mid-round
            round.closed_at = min(now, round.deadline)
            round.save(update_fields=["closed_at"])
            registry.kind_of(contest).tally(contest, round)
    _finish(contest, timezone.now())
    return True


def _finish(contest: Contest, now: datetime) -> Contest:
    """Final ranks, the contest finished at ``now``, results to the ledger
    (dated ``now``) and the players."""
    results = standings.individual_standings(contest)
    Entry.objects.save_each(
        [Entry(pk=s.entry_id, final_rank=s.rank) for s in results], ["final_rank"]
    )
    team_results = standings.team_standings(contest) if contest.team_mode else []
    changed(contest, status=Status.FINISHED, phase="", ended_at=now, paused_at=None)
    broadcast.live_contests_changed()
    contest_finished.send(
        sender=Contest, contest=contest, results=results, team_results=team_results
    )
    broadcast.final_results(contest, results)
    return contest
