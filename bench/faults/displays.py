"""Wall displays under faults.

**A day and an hour, several times.** daphne closes every socket after
24 hours (``--websocket_timeout``). Here a worker runs with that limit
shortened to ``day_s`` seconds, and a TV client that behaves like
static/js/display.js (pings, reconnects after a jittered 1-2 s, takes the
snapshot) stays on it for several simulated days while the points change
every ``CHURN_EVERY_S``: every close must be followed by a reconnect and a
snapshot, and every change must reach the TV. Not covered: the page's
nightly reload and its 50 s silence check (browser-side timers; the browser
tests cover the page's reconnect).

**A TV that stops reading.** Three TVs watch one board; a fourth, with a tiny
receive buffer, stops reading its socket but keeps pinging (a TV on a
saturated link: its pings still go out, so daphne never pings it and never
times it out). The others must get every change as promptly as before, and
the server must not keep an ever-growing backlog for the stuck one: it closes
it once its unsent bytes pass ``DISPLAY_MAX_UNSENT_KB`` (lowered here to
``STUCK_LIMIT_KB`` so the run reaches it in seconds), and the TV reconnects
when it reads again.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket as sockets
import subprocess
import sys
import time

from bench.faults.services import Worker
from bench.pool import percentile
from bench.site import end, spawn
from bench.wsclient import Socket

CHURN_EVERY_S = 0.5
DAYS = 4
PING_S = 2.0
FRESH_WITHIN_S = 5.0
STUCK_S = 40.0
STUCK_RCVBUF = 4096
STUCK_LIMIT_KB = 256
WATCHERS = 3


def say(text: str) -> None:
    print(f"[faults {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


class TVSocket(Socket):
    def __init__(self, url: str, *, tv: TV, **options):
        super().__init__(url, **options)
        self.tv = tv

    def received(self, at: float, frame: bytes) -> None:
        super().received(at, frame)
        self.tv.seen(at, frame)


class TV:
    """A wall display's page, as far as its socket goes."""

    def __init__(self, worker: Worker, display: dict, *, rcvbuf: int = 0):
        self.worker, self.display, self.rcvbuf = worker, display, rcvbuf
        self.socket: TVSocket | None = None
        self.frames: list[tuple[float, str]] = []  # (at, type)
        self.bytes = 0
        self.closes: list[tuple[float, int | None]] = []
        self.reconnects: list[float] = []  # close to snapshot, seconds
        self.stopping = False
        self.task: asyncio.Task | None = None
        self.pinging: asyncio.Task | None = None
        self.connected = asyncio.Event()

    def seen(self, at: float, frame: bytes) -> None:
        try:
            kind = json.loads(frame).get("type", "?")
        except ValueError:
            kind = "?"
        self.frames.append((at, kind))
        self.bytes += len(frame)
        if (
            kind == "snapshot"
            and self.closes
            and len(self.reconnects) < len(self.closes)
        ):
            self.reconnects.append(at - self.closes[-1][0])

    def start(self) -> None:
        self.task = asyncio.ensure_future(self.keep())
        self.pinging = asyncio.ensure_future(self.ping())

    async def open(self) -> TVSocket:
        url = f"{self.worker.ws}/ws/display/{self.display['id']}/"
        options = {
            "tv": self,
            "cookie": f"servicestar_display={self.display['token']}",
            "origin": self.worker.url,
        }
        loop = asyncio.get_running_loop()
        if not self.rcvbuf:
            return await TVSocket.open(url, **options)
        raw = sockets.socket()
        raw.setsockopt(sockets.SOL_SOCKET, sockets.SO_RCVBUF, self.rcvbuf)
        raw.setblocking(False)
        await loop.sock_connect(raw, ("127.0.0.1", self.worker.server.port))
        _transport, opened = await loop.create_connection(
            lambda: TVSocket(url, **options), sock=raw
        )
        return opened

    async def keep(self) -> None:
        delay = 1.0
        while not self.stopping:
            try:
                self.socket = await asyncio.wait_for(self.open(), 5)
                await asyncio.wait_for(asyncio.shield(self.socket.first), 10)
            except Exception:
                await asyncio.sleep(random.uniform(delay, 2 * delay))
                delay = min(2 * delay, 30)
                continue
            delay = 1.0
            self.connected.set()
            code = await asyncio.shield(self.socket.lost)
            self.connected.clear()
            if self.stopping:
                return
            self.closes.append((time.monotonic(), code))
            await asyncio.sleep(random.uniform(delay, 2 * delay))

    async def ping(self) -> None:
        while not self.stopping:
            await asyncio.sleep(PING_S)
            if self.socket is not None and self.socket.alive:
                self.socket.send_text('{"type": "ping"}')

    def stop_reading(self) -> None:
        self.socket.transport.pause_reading()

    def read_again(self) -> None:
        self.socket.transport.resume_reading()

    async def close(self) -> None:
        self.stopping = True
        for task in (self.task, self.pinging):
            if task is not None:
                task.cancel()
        if self.socket is not None:
            await self.socket.close(timeout=1)


