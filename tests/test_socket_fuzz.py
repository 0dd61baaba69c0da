"""Every socket survives whatever a client sends (Hypothesis).

Arbitrary JSON, every kind of Unicode (lone surrogates, NUL, combining
marks, emoji, right-to-left), deep nesting, wrong types, binary frames: a
socket answers each with a refusal or a normal answer, never a server error,
and stays open; another socket still gets the next broadcast. One socket of
each kind stays open across all examples (as a hostile client's would).
"""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contests.engine import consumer as consumers
from contests.engine import setup
from contests.kinds.quiz import setup as quiz_setup
from realtime import groups
from tests import factories
from tests.sockets import connect, frames_until, open_display, send

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

characters = st.one_of(
    st.characters(),
    st.integers(0xD800, 0xDFFF).map(chr),  # lone surrogates
    st.sampled_from(
        ["\x00", "\u0301", "\u202e", "\u200f", "\ufeff", "\uffff", "👩‍💻", "\U0010ffff"]
    ),
)
texts = st.one_of(
    st.lists(characters, max_size=20).map("".join),
    st.sampled_from(["95598", "0", "1", "-1", "1e999", "NaN", " ", "王\ud800"]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([10**600, -(10**600), 2**31, 2**63]),
    st.floats(),  # NaN and infinities too: json.dumps writes NaN, Infinity
    texts,
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4)
    ),
    max_leaves=12,
)
protocol_shaped = st.fixed_dictionaries(
    {},
    optional={
        "action": values | st.sampled_from(["answer", "sync", "dance", "start"]),
        "position": values | st.just(0),
        "choice": values,
        "text": values,
        "participant": values,
        "type": values | st.just("ping"),
        "HEADERS": values,
    },
)


def as_json(value, ascii_only: bool) -> str:
    # ensure_ascii=False puts a lone surrogate into the frame itself.
    return json.dumps(value, ensure_ascii=ascii_only)


messages = st.one_of(
    st.builds(as_json, protocol_shaped, st.booleans()),
    st.builds(as_json, values, st.booleans()),
    texts,  # mostly not JSON at all
    st.integers(1, 1100).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 250).map(lambda n: '{"action":' * n + '"sync"' + "}" * n),
    st.binary(max_size=16),
)
NOT_FOR_THE_HOST = {*consumers.HOST_ACTIONS, "close", "remove"}


def fuzz(loop, probe, strategy=messages) -> None:
    """Run ``probe(message)`` on the test's event loop for each example."""

    @EXAMPLES
    @given(strategy)
    def each(message):
        asyncio.run_coroutine_threadsafe(probe(message), loop).result(timeout=30)

    each()


async def send_raw(socket, message) -> None:
    # Below send_to, which refuses an empty frame (a browser can send one).
    kind = "bytes" if isinstance(message, bytes) else "text"
    await socket.send_input({"type": "websocket.receive", kind: message})


def server_errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.fixture
def typed_first(trainer, team):
    """A quiz whose first question takes typed text; two players joined."""
    bank = factories.make_bank(trainer)
    quiz = quiz_setup.create_quiz(
        host=trainer,
        title="热线号码",
        bank=bank,
        questions=bank.questions.order_by("-id"),
        seconds_per_question=60,
    )
    people = [factories.make_user(username=f"fz{n}", team=team) for n in range(2)]
    for person in people:
        setup.join_contest(contest=quiz, user=person)
    return quiz, people


async def test_the_quiz_socket_refuses_or_answers_anything_and_plays_on(
    typed_first, trainer, monkeypatch, caplog
):
    monkeypatch.setattr(consumers, "BURST_MESSAGES", 10**9)  # no throttling
    quiz, (fuzzer, bystander) = typed_first
    path = f"/ws/quiz/{quiz.pk}/"
    host, _, _ = await connect(path, trainer, language="en")
    await host.receive_from()
    sockets = []
    for person in (fuzzer, bystander):
        socket, _, _ = await connect(path, person, language="en")
        await socket.receive_from()
        sockets.append(socket)
    player, other = sockets
    await send(host, action="start")
    for socket in sockets:
        await frames_until(socket, 'data-phase="open"')

    async def probe(socket, message, answers: tuple[str, ...]) -> None:
        await send_raw(socket, message)
        while True:  # the host also hears answers being counted
            frame = await socket.receive_from(timeout=10)
            if any(marker in frame for marker in answers):
                break
        frame.encode()  # daphne could send it
        assert "could not handle" not in frame

    player_answers = ('id="quiz-notice"', 'id="quiz-answer"', 'id="quiz-stage"')
    await asyncio.to_thread(
        fuzz,
        asyncio.get_running_loop(),
        lambda message: probe(player, message, player_answers),
    )
    await asyncio.to_thread(
        fuzz,
        asyncio.get_running_loop(),
        lambda message: probe(
            host, message, ('id="quiz-notice"', 'id="console-stage"')
        ),
        messages.filter(lambda m: _action(m) not in NOT_FOR_THE_HOST),
    )

    await send(host, action="reveal")
    for socket in (player, other):
        await frames_until(socket, 'data-phase="revealed"', timeout=10)
    assert server_errors(caplog) == []
    for socket in (host, player, other):
        await socket.disconnect()


async def test_the_personal_feed_ignores_anything_and_still_gets_notices(
    agent, other_agent, caplog
):
    fuzzed, _, _ = await connect("/ws/me/", agent, language="en")
    other, _, _ = await connect("/ws/me/", other_agent, language="en")

    async def probe(message) -> None:
        await send_raw(fuzzed, message)
        assert await fuzzed.receive_nothing(timeout=0.005, interval=0.001)
        assert not fuzzed.future.done()  # the consumer is still running

    await asyncio.to_thread(fuzz, asyncio.get_running_loop(), probe)

    notice = {"zh-hans": "<p>通知</p>", "en": "<p>Notice</p>"}
    await get_channel_layer().group_send(
        groups.FLOOR, {"type": "feed.fragment", "html": notice}
    )
    assert await fuzzed.receive_from() == "<p>Notice</p>"
    assert await other.receive_from() == "<p>Notice</p>"
    assert server_errors(caplog) == []
    for socket in (fuzzed, other):
        await socket.disconnect()


async def test_a_wall_display_ignores_anything_but_a_ping_and_stays_live(
    manager, caplog
):
    display, token = await sync_to_async(factories.pair_display)(manager)
    fuzzed = await open_display(display.pk, token)
    other = await open_display(display.pk, token)
    for socket in (fuzzed, other):
        assert json.loads(await socket.receive_from())["type"] == "snapshot"

    async def probe(message) -> None:
        await send_raw(fuzzed, message)
        await fuzzed.send_to(text_data='{"type": "ping"}')
        frame = json.loads(await fuzzed.receive_from(timeout=10))
        assert frame["type"] == "pong"
        # A message that was itself a ping has its own pong.
        while not await fuzzed.receive_nothing(timeout=0.005, interval=0.001):
            assert json.loads(await fuzzed.receive_from())["type"] == "pong"

    await asyncio.to_thread(fuzz, asyncio.get_running_loop(), probe)

    group = display.group()
    await get_channel_layer().group_send(group, {"type": "display.reload"})
    for socket in (fuzzed, other):
        assert json.loads(await socket.receive_from())["type"] == "reload"
    assert server_errors(caplog) == []
    for socket in (fuzzed, other):
        await socket.disconnect()


def _action(message):
    try:
        parsed = json.loads(message)
    except (TypeError, ValueError, RecursionError):
        return None
    action = parsed.get("action") if isinstance(parsed, dict) else None
    return action if isinstance(action, str) else None
