"""The agent processes, driven from the orchestrator, and the statistics.

Agent ``i`` of a scenario lives in process ``i % P`` at place ``i // P``;
``merged`` puts the per-process lists of a reply back in agent order.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import subprocess
import sys

from bench.site import end, spawn


class PoolFailed(RuntimeError):
    pass


class AgentPool:
    def __init__(self, processes: int):
        self.size = max(1, processes)
        self.processes: list[subprocess.Popen] = []
        self.pending: dict[tuple[int, int, str], asyncio.Future] = {}
        self.readers: list[asyncio.Task] = []
        self.ids = itertools.count(1)
        self.watches: set[asyncio.Task] = set()

    async def start(self) -> AgentPool:
        loop = asyncio.get_running_loop()
        for index in range(self.size):
            process = spawn(
                [sys.executable, "-m", "bench.agents"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            self.processes.append(process)
            reader = asyncio.StreamReader(limit=2**26)
            await loop.connect_read_pipe(
                lambda reader=reader: asyncio.StreamReaderProtocol(reader),
                process.stdout,
            )
            self.readers.append(asyncio.ensure_future(self._read(index, reader)))
        return self

    async def _read(self, index: int, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            message = json.loads(line)
            future = self.pending.pop((index, message["id"], message["event"]), None)
            if future is not None and not future.done():
                future.set_result(message)
        for (owner, _id, _event), future in list(self.pending.items()):
            if owner == index and not future.done():
                future.set_exception(PoolFailed(f"agent process {index} exited"))

    def _send(self, index: int, command: dict, *events: str) -> list[asyncio.Future]:
        loop = asyncio.get_running_loop()
        ident = next(self.ids)
        futures = []
        for event in events:
            future = loop.create_future()
            self.pending[(index, ident, event)] = future
            futures.append(future)
        stream = self.processes[index].stdin
        stream.write((json.dumps({**command, "id": ident}) + "\n").encode())
        stream.flush()
        return futures

    def share(self, items: list) -> list[list]:
        """Agent items split by process: process p gets items p, p+P, p+2P..."""
        return [items[p :: self.size] for p in range(self.size)]

    async def call(self, name: str, per_process: list[dict], timeout: float) -> list:
        futures = [
            self._send(i, {"cmd": name, **args}, "done")[0]
            for i, args in enumerate(per_process)
        ]
        return await _within(futures, timeout, name)

    async def arm(self, alternatives: list[list[str]], timeout: float):
        """Every socket watches for a frame; returns a task for the replies,
        once every process has its watch in place."""
        command = {"cmd": "watch", "alternatives": alternatives, "timeout": timeout}
        pairs = [self._send(i, command, "armed", "done") for i in range(self.size)]
        await _within([armed for armed, _done in pairs], 10, "watch")
        replies = _within([done for _armed, done in pairs], timeout + 10, "watch")
        task = asyncio.get_running_loop().create_task(replies)
        # A step that fails before awaiting its watch leaves it to finish alone.
        self.watches.add(task)
        task.add_done_callback(self._forget)
        return task

    def _forget(self, task: asyncio.Task) -> None:
        self.watches.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: a failure is reported where awaited

    def merged(self, replies: list[dict], key: str) -> list:
        shares = [reply.get(key) or [] for reply in replies]
        total = sum(len(s) for s in shares)
        return [shares[i % self.size][i // self.size] for i in range(total)]

    async def stop(self) -> None:
        for process in self.processes:
            try:
                process.stdin.write(b'{"cmd": "exit"}\n')
                process.stdin.flush()
            except OSError:
                pass
        for process in self.processes:
            await asyncio.to_thread(end, process, 5)
        for reader in self.readers:
            reader.cancel()


async def _within(futures: list[asyncio.Future], timeout: float, what: str) -> list:
    try:
        replies = await asyncio.wait_for(asyncio.gather(*futures), timeout)
    except TimeoutError:
        raise PoolFailed(
            f"the agents did not finish '{what}' in {timeout:.0f} s"
        ) from None
    for reply in replies:
        if "failed" in reply:
            raise PoolFailed(f"an agent process failed '{what}': {reply['failed']}")
    return replies


def percentile(values: list[float], share: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    place = (len(ordered) - 1) * share
    low, high = math.floor(place), math.ceil(place)
    return ordered[low] + (ordered[high] - ordered[low]) * (place - low)


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def ratio(ours: float | None, reference: float | None) -> float | None:
    if ours is None or not reference:
        return None
    return round(ours / reference, 2)
