"""A lean WebSocket client for thousands of sockets in one process.

Built on websockets' sans-I/O ``ClientProtocol`` over a plain asyncio
``Protocol``: no task, no queue per socket. A frame is stamped with the clock
the moment its bytes are parsed, and handed to whatever waiters the socket
has. The client side stays cheap, so the benchmark measures the server.

Times are ``time.monotonic()``: one clock for every process on the machine,
so the orchestrator and the agent processes compare times directly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.typing import Origin
from websockets.uri import parse_uri

MAX_FRAME = 2**23

# A matcher looks at one frame (bytes) and returns something (the match) or None.
Matcher = Callable[[bytes], Any]


def needles(*alternatives: tuple[bytes, ...]) -> Matcher:
    """Matches a frame holding every needle of one alternative; returns its index."""

    def match(data: bytes) -> int | None:
        for index, wanted in enumerate(alternatives):
            if all(needle in data for needle in wanted):
                return index
        return None

    return match


class Socket(asyncio.Protocol):
    """One client WebSocket. ``first`` resolves with the first frame's time."""

    def __init__(self, url: str, *, cookie: str = "", origin: str = "", log=False):
        self.url = url
        self.cookie = cookie
        self.ws = ClientProtocol(
            parse_uri(url),
            origin=Origin(origin) if origin else None,
            max_size=MAX_FRAME,
        )
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future = loop.create_future()
        self.first: asyncio.Future = loop.create_future()
        self.lost: asyncio.Future = loop.create_future()
        self.transport: asyncio.Transport | None = None
        self.waiters: list[tuple[Matcher, asyncio.Future]] = []
        self.partial: list[bytes] = []
        self.close_code: int | None = None
        self.frames = 0
        # The orchestrator's host and display keep every frame; agents do not.
        self.log: list[tuple[float, bytes]] | None = [] if log else None
        self.changed = asyncio.Event()

    @property
    def alive(self) -> bool:
        return not self.lost.done() and self.close_code is None

    @classmethod
    async def open(cls, url: str, **options) -> Socket:
        uri = parse_uri(url)
        loop = asyncio.get_running_loop()
        _transport, socket = await loop.create_connection(
            lambda: cls(url, **options), uri.host, uri.port
        )
        return socket

    # asyncio.Protocol

    def connection_made(self, transport) -> None:
        self.transport = transport
        request = self.ws.connect()
        if self.cookie:
            request.headers["Cookie"] = self.cookie
        self.ws.send_request(request)
        self.flush()

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Response):
                if self.ws.handshake_exc is not None:
                    self._fail(self.ws.handshake_exc)
                elif not self.opened.done():
                    self.opened.set_result(now)
                continue
            if event.opcode is Opcode.CLOSE:
                self.close_code = self.ws.close_rcvd.code if self.ws.close_rcvd else 0
                continue
            if event.opcode not in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT):
                continue  # pings are answered by the protocol itself
            self.partial.append(event.data)
            if event.fin:
                frame = b"".join(self.partial)
                self.partial.clear()
                self.received(now, frame)
        self.flush()

    def eof_received(self) -> bool:
        self.ws.receive_eof()
        self.flush()
        return False

    def connection_lost(self, exc) -> None:
        reason = exc or ConnectionError(f"closed ({self.close_code})")
        self._fail(reason)
        if not self.lost.done():
            self.lost.set_result(self.close_code)

    # Frames in and out

    def received(self, at: float, frame: bytes) -> None:
        self.frames += 1
        if not self.first.done():
            self.first.set_result((at, frame))
        if self.log is not None:
            self.log.append((at, frame))
            self.changed.set()
        for waiter in list(self.waiters):
            match, future = waiter
            if future.done():
                self.waiters.remove(waiter)
                continue
            found = match(frame)
            if found is not None:
                future.set_result((at, found, len(frame)))
                self.waiters.remove(waiter)

    def expect(self, match: Matcher) -> asyncio.Future:
        """A future for (time, match, size) of the next frame that matches."""
        future = asyncio.get_running_loop().create_future()
        self.waiters.append((match, future))
        return future

    def send_text(self, text: str) -> float:
        """Send one text frame; returns the time it left."""
        at = time.monotonic()
        self.ws.send_text(text.encode())
        self.flush()
        return at

    def flush(self) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        for chunk in self.ws.data_to_send():
            if chunk:
                self.transport.write(chunk)
            elif self.transport.can_write_eof():
                self.transport.write_eof()

    async def close(self, timeout: float = 2.0) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        try:
            self.ws.send_close(1000)
            self.flush()
            await asyncio.wait_for(asyncio.shield(self.lost), timeout)
        except Exception:  # noqa: S110 - a socket that will not close is aborted
            pass
        finally:
            if self.transport and not self.transport.is_closing():
                self.transport.abort()

    def _fail(self, reason: BaseException) -> None:
        for future in (self.opened, self.first, *(f for _m, f in self.waiters)):
            if not future.done():
                future.set_exception(
                    reason if isinstance(reason, Exception) else RuntimeError(reason)
                )
                future.exception()  # seen: nobody need await a socket's failure
        self.waiters.clear()


def describe(error: BaseException) -> str:
    """A short, countable name for a failure ("HTTP 500", "timeout", ...)."""
    response = getattr(error, "response", None)
    if response is not None and getattr(response, "status_code", None):
        return f"HTTP {response.status_code}"
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return "timeout"
    text = str(error)
    return f"{type(error).__name__}: {text}"[:80] if text else type(error).__name__
