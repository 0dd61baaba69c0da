"""Submissions: stored together when they arrive together, judged by the kind.

When a floor submits within the same half second, one transaction per
submission queues a thousand trips through the one database thread. Here
submissions for a contest wait while the batch before them is being stored,
then go in one ``record_batch`` call: one transaction and a fixed number of
queries whatever the batch's size (realtime/batching.py). Each sender is
acknowledged only after its batch has committed.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from contests.engine import registry
from contests.engine.errors import ContestError
from contests.models import Contest, Entry, Round, Status, Submission, Verdict
from realtime.batching import Batches


@dataclass(frozen=True)
class Receipt:
    """The acknowledgement of a submission. The same, right or wrong."""

    position: int
    payload: object
    labels: list
    repeated: bool = False


@dataclass(frozen=True)
class Incoming:
    """One submission as it reached the server: who, to which round, what, when.

    ``language`` is the sender's, for the refusal message (a batch mixes
    senders).
    """

    user_id: int
    position: object
    payload: object
    received_at: datetime
    language: str | None = None


def record(
    *, contest_id: int, user, position: int, payload, received_at: datetime
) -> Receipt:
    """Store one submission; ContestError when it is refused. See record_batch."""
    (result,) = record_batch(
        contest_id, [Incoming(user.pk, position, payload, received_at)]
    )
    if isinstance(result, ContestError):
        raise result
    return result


def record_batch(
    contest_id: int, incoming: list[Incoming]
) -> list[Receipt | ContestError]:
    """Store submissions that arrived together, each judged by when it arrived.

    One transaction and a fixed number of queries for the whole batch. Every
    submission is stored before this returns, so before it is acknowledged. A
    second submission to the same round (a repeat, a replay, another tab, in
    this batch or an earlier one) stores nothing and gets the first one's
    receipt; a unique constraint in the database guarantees it. The result
    for each, in order: its Receipt, or the ContestError that refused it.
    """
    for _attempt in range(RECORD_ATTEMPTS - 1):
        try:
            return _record_batch(contest_id, incoming)
        except _AlreadyStored:
            # Another worker stored one of these first (two tabs on two
            # workers at the same instant): judge the batch again against
            # what is stored now.
            continue
    return _record_batch(contest_id, incoming)


RECORD_ATTEMPTS = 3


class _AlreadyStored(IntegrityError):
    pass


@transaction.atomic
def _record_batch(contest_id: int, incoming: list[Incoming]) -> list:
    positions = {s.position for s in incoming if isinstance(s.position, int)}
    rounds = {p: _round_for_submission(contest_id, p) for p in sorted(positions)}
    rounds = {p: r for p, r in rounds.items() if r is not None}
    entries = {
        e.user_id: e
        for e in Entry.objects.filter(
            contest_id=contest_id, user_id__in={s.user_id for s in incoming}
        )
    }
    stored = {
        (s.entry_id, s.round_id): s.payload
        for s in Submission.objects.filter(
            entry__in=entries.values(), round__in=rounds.values()
        ).only("entry_id", "round_id", "payload")
    }
    results: list[Receipt | ContestError] = []
    new: list[Submission] = []
    for item in incoming:
        with translation.override(item.language or translation.get_language()):
            try:
                submission = _judge(item, entries, rounds, stored)
            except ContestError as refused:
                results.append(refused)
                continue
        round = rounds[item.position]
        if submission is None:  # submitted before: the first one's receipt
            key = (entries[item.user_id].pk, round.pk)
            results.append(_receipt(round, stored[key], repeated=True))
            continue
        new.append(submission)
        results.append(_receipt(round, submission.payload))
    # One order for every writer, so two workers' batches cannot deadlock.
    new.sort(key=lambda submission: submission.entry_id)
    try:
        Submission.objects.bulk_create(new)
    except IntegrityError as conflict:
        raise _AlreadyStored from conflict
    Entry.objects.save_each(
        [submission.entry for submission in new],
        ["score", "right_count", "streak", "last_right_position"],
    )
    return results


def _judge(item: Incoming, entries, rounds, stored) -> Submission | None:
    """The submission to store, None if one is stored already, or ContestError."""
    entry = entries.get(item.user_id)
    if entry is None or entry.removed_at is not None:
        raise ContestError(_("You are not playing in this contest."), "not_playing")
    round = rounds.get(item.position)
    if round is None:
        contest = Contest.objects.filter(pk=entry.contest_id).first()
        kind = registry.kind_of(contest) if contest else registry.ContestKind
        raise ContestError(str(kind.not_open), "not_open")
    key = (entry.pk, round.pk)
    if key in stored:
        return None
    contest = round.contest
    kind = registry.kind_of(contest)
    _check_open(kind, contest, round, item.received_at)
    payload = kind.clean(contest, round, item.payload)
    elapsed = (item.received_at - round.opened_at).total_seconds() - (
        round.paused_seconds
    )
    elapsed = max(elapsed, 0.0)
    follows = entry.last_right_position == round.position - 1
    judgement = kind.judge(
        contest,
        round,
        entry,
        payload,
        elapsed_s=elapsed,
        streak_if_right=entry.streak + 1 if follows else 1,
    )
    right = judgement.verdict == Verdict.RIGHT
    stored[key] = payload
    entry.score += judgement.score + judgement.bonus
    entry.right_count += int(right)
    if right:
        entry.streak = entry.streak + 1 if follows else 1
        entry.last_right_position = round.position
    elif judgement.verdict != Verdict.PENDING:
        entry.streak = 0
    return Submission(
        entry=entry,
        round=round,
        payload=payload,
        received_at=item.received_at,
        elapsed_ms=round_ms(elapsed),
        score=judgement.score,
        bonus=judgement.bonus,
        verdict=judgement.verdict,
    )


def round_ms(seconds: float) -> int:
    return builtins.round(seconds * 1000)  # ``round`` is a Round in here


def _receipt(round: Round, payload, *, repeated: bool = False) -> Receipt:
    labels = registry.kind_of(round.contest).receipt_labels(round, payload)
    return Receipt(round.position, payload, labels, repeated=repeated)


def _round_for_submission(contest_id: int, position) -> Round | None:
    """The round, read under a shared lock on PostgreSQL.

    Submissions take the shared lock and so run side by side; closing and
    revealing take the exclusive one (select_for_update) and so wait for
    submissions in flight, and those that come later see the round closed.
    SQLite runs one writer at a time anyway.
    """
    if not isinstance(position, int):
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {Round._meta.db_table} "  # noqa: S608 - table name
                "WHERE contest_id = %s AND position = %s FOR SHARE",
                [contest_id, position],
            )
    return (
        Round.objects.select_related("contest")
        .filter(contest_id=contest_id, position=position)
        .first()
    )


def _check_open(kind, contest: Contest, round: Round, received_at: datetime) -> None:
    if contest.status != Status.RUNNING or round.opened_at is None:
        raise ContestError(str(kind.not_open), "not_open")
    if round.revealed_at is not None or contest.current_position != round.position:
        raise ContestError(str(kind.already_over), "not_open")
    if contest.is_paused and received_at >= contest.paused_at:
        raise ContestError(_("The contest is paused: wait for the host."), "paused")
    closes = round.deadline
    if round.closed_at is not None:
        closes = min(closes, round.closed_at)
    if received_at > closes or received_at < round.opened_at:
        raise ContestError(str(kind.late), "late")


# Enough to drain a floor's burst in a few commits; small enough that one
# transaction stays short (and within SQLite's limit on query parameters).
MAX_BATCH = 250

_batches = Batches(record_batch, MAX_BATCH)


async def submit(contest_id: int, incoming: Incoming) -> Receipt:
    """Store ``incoming`` with whatever else is waiting; its receipt, or the
    ContestError that refused it."""
    result = await _batches.submit(contest_id, incoming)
    if isinstance(result, ContestError):
        raise result
    return result
