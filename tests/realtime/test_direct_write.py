"""The hub's direct write, on daphne's, autobahn's and Twisted's real objects
(tests/daphne_objects.py). Twisted's reactor does not run here: nothing
leaves Twisted's own write buffer unless a test flushes it the way the
reactor would, so a frame that reaches the client at once went the direct
way. If the pinned libraries change what the hub leans on, these fail
instead of the hub quietly taking the slow path.
"""

from __future__ import annotations

import logging
import select
import socket
import struct

import pytest

from realtime import direct
from tests.daphne_objects import SMALL_BUFFER, open_socket

FRAME_BYTES = 32 * 1024


@pytest.fixture
def daphne_socket():
    with open_socket() as opened:
        yield opened


def read_frames(client, protocol, count: int) -> list[str]:
    """``count`` text frames, flushing Twisted's buffer as its reactor would."""
    # The client reads again, with room: tiny windows would crawl.
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    protocol.transport.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    data, frames = b"", []
    while len(frames) < count:
        if select.select([client], [], [], 0.05)[0]:
            chunk = client.recv(1 << 16)
            assert chunk, "the server closed the socket"
            data += chunk
        elif protocol.transport.dataBuffer or protocol.transport._tempDataLen:
            protocol.transport.doWrite()
        else:
            raise AssertionError(f"{len(frames)} of {count} frames arrived")
        while (frame := _one_frame(data)) is not None:
            text, used = frame
            frames.append(text)
            data = data[used:]
    return frames


def _one_frame(data: bytes) -> tuple[str, int] | None:
    if len(data) < 2:
        return None
    assert data[0] == 0x81, "one unfragmented text frame"
    length, start = data[1] & 0x7F, 2
    if length == 126:
        (length,), start = struct.unpack("!H", data[2:4]), 4
    elif length == 127:
        (length,), start = struct.unpack("!Q", data[2:10]), 10
    if len(data) < start + length:
        return None
    return data[start : start + length].decode(), start + length


def test_a_frame_goes_straight_to_daphnes_socket(daphne_socket):
    consumer, protocol, client = daphne_socket
    writer = direct.direct_writer(consumer)
    assert writer is not None, "the hub no longer finds daphne's socket"
    assert writer(direct.prepare("第一题")) is True
    # Read without flushing Twisted's buffer: only a direct write got here.
    assert not protocol.transport.dataBuffer
    assert select.select([client], [], [], 5)[0]
    assert _one_frame(client.recv(100)) == ("第一题", 11)


def test_frames_keep_their_order_behind_bytes_already_queued(daphne_socket):
    consumer, protocol, client = daphne_socket
    writer = direct.direct_writer(consumer)
    texts = [f"{n:03d}" + "x" * FRAME_BYTES for n in range(24)]
    queued_before_direct = 0
    for n, text in enumerate(texts):
        if n % 3 == 2:  # the consumer's own frame, through daphne's path
            protocol.sendMessage(text.encode())
            continue
        if protocol.transport.dataBuffer or protocol.transport._tempDataLen:
            queued_before_direct += 1
        assert writer(direct.prepare(text)) is True
    assert queued_before_direct > 0, "the socket never had bytes queued"
    frames = read_frames(client, protocol, len(texts))
    assert [f[:3] for f in frames] == [t[:3] for t in texts]
    assert frames == texts


def test_unsent_bytes_counts_what_a_client_has_not_read(daphne_socket):
    consumer, protocol, client = daphne_socket
    assert direct.unsent_bytes(consumer) == 0
    writer = direct.direct_writer(consumer)
    for n in range(8):
        writer(direct.prepare(f"{n}" + "x" * FRAME_BYTES))
    queued = len(protocol.transport.dataBuffer) + protocol.transport._tempDataLen
    assert queued > 0
    # Twisted's buffer and the kernel's send queue, which holds some too.
    assert direct.unsent_bytes(consumer) > queued
    read_frames(client, protocol, 8)
    assert direct.unsent_bytes(consumer) < SMALL_BUFFER * 4


def test_turned_off_every_frame_takes_daphnes_path(daphne_socket, settings):
    consumer, _protocol, _client = daphne_socket
    settings.HUB_DIRECT_WRITE = False
    assert direct.direct_writer(consumer) is None


def test_a_missing_internal_is_logged_once_and_named(
    daphne_socket, monkeypatch, caplog
):
    consumer, _protocol, _client = daphne_socket
    # As if Twisted renamed an attribute the hub reads.
    monkeypatch.setattr(
        direct, "TRANSPORT_NEEDS", (*direct.TRANSPORT_NEEDS, "_renamed")
    )
    monkeypatch.setitem(direct._direct, "unavailable", False)
    with caplog.at_level(logging.WARNING, logger="servicestar.hub"):
        assert direct.direct_writer(consumer) is None
        assert direct.direct_writer(consumer) is None
    warnings = [r for r in caplog.records if r.name == "servicestar.hub"]
    assert len(warnings) == 1
    assert "_renamed" in warnings[0].getMessage()
