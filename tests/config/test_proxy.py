"""Behind the documented nginx, the address daphne hands to Django (and the
login throttle) is the one nginx saw connect, whatever X-Forwarded-For the
client wrote itself. The headers and daphne's flags are read from
docs/operations.md, so the test follows the documentation."""

from __future__ import annotations

import asyncio
import http.client
import re
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import websockets

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = (ROOT / "docs" / "operations.md").read_text()
AGENT = "203.0.113.7"  # the address nginx sees connect
FORGED = "10.9.8.7"


def documented_daphne_flags() -> list[str]:
    unit = re.search(r"ExecStart=(.+?config\.asgi:application)", OPERATIONS, re.S)
    words = shlex.split(unit.group(1).replace("\\\n", " "))
    flags = words[1:-1]
    endpoint = flags.index("-e")
    return flags[:endpoint] + flags[endpoint + 2 :]


def nginx_upstream_headers(client_headers: dict[str, str], *, upgrade: str):
    """What the documented ``location /`` sends upstream: the client's headers,
    with each ``proxy_set_header`` replacing its own (an empty value drops it)."""
    block = re.search(r"location / \{(.+?)\}", OPERATIONS, re.S).group(1)
    sent = {k.lower(): v for k, v in client_headers.items()}
    forwarded = sent.get("x-forwarded-for")
    variables = {
        "$remote_addr": AGENT,
        "$proxy_add_x_forwarded_for": f"{forwarded}, {AGENT}" if forwarded else AGENT,
        "$host": "star.example.com",
        "$scheme": "https",
        "$http_upgrade": upgrade,
        "$connection_upgrade": "upgrade" if upgrade else "close",
    }
    for name, value in re.findall(r"proxy_set_header\s+(\S+)\s+(\S+);", block):
        value = re.sub(r"\$\w+", lambda m: variables[m.group(0)], value)
        sent.pop(name.lower(), None)
        if value:
            sent[name] = value
    return sent


def test_a_client_cannot_choose_the_address_behind_the_documented_proxy(tmp_path):
    flags = documented_daphne_flags()
    assert "--proxy-headers" in flags  # else every agent is 127.0.0.1
    port = free_port()
    log = (tmp_path / "daphne.log").open("w")
    command = [sys.executable, "-m", "daphne", *flags, "-b", "127.0.0.1"]
    daphne = subprocess.Popen(
        [*command, "-p", str(port), "tests.config.client_echo:application"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        forged = {"X-Forwarded-For": f"{FORGED}, 10.0.0.1", "X-Real-IP": FORGED}
        assert http_client_address(port, forged) == AGENT
        assert http_client_address(port, {}) == AGENT
        with ThreadPoolExecutor(1) as pool:
            seen = pool.submit(asyncio.run, socket_client_address(port, forged))
            assert seen.result(timeout=30) == AGENT
    finally:
        daphne.terminate()
        daphne.wait(timeout=10)


def http_client_address(port: int, client_headers: dict[str, str]) -> str:
    headers = nginx_upstream_headers(client_headers, upgrade="")
    deadline = time.monotonic() + 30
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/login/", headers=headers)
            return connection.getresponse().read().decode()
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


async def socket_client_address(port: int, client_headers: dict[str, str]) -> str:
    headers = nginx_upstream_headers(client_headers, upgrade="websocket")
    extra = {
        k: v
        for k, v in headers.items()
        if k.lower() not in {"host", "upgrade", "connection"}
    }
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/ws/me/", additional_headers=extra
    ) as socket:
        return await socket.recv()
