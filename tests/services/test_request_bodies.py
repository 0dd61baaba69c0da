"""Request bodies past the cap, against a real daphne: refused while they
arrive, and daphne's memory stays where it was (config/body_limits.py)."""

from __future__ import annotations

import re
import select
import socket
import tomllib
from pathlib import Path

import pytest

from config import body_limits
from tests.servers import ROOT, prepared_site, running

pytestmark = pytest.mark.services

MB = 1024 * 1024


@pytest.fixture(scope="module")
def daphne(tmp_path_factory):
    with (
        prepared_site(tmp_path_factory.mktemp("bodies-site")) as env,
        running(env) as server,
    ):
        yield server


def memory(pid: int) -> dict[str, int]:
    """The process's resident and peak resident memory, in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        key: int(re.search(rf"^{key}:\s+(\d+) kB", status, re.M).group(1)) * 1024
        for key in ("VmRSS", "VmHWM")
    }


def connect(server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    return sock


def head(path: str, **headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def answer(sock: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received:
        part = sock.recv(4096)
        if not part:
            break
        received += part
    return received


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def send_until_answered(sock: socket.socket, chunk: bytes, total: int) -> int:
    """Send ``chunk`` until ``total`` bytes went or the server answered."""
    sent = 0
    sock.setblocking(False)
    try:
        while sent < total:
            readable, writable, _ = select.select([sock], [sock], [], 10)
            if readable:
                break
            if writable:
                try:
                    sent += sock.send(chunk)
                except BlockingIOError:
                    continue
                except OSError:  # the server closed: the answer may still wait
                    break
    finally:
        sock.setblocking(True)
    return sent


def test_a_declared_body_over_the_cap_is_refused_before_it_is_sent(daphne):
    before = memory(daphne.process.pid)
    with connect(daphne) as sock:
        sock.sendall(
            head(
                "/login/",
                Content_Type="application/x-www-form-urlencoded",
                Content_Length=str(300 * MB),
            )
        )
        response = answer(sock)
    assert status_of(response) == 413
    assert b"Connection: close" in response
    after = memory(daphne.process.pid)
    assert after["VmHWM"] - before["VmHWM"] < 30 * MB


def test_bodies_past_the_cap_are_cut_off_while_they_arrive(daphne):
    before = memory(daphne.process.pid)
    chunk_data = b"x" * (64 * 1024)
    chunk = f"{len(chunk_data):x}\r\n".encode() + chunk_data + b"\r\n"
    with connect(daphne) as sock:
        sock.sendall(
            head(
                "/login/",
                Content_Type="multipart/form-data; boundary=b",
                Transfer_Encoding="chunked",
            )
        )
        sent = send_until_answered(sock, chunk, 200 * MB)
        response = answer(sock)
    assert status_of(response) == 413
    assert sent < 200 * MB
    with connect(daphne) as sock:
        sock.sendall(head("/login/", Content_Length=str(40 * MB)))
        sent = send_until_answered(sock, b"y" * (64 * 1024), 40 * MB)
        response = answer(sock)
    assert status_of(response) == 413
    after = memory(daphne.process.pid)
    assert after["VmHWM"] - before["VmHWM"] < 30 * MB


def test_upload_routes_take_a_larger_body(daphne):
    body = b"z" * (3 * MB)
    with connect(daphne) as sock:
        sock.sendall(head("/login/", Content_Length=str(len(body))))
        assert status_of(answer(sock)) == 413
    with connect(daphne) as sock:
        sock.sendall(head("/me/", Content_Length=str(len(body))) + body)
        # Past the cap, then Django: no session, no CSRF token.
        assert status_of(answer(sock)) in {302, 403}
    with connect(daphne) as sock:
        sock.sendall(head("/me/", Content_Length=str(7 * MB)))
        assert status_of(answer(sock)) == 413


def test_the_internals_the_cap_leans_on_are_still_there():
    assert body_limits.internals_moved() == []
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = dict(pin.lower().split("==") for pin in project["dependencies"])
    for package, checked in body_limits.CHECKED_VERSIONS.items():
        assert pins[package] == checked
    assert body_limits.versions_changed() == []


@pytest.mark.parametrize(
    ("target", "upload"),
    [
        (b"/admin/people/user/1/change/", True),
        (b"/admin/no/such/page/", False),  # the admin's catch-all has no name
        (b"/login/?next=/admin/", False),
        (b"/\xff/", False),
    ],
)
def test_upload_routes_are_told_apart_from_any_target(target, upload):
    assert body_limits.is_upload_path(target) is upload
