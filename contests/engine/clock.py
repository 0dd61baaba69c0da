"""Closing rounds at their deadline, whether or not anyone is connected.

Each process keeps a timer per open round it knows of. The host's action that
opens a round sets one at once; a sweep every second reads the open rounds
from the database and sets any timer that is missing, so a round still closes
on time after a restart, or when the process that opened it is gone. Closing
is idempotent, so several processes racing to close one round is harmless.
Once a minute the sweep also ends running contests left alone for
``QUIZ_IDLE_END_MINUTES`` (lifecycle.end_idle_contests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from channels.db import database_sync_to_async
from django.db.models import F
from django.utils import timezone

from contests.engine import lifecycle
from contests.models import Contest, Phase, Round, Status

logger = logging.getLogger("servicestar.contests.clock")
SWEEP_EVERY_S = 1.0
IDLE_CHECK_EVERY_S = 60.0  # lifecycle.end_idle_contests


@dataclass
class Timer:
    position: int
    deadline: datetime
    handle: asyncio.TimerHandle


_timers: dict[int, Timer] = {}
_sweeper: asyncio.Task | None = None


def open_deadlines(contest_id: int | None = None) -> list[tuple[int, int, datetime]]:
    """(contest id, position, deadline) of every open, unpaused round."""
    rounds = Round.objects.filter(
        contest__status=Status.RUNNING,
        contest__phase=Phase.OPEN,
        contest__paused_at__isnull=True,
        contest__current_position=F("position"),
        closed_at__isnull=True,
    )
    if contest_id is not None:
        rounds = rounds.filter(contest_id=contest_id)
    return list(rounds.values_list("contest_id", "position", "deadline"))


def _deadline_of(contest_id: int) -> tuple[int, datetime] | None:
    rows = open_deadlines(contest_id)
    return (rows[0][1], rows[0][2]) if rows else None


async def follow(contest: Contest) -> None:
    """After a host action: time the open round, or stop timing a closed one."""
    found = await database_sync_to_async(_deadline_of)(contest.pk)
    if found is None:
        cancel(contest.pk)
    else:
        schedule(contest.pk, *found)


def schedule(contest_id: int, position: int, deadline: datetime) -> None:
    timer = _timers.get(contest_id)
    if timer and timer.position == position and timer.deadline == deadline:
        return
    cancel(contest_id)
    loop = asyncio.get_running_loop()
    delay = max(0.0, (deadline - timezone.now()).total_seconds())
    handle = loop.call_later(
        delay, lambda: asyncio.ensure_future(_close(contest_id, position))
    )
    _timers[contest_id] = Timer(position, deadline, handle)


def cancel(contest_id: int) -> None:
    timer = _timers.pop(contest_id, None)
    if timer:
        timer.handle.cancel()


async def _close(contest_id: int, position: int) -> None:
    _timers.pop(contest_id, None)
    try:
        closed = await database_sync_to_async(lifecycle.close_round)(
            contest_id=contest_id, position=position
        )
    except Exception:
        logger.exception("Closing contest %s round %s failed", contest_id, position)
        return
    if not closed:
        # Paused, or the deadline moved: time it again from the database.
        found = await database_sync_to_async(_deadline_of)(contest_id)
        if found:
            schedule(contest_id, *found)


async def sweep_forever() -> None:
    idle_checked = 0.0
    while True:
        try:
            rows = await database_sync_to_async(open_deadlines)()
            open_ids = set()
            for contest_id, position, deadline in rows:
                open_ids.add(contest_id)
                schedule(contest_id, position, deadline)
            for contest_id in set(_timers) - open_ids:
                cancel(contest_id)
            if time.monotonic() - idle_checked >= IDLE_CHECK_EVERY_S:
                idle_checked = time.monotonic()
                ended = await database_sync_to_async(lifecycle.end_idle_contests)()
                for contest_id in ended:
                    logger.info(
                        "Ended contest %s: nobody moved it on for long", contest_id
                    )
        except Exception:
            logger.exception("The deadline sweep failed; trying again")
        await asyncio.sleep(SWEEP_EVERY_S)


def start() -> None:
    """Start this process's sweep (once), from inside the event loop."""
    global _sweeper
    if _sweeper is None or _sweeper.done():
        _sweeper = asyncio.ensure_future(sweep_forever())


async def stop() -> None:
    global _sweeper
    if _sweeper is not None:
        _sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await _sweeper
        _sweeper = None
    for contest_id in list(_timers):
        cancel(contest_id)
