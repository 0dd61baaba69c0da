"""The ended-sessions listener stops when its event loop closes, whatever
error the cancellation reaches it as."""

from __future__ import annotations

import asyncio

import pytest

from realtime.session_end import Registry


class LayerThatFailsWhenCancelled:
    """channels_redis's receive, cancelled mid-read, may surface as a
    ConnectionError rather than CancelledError."""

    async def receive(self, channel: str) -> dict:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            raise ConnectionError("Connection closed by server.") from None
        return {}


@pytest.mark.asyncio
async def test_a_cancelled_listener_stops_instead_of_listening_again():
    registry = Registry(LayerThatFailsWhenCancelled())
    registry.channel_name = "sessions!1"
    task = asyncio.ensure_future(registry.run())
    await asyncio.sleep(0.05)
    task.cancel()
    async with asyncio.timeout(2):  # it would retry forever, a second apart
        with pytest.raises(asyncio.CancelledError):
            await task
