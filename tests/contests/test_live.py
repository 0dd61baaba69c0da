"""The live quiz over WebSockets: integrity and resilience, through the real stack."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.utils import timezone

from config.routing import build_websocket_application
from contests.engine import clock
from contests.engine.consumer import (
    CLOSE_FORBIDDEN,
    CLOSE_TAKEN_OVER,
    CLOSE_UNAUTHENTICATED,
)
from contests.models import Contest, Submission
from realtime import groups, hub
from realtime.live import uses_in_memory_layer
from tests.sockets import connect, frames_until, send, session_cookie_for

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

# What would give the answer away: the explanation, the correct-option marks.
SECRETS = ["95598 是电力服务热线", "is-correct", "tick", "✓</span>"]


async def open_quiz(quiz, trainer, *players):
    """Host and players connected, snapshots read, the first question open."""
    host, ok, _ = await connect(f"/ws/quiz/{quiz.pk}/", trainer, language="en")
    assert ok
    await host.receive_from()
    sockets = []
    for participant in players:
        user = await sync_to_async(lambda p=participant: p.user)()
        socket, ok, _ = await connect(f"/ws/quiz/{quiz.pk}/", user, language="en")
        assert ok
        await socket.receive_from()  # snapshot
        sockets.append(socket)
    await send(host, action="start")
    for socket in sockets:
        await frames_until(socket, 'data-phase="open"')
    return host, sockets


async def test_nothing_revealing_reaches_players_while_a_question_is_open(
    quiz, trainer, players
):
    host, (watcher, right, wrong) = await open_quiz(quiz, trainer, *players)
    seen: list[str] = []
    await send(right, action="answer", position=0, choice="0")
    await send(wrong, action="answer", position=0, choice="1")
    right_ack = await right.receive_from()
    wrong_ack = await wrong.receive_from()
    await send(watcher, action="sync")
    seen += await frames_until(watcher, 'id="quiz-me"')
    seen += [right_ack, wrong_ack]
    for frame in seen:
        for secret in SECRETS:
            assert secret not in frame, (secret, frame)
    # The receipts differ only in the option each player chose.
    assert right_ack.replace("95598", "X") == wrong_ack.replace("10086", "X")
    await send(host, action="reveal")
    revealed = await frames_until(watcher, 'data-phase="revealed"')
    assert "95598 是电力服务热线" in revealed[-1] and "is-correct" in revealed[-1]
    for socket in (host, watcher, right, wrong):
        await socket.disconnect()


async def test_the_server_ignores_times_scores_and_ids_sent_by_the_browser(
    quiz, trainer, players
):
    host, (cheat, victim, _third) = await open_quiz(quiz, trainer, *players)
    await send(
        cheat,
        action="answer",
        position=0,
        choice="0",
        received_at="2020-01-01T00:00:00Z",
        elapsed_ms=0,
        score=99999,
        participant=players[1].pk,
        user=players[1].user_id,
    )
    await cheat.receive_from()
    stored = await sync_to_async(
        lambda: list(Submission.objects.select_related("entry"))
    )()
    assert len(stored) == 1
    assert stored[0].entry_id == players[0].pk
    assert stored[0].received_at > timezone.now() - timedelta(seconds=5)
    for socket in (host, cheat, victim, _third):
        await socket.disconnect()


async def test_players_cannot_run_the_quiz(quiz, trainer, players):
    host, (player, *others) = await open_quiz(quiz, trainer, *players)
    before = await sync_to_async(Contest.objects.get)(pk=quiz.pk)
    for action in ["next", "close", "reveal", "pause", "resume", "end", "start"]:
        await send(player, action=action)
        frame = await player.receive_from()
        assert 'id="quiz-notice"' in frame and "host" in frame.lower()
    await send(player, action="remove", participant=players[1].pk)
    assert 'id="quiz-notice"' in await player.receive_from()
    after = await sync_to_async(Contest.objects.get)(pk=quiz.pk)
    assert (after.version, after.phase, after.paused_at) == (
        before.version,
        before.phase,
        before.paused_at,
    )
    for socket in (host, player, *others):
        await socket.disconnect()


async def test_a_kind_without_live_progress_refuses_it(quiz, trainer, players):
    """The quiz declares no progress fields: "progress" is an unknown action
    to it (tests/contests/test_kinds.py has a kind that takes it)."""
    host, (player, *others) = await open_quiz(quiz, trainer, *players)
    await send(player, action="progress", typed=3)
    assert "Unknown action." in await player.receive_from()
    for socket in (host, player, *others):
        await socket.disconnect()


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[1, 2]",
        "{}",
        '{"action": "dance"}',
        "x" * 5000,
        '{"action": "answer"}',
        "[" * 1000 + "]" * 1000,  # under the size limit, too deep to parse
        '{"action": ["start"]}',  # unhashable where a name belongs
        '{"action": {"start": 1}}',
        '{"action": "answer", "position": 1e999, "choice": "0"}',
    ],
)
async def test_bad_messages_get_an_error_frame_and_the_connection_lives_on(
    quiz, trainer, players, raw
):
    host, (player, *others) = await open_quiz(quiz, trainer, *players)
    await player.send_to(text_data=raw)
    assert 'id="quiz-notice"' in await player.receive_from()
    await player.send_to(bytes_data=b"\x00\x01")
    assert 'id="quiz-notice"' in await player.receive_from()
    await send(player, action="answer", position=0, choice="0")
    assert "quiz-answer" in await player.receive_from()
    for socket in (host, player, *others):
        await socket.disconnect()


async def test_a_second_tab_takes_over_and_the_first_is_told(quiz, trainer, players):
    user = await sync_to_async(lambda: players[0].user)()
    first, _, _ = await connect(f"/ws/quiz/{quiz.pk}/", user, language="en")
    await first.receive_from()
    second, _, _ = await connect(f"/ws/quiz/{quiz.pk}/", user, language="en")
    await second.receive_from()
    told = await first.receive_from()
    assert "open in another tab" in told
    assert (await first.receive_output())["code"] == CLOSE_TAKEN_OVER
    await second.disconnect()


async def test_a_reconnecting_player_gets_the_question_their_answer_and_time_left(
    quiz, trainer, players
):
    host, (player, *others) = await open_quiz(quiz, trainer, *players)
    await send(player, action="answer", position=0, choice="2")
    await player.receive_from()
    await player.disconnect()
    user = await sync_to_async(lambda: players[0].user)()
    again, _, _ = await connect(f"/ws/quiz/{quiz.pk}/", user, language="en")
    snapshot = await again.receive_from()
    assert 'data-phase="open"' in snapshot
    assert "停电故障报修拨打哪个号码" in snapshot
    assert "Answer locked in" in snapshot and "12345" in snapshot
    remaining = int(snapshot.split('data-remaining-ms="')[1].split('"')[0])
    question = await sync_to_async(quiz.rounds.get)(position=0)
    # The time left counts down to the deadline set when the question opened.
    assert question.deadline == question.opened_at + timedelta(seconds=20)
    assert 0 < remaining <= 20_000
    assert "0 points" in snapshot
    for socket in (host, again, *others):
        await socket.disconnect()


async def test_the_host_can_close_the_console_and_come_back(quiz, trainer, players):
    host, sockets = await open_quiz(quiz, trainer, *players)
    await host.disconnect()
    back, _, _ = await connect(f"/ws/quiz/{quiz.pk}/", trainer, language="en")
    console = await back.receive_from()
    assert 'id="console-stage"' in console and 'data-phase="open"' in console
    await send(back, action="reveal")
    assert (
        'data-phase="revealed"'
        in (await frames_until(sockets[0], 'data-phase="revealed"'))[-1]
    )
    for socket in (back, *sockets):
        await socket.disconnect()


async def test_a_question_closes_at_its_deadline_without_the_host(
    quiz, trainer, players
):
    host, (player, *others) = await open_quiz(quiz, trainer, *players)
    await host.disconnect()
    soon = timezone.now() + timedelta(milliseconds=300)
    await sync_to_async(lambda: quiz.rounds.filter(position=0).update(deadline=soon))()
    clock.start()
    try:
        frames = await frames_until(player, 'data-phase="closed"', timeout=4)
    finally:
        await clock.stop()
    assert 'data-phase="closed"' in frames[-1]
    question = await sync_to_async(lambda: quiz.rounds.get(position=0))()
    assert question.closed_at == soon
    for socket in (player, *others):
        await socket.disconnect()


async def test_a_removed_player_is_disconnected(quiz, trainer, players):
    host, (player, *others) = await open_quiz(quiz, trainer, *players)
    await send(host, action="remove", participant=players[0].pk)
    frames = await frames_until(player, 'id="quiz-notice"')
    assert "The host removed you" in frames[-1]
    assert (await player.receive_output())["code"] == CLOSE_FORBIDDEN
    for socket in (host, *others):
        await socket.disconnect()


async def test_strangers_are_closed_out_of_a_quiz_having_seen_nothing(
    quiz, trainer, players, other_agent
):
    """The handshake is accepted before the checks (a floor connecting at
    once must not wait for them); a stranger's first frame is the close."""
    stranger, ok, _ = await connect(f"/ws/quiz/{quiz.pk}/", other_agent)
    assert ok
    assert (await stranger.receive_output())["code"] == CLOSE_FORBIDDEN
    host, (player,) = await open_quiz(quiz, trainer, players[0])  # and started
    assert await stranger.receive_nothing()
    for socket in (host, player):
        await socket.disconnect()


