"""Telling browsers what changed, after the change has committed.

- ``contest_changed``: the stage, rendered once per language, to every
  player (group ``contest-<id>``, through each process's hub: realtime/hub.py),
  to the audience (``contest-<id>-audience``) and to the host console
  (``contest-<id>-host``).
- ``personal_results`` / ``final_results``: each connected player's own
  result, in one hub message per process that names each player's socket;
  a socket is written its own result and nobody else's.
- ``submission_counted``: "37 of 50 answered" for the host and the audience,
  coalesced per process so a burst makes a few messages a second, not one
  per submission.
"""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import translation

from contests import signals
from contests.engine import audience, registry, snapshots
from contests.engine.standings import PersonalResult, Standing
from contests.models import Contest, Phase, Status
from realtime import groups, hub
from realtime.live import render_per_language

ANSWERED_EVERY_S = 0.25


def contest_changed(contest: Contest) -> None:
    contest_id = contest.pk
    transaction.on_commit(lambda: send_stage(contest_id))


def send_stage(contest_id: int) -> None:
    """Render the current stage (committed state) and send it to every screen.

    Players first: their frame is the same for all of them and everyone is
    waiting for it; the wall displays and the host's console come after.
    """
    contest = Contest.objects.select_related("host").get(pk=contest_id)
    templates = registry.kind_of(contest).templates
    context = snapshots.stage_context(contest)
    players = render_per_language(templates.player_stage, context)
    async_to_sync(hub.publish)(contest.group(), players)
    on_tv = render_per_language(templates.audience_stage, context)
    console = render_per_language(templates.host_stage, context)
    # The console's list of players looks different only once the contest
    # starts or ends (joins and removals refresh it on their own:
    # roster_changed); listing the whole floor again at every round would be
    # for nothing. Even then the console asks for it a moment later, in its
    # own language (ContestConsumer.contest_roster): rendering 2000 rows twice
    # here held the interpreter while the first round was on its way.
    starting = contest.current_position == 0 and contest.phase == Phase.OPEN
    roster_stale = contest.status != Status.RUNNING or starting
    layer = get_channel_layer()

    async def send() -> None:
        await layer.group_send(
            audience.audience_group(contest.pk),
            {"type": "contest.audience", "version": contest.version, "html": on_tv},
        )
        await layer.group_send(
            contest.host_group(),
            {"type": "contest.console", "version": contest.version, "html": console},
        )
        if roster_stale:
            await layer.group_send(contest.host_group(), {"type": "contest.roster"})

    async_to_sync(send)()


def personal_results(contest: Contest, results: dict[int, PersonalResult]) -> None:
    """After commit, send each connected player their result for this round:
    one message per worker, each player's frame rendered by its own socket."""
    round = contest.current_round()
    channels = _player_channels(contest)
    names = {
        pid: display_name or username
        for pid, display_name, username in contest.entries.values_list(
            "id", "user__display_name", "user__username"
        )
    }
    parts = {
        channels[eid]: snapshots.part_from_result(
            contest, round, eid, names[eid], result
        )
        for eid, result in results.items()
        if eid in channels
    }
    _publish_each(contest, parts)


def final_results(contest: Contest, results: list[Standing]) -> None:
    channels = _player_channels(contest)
    total = contest.rounds.count()
    parts = {
        channels[s.entry_id]: snapshots.PersonalPart(
            name=s.name,
            score=s.score,
            extra={},
            final=snapshots.FinalResult(
                score=s.score,
                rank=s.rank,
                players=len(results),
                right_count=s.right_count,
                total=total,
            ),
        )
        for s in results
        if s.entry_id in channels
    }
    _publish_each(contest, parts)


def _player_channels(contest: Contest) -> dict[int, str]:
    """{entry id: channel} of the players connected now."""
    return dict(
        contest.entries.exclude(channel_name="").values_list("id", "channel_name")
    )


def _publish_each(contest: Contest, parts: dict[str, snapshots.PersonalPart]) -> None:
    """After commit, each named player's channel its own PersonalPart."""
    if not parts:
        return
    group = contest.group()
    payloads = {channel: part.as_json() for channel, part in parts.items()}
    transaction.on_commit(lambda: async_to_sync(hub.publish_each)(group, payloads))


def _send_each(messages: list[tuple[str, dict]]) -> None:
    layer = get_channel_layer()

    async def send() -> None:
        for channel, message in messages:
            await layer.send(channel, message)

    async_to_sync(send)()


def roster_changed(contest: Contest) -> None:
    """Someone joined or was removed. The host's console refreshes its list at
    most a few times a second (ContestConsumer.contest_roster), however many join."""
    group = contest.host_group()
    layer = get_channel_layer()
    transaction.on_commit(
        lambda: async_to_sync(layer.group_send)(group, {"type": "contest.roster"})
    )
    if contest.status == Status.LOBBY:
        # The TVs count the players arriving, at most a few times a second
        # (DisplayConsumer.contest_arrivals).
        tvs = audience.audience_group(contest.pk)
        event = {"type": "contest.arrivals", "contest_id": contest.pk}
        transaction.on_commit(lambda: async_to_sync(layer.group_send)(tvs, event))


# Per process: contests with submissions not yet counted for the host, and
# the task that will count them.
_pending_counts: dict[int, asyncio.Task] = {}


def submission_counted(contest_id: int) -> None:
    """Called in the event loop after a submission is acknowledged."""
    if contest_id in _pending_counts:
        return
    _pending_counts[contest_id] = asyncio.ensure_future(_flush_count(contest_id))


async def _flush_count(contest_id: int) -> None:
    try:
        await asyncio.sleep(ANSWERED_EVERY_S)
    finally:
        _pending_counts.pop(contest_id, None)
    fragments = await database_sync_to_async(_answered_fragments)(contest_id)
    if fragments:
        host_group, console, on_tv = fragments
        layer = get_channel_layer()
        await layer.group_send(
            host_group, {"type": "contest.answered", "html": console}
        )
        await layer.group_send(
            audience.audience_group(contest_id),
            {"type": "contest.audience", "html": on_tv},
        )


def _answered_fragments(contest_id: int) -> tuple[str, dict, dict] | None:
    """The host's group, and the count for the console and the audience in
    every language."""
    contest = Contest.objects.filter(pk=contest_id).first()
    if contest is None:
        return None
    console, on_tv = {}, {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            console[code], on_tv[code] = snapshots.answered_fragments(contest)
    return contest.host_group(), console, on_tv


def player_removed(entry) -> None:
    channel = entry.channel_name
    if channel:
        transaction.on_commit(
            lambda: _send_each([(channel, {"type": "contest.removed"})])
        )


def live_contests_changed() -> None:
    """The floor's "live now" list changed (a contest opened or ended)."""
    transaction.on_commit(_send_live_now)


def _send_live_now() -> None:
    context = audience.live_now_context()
    signals.live_contests_changed.send(
        sender=Contest, contest_ids=[c.pk for c in context["live_quizzes"]]
    )
    html = render_per_language(audience.LIVE_NOW_PUSHED, context)
    layer = get_channel_layer()
    async_to_sync(layer.group_send)(
        groups.FLOOR, {"type": "feed.fragment", "html": html}
    )
