"""The reference: a minimal raw ``websockets`` broadcast server.

What Python itself does on this machine, with nothing of Django or Channels:
accept N clients (each gets a hello frame, like a lobby snapshot), and on each
message from the trigger socket (path ``/trigger``) broadcast one
pre-serialised frame of the same size as ServiceStar's question frame to
every client. The benchmark measures the same connect storm and fan-out
against it and prints ServiceStar's numbers as ratios to these.

Run: ``python -m bench.reference_server --port 8765 --frame-bytes 3000``.
"""

from __future__ import annotations

import argparse
import asyncio

from websockets.asyncio.server import ServerConnection, broadcast, serve

from bench.agents import raise_open_files


def padded(prefix: str, size: int) -> str:
    suffix = "</div>"
    return prefix + "x" * max(0, size - len(prefix) - len(suffix)) + suffix


async def main(port: int, frame_bytes: int, hello_bytes: int) -> None:
    raise_open_files()
    clients: set[ServerConnection] = set()
    hello = padded('<div id="hello" data-status="lobby">', hello_bytes)

    async def handler(connection: ServerConnection) -> None:
        if connection.request.path == "/trigger":
            async for message in connection:
                frame = padded(f'<div id="ref" data-round="{message}">', frame_bytes)
                broadcast(clients, frame)  # one encoded frame, written to every socket
            return
        clients.add(connection)
        try:
            await connection.send(hello)
            await connection.wait_closed()
        finally:
            clients.discard(connection)

    async with serve(
        handler,
        "127.0.0.1",
        port,
        compression=None,
        backlog=4096,
        max_size=2**16,
        ping_interval=None,
    ):
        print("ready", flush=True)
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--frame-bytes", type=int, default=2048)
    parser.add_argument("--hello-bytes", type=int, default=1024)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.port, arguments.frame_bytes, arguments.hello_bytes))
