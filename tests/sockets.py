"""Connecting Channels communicators as a logged-in person, through the real stack."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.routing import build_websocket_application


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