class Churn:
    """Point entries committed one by one in another process; their times."""

    def __init__(self, site, every: float, times: int):
        self.process = spawn(
            [
                sys.executable,
                "-m",
                "bench.populate",
                "churn",
                json.dumps({"every": every, "times": times}),
            ],
            env=site.env,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.committed: list[float] = []
        self.reading = asyncio.ensure_future(asyncio.to_thread(self._read))

    def _read(self) -> None:
        for line in self.process.stdout:
            found = json.loads(line)
            if "at" in found:
                self.committed.append(found["at"])

    async def wait(self) -> None:
        await self.reading
        await asyncio.to_thread(self.process.wait)
        end(self.process)


def freshness(tv: TV, committed: list[float], since: float, until: float) -> dict:
    """For each change committed between ``since`` and ``until``: how long
    until the TV next got panels (or a snapshot, after a reconnect)."""
    boards = [at for at, kind in tv.frames if kind in ("panels", "snapshot")]
    delays = []
    missed = 0
    for at in committed:
        if not since <= at <= until:
            continue
        later = [b - at for b in boards if b >= at]
        if later and later[0] <= FRESH_WITHIN_S:
            delays.append(later[0])
        else:
            missed += 1
    return {
        "changes": len(delays) + missed,
        "fresh_p50_ms": _ms(percentile(delays, 0.5)),
        "fresh_max_ms": _ms(max(delays, default=None)),
        "missed": missed,
    }


async def a_day_and_an_hour(site, display: dict, day_s: int) -> dict:
    worker = Worker.on(site, options=["--websocket_timeout", str(day_s)])
    await asyncio.to_thread(worker.start)
    tv = TV(worker, display)
    try:
        tv.start()
        await asyncio.wait_for(tv.connected.wait(), 20)
        span = DAYS * day_s + day_s / 24
        say(f"display: {DAYS} simulated days and an hour ({span:.0f} s)")
        started = time.monotonic()
        churn = Churn(site, CHURN_EVERY_S, int(span / CHURN_EVERY_S))
        await churn.wait()
        await asyncio.sleep(FRESH_WITHIN_S)
        found = freshness(tv, churn.committed, started, time.monotonic())
        # A close in the last seconds: give the TV its time to come back.
        await asyncio.wait_for(tv.connected.wait(), 10)
    finally:
        await tv.close()
        await asyncio.to_thread(worker.stop)
    return {
        "day_s": day_s,
        "simulated_hours": round(24 * span / day_s),
        "closes": len(tv.closes),
        "close_codes": sorted({code for _at, code in tv.closes}, key=str),
        "reconnects": len(tv.reconnects),
        "reconnect_max_s": _s(max(tv.reconnects, default=None)),
        **found,
        "server_errors": worker.errors(),
        "server_error_kinds": dict(worker.error_kinds()),
    }


async def stuck_reader(site, display: dict) -> dict:
    # The limit lowered from 1024 KB, so the run sees it reached in seconds.
    worker = Worker.on(site, settings={"DISPLAY_MAX_UNSENT_KB": str(STUCK_LIMIT_KB)})
    await asyncio.to_thread(worker.start)
    watchers = [TV(worker, display) for _ in range(WATCHERS)]
    stuck = TV(worker, display, rcvbuf=STUCK_RCVBUF)
    try:
        for tv in (*watchers, stuck):
            tv.start()
        await asyncio.wait_for(
            asyncio.gather(*(tv.connected.wait() for tv in (*watchers, stuck))), 20
        )
        say("display: baseline, then one TV stops reading")
        churn = Churn(site, CHURN_EVERY_S, int((10 + STUCK_S) / CHURN_EVERY_S))
        await asyncio.sleep(10)
        rss_before = worker.rss_kb()
        stopped_at = time.monotonic()
        stuck.stop_reading()
        stuck_socket = stuck.socket
        churning = asyncio.ensure_future(churn.wait())
        queued, closed_after = [], None
        while not churning.done():
            if closed_after is None and not stuck_socket.alive:
                closed_after = time.monotonic() - stopped_at
            if stuck_socket.alive:
                queued.append(kernel_queues(worker, stuck_socket))
            await asyncio.sleep(1)
        await asyncio.sleep(FRESH_WITHIN_S)
        rss_after = worker.rss_kb()
        ended = time.monotonic()
        if stuck.socket is stuck_socket:
            stuck.read_again()
        await asyncio.sleep(FRESH_WITHIN_S)
        baseline = [freshness(tv, churn.committed, 0, stopped_at) for tv in watchers]
        during = [freshness(tv, churn.committed, stopped_at, ended) for tv in watchers]
    finally:
        for tv in (*watchers, stuck):
            await tv.close()
        await asyncio.to_thread(worker.stop)
    return {
        "watchers": WATCHERS,
        "limit_kb": STUCK_LIMIT_KB,
        "stuck_for_s": round(ended - stopped_at, 1),
        "baseline_fresh_max_ms": max(f["fresh_max_ms"] or 0 for f in baseline),
        "while_stuck_fresh_p50_ms": max(f["fresh_p50_ms"] or 0 for f in during),
        "while_stuck_fresh_max_ms": max(f["fresh_max_ms"] or 0 for f in during),
        "while_stuck_missed": sum(f["missed"] for f in during),
        "rss_growth_kb": rss_after - rss_before,
        "stuck_queued_max_kb": round(max(queued, default=0) / 1024),
        "stuck_closed_after_s": _s(closed_after),
        "stuck_reconnected": len(stuck.reconnects),
        "server_errors": worker.errors(),
        "server_error_kinds": dict(worker.error_kinds()),
    }


def kernel_queues(worker: Worker, tv_socket: TVSocket) -> int:
    """Bytes on their way to a TV that the kernel holds: the server socket's
    send queue and the TV socket's receive queue (``ss``)."""
    if tv_socket.transport is None:
        return 0
    port = tv_socket.transport.get_extra_info("sockname")[1]
    listing = subprocess.run(
        ["ss", "-tnH", "state", "established"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    queued = 0
    ends = {f"127.0.0.1:{worker.server.port}", f"127.0.0.1:{port}"}
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) >= 4 and {fields[2], fields[3]} == ends:
            queued += int(fields[0]) + int(fields[1])
    return queued


async def run(site, *, day_s: int) -> dict:
    display = site.populate("display")
    return {
        "day": await a_day_and_an_hour(site, display, day_s),
        "stuck": await stuck_reader(site, display),
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _s(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 2)
