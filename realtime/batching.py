"""Group commit: work that arrives together is done together.

When a floor acts within the same second (a thousand answers, a thousand
tabs taking their seats), one trip to the database thread each queues them
all behind each other, and each trip costs far more in the ORM than in the
database. A ``Batches`` keeps, per key (a quiz), what arrives while the batch
before it is being done, then hands all of it to one call of the work
function on the database thread. Nobody waits on a timer: an item arriving at
a quiet moment is done at once, alone. Each caller gets its own result only
after the whole batch is done (for a write: committed). A batch whose work
fails (one item the database refuses rolls the whole transaction back) is
done again one item at a time, so the failure reaches only the caller whose
item caused it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable
from weakref import WeakKeyDictionary

from channels.db import database_sync_to_async

logger = logging.getLogger(__name__)


class Batches:
    """``await batches.submit(key, item)`` runs ``work(key, [item, …])`` on the
    database thread with whatever else is waiting for ``key`` (at most
    ``max_batch`` items a call) and returns this item's entry of the list the
    work returned. When the work raises for a batch of several, each item is
    done again alone (the work must be one transaction, so the failed batch
    left nothing behind) and an exception reaches only its own caller."""

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
                    await self._do(key, batch)
                except Exception as error:
                    if len(batch) == 1:
                        _fail(batch[0][1], error)
                        continue
                    logger.warning(
                        "a batch of %d failed; each is done alone",
                        len(batch),
                        exc_info=True,
                    )
                    for one in batch:
                        try:
                            await self._do(key, [one])
                        except Exception as alone:
                            _fail(one[1], alone)
        finally:
            state.items.pop(key, None)
            state.workers.pop(key, None)

    async def _do(self, key: Hashable, batch: list) -> None:
        """The work for ``batch``, each caller getting its result."""
        results = await self.work(key, [item for item, _future in batch])
        for (_item, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)


def _fail(future: asyncio.Future, error: Exception) -> None:
    if not future.done():
        future.set_exception(error)


class _Waiting:
    """One event loop's items waiting per key, and the task draining each."""

    def __init__(self):
        self.items: dict[Hashable, list[tuple[object, asyncio.Future]]] = {}
        self.workers: dict[Hashable, asyncio.Task] = {}
