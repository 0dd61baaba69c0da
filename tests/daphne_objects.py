"""An open WebSocket built from daphne's, autobahn's and Twisted's real objects.

The socket daphne builds for a WebSocket over TCP (its factory's protocol on
Twisted's TCP transport, its ``send`` as it hands it to the application,
Channels' session middleware around it), without running Twisted's reactor:
tests of the places that lean on those libraries' internals
(docs/operations.md, "Other people's internals").
"""

from __future__ import annotations

import contextlib
import socket
from functools import partial

import daphne.server  # installs Twisted's asyncio reactor, as daphne does
from autobahn.websocket.protocol import WebSocketProtocol
from channels.sessions import InstanceSessionWrapper
from daphne.ws_protocol import WebSocketFactory
from twisted.internet import reactor, tcp

SMALL_BUFFER = 4096


class Consumer:
    """What the hub reads of a consumer: the ``send`` it was given."""

    def __init__(self, send):
        self.base_send = send


class Port:
    def __init__(self, number: int):
        self._realPortNumber = number


@contextlib.contextmanager
def open_socket():
    """(consumer, protocol, client socket): an open WebSocket as daphne holds it."""
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.socket()
    # Small buffers, so a few frames fill the kernel's queues.
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
    client.connect(listener.getsockname())
    raw, address = listener.accept()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SMALL_BUFFER)
    raw.setblocking(False)
    server = daphne.server.Server(application=None, endpoints=["tcp:port=0"])
    protocol = WebSocketFactory(server).buildProtocol(address)
    transport = tcp.Server(raw, protocol, address, Port(address[1]), 1, reactor)
    protocol.makeConnection(transport)
    protocol.state = WebSocketProtocol.STATE_OPEN  # the handshake is done
    send = partial(server.handle_reply, protocol)  # as daphne calls the app
    wrapped = InstanceSessionWrapper({"type": "websocket", "cookies": {}}, send)
    try:
        yield Consumer(wrapped.send), protocol, client
    finally:
        transport.stopReading()
        transport.stopWriting()
        for sock in (raw, client, listener):
            sock.close()