async def test_a_player_signed_out_elsewhere_is_closed_out_having_seen_nothing(
    quiz, players
):
    """A password change signs out every other session: the quiz socket
    that comes with an old one is accepted, then closed with 4401 before
    anything is written to it."""
    user = await sync_to_async(lambda: players[0].user)()
    session = await sync_to_async(session_cookie_for)(user)

    def change_password():
        user.set_password("a-new-password-9")
        user.save()

    await sync_to_async(change_password)()
    socket = WebsocketCommunicator(
        build_websocket_application(),
        f"/ws/quiz/{quiz.pk}/",
        headers=[
            (b"origin", b"http://127.0.0.1"),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()),
        ],
    )
    ok, _ = await socket.connect()
    assert ok
    assert (await socket.receive_output())["code"] == CLOSE_UNAUTHENTICATED


async def test_a_flood_of_messages_is_throttled_and_the_player_plays_on(
    quiz, trainer, players
):
    host, (player, *others) = await open_quiz(quiz, trainer, *players)
    for _ in range(25):
        await send(player, action="nonsense")
    frames = [await player.receive_from() for _ in range(25)]
    assert sum("Too many messages" in f for f in frames) >= 4
    await asyncio.sleep(0.5)  # the allowance refills
    await send(player, action="answer", position=0, choice="0")
    assert "Answer locked in" in await player.receive_from()
    for socket in (host, player, *others):
        await socket.disconnect()


