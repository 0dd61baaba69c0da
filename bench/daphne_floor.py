"""daphne's floor: the least an ASGI application can do per socket.

Accept, send one hello frame (the size of ServiceStar's lobby snapshot),
wait for the close; no Django, no Channels, no database. Served by daphne
with the same listening options as ServiceStar, its connect storm shows what
daphne itself costs per socket, so the benchmark can tell that apart from
what ServiceStar adds (``daphne_floor_connect_s`` in docs/performance.md).

Run: ``BENCH_FLOOR_HELLO_BYTES=9000 daphne bench.daphne_floor:application``.
"""

from __future__ import annotations

import os

from bench.reference_server import padded

HELLO = padded(
    '<div id="hello" data-status="lobby">',
    int(os.environ.get("BENCH_FLOOR_HELLO_BYTES", "1024")),
)


async def application(scope, receive, send) -> None:
    if scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": HELLO})
        while (await receive())["type"] != "websocket.disconnect":
            pass
    elif scope["type"] == "http":  # the health check before the storm
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
