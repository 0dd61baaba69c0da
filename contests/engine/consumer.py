"""The contest socket, ``/ws/quiz/<id>/``, for the host and for players of
every kind (the path keeps its first name: docs/protocol.md).

Thin by design: authenticate, validate the message, call the engine (which
asks the kind), answer. Every answer is stamped with the server's clock the
moment it arrives; nothing the browser says about time, score or identity is
used.
"""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from contests.engine import (
    broadcast,
    clock,
    intake,
    lifecycle,
    progress,
    registry,
    seating,
    setup,
    snapshots,
)
from contests.engine.errors import ContestError
from contests.models import Contest
from realtime import direct, hub, sessions
from realtime.live import LeanDispatch, scope_language
from realtime.messages import ListOf, Refused, as_index, read
from realtime.session_end import (
    CLOSE_SIGNED_OUT,
    CLOSE_TOO_MANY_SOCKETS,
    SessionBound,
)
from realtime.throttle import TokenBucket

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 2048
# Per connection: bursts of up to 20 messages, 5 a second sustained. A person
# answering or a host clicking never comes near; a script flooding does.
BURST_MESSAGES = 20
MESSAGES_PER_S = 5.0
ROSTER_EVERY_S = 0.3

# Private-use close codes (docs/protocol.md).
CLOSE_UNAUTHENTICATED = CLOSE_SIGNED_OUT
CLOSE_FORBIDDEN = 4403
CLOSE_TAKEN_OVER = 4409

HOST_ACTIONS = {
    "start": lifecycle.start_contest,
    "reveal": lifecycle.reveal_round,
    "leaderboard": lifecycle.show_leaderboard,
    "next": lifecycle.next_round,
    "pause": lifecycle.pause_contest,
    "resume": lifecycle.resume_contest,
    "end": lifecycle.end_contest,
}
# The fields this socket reads, and what each must be when present
# (docs/protocol.md). Positions and ids come as numbers or strings of digits.
FIELDS = {
    "action": str,
    "position": (int, str),
    "choice": (int, str, ListOf((int, str))),
    "text": str,
    "participant": (int, str),
}