async def test_the_host_closes_a_question_early_without_revealing(
    quiz, trainer, players
):
    host, (player, *others) = await open_quiz(quiz, trainer, *players)
    await send(host, action="close")
    closed = (await frames_until(player, 'data-phase="closed"'))[-1]
    assert "is-correct" not in closed
    await send(player, action="answer", position=0, choice="0")
    refusal = await player.receive_from()
    assert "Time is up: your answer reached the server after the deadline" in refusal
    for socket in (host, player, *others):
        await socket.disconnect()


async def test_the_host_console_counts_the_answers_as_they_come(quiz, trainer, players):
    host, (player, *others) = await open_quiz(quiz, trainer, *players)
    await send(player, action="answer", position=0, choice="0")
    await player.receive_from()
    await frames_until(host, "1 of 3 answered")
    for socket in (host, player, *others):
        await socket.disconnect()


async def test_each_player_hears_their_own_result_at_the_reveal_and_the_end(
    quiz, trainer, players
):
    host, (right, wrong, silent) = await open_quiz(quiz, trainer, *players)
    await send(right, action="answer", position=0, choice="0")
    await send(wrong, action="answer", position=0, choice="1")
    await right.receive_from()
    await wrong.receive_from()
    await send(host, action="reveal")
    heard = {}
    for name, socket in [("right", right), ("wrong", wrong), ("silent", silent)]:
        heard[name] = (await frames_until(socket, 'id="quiz-me"'))[-1]
    assert "Right!" in heard["right"] and "#1" in heard["right"]
    assert "Not this time" in heard["wrong"] and "#2" in heard["wrong"]
    assert "No answer this time" in heard["silent"]
    await send(host, action="end")
    final = (await frames_until(right, "You finished"))[-1]
    assert "#1" in final and "1 of 4 right" in final
    for socket in (host, right, wrong, silent):
        await socket.disconnect()


