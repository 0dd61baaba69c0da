"""Closing questions at their deadline, whether or not anyone is connected.

Each process keeps a timer per open question it knows of. The host's action
that opens a question sets one at once; a sweep every second reads the open
questions from the database and sets any timer that is missing, so a question
still closes on time after a restart, or when the process that opened it is
gone. Closing is idempotent, so several processes racing to close one
question is harmless. Once a minute the sweep also ends running quizzes left
alone for ``QUIZ_IDLE_END_MINUTES`` (running.end_idle_quizzes).
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

from contests import running
from contests.models import Phase, Quiz, QuizQuestion, QuizStatus

logger = logging.getLogger("servicestar.contests.clock")
SWEEP_EVERY_S = 1.0
IDLE_CHECK_EVERY_S = 60.0  # running.end_idle_quizzes


@dataclass
class Timer:
    position: int
    deadline: datetime
    handle: asyncio.TimerHandle


_timers: dict[int, Timer] = {}
_sweeper: asyncio.Task | None = None


def open_deadlines(quiz_id: int | None = None) -> list[tuple[int, int, datetime]]:
    """(quiz id, position, deadline) of every open, unpaused question."""
    questions = QuizQuestion.objects.filter(
        quiz__status=QuizStatus.RUNNING,
        quiz__phase=Phase.QUESTION,
        quiz__paused_at__isnull=True,
        quiz__current_position=F("position"),
        closed_at__isnull=True,
    )
    if quiz_id is not None:
        questions = questions.filter(quiz_id=quiz_id)
    return list(questions.values_list("quiz_id", "position", "deadline"))


def _deadline_of(quiz_id: int) -> tuple[int, datetime] | None:
    rows = open_deadlines(quiz_id)
    return (rows[0][1], rows[0][2]) if rows else None


async def follow(quiz: Quiz) -> None:
    """After a host action: time the open question, or stop timing a closed one."""
    found = await database_sync_to_async(_deadline_of)(quiz.pk)
    if found is None:
        cancel(quiz.pk)
    else:
        schedule(quiz.pk, *found)


def schedule(quiz_id: int, position: int, deadline: datetime) -> None:
    timer = _timers.get(quiz_id)
    if timer and timer.position == position and timer.deadline == deadline:
        return
    cancel(quiz_id)
    loop = asyncio.get_running_loop()
    delay = max(0.0, (deadline - timezone.now()).total_seconds())
    handle = loop.call_later(
        delay, lambda: asyncio.ensure_future(_close(quiz_id, position))
    )
    _timers[quiz_id] = Timer(position, deadline, handle)


def cancel(quiz_id: int) -> None:
    timer = _timers.pop(quiz_id, None)
    if timer:
        timer.handle.cancel()


async def _close(quiz_id: int, position: int) -> None:
    _timers.pop(quiz_id, None)
    try:
        closed = await database_sync_to_async(running.close_question)(
            quiz_id=quiz_id, position=position
        )
    except Exception:
        logger.exception("Closing quiz %s question %s failed", quiz_id, position)
        return
    if not closed:
        # Paused, or the deadline moved: time it again from the database.
        found = await database_sync_to_async(_deadline_of)(quiz_id)
        if found:
            schedule(quiz_id, *found)


async def sweep_forever() -> None:
    idle_checked = 0.0
    while True:
        try:
            rows = await database_sync_to_async(open_deadlines)()
            open_ids = set()
            for quiz_id, position, deadline in rows:
                open_ids.add(quiz_id)
                schedule(quiz_id, position, deadline)
            for quiz_id in set(_timers) - open_ids:
                cancel(quiz_id)
            if time.monotonic() - idle_checked >= IDLE_CHECK_EVERY_S:
                idle_checked = time.monotonic()
                ended = await database_sync_to_async(running.end_idle_quizzes)()
                for quiz_id in ended:
                    logger.info("Ended quiz %s: nobody moved it on for long", quiz_id)
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
    for quiz_id in list(_timers):
        cancel(quiz_id)