class ContestConsumer(
    hub.Membership, LeanDispatch, SessionBound, AsyncWebsocketConsumer
):
    role = ""
    entry_id = None
    contest_id = None
    kind = None  # the contest's ContestKind, once seated
    fields = FIELDS
    players = ""  # the players' hub group, once the socket is accepted
    writer = None  # a player's direct writer to daphne's socket (realtime/hub.py)
    roster_pending = False

    async def connect(self) -> None:
        session = sessions.session_key(self.scope)
        self.allowance = TokenBucket(BURST_MESSAGES, MESSAGES_PER_S)
        self.contest_id = self.scope["url_route"]["kwargs"]["quiz_id"]
        self.language = scope_language(self.scope)
        # Accept at once: a floor connecting together must not have its
        # handshakes wait behind each other's database work (daphne drops a
        # handshake still open after 5 s). Nothing is written to the socket
        # until the checks below have passed: who is signed in, then whether
        # they host or play here; anybody else is closed with 4401 or 4403
        # (a close code the page sees; a refused handshake reads as 1006).
        await self.accept()
        if not session:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        since = await self.listen_for_endings()
        self.players = players = Contest(pk=self.contest_id).group()
        # Join before reading the snapshot so no change is missed; the hub
        # keeps what arrives meanwhile until the snapshot is out.
        self.writer = direct.direct_writer(self)
        await hub.join(players, self, self.language, held=True, writer=self.writer)
        try:
            who, seated, html = await seating.take_seat(
                self.contest_id, (session, self.channel_name, self.language)
            )
        except BaseException:
            hub.leave(players, self)  # a consumer dying here gets no disconnect
            raise
        if who is None:
            hub.leave(players, self)
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if seated is None:  # the person has all their sockets open already
            hub.leave(players, self)
            await self.close(code=CLOSE_TOO_MANY_SOCKETS)
            return
        self.session_lease = (who.user.pk, self.channel_name)
        self.user = who.user
        if seated.role != "player":
            hub.leave(players, self)
        if not seated.role:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.role = seated.role
        self.kind = registry.kind_of(seated.contest)
        if self.kind.progress_fields:
            self.fields = {**FIELDS, **self.kind.progress_fields}
        await self.bind_session(session, who, since)
        if seated.role == "host":
            self.group = seated.contest.host_group()
            await self.channel_layer.group_add(self.group, self.channel_name)
            await self.send_snapshot()
        else:
            # The stage is the same for every player: one frame per process,
            # written to every local player by the hub (realtime/hub.py).
            self.entry_id = seated.entry.pk
            self.group = players
            await hub.send(self, self.writer, html)
            await hub.release(players, self)
        if seated.previous:
            await self.channel_layer.send(
                seated.previous, {"type": "contest.taken_over"}
            )

    async def disconnect(self, code: int) -> None:
        await self.unbind_session()
        if self.players:
            hub.leave(self.players, self)
        if not self.role:
            return
        if self.role == "host":
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.entry_id:
            await database_sync_to_async(seating.let_go)(
                entry_id=self.entry_id, channel_name=self.channel_name
            )

    async def receive(self, text_data=None, bytes_data=None) -> None:
        received_at = timezone.now()  # the only clock that counts
        if not self.role:
            return  # not (yet) let in
        # Messages and refusals in this page's language (the override reaches
        # the database thread: asgiref carries the context across).
        with translation.override(self.language):
            if not self.allowance.take():
                await self.send_notice(_("Too many messages: slow down."))
                return
            await self.handle(text_data, bytes_data, received_at)

    async def handle(self, text_data, bytes_data, received_at) -> None:
        try:
            message = read(
                text_data, bytes_data, max_bytes=MAX_MESSAGE_BYTES, fields=self.fields
            )
            await self.act(message, received_at)
        except (Refused, ContestError) as refused:
            await self.send_notice(refused.message)
        except Exception:
            # A message must never close the socket (1011) nor reach the
            # others: the sender hears that it failed, the log has the rest.
            logger.exception("contest %s: could not handle a message", self.contest_id)
            await self.send_notice(_("The server could not handle that message."))

    async def act(self, message: dict, received_at) -> None:
        action = message.get("action")
        if action == "sync":
            await self.send_snapshot()
        elif self.role == "player" and action == "answer":
            await self.answer(message, received_at)
        elif self.role == "player" and action == "progress":
            await self.progress(message)
        elif self.role == "host" and action in HOST_ACTIONS:
            await self.host_action(action)
        elif self.role == "host" and action == "close":
            await self.close_question()
        elif self.role == "host" and action == "remove":
            await self.remove(message)
        elif action in HOST_ACTIONS or action in ("close", "remove"):
            raise ContestError(_("Only the contest's host can do that."), "not_host")
        else:
            raise ContestError(_("Unknown action."), "unknown")

    async def answer(self, message: dict, received_at) -> None:
        position = as_index(message.get("position"))
        if position is None:
            raise ContestError(str(self.kind.not_open), "not_open")
        payload = message.get("text") if "text" in message else message.get("choice")
        incoming = intake.Incoming(
            user_id=self.user.pk,
            position=position,
            payload=payload,
            received_at=received_at,
            language=self.language,
        )
        receipt = await intake.submit(self.contest_id, incoming)
        html = snapshots.receipt(
            self.kind.name, self.language, receipt.position, receipt.labels
        )
        # Straight to the socket: daphne's own path for a frame cost about as
        # much as storing the answer when a floor answers together.
        await hub.send(self, self.writer, html, shared=True)
        if not receipt.repeated:
            broadcast.submission_counted(self.contest_id)

    async def progress(self, message: dict) -> None:
        """Live progress (a typing race): kept in memory, sent coalesced
        (engine/progress.py); never stored, never acknowledged."""
        if not self.kind.progress_fields:
            raise ContestError(_("Unknown action."), "unknown")
        cleaned = self.kind.progress(self.kind_contest(), self.entry_id, message)
        if cleaned is not None:
            progress.note(self.kind.name, self.contest_id, self.entry_id, cleaned)

    def kind_contest(self) -> Contest:
        """The contest as far as this socket knows it (id and kind only)."""
        return Contest(pk=self.contest_id, kind=self.kind.name)

    async def host_action(self, action: str) -> None:
        contest = await database_sync_to_async(HOST_ACTIONS[action])(
            contest_id=self.contest_id, by=self.user
        )
        await clock.follow(contest)

    async def close_question(self) -> None:
        await database_sync_to_async(lifecycle.close_now)(
            contest_id=self.contest_id, by=self.user
        )

    async def remove(self, message: dict) -> None:
        participant_id = as_index(message.get("participant"))
        if participant_id is None:
            raise ContestError(_("That player is not in this contest."), "not_found")
        await database_sync_to_async(setup.remove_entry)(
            contest_id=self.contest_id, entry_id=participant_id, by=self.user
        )

    async def send_snapshot(self) -> None:
        """The whole current state: what a new or reconnected page needs."""
        if self.role == "host":
            html = await database_sync_to_async(snapshots.host_snapshot)(
                contest_id=self.contest_id, language=self.language
            )
        else:
            html = await database_sync_to_async(snapshots.player_snapshot)(
                contest_id=self.contest_id,
                entry_id=self.entry_id,
                language=self.language,
            )
        await self.send(text_data=html)

    async def send(self, text_data=None, bytes_data=None, close=False) -> None:
        # A frame rendered from text stored before messages were checked (a
        # lone surrogate) would kill the socket in daphne's encoder.
        if text_data is not None:
            text_data = hub.sendable(text_data)
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def send_notice(self, message: str) -> None:
        with translation.override(self.language):
            await self.send(text_data=snapshots.notice(message))

    # Messages from the channel layer.

    async def contest_console(self, event: dict) -> None:
        await self.send(text_data=event["html"][self.language])

    async def contest_answered(self, event: dict) -> None:
        await self.send(text_data=event["html"][self.language])

    async def contest_progress(self, event: dict) -> None:
        await self.send(text_data=event["html"][self.language])

    async def contest_roster(self, event: dict) -> None:
        """Someone joined or left: refresh the list soon, once for a burst."""
        if self.roster_pending:
            return
        self.roster_pending = True
        await asyncio.sleep(ROSTER_EVERY_S)
        self.roster_pending = False
        html = await database_sync_to_async(snapshots.host_roster_snapshot)(
            contest_id=self.contest_id, language=self.language
        )
        await self.send(text_data=html)

    def personal_text(self, me: dict) -> str:
        """This player's own result, from the hub (realtime/hub.py)."""
        with translation.override(self.language):
            return snapshots.render_me(self.kind.name, me)

    async def contest_taken_over(self, event: dict) -> None:
        self.entry_id = None  # the new tab owns the seat now
        await self.send_notice(_("This contest is now open in another tab or device."))
        await self.close(code=CLOSE_TAKEN_OVER)

    async def contest_removed(self, event: dict) -> None:
        self.entry_id = None
        await self.send_notice(_("The host removed you from this contest."))
        await self.close(code=CLOSE_FORBIDDEN)
