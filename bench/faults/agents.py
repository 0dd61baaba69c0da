"""An agent that plays through faults the way the page does.

It keeps what its screen shows (the stage's version, status, phase and
question, whether its answer is locked in, its score), what it believes the
server accepted (answers with a receipt), and an answer in flight. A lost
socket reconnects after the page's first jittered delay (0.5-1 s), to its
own worker or, when that one refuses, to the next (as nginx would route it),
doubling the delay up to 15 s; the first frame is the snapshot, and an answer
still in flight is sent again (a repeat gets the first answer's receipt).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time

from bench.wsclient import Socket

STAGE = re.compile(rb'<div id="quiz-stage"[^>]*>')
STAGE_ATTRIBUTE = re.compile(rb'data-(version|status|phase|position)="([^"]*)"')
ANSWER = re.compile(rb'<div id="quiz-answer"[^>]*data-position="(\d*)"')
SCORE = re.compile(rb'id="quiz-me".*?(\d+) points', re.S)
OPEN_TIMEOUT_S = 5
FIRST_DELAY_S = 0.5
MAX_DELAY_S = 15


class AgentSocket(Socket):
    def __init__(self, url: str, *, agent: Agent, **options):
        super().__init__(url, **options)
        self.agent = agent

    def received(self, at: float, frame: bytes) -> None:
        super().received(at, frame)
        self.agent.seen(at, frame)


class Agent:
    def __init__(
        self, quiz_id: int, username: str, cookie: str, workers: list, home: int
    ):
        self.quiz_id = quiz_id
        self.username = username
        self.cookie = cookie
        self.workers = workers  # each with .ws and .url
        self.home = home
        self.socket: AgentSocket | None = None
        self.version = -1
        self.status = self.phase = ""
        self.position: int | None = None
        self.answered: int | None = None  # the question #quiz-answer shows locked
        self.score: int | None = None
        self.accepted: dict[int, object] = {}  # position -> choice, receipts
        self.refused: dict[int, object] = {}
        self.sent: dict[int, object] = {}  # every answer it tried
        self.in_flight: tuple[int, object] | None = None
        self.snapshots = 0
        self.gap_syncs = 0
        self.snapshot_seen = asyncio.Event()
        self.lost_at: float | None = None
        self.reconnects: list[tuple[float, float]] = []  # (lost at, back at)
        self.failed_tries = 0
        self.stopping = False
        self.task: asyncio.Task | None = None

    @property
    def connected(self) -> bool:
        return self.socket is not None and self.socket.alive

    # What the screen shows

    def seen(self, at: float, frame: bytes) -> None:
        if stage := STAGE.search(frame):
            found = dict(STAGE_ATTRIBUTE.findall(stage.group(0)))
            version = int(found.get(b"version") or -1)
            # Like static/js/quiz.js: a gap in versions asks for a snapshot.
            gap = self.version > 0 and version > self.version + 1
            if gap and b'id="quiz-me"' not in frame and self.connected:
                self.gap_syncs += 1
                self.socket.send_text('{"action": "sync"}')
            if version >= self.version:  # the page ignores an older stage
                self.version = version
                self.status = found.get(b"status", b"").decode()
                self.phase = found.get(b"phase", b"").decode()
                position = found.get(b"position", b"")
                self.position = int(position) if position else None
        if answer := ANSWER.search(frame):
            position = answer.group(1)
            self.answered = int(position) if position else None
            receipt = b'id="quiz-stage"' not in frame and b'id="quiz-me"' not in frame
            if receipt and self.answered is not None:
                self._settled(self.accepted, self.answered)
        if b'id="quiz-notice"' in frame and self.in_flight is not None:
            self._settled(self.refused, self.in_flight[0])
        if score := SCORE.search(frame):
            self.score = int(score.group(1))
        if b'id="quiz-stage"' in frame and b'id="quiz-me"' in frame:
            self.snapshots += 1
            self.snapshot_seen.set()
            if self.lost_at is not None:
                self.reconnects.append((self.lost_at, at))
                self.lost_at = None

    def _settled(self, where: dict, position: int) -> None:
        if self.in_flight is not None and self.in_flight[0] == position:
            where[position] = self.in_flight[1]
            self.in_flight = None
        else:
            where.setdefault(position, self.sent.get(position))

    # Actions

    def answer(self, position: int, choice: str) -> None:
        """Answer now; if the socket is down, as soon as it is back."""
        self.sent[position] = choice
        self.in_flight = (position, choice)
        self._send_in_flight()

    def _send_in_flight(self) -> None:
        if self.in_flight is None or not self.connected:
            return
        position, choice = self.in_flight
        self.socket.send_text(
            json.dumps({"action": "answer", "position": position, "choice": choice})
        )

    def sync(self) -> bool:
        if not self.connected:
            return False
        self.snapshot_seen.clear()
        self.socket.send_text('{"action": "sync"}')
        return True

    def drop(self) -> None:
        """The network drops this socket (no close handshake)."""
        if self.socket is not None and self.socket.transport is not None:
            self.socket.transport.abort()

    # Connecting

    async def connect(self) -> None:
        self.task = asyncio.ensure_future(self._connect(first_delay=0))
        await self.task

    async def _connect(self, first_delay: float) -> None:
        delay = FIRST_DELAY_S
        await asyncio.sleep(first_delay)
        while not self.stopping:
            for step in range(len(self.workers)):
                worker = self.workers[(self.home + step) % len(self.workers)]
                if await self._try(worker):
                    return
                self.failed_tries += 1
            await asyncio.sleep(random.uniform(delay, 2 * delay))
            delay = min(2 * delay, MAX_DELAY_S)

    async def _try(self, worker) -> bool:
        socket = None
        try:
            socket = await asyncio.wait_for(
                AgentSocket.open(
                    f"{worker.ws}/ws/quiz/{self.quiz_id}/",
                    agent=self,
                    cookie=self.cookie,
                    origin=worker.url,
                ),
                OPEN_TIMEOUT_S,
            )
            await asyncio.wait_for(asyncio.shield(socket.first), OPEN_TIMEOUT_S)
        except Exception:
            if socket is not None:
                await socket.close(timeout=0.2)
            return False
        self.socket = socket
        socket.lost.add_done_callback(lambda _f, s=socket: self._lost(s))
        self._send_in_flight()
        return True

    def _lost(self, socket: AgentSocket) -> None:
        if self.stopping or socket is not self.socket:
            return
        self.lost_at = time.monotonic()
        self.socket = None
        first_delay = random.uniform(FIRST_DELAY_S, 2 * FIRST_DELAY_S)
        self.task = asyncio.ensure_future(self._connect(first_delay))

    async def close(self) -> None:
        self.stopping = True
        if self.task is not None and not self.task.done():
            self.task.cancel()
        if self.socket is not None:
            await self.socket.close(timeout=1)
