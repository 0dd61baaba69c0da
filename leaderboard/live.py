"""Telling boards and wall displays that something changed.

The functions here are the leaderboard's only way to reach screens; each is
called inside the transaction that made the change and acts after commit.

Coalescing: after commit, a change only marks what went stale (which teams'
points, which kudos, which awards) in this process's pending set. A flusher
running in the process's event loop wakes on the first mark, waits
``COALESCE_S`` for the rest of the burst, then renders each stale board once
per language and sends it to the board's group. However many entries a burst
holds (a quiz of 500 players ending writes 500), each board gets at most one
broadcast per ``COALESCE_S``, and a change reaches the screens within about
``COALESCE_S`` plus one render.

The flusher is started in the event loop by ``config.asgi`` (and by every
display socket). A process without a running loop (a management command)
flushes from a timer thread instead, when the channel layer can reach other
processes; on the in-memory layer nobody else could hear it, so it drops the
marks.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone

from contests.engine.audience import audience_snapshot
from leaderboard import boards
from leaderboard.models import Display
from realtime import groups
from realtime.live import uses_in_memory_layer

logger = logging.getLogger("servicestar.leaderboard.live")

COALESCE_S = 0.4
CELEBRATE_S = 10


def points_changed(entry) -> None:
    """A ledger entry was added: refresh rankings on boards (coalesced)."""
    team_id, person_id, points = entry.team_id, entry.person_id, entry.points
    this_month = timezone.localdate(entry.occurred_at).replace(
        day=1
    ) == timezone.localdate().replace(day=1)
    transaction.on_commit(
        lambda: _mark(
            point_teams={team_id},
            gains={person_id: points} if this_month and points else {},
        )
    )


def kudos_changed(kudos) -> None:
    """A kudos was sent or hidden: refresh the kudos panels."""
    team_id = kudos.receiver.team_id
    transaction.on_commit(lambda: _mark(kudos_teams={team_id}))


def celebrate(award) -> None:
    """A manager confirmed a service star: interrupt displays to celebrate."""
    award_id = award.pk
    transaction.on_commit(lambda: _mark(awards=[award_id]))


def quizzes_changed(quiz_ids: list[int]) -> None:
    """The live quizzes changed (called after commit): displays follow them.

    The audience view of each live quiz is rendered once per language here,
    so a display that starts following one shows it at once.
    """
    # It runs inside the contests' own broadcast: a failure here must not
    # stop the floor's "live now" list.
    try:
        if not Display.objects.active().exists():
            return
        stages = {
            str(quiz_id): {
                code: audience_snapshot(contest_id=quiz_id, language=code)
                for code, _name in settings.LANGUAGES
            }
            for quiz_id in quiz_ids
        }
        event = {
            "type": "displays.quizzes",
            "quiz_ids": list(quiz_ids),
            "stages": stages,
        }
        async_to_sync(get_channel_layer().group_send)(groups.DISPLAYS, event)
    except Exception:
        logger.exception("Telling the wall displays about live quizzes failed")


# The pending set and its flusher.


@dataclass
class Pending:
    point_teams: set = field(default_factory=set)
    kudos_teams: set = field(default_factory=set)
    gains: dict = field(default_factory=dict)
    awards: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.point_teams or self.kudos_teams or self.awards)


_lock = threading.Lock()
_pending = Pending()
_loop: asyncio.AbstractEventLoop | None = None
_wake: asyncio.Event | None = None
_task: asyncio.Task | None = None
_timer: threading.Timer | None = None


def _mark(*, point_teams=(), kudos_teams=(), gains=None, awards=()) -> None:
    """Runs after commit, in whatever thread committed."""
    with _lock:
        _pending.point_teams.update(point_teams)
        _pending.kudos_teams.update(kudos_teams)
        for person_id, points in (gains or {}).items():
            _pending.gains[person_id] = _pending.gains.get(person_id, 0) + points
        _pending.awards.extend(awards)
        loop, wake = _loop, _wake
    if loop is not None and wake is not None and loop.is_running():
        try:
            loop.call_soon_threadsafe(wake.set)
            return
        except RuntimeError:  # the loop closed a moment ago
            pass
    _flush_from_a_thread()


def _take() -> Pending:
    global _pending
    with _lock:
        taken, _pending = _pending, Pending()
    return taken


def start() -> None:
    """Start this process's flusher (once per event loop), from inside the loop."""
    global _loop, _wake, _task
    loop = asyncio.get_running_loop()
    with _lock:
        if _loop is loop and _task is not None and not _task.done():
            return
        _loop, _wake = loop, asyncio.Event()
        _task = loop.create_task(_flush_forever(_wake))
        if _pending:
            _wake.set()


async def _flush_forever(wake: asyncio.Event) -> None:
    while True:
        await wake.wait()
        await asyncio.sleep(COALESCE_S)  # let the rest of the burst arrive
        wake.clear()
        pending = _take()
        if not pending:
            continue
        try:
            messages = await database_sync_to_async(_render)(pending)
            layer = get_channel_layer()
            for group, event in messages:
                await layer.group_send(group, event)
        except Exception:
            logger.exception("Refreshing the wall displays failed")


def _flush_from_a_thread() -> None:
    """No event loop in this process: flush from a timer thread, coalesced the
    same way, when another process could be listening."""
    global _timer
    if uses_in_memory_layer():
        _take()  # nobody in this process listens; nobody else can hear it
        return
    with _lock:
        if _timer is not None:
            return
        _timer = threading.Timer(COALESCE_S, _flush_in_thread)
        _timer.daemon = False  # a command waits for its last broadcast
        _timer.start()


def _flush_in_thread() -> None:
    global _timer
    with _lock:
        _timer = None
    try:
        close_old_connections()
        messages = _render(_take())
        layer = get_channel_layer()
        for group, event in messages:
            async_to_sync(layer.group_send)(group, event)
    except Exception:
        logger.exception("Refreshing the wall displays failed")
    finally:
        connections.close_all()


def _render(pending: Pending) -> list[tuple[str, dict]]:
    """The broadcasts for what went stale: each board once, each language once."""
    in_use = boards.boards_in_use()
    if not in_use:
        return []
    stale: dict = {}
    for board in boards.boards_for_teams(pending.point_teams, in_use):
        stale.setdefault(board, set()).update(boards.POINT_PANELS)
    for board in boards.boards_for_teams(pending.kudos_teams, in_use):
        stale.setdefault(board, set()).update(boards.KUDOS_PANELS)
    at = boards.stamp()
    messages = [
        (
            board.group,
            {
                "type": "board.panels",
                "html": boards.render_panels(board, tuple(sorted(panels))),
                "at": at,
            },
        )
        for board, panels in stale.items()
    ]
    for award_id in pending.awards:
        found = boards.award_celebration(award_id)
        if found:
            targets, html = found
            messages += [(b.group, _celebration(html)) for b in targets]
    for person, stars, points in boards.top_level_reached(pending.gains):
        html = boards.achievement_celebration(person, stars, points)
        targets = boards.boards_for_teams({person.team_id}, in_use)
        messages += [(b.group, _celebration(html)) for b in targets]
    return messages


def _celebration(html: dict) -> dict:
    return {"type": "board.celebrate", "html": html, "seconds": CELEBRATE_S}
