"""Group commit for answers: those that arrive together are stored together.

When a floor answers within the same half second, one transaction per answer
queues a thousand trips through the one database thread. Here answers for a
quiz wait while the batch before them is being stored, then go in one
``running.record_answers`` call: one transaction, a fixed number of queries
(realtime/batching.py). Each sender is acknowledged only after its batch has
committed.
"""

from __future__ import annotations

from contests import running
from contests.errors import QuizError
from realtime.batching import Batches

# Enough to drain a floor's burst in a few commits; small enough that one
# transaction stays short (and within SQLite's limit on query parameters).
MAX_BATCH = 250

_answers = Batches(running.record_answers, MAX_BATCH)


async def record(quiz_id: int, submission: running.Submission) -> running.Receipt:
    """Store ``submission`` with whatever else is waiting; its receipt, or
    the QuizError that refused it."""
    result = await _answers.submit(quiz_id, submission)
    if isinstance(result, QuizError):
        raise result
    return result
