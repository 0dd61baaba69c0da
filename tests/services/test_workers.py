"""Several daphne workers: they must share Redis, and may not share memory."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
import websockets

from tests.conftest import require
from tests.servers import (
    Browserless,
    Daphne,
    prepared_site,
    redis_available,
    redis_url,
    running,
)

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with prepared_site(tmp_path_factory.mktemp("site")) as env:
        yield env


def test_a_notice_sent_through_one_worker_reaches_a_browser_on_the_other(site):
    url = redis_url()
    require(redis_available(url), f"Redis is not reachable at {url}")
    env = {**site, "REDIS_URL": url, "REDIS_PREFIX": f"test-{site['SECRET_KEY'][-8:]}"}
    with running(env) as first, running(env) as second:
        agent = Browserless(second.url).log_in("agent01")
        trainer = Browserless(first.url).log_in("trainer1")

        async def scenario() -> str:
            async with websockets.connect(
                second.url.replace("http", "ws") + "/ws/me/",
                additional_headers={
                    "Cookie": agent.cookie_header(),
                    "Origin": second.url,
                },
            ) as socket:
                await asyncio.sleep(0.2)  # group_add has reached Redis
                status = await asyncio.to_thread(
                    trainer.post,
                    "/notices/",
                    {"text": "两个进程之间的通知", "team": ""},
                    csrf_from="/",
                )
                assert status == 200
                return await asyncio.wait_for(socket.recv(), timeout=5)

        # A thread of its own: the test runner's thread may hold an event loop.
        with ThreadPoolExecutor(1) as pool:
            frame = pool.submit(asyncio.run, scenario()).result(timeout=30)
    assert "两个进程之间的通知" in frame


def test_logging_out_on_one_worker_closes_the_socket_on_the_other_and_the_cap_is_shared(
    site,
):
    """Each person holds at most SOCKETS_PER_USER sockets across all workers,
    and an ending sent on one worker closes sockets held by another."""
    url = redis_url()
    require(redis_available(url), f"Redis is not reachable at {url}")
    env = {
        **site,
        "REDIS_URL": url,
        "REDIS_PREFIX": f"test-{site['SECRET_KEY'][-8:]}-cap",
        "SOCKETS_PER_USER": "2",
    }
    with running(env) as first, running(env) as second:
        agent = Browserless(first.url).log_in("agent04")
        trainer = Browserless(first.url).log_in("trainer2")

        def feed(server):
            return websockets.connect(
                server.url.replace("http", "ws") + "/ws/me/",
                additional_headers={
                    "Cookie": agent.cookie_header(),
                    "Origin": server.url,
                },
            )

        async def notice_reaches(*sockets) -> None:
            text = f"通知 {id(sockets)}"
            await asyncio.to_thread(
                trainer.post, "/notices/", {"text": text, "team": ""}, csrf_from="/"
            )
            for socket in sockets:
                assert text in await asyncio.wait_for(socket.recv(), timeout=5)

        async def close_code(socket) -> int:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), timeout=5)
            return closed.value.rcvd.code

        async def scenario() -> tuple[int, int, int]:
            async with feed(first) as here, feed(second) as there:
                await notice_reaches(here, there)  # both signed in
                async with feed(second) as third:
                    refused = await close_code(third)
                await asyncio.to_thread(agent.post, "/logout/", {}, csrf_from="/")
                return refused, await close_code(here), await close_code(there)

        with ThreadPoolExecutor(1) as pool:
            codes = pool.submit(asyncio.run, scenario()).result(timeout=60)
    assert codes == (4429, 4401, 4401)


def test_a_second_worker_on_the_in_memory_layer_refuses_to_start(site):
    with running(site) as first:
        second = Daphne(site).start()
        try:
            second.process.wait(timeout=30)
        finally:
            second.stop()
        assert second.process.returncode != 0
        assert "serves one process only: set REDIS_URL" in second.log()
        assert first.process.poll() is None
