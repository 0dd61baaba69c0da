"""Connecting Channels communicators as a logged-in person, through the real stack."""

from __future__ import annotations

import asyncio
import json

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.routing import build_websocket_application
from leaderboard import displays


def session_cookie_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def connect(path: str, user=None, *, language: str | None = None):
    """Open a WebSocket as ``user`` (None: anonymous).

    Returns (communicator, connected, close code).
    """
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if user is not None:
        session = await sync_to_async(session_cookie_for)(user)
        cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
        if language:
            cookie += f"; {settings.LANGUAGE_COOKIE_NAME}={language}"
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(
        build_websocket_application(), path, headers=headers
    )
    connected, code = await communicator.connect()
    return communicator, connected, code


async def open_display(display_id: int, token: str | None):
    """A wall display's socket, signed in by its token's cookie (None: none)."""
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if token:
        headers.append((b"cookie", f"{displays.TOKEN_COOKIE}={token}".encode()))
    socket = WebsocketCommunicator(
        build_websocket_application(), f"/ws/display/{display_id}/", headers=headers
    )
    connected, _code = await socket.connect()
    assert connected
    return socket


async def send(socket, **message) -> None:
    await socket.send_to(text_data=json.dumps(message))


async def frames_until(socket, marker: str, timeout: float = 3.0) -> list[str]:
    """Every frame received up to and including the first containing ``marker``."""
    frames = []
    async with asyncio.timeout(timeout):
        while True:
            frame = await socket.receive_from(timeout=timeout)
            frames.append(frame)
            if marker in frame:
                return frames
