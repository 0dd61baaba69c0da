"""Frames written straight to daphne's sockets, and what those sockets hold.

daphne's own path for a frame (ASGI send, autobahn's framing, Twisted's write
buffer, a writer callback on the next turn of the loop) is the slow part of a
fan-out (realtime/hub.py says how much). Here a frame is prepared once and
handed to each socket through Twisted's ``writeSomeData``. This leans on
private attributes of daphne, autobahn and Twisted, all pinned; each is
listed in docs/operations.md ("Other people's internals") with the test that
notices a change, and a socket where any is missing takes the ordinary path
with one warning per process.
"""

from __future__ import annotations

import array
import fcntl
import logging
import sys
import termios
from functools import lru_cache

from django.conf import settings

try:  # daphne's WebSocket protocol (autobahn on Twisted)
    from autobahn.websocket.protocol import PreparedMessage, WebSocketProtocol
except ImportError:  # pragma: no cover - another ASGI server
    PreparedMessage = WebSocketProtocol = None

# Whether frames take the direct path, said once per process (docs/operations.md,
# "Other people's internals").
direct_log = logging.getLogger("servicestar.hub")


class SocketGone(Exception):
    """The member's connection is closed or closing."""


def prepare(text: str):
    """The text as one unmasked, uncompressed WebSocket frame."""
    return PreparedMessage(text.encode(), False, False, True)


# Frames sent to many sockets one at a time (an answer's receipt: a floor
# answering picks among a few options) are framed once.
prepare_shared = lru_cache(maxsize=1024)(prepare)


def direct_writer(consumer):
    """A function writing a prepared frame straight to the consumer's socket
    (True when written), or None when the socket is not daphne's over TCP or
    ``HUB_DIRECT_WRITE`` is off."""
    if not settings.HUB_DIRECT_WRITE:
        return None
    protocol, missing = _daphne_protocol(consumer)
    if missing:
        _unavailable(missing)
    if protocol is None:
        return None
    transport = getattr(protocol, "transport", None)
    if not all(hasattr(transport, name) for name in TRANSPORT_NEEDS):
        if _is_tcp(transport):  # TLS inside daphne has none of them, rightly
            lacking = [n for n in TRANSPORT_NEEDS if not hasattr(transport, n)]
            _unavailable(f"Twisted's TCP transport lacks {', '.join(lacking)}")
        return None
    lacking = [n for n in PROTOCOL_NEEDS if not hasattr(protocol, n)]
    if lacking:
        _unavailable(f"autobahn's protocol lacks {', '.join(lacking)}")
        return None

    def write(prepared) -> bool:
        if protocol.state != WebSocketProtocol.STATE_OPEN or protocol.send_queue:
            return False
        if transport.disconnecting or not transport.connected:
            raise SocketGone  # going away: nothing to write to
        pending = transport._tempDataLen or len(transport.dataBuffer) > transport.offset
        if pending:
            protocol.sendPreparedMessage(prepared)  # behind what is queued
            return True
        frame = prepared.payloadHybi
        sent = transport.writeSomeData(frame)
        if not isinstance(sent, int):
            raise SocketGone  # the connection is lost; Twisted notices on its own
        if sent < len(frame):
            transport.write(frame[sent:])
        if not _direct["used"]:
            _direct["used"] = True
            direct_log.info("hub: frames go straight to daphne's sockets")
        return True

    return write


TRANSPORT_NEEDS = ("writeSomeData", "dataBuffer", "offset", "_tempDataLen")
PROTOCOL_NEEDS = ("state", "send_queue", "sendPreparedMessage", "STATE_OPEN")
_direct = {"used": False, "unavailable": False}


def _asgi_send(consumer):
    """The ASGI ``send`` daphne gave the consumer. Channels' session
    middleware wraps it only to set cookies on HTTP responses; a WebSocket
    frame passes through it untouched, so look through it."""
    send = consumer.base_send
    while hasattr(getattr(send, "__self__", None), "real_send"):
        send = send.__self__.real_send
    return send


def _daphne_protocol(consumer):
    """The autobahn protocol behind the consumer's ASGI ``send``, and what
    is missing (empty when nothing is, or when this is not daphne at all)."""
    send = _asgi_send(consumer)
    if WebSocketProtocol is None:
        return None, "autobahn's WebSocketProtocol" if _under_daphne() else ""
    args = getattr(send, "args", ())
    protocol = args[0] if args else None
    if isinstance(protocol, WebSocketProtocol):
        return protocol, ""
    if _under_daphne():
        return None, f"daphne's protocol behind the consumer's send ({send!r:.80})"
    return None, ""


def _under_daphne() -> bool:
    """Serving under daphne: its server module loaded and Twisted running."""
    if "daphne.server" not in sys.modules:
        return False
    reactor = sys.modules.get("twisted.internet.reactor")
    return bool(getattr(reactor, "running", False))


def _is_tcp(transport) -> bool:
    tcp = sys.modules.get("twisted.internet.tcp")
    return tcp is not None and isinstance(transport, tcp.Connection)


def _unavailable(missing: str) -> None:
    """Say once per process that frames take daphne's slower path, and why."""
    if _direct["unavailable"]:
        return
    _direct["unavailable"] = True
    direct_log.warning(
        "hub: frames cannot go straight to daphne's sockets and take the "
        "ordinary path (slower for a floor; docs/operations.md): missing %s",
        missing,
    )


def unsent_bytes(consumer) -> int:
    """Bytes written to the consumer's socket that have not left yet: in
    Twisted's buffer and in the kernel's send queue. 0 when the socket is not
    daphne's over TCP (tests, another server): nothing to measure."""
    args = getattr(_asgi_send(consumer), "args", ())
    transport = getattr(args[0] if args else None, "transport", None)
    try:
        queued = len(transport.dataBuffer) - transport.offset + transport._tempDataLen
        kernel = array.array("i", [0])
        fcntl.ioctl(transport.fileno(), termios.TIOCOUTQ, kernel)
        return queued + kernel[0]
    except (AttributeError, OSError, ValueError):
        return 0