async def test_screens_following_a_quiz_see_counts_but_no_answer_before_the_reveal(
    quiz, trainer, players
):
    layer = get_channel_layer()
    screen = await layer.new_channel()
    await layer.group_add(groups.contest_audience(quiz.pk), screen)
    host, (player, *others) = await open_quiz(quiz, trainer, *players)
    await send(player, action="answer", position=0, choice="0")
    await player.receive_from()
    before = []
    async with asyncio.timeout(3):
        while not any(
            "audience-answered" in m["html"]["en"] and "1 of 3" in m["html"]["en"]
            for m in before
        ):
            before.append(await layer.receive(screen))
    for message in before:
        for secret in SECRETS:
            assert secret not in message["html"]["zh-hans"] + message["html"]["en"]
    await send(host, action="reveal")
    async with asyncio.timeout(3):
        while True:
            message = await layer.receive(screen)
            if 'data-phase="revealed"' in message["html"]["en"]:
                break
    assert "is-correct" in message["html"]["en"]
    for socket in (host, player, *others):
        await socket.disconnect()


async def test_the_hosts_player_list_follows_the_quiz_from_lobby_to_end(
    quiz, trainer, players
):
    """Open in the lobby; folded once the quiz starts; without "remove"
    buttons once it has ended. It comes a moment after the stage, so the
    first question is not held up by listing the whole floor."""
    host, ok, _ = await connect(f"/ws/quiz/{quiz.pk}/", trainer, language="en")
    assert ok
    lobby = await host.receive_from()
    assert "<details open>" in lobby and "chip-remove" in lobby
    player, ok, _ = await connect(
        f"/ws/quiz/{quiz.pk}/", await sync_to_async(lambda: players[0].user)()
    )
    assert ok
    await send(host, action="start")
    started = (await frames_until(host, 'id="console-players"'))[-1]
    assert "<details open>" not in started and "chip-remove" in started
    await send(host, action="end")
    ended = "".join(await frames_until(host, 'id="console-players"'))
    assert 'data-status="finished"' in ended
    assert "chip-remove" not in ended.split('id="console-players"')[-1]
    for socket in (host, player):
        await socket.disconnect()


async def test_a_player_whose_consumer_crashed_is_no_longer_fed_by_the_hub(
    quiz, trainer, players
):
    """A consumer that dies of an exception gets no disconnect: the hub kept
    it as a member and wrote every later frame to it."""
    host, (player, *others) = await open_quiz(quiz, trainer, *players)
    channel = await sync_to_async(
        lambda: quiz.entries.get(pk=players[0].pk).channel_name
    )()
    await get_channel_layer().send(channel, {"type": "contest.console", "html": {}})
    with pytest.raises(KeyError):
        await player.receive_output()

    members = hub._existing_hub().members[quiz.group()]
    assert channel not in {consumer.channel_name for consumer in members}
    assert len(members) == len(others)
    for socket in (host, *others):
        await socket.disconnect()


async def test_a_console_frame_utf8_cannot_carry_reaches_the_host_repaired(
    quiz, trainer, players
):
    """A typed answer stored before messages were checked (SQLite took a
    lone surrogate) is shown on the console at the reveal: the frame must
    still go out, or daphne's encoder kills the host's socket."""
    if not uses_in_memory_layer():
        pytest.skip(
            "only SQLite stores a lone surrogate, and only beside the "
            "in-memory layer (Redis's msgpack cannot carry one)"
        )
    host, ok, _ = await connect(f"/ws/quiz/{quiz.pk}/", trainer, language="en")
    assert ok
    await host.receive_from()
    channel = await sync_to_async(lambda: quiz.host_group())()
    html = {"en": "<p>王\ud800</p>", "zh-hans": "<p>王\ud800</p>"}
    await get_channel_layer().group_send(
        channel, {"type": "contest.console", "html": html}
    )
    assert await host.receive_from() == "<p>王?</p>"
    await send(host, action="sync")
    assert 'id="console-stage"' in await host.receive_from()
    await host.disconnect()
