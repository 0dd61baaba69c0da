"""Live progress that is never stored: a typing race's characters so far.

A player's page may send ``{"action": "progress", ...}`` as often as the
socket's rate limit allows; the kind cleans it (ContestKind.progress) and the
engine keeps only the latest per player, per process. A few times a second
(PROGRESS_EVERY_S) each process sends what changed to the host console and the
audience in one message per group, rendered once per language by the kind
(ContestKind.render_progress): a floor typing together makes a handful of
frames a second on each screen, never one per keystroke, and no row.
"""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from contests.engine import audience, registry
from realtime import groups

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.25

# Per process: {contest id: {entry id: latest progress}} not yet sent, and
# the task that will send them.
_latest: dict[int, dict[int, object]] = {}
_flushing: dict[int, asyncio.Task] = {}


def note(kind_name: str, contest_id: int, entry_id: int, progress: object) -> None:
    """Keep ``progress`` as this entry's latest (in the event loop)."""
    _latest.setdefault(contest_id, {})[entry_id] = progress
    if contest_id not in _flushing:
        _flushing[contest_id] = asyncio.ensure_future(_flush(kind_name, contest_id))


async def _flush(kind_name: str, contest_id: int) -> None:
    try:
        await asyncio.sleep(PROGRESS_EVERY_S)
    finally:
        _flushing.pop(contest_id, None)
    latest = _latest.pop(contest_id, {})
    if not latest:
        return
    try:
        html = await database_sync_to_async(registry.get(kind_name).render_progress)(
            contest_id, latest
        )
    except Exception:
        logger.exception("contest %s: could not render progress", contest_id)
        return
    if not html:
        return
    layer = get_channel_layer()
    event = {"type": "contest.progress", "html": html}
    await layer.group_send(groups.contest_host(contest_id), event)
    await layer.group_send(audience.audience_group(contest_id), event)
