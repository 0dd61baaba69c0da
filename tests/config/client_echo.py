"""An ASGI app that answers with the client address daphne put in its scope:
served by a real daphne with the documented flags (tests/config/test_proxy.py)."""

from __future__ import annotations


async def application(scope, receive, send) -> None:
    client = (scope.get("client") or [""])[0].encode()
    if scope["type"] == "http":
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": client})
    elif scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": client.decode()})
        await send({"type": "websocket.close"})
