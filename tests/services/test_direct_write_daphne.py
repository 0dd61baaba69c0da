"""The hub's direct write against a real daphne, started the production way.

The server says once whether frames go straight to its sockets (realtime/direct.py,
docs/operations.md "Other people's internals"): under the pinned daphne,
autobahn and Twisted they must, and ``HUB_DIRECT_WRITE=false`` must send
them daphne's own way with nothing lost.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.servers import Daphne, prepared_site, sessions_for, site_python
from tests.services.test_quiz_daphne import CREATE_QUIZ, Client, in_thread

pytestmark = pytest.mark.services

PLAYERS = ["agent01", "agent02", "agent03"]
DIRECT = "hub: frames go straight to daphne's sockets"
NOT_DIRECT = "hub: frames cannot go straight"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with prepared_site(tmp_path_factory.mktemp("direct-site")) as env:
        yield env


def play_first_question(site, **settings: str) -> str:
    """Three players get a quiz's first question; the server's log."""
    made = json.loads(
        site_python(site, CREATE_QUIZ.format(players=PLAYERS, seconds=30))
    )
    sessions = sessions_for(site, [*PLAYERS, "trainer1"])
    server = Daphne({**site, **settings}).start()
    try:
        server.wait_until_healthy()
        url = f"ws://127.0.0.1:{server.port}/ws/quiz/{made['id']}/"

        async def play() -> list[str]:
            host = Client(url, sessions["trainer1"])
            players = [Client(url, sessions[name]) for name in PLAYERS]
            await asyncio.gather(host.connect(), *(p.connect() for p in players))
            await host.send(action="start")
            stages = await asyncio.gather(
                *(p.until('data-phase="open"') for p in players)
            )
            for client in (host, *players):
                await client.socket.close()
            return stages

        stages = in_thread(play())
    finally:
        server.stop()
    assert len(stages) == len(PLAYERS)
    return server.log()


def test_under_the_pinned_versions_frames_go_straight_to_the_socket(site):
    log = play_first_question(site)
    assert log.count(DIRECT) == 1, log
    assert NOT_DIRECT not in log, log


def test_turned_off_frames_take_daphnes_path_and_still_arrive(site):
    log = play_first_question(site, HUB_DIRECT_WRITE="false")
    assert DIRECT not in log, log
    assert NOT_DIRECT not in log, log
