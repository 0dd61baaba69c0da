"""Group commit: work that arrives together is done together.

When a floor acts within the same second (a thousand answers, a thousand
tabs taking their seats), one trip to the database thread each queues them
all behind each other, and each trip costs far more in the ORM than in the
database. A ``Batches`` keeps, per key (a quiz), what arrives while the batch
before it is being done, then hands all of it to one call of the work
function on the database thread. Nobody waits on a timer: an item arriving at
a quiet moment is done at once, alone. Each caller gets its own result only
after the whole batch is done (for a write: committed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from weakref import WeakKeyDictionary

from channels.db import database_sync_to_async


class Batches:
    """``await batches.submit(key, item)`` runs ``work(key, [item, …])`` on the
    database thread with whatever else is waiting for ``key`` (at most
    ``max_batch`` items a call) and returns this item's entry of the list the
    work returned. An exception from the work reaches every caller of its
    batch."""

    def __init__(self, work: Callable[[Hashable, list], list], max_batch: int):
        self.work = database_sync_to_async(work)
        self.max_batch = max_batch
        self._loops: WeakKeyDictionary = WeakKeyDictionary()

    async def submit(self, key: Hashable, item):
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            state = self._loops[loop] = _Waiting()
        future = loop.create_future()
        state.items.setdefault(key, []).append((item, future))
        if key not in state.workers:
            state.workers[key] = asyncio.create_task(self._drain(state, key))
        # A caller that goes away still has its item done: the worker owns
        # the batch, not the caller.
        return await asyncio.shield(future)

    async def _drain(self, state: _Waiting, key: Hashable) -> None:
        try:
            while waiting := state.items.get(key):
                batch = waiting[: self.max_batch]
                state.items[key] = waiting[self.max_batch :]
                try:
                    results = await self.work(key, [item for item, _future in batch])
                except Exception as error:  # each caller hears of it
                    for _item, future in batch:
                        if not future.done():
                            future.set_exception(error)
                else:
                    for (_item, future), result in zip(batch, results, strict=True):
                        if not future.done():
                            future.set_result(result)
        finally:
            state.items.pop(key, None)
            state.workers.pop(key, None)


class _Waiting:
    """One event loop's items waiting per key, and the task draining each."""

    def __init__(self):
        self.items: dict[Hashable, list[tuple[object, asyncio.Future]]] = {}
        self.workers: dict[Hashable, asyncio.Task] = {}
