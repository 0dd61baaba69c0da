"""An agent process: holds its share of the benchmark's WebSockets.

Run by the orchestrator (``python -m bench.agents``), one or two of them, so
the client side has a core of its own. Commands come as JSON lines on stdin,
each with an ``id``; replies go as JSON lines on stdout with the same ``id``
and an ``event``: ``armed`` once a watch is in place, ``done`` with results.
Every list in a reply is aligned with the sockets this process holds (None
where a socket is not connected or saw nothing).

- ``connect``: open every target at ``start_at`` and wait for each one's
  first frame (``first`` needles must be in it).
- ``watch``: stamp, on every socket, the next frame holding ``needles``.
- ``answer``: every socket answers question ``position`` at a random moment
  within ``spread`` seconds of ``start_at``; stamp the receipt or refusal.
- ``close``: close every socket.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import sys
import time
from collections import Counter

from bench.wsclient import Socket, describe, needles


def raise_open_files() -> int:
    """Lift the soft limit on open files to the hard one; returns the new limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def encode(*alternatives: list[str]):
    return needles(*(tuple(n.encode() for n in alt) for alt in alternatives))


async def sleep_until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.monotonic()))


class Agents:
    def __init__(self):
        self.sockets: list[Socket | None] = []

    def live(self):
        return [(i, s) for i, s in enumerate(self.sockets) if s is not None and s.alive]

    async def connect(self, targets, first, start_at, timeout, concurrency=0) -> dict:
        """Open every target at once; a failed try is retried like the page
        does (full jitter, 0.5 s doubling, at most 30 s) until ``timeout``.
        ``concurrency`` caps how many tries run at once (a gentle ramp)."""
        self.sockets = [None] * len(targets)
        gate = asyncio.Semaphore(concurrency) if concurrency else None
        expected = encode(first) if first else None
        times: list[float | None] = [None] * len(targets)
        sizes: list[int | None] = [None] * len(targets)
        tries: list[int] = [0] * len(targets)
        errors: Counter = Counter()
        await sleep_until(start_at)
        deadline = time.monotonic() + timeout

        async def attempt(index: int, target: dict) -> bool:
            socket = None
            try:
                async with asyncio.timeout_at(_loop_time(deadline)):
                    socket = await Socket.open(
                        target["url"],
                        cookie=target.get("cookie", ""),
                        origin=target.get("origin", ""),
                    )
                    at, frame = await socket.first
            except Exception as error:
                errors[describe(error)] += 1
                if socket is not None:
                    await socket.close(timeout=0.1)
                return False
            if expected is not None and expected(frame) is None:
                errors["unexpected first frame"] += 1
                await socket.close(timeout=0.1)
                return False
            self.sockets[index] = socket
            times[index], sizes[index] = at, len(frame)
            return True

        async def one(index: int, target: dict) -> None:
            while time.monotonic() < deadline:
                tries[index] += 1
                if gate is None:
                    opened = await attempt(index, target)
                else:
                    async with gate:
                        opened = await attempt(index, target)
                if opened:
                    return
                pause = random.random() * min(30.0, 0.5 * 2 ** tries[index])
                await asyncio.sleep(min(pause, max(0.0, deadline - time.monotonic())))

        await asyncio.gather(*(one(i, t) for i, t in enumerate(targets)))
        return {
            "times": times,
            "sizes": sizes,
            "errors": dict(errors),
            "retried": sum(t > 1 for t in tries),
        }

    def watch(self, alternatives, timeout):
        match = encode(*alternatives)
        futures = [(i, s.expect(match)) for i, s in self.live()]

        async def results() -> dict:
            return await self._gather(futures, timeout)

        return results()

    async def answer(
        self, position, good, width, right_share, start_at, spread, timeout
    ):
        receipt = encode(
            ['id="quiz-answer"', f'data-position="{position}"'], ['id="quiz-notice"']
        )
        sent: list[float | None] = [None] * len(self.sockets)
        futures = []

        async def send(index: int, socket: Socket) -> None:
            await sleep_until(start_at + random.uniform(0, spread))
            right = random.random() < right_share
            choice = good if right else (good + 1) % width
            message = json.dumps(
                {"action": "answer", "position": position, "choice": str(choice)}
            )
            sent[index] = socket.send_text(message)

        for index, socket in self.live():
            futures.append((index, socket.expect(receipt)))
        await asyncio.gather(*(send(i, s) for i, s in self.live()))
        result = await self._gather(futures, timeout)
        result["sent"] = sent
        return result

    async def _gather(self, futures, timeout) -> dict:
        times: list[float | None] = [None] * len(self.sockets)
        which: list[int | None] = [None] * len(self.sockets)
        sizes: list[int | None] = [None] * len(self.sockets)
        errors: Counter = Counter()
        if futures:
            await asyncio.wait([f for _i, f in futures], timeout=timeout)
        for index, future in futures:
            if not future.done():
                future.cancel()
                errors["timeout"] += 1
            elif future.exception() is not None:
                errors[describe(future.exception())] += 1
            else:
                times[index], which[index], sizes[index] = future.result()
        return {"times": times, "which": which, "sizes": sizes, "errors": dict(errors)}

    async def close(self) -> dict:
        await asyncio.gather(*(s.close() for _i, s in self.live()))
        closed = len(self.live())
        self.sockets = []
        return {"closed": closed}


def _loop_time(monotonic_deadline: float) -> float:
    """asyncio's clock is time.monotonic() on Linux; be exact anyway."""
    loop = asyncio.get_running_loop()
    return loop.time() + (monotonic_deadline - time.monotonic())


def reply(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def serve() -> None:
    raise_open_files()
    agents = Agents()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**26)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    running: set[asyncio.Task] = set()

    async def handle(command: dict) -> None:
        name, ident = command.pop("cmd"), command.pop("id")
        try:
            if name == "connect":
                result = await agents.connect(**command)
            elif name == "watch":
                pending = agents.watch(**command)
                reply({"id": ident, "event": "armed"})
                result = await pending
            elif name == "answer":
                result = await agents.answer(**command)
            elif name == "close":
                result = await agents.close()
            else:
                raise ValueError(f"unknown command {name}")
        except Exception as error:
            result = {"failed": describe(error)}
        reply({"id": ident, "event": "done", **result})

    while line := await reader.readline():
        command = json.loads(line)
        if command.get("cmd") == "exit":
            break
        task = asyncio.ensure_future(handle(command))
        running.add(task)
        task.add_done_callback(running.discard)
    await agents.close()


if __name__ == "__main__":
    asyncio.run(serve())
