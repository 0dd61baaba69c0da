"""Which tab plays: a connecting socket takes its seat, a newer tab takes over.

A floor's tabs connecting together are signed in and seated together: one
trip to the database thread and a fixed number of queries per batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from contests.engine import snapshots
from contests.models import Contest, Entry
from realtime.batching import Batches
from realtime.session_end import admit


@dataclass(frozen=True)
class Seated:
    """Where a connecting tab stands: ``role`` "host", "player" or "" (not
    allowed in), and for a player the channel of the tab it took over from
    ("" if none), to be told."""

    role: str
    contest: Contest | None = None
    entry: Entry | None = None
    previous: str = ""


@transaction.atomic
def take_seats(contest_id: int, tabs: list[tuple[object, str]]) -> list[Seated]:
    """WebSockets connecting to a contest, each a (user, channel name): where
    each stands, in order.

    A player's tab takes the seat: its channel replaces the previous tab's.
    Tabs connecting together are seated together: a fixed number of queries
    and one statement for the whole lot. Of two tabs of the same player in
    one batch, the later takes over from the earlier.
    """
    contest = Contest.objects.filter(pk=contest_id).first()
    if contest is None:
        return [Seated("")] * len(tabs)
    entries = {
        entry.user_id: entry
        for entry in Entry.objects.select_for_update().filter(
            contest=contest,
            user__in=[user.pk for user, _channel in tabs if user.pk != contest.host_id],
            removed_at__isnull=True,
        )
    }
    seated = []
    for user, channel_name in tabs:
        entry = entries.get(user.pk)
        if user.pk == contest.host_id:
            seated.append(Seated("host", contest))
        elif entry is None:
            seated.append(Seated("", contest))
        else:
            previous = entry.channel_name
            entry.channel_name = channel_name
            entry.user = user
            if previous == channel_name:
                previous = ""
            seated.append(Seated("player", contest, entry, previous))
    Entry.objects.save_each(list(entries.values()), ["channel_name"])
    return seated


def let_go(*, entry_id: int, channel_name: str) -> None:
    """The tab closed: forget its channel, unless a newer tab has taken over."""
    Entry.objects.filter(pk=entry_id, channel_name=channel_name).update(channel_name="")


def seat(contest_id: int, tabs: list[tuple[str, str, str]]) -> list[tuple]:
    """Tabs connecting to a contest, each (session key, channel name,
    language), are signed in, take their seats and, if they play, read their
    snapshots. Each tab's (SignedIn, Seated, snapshot): SignedIn None if the
    session signs nobody in, Seated None if the person holds all the sockets
    they may (realtime/socket_cap.py; no seat is taken then)."""
    admitted = admit([(key, channel) for key, channel, _language in tabs])
    signed_in = [
        (who.user, channel)
        for (who, held), (_key, channel, _language) in zip(admitted, tabs, strict=True)
        if held
    ]
    seats = dict(
        zip(
            [channel for _user, channel in signed_in],
            take_seats(contest_id, signed_in),
            strict=True,
        )
    )
    players = [
        (channel, seats[channel].entry, language)
        for _key, channel, language in tabs
        if channel in seats and seats[channel].role == "player"
    ]
    htmls = {}
    if players:
        contest = seats[players[0][0]].contest
        rendered = snapshots.player_snapshots(
            contest, [(entry, lang) for _c, entry, lang in players]
        )
        htmls = dict(zip([c for c, _e, _lang in players], rendered, strict=True))
    return [
        (who, seats.get(channel), htmls.get(channel, ""))
        for (who, _held), (_key, channel, _language) in zip(admitted, tabs, strict=True)
    ]


# A floor of a few hundred connecting at once takes a few batches; one batch
# stays a short transaction and within SQLite's limit on query parameters.
MAX_SEATS = 250
_seating = Batches(seat, MAX_SEATS)


async def take_seat(contest_id: int, tab: tuple[str, str, str]) -> tuple:
    return await _seating.submit(contest_id, tab)
