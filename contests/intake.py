"""Group commit for answers: those that arrive together are stored together.

When a floor answers within the same half second, one transaction per answer
queues a thousand trips through the one database thread. Here answers for a
quiz wait while the batch before them is being stored, then go in one
``running.record_answers`` call: one transaction, a fixed number of queries.
Nobody waits on a timer: an answer arriving at a quiet moment is stored at
once, alone. Each sender is acknowledged only after its batch has committed.
"""

from __future__ import annotations

import asyncio
from weakref import WeakKeyDictionary

from channels.db import database_sync_to_async

from contests import running
from contests.errors import QuizError

# Enough to drain a floor's burst in a few commits; small enough that one
# transaction stays short (and within SQLite's limit on query parameters).
MAX_BATCH = 250


async def record(quiz_id: int, submission: running.Submission) -> running.Receipt:
    """Store ``submission`` with whatever else is waiting; its receipt, or
    the QuizError that refused it."""
    loop = asyncio.get_running_loop()
    intake = _intakes.get(loop)
    if intake is None:
        intake = _intakes[loop] = Intake()
    result = await intake.submit(quiz_id, submission)
    if isinstance(result, QuizError):
        raise result
    return result


class Intake:
    """The answers waiting per quiz on one event loop, and their writers."""

    def __init__(self):
        self.waiting: dict[int, list[tuple[running.Submission, asyncio.Future]]] = {}
        self.writers: dict[int, asyncio.Task] = {}

    async def submit(self, quiz_id: int, submission: running.Submission):
        future = asyncio.get_running_loop().create_future()
        self.waiting.setdefault(quiz_id, []).append((submission, future))
        if quiz_id not in self.writers:
            self.writers[quiz_id] = asyncio.create_task(self.write(quiz_id))
        # A sender that goes away still has its answer stored: the writer
        # owns the batch, not the sender.
        return await asyncio.shield(future)

    async def write(self, quiz_id: int) -> None:
        try:
            while waiting := self.waiting.get(quiz_id):
                batch, self.waiting[quiz_id] = waiting[:MAX_BATCH], waiting[MAX_BATCH:]
                submissions = [submission for submission, _future in batch]
                try:
                    results = await database_sync_to_async(running.record_answers)(
                        quiz_id, submissions
                    )
                except Exception as error:  # each sender hears of it
                    for _submission, future in batch:
                        future.set_exception(error)
                else:
                    futures = [future for _submission, future in batch]
                    for future, result in zip(futures, results, strict=True):
                        future.set_result(result)
        finally:
            self.waiting.pop(quiz_id, None)
            self.writers.pop(quiz_id, None)


_intakes: WeakKeyDictionary = WeakKeyDictionary()
