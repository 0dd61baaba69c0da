"""Telling browsers what changed, after the change has committed.

- ``quiz_changed``: the stage, rendered once per language, to every player
  (group ``contest-<id>``, through each process's hub: realtime/hub.py) and to
  the host console (``contest-<id>-host``).
- ``personal_results`` / ``final_results``: each connected player's own
  result, in one hub message per process that names each player's socket;
  a socket is written its own result and nobody else's.
- ``answer_counted``: "37 of 50 answered" for the host, coalesced per process
  so a burst of answers makes a few messages a second, not one per answer.
"""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import translation

from contests import signals, stage
from contests.models import Phase, Quiz, QuizStatus
from realtime import groups, hub
from realtime.live import render_per_language

ANSWERED_EVERY_S = 0.25


def quiz_changed(quiz: Quiz) -> None:
    quiz_id = quiz.pk
    transaction.on_commit(lambda: send_stage(quiz_id))


def send_stage(quiz_id: int) -> None:
    """Render the current stage (committed state) and send it to every screen.

    Players first: their frame is the same for all of them and everyone is
    waiting for it; the wall displays and the host's console come after.
    """
    quiz = Quiz.objects.select_related("host").get(pk=quiz_id)
    context = stage.stage_context(quiz)
    players = render_per_language(stage.PLAYER_STAGE, context)
    async_to_sync(hub.publish)(quiz.group(), players)
    audience = render_per_language(stage.AUDIENCE_STAGE, context)
    console = render_per_language(stage.HOST_STAGE, context)
    # The console's list of players looks different only once the quiz starts
    # or ends (joins and removals refresh it on their own: roster_changed);
    # listing the whole floor again at every question would be for nothing.
    # Even then the console asks for it a moment later, in its own language
    # (QuizConsumer.quiz_roster): rendering 2000 rows twice here held the
    # interpreter while the first question was on its way to the phones.
    starting = quiz.current_position == 0 and quiz.phase == Phase.QUESTION
    roster_stale = quiz.status != QuizStatus.RUNNING or starting
    layer = get_channel_layer()

    async def send() -> None:
        await layer.group_send(
            groups.contest_audience(quiz.pk),
            {"type": "quiz.audience", "version": quiz.version, "html": audience},
        )
        await layer.group_send(
            quiz.host_group(),
            {"type": "quiz.console", "version": quiz.version, "html": console},
        )
        if roster_stale:
            await layer.group_send(quiz.host_group(), {"type": "quiz.roster"})

    async_to_sync(send)()


def personal_results(quiz: Quiz, results: dict) -> None:
    """After commit, send each connected player their result for this question:
    one message per worker, each player's frame rendered by its own socket."""
    question = quiz.current_question()
    channels = _player_channels(quiz)
    names = {
        pid: display_name or username
        for pid, display_name, username in quiz.participants.values_list(
            "id", "user__display_name", "user__username"
        )
    }
    payloads = {
        channels[pid]: stage.me_from_result(quiz, question, pid, names[pid], result)
        for pid, result in results.items()
        if pid in channels
    }
    _publish_each(quiz, payloads)


def final_results(quiz: Quiz, results) -> None:
    channels = _player_channels(quiz)
    total = quiz.questions.count()
    payloads = {
        channels[s.participant_id]: stage.PersonalPart(
            name=s.name,
            score=s.score,
            shuffle_key=None,
            final=stage.FinalResult(
                score=s.score,
                rank=s.rank,
                players=len(results),
                correct_count=s.correct_count,
                total=total,
            ),
        )
        for s in results
        if s.participant_id in channels
    }
    _publish_each(quiz, payloads)


def _player_channels(quiz: Quiz) -> dict[int, str]:
    """{participant id: channel} of the players connected now."""
    return dict(
        quiz.participants.exclude(channel_name="").values_list("id", "channel_name")
    )


def _publish_each(quiz: Quiz, parts: dict[str, stage.PersonalPart]) -> None:
    """After commit, each named player's channel its own PersonalPart."""
    if not parts:
        return
    group = quiz.group()
    payloads = {channel: part.as_json() for channel, part in parts.items()}
    transaction.on_commit(lambda: async_to_sync(hub.publish_each)(group, payloads))


def _send_each(messages: list[tuple[str, dict]]) -> None:
    layer = get_channel_layer()

    async def send() -> None:
        for channel, message in messages:
            await layer.send(channel, message)

    async_to_sync(send)()


def roster_changed(quiz: Quiz) -> None:
    """Someone joined or was removed. The host's console refreshes its list at
    most a few times a second (QuizConsumer.quiz_roster), however many join."""
    group = quiz.host_group()
    layer = get_channel_layer()
    transaction.on_commit(
        lambda: async_to_sync(layer.group_send)(group, {"type": "quiz.roster"})
    )


# Per process: quizzes with answers not yet counted for the host, and the
# task that will count them.
_pending_counts: dict[int, asyncio.Task] = {}


def answer_counted(quiz_id: int) -> None:
    """Called in the event loop after an answer is acknowledged."""
    if quiz_id in _pending_counts:
        return
    _pending_counts[quiz_id] = asyncio.ensure_future(_flush_count(quiz_id))


async def _flush_count(quiz_id: int) -> None:
    try:
        await asyncio.sleep(ANSWERED_EVERY_S)
    finally:
        _pending_counts.pop(quiz_id, None)
    fragments = await database_sync_to_async(_answered_fragments)(quiz_id)
    if fragments:
        host_group, console, audience = fragments
        layer = get_channel_layer()
        await layer.group_send(host_group, {"type": "quiz.answered", "html": console})
        await layer.group_send(
            groups.contest_audience(quiz_id),
            {"type": "quiz.audience", "html": audience},
        )


def _answered_fragments(quiz_id: int) -> tuple[str, dict, dict] | None:
    """The host's group, and the count for the console and the audience in
    every language."""
    quiz = Quiz.objects.filter(pk=quiz_id).first()
    if quiz is None:
        return None
    console, audience = {}, {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            console[code], audience[code] = stage.answered_fragments(quiz)
    return quiz.host_group(), console, audience


def player_removed(participant) -> None:
    channel = participant.channel_name
    if channel:
        transaction.on_commit(lambda: _send_each([(channel, {"type": "quiz.removed"})]))


def live_quizzes_changed() -> None:
    """The floor's "live now" list changed (a quiz opened or ended)."""
    transaction.on_commit(_send_live_now)


def _send_live_now() -> None:
    quizzes = list(Quiz.objects.live().select_related("host").order_by("created_at"))
    signals.live_quizzes_changed.send(sender=Quiz, quiz_ids=[q.pk for q in quizzes])
    html = render_per_language(stage.LIVE_NOW_PUSHED, {"live_quizzes": quizzes})
    layer = get_channel_layer()
    async_to_sync(layer.group_send)(
        groups.FLOOR, {"type": "feed.fragment", "html": html}
    )
