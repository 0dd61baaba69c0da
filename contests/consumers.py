"""The live quiz socket, ``/ws/quiz/<id>/``, for the host and for players.

Thin by design: authenticate, validate the message, call contests.running or
contests.services, answer. Every answer is stamped with the server's clock the
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

from contests import broadcast, clock, intake, running, services, stage
from contests.errors import QuizError
from contests.models import Quiz
from realtime import direct, hub, sessions
from realtime.batching import Batches
from realtime.live import LeanDispatch, scope_language
from realtime.messages import ListOf, Refused, as_index, read
from realtime.session_end import (
    CLOSE_SIGNED_OUT,
    CLOSE_TOO_MANY_SOCKETS,
    SessionBound,
    admit,
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
    "start": running.start_quiz,
    "reveal": running.reveal_answer,
    "leaderboard": running.show_leaderboard,
    "next": running.next_question,
    "pause": running.pause_quiz,
    "resume": running.resume_quiz,
    "end": running.end_quiz,
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


class QuizConsumer(hub.Membership, LeanDispatch, SessionBound, AsyncWebsocketConsumer):
    role = ""
    participant_id = None
    quiz_id = None
    players = ""  # the players' hub group, once the socket is accepted
    writer = None  # a player's direct writer to daphne's socket (realtime/hub.py)
    roster_pending = False

    async def connect(self) -> None:
        session = sessions.session_key(self.scope)
        self.allowance = TokenBucket(BURST_MESSAGES, MESSAGES_PER_S)
        self.quiz_id = self.scope["url_route"]["kwargs"]["quiz_id"]
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
        self.players = players = Quiz(pk=self.quiz_id).group()
        # Join before reading the snapshot so no change is missed; the hub
        # keeps what arrives meanwhile until the snapshot is out.
        self.writer = direct.direct_writer(self)
        await hub.join(players, self, self.language, held=True, writer=self.writer)
        try:
            who, seated, html = await _seating.submit(
                self.quiz_id, (session, self.channel_name, self.language)
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
        await self.bind_session(session, who, since)
        if seated.role == "host":
            self.group = seated.quiz.host_group()
            await self.channel_layer.group_add(self.group, self.channel_name)
            await self.send_snapshot()
        else:
            # The stage is the same for every player: one frame per process,
            # written to every local player by the hub (realtime/hub.py).
            self.participant_id = seated.participant.pk
            self.group = players
            await hub.send(self, self.writer, html)
            await hub.release(players, self)
        if seated.previous:
            await self.channel_layer.send(seated.previous, {"type": "quiz.taken_over"})

    async def disconnect(self, code: int) -> None:
        await self.unbind_session()
        if self.players:
            hub.leave(self.players, self)
        if not self.role:
            return
        if self.role == "host":
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.participant_id:
            await database_sync_to_async(services.let_go)(
                participant_id=self.participant_id, channel_name=self.channel_name
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
                text_data, bytes_data, max_bytes=MAX_MESSAGE_BYTES, fields=FIELDS
            )
            await self.act(message, received_at)
        except (Refused, QuizError) as refused:
            await self.send_notice(refused.message)
        except Exception:
            # A message must never close the socket (1011) nor reach the
            # others: the sender hears that it failed, the log has the rest.
            logger.exception("quiz %s: could not handle a message", self.quiz_id)
            await self.send_notice(_("The server could not handle that message."))

    async def act(self, message: dict, received_at) -> None:
        action = message.get("action")
        if action == "sync":
            await self.send_snapshot()
        elif self.role == "player" and action == "answer":
            await self.answer(message, received_at)
        elif self.role == "host" and action in HOST_ACTIONS:
            await self.host_action(action)
        elif self.role == "host" and action == "close":
            await self.close_question()
        elif self.role == "host" and action == "remove":
            await self.remove(message)
        elif action in HOST_ACTIONS or action in ("close", "remove"):
            raise QuizError(_("Only the quiz's host can do that."), "not_host")
        else:
            raise QuizError(_("Unknown action."), "unknown")

    async def answer(self, message: dict, received_at) -> None:
        position = as_index(message.get("position"))
        if position is None:
            raise QuizError(_("This question is not open."), "not_open")
        choice = message.get("text") if "text" in message else message.get("choice")
        submission = running.Submission(
            user_id=self.user.pk,
            position=position,
            choice=choice,
            received_at=received_at,
            language=self.language,
        )
        receipt = await intake.record(self.quiz_id, submission)
        html = stage.answer_receipt(self.language, receipt.position, receipt.labels)
        # Straight to the socket: daphne's own path for a frame cost about as
        # much as storing the answer when a floor answers together.
        await hub.send(self, self.writer, html, shared=True)
        if not receipt.repeated:
            broadcast.answer_counted(self.quiz_id)

    async def host_action(self, action: str) -> None:
        quiz = await database_sync_to_async(HOST_ACTIONS[action])(
            quiz_id=self.quiz_id, by=self.user
        )
        await clock.follow(quiz)

    async def close_question(self) -> None:
        await database_sync_to_async(running.close_now)(
            quiz_id=self.quiz_id, by=self.user
        )

    async def remove(self, message: dict) -> None:
        participant_id = as_index(message.get("participant"))
        if participant_id is None:
            raise QuizError(_("That player is not in this quiz."), "not_found")
        await database_sync_to_async(services.remove_participant)(
            quiz_id=self.quiz_id, participant_id=participant_id, by=self.user
        )

    async def send_snapshot(self) -> None:
        """The whole current state: what a new or reconnected page needs."""
        if self.role == "host":
            html = await database_sync_to_async(stage.host_snapshot)(
                quiz_id=self.quiz_id, language=self.language
            )
        else:
            html = await database_sync_to_async(stage.player_snapshot)(
                quiz_id=self.quiz_id,
                participant_id=self.participant_id,
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
            await self.send(text_data=stage.notice(message))

    # Messages from the channel layer.

    async def quiz_console(self, event: dict) -> None:
        await self.send(text_data=event["html"][self.language])

    async def quiz_answered(self, event: dict) -> None:
        await self.send(text_data=event["html"][self.language])

    async def quiz_roster(self, event: dict) -> None:
        """Someone joined or left: refresh the list soon, once for a burst."""
        if self.roster_pending:
            return
        self.roster_pending = True
        await asyncio.sleep(ROSTER_EVERY_S)
        self.roster_pending = False
        html = await database_sync_to_async(stage.host_roster_snapshot)(
            quiz_id=self.quiz_id, language=self.language
        )
        await self.send(text_data=html)

    def personal_text(self, me: dict) -> str:
        """This player's own result, from the hub (realtime/hub.py)."""
        with translation.override(self.language):
            return stage.render_me(me)

    async def quiz_taken_over(self, event: dict) -> None:
        self.participant_id = None  # the new tab owns the seat now
        await self.send_notice(_("This quiz is now open in another tab or device."))
        await self.close(code=CLOSE_TAKEN_OVER)

    async def quiz_removed(self, event: dict) -> None:
        self.participant_id = None
        await self.send_notice(_("The host removed you from this quiz."))
        await self.close(code=CLOSE_FORBIDDEN)


def seat(quiz_id: int, tabs: list[tuple[str, str, str]]) -> list[tuple]:
    """Tabs connecting to a quiz, each (session key, channel name, language),
    are signed in, take their seats and, if they play, read their snapshots:
    for a floor connecting together, one trip to the database thread and a
    fixed number of queries per batch. Each tab's (SignedIn, Seated,
    snapshot): SignedIn None if the session signs nobody in, Seated None if
    the person holds all the sockets they may (realtime/socket_cap.py; no seat
    is taken then)."""
    admitted = admit([(key, channel) for key, channel, _language in tabs])
    signed_in = [
        (who.user, channel)
        for (who, held), (_key, channel, _language) in zip(admitted, tabs, strict=True)
        if held
    ]
    seats = dict(
        zip(
            [channel for _user, channel in signed_in],
            services.take_seats(quiz_id, signed_in),
            strict=True,
        )
    )
    players = [
        (channel, seats[channel].participant, language)
        for _key, channel, language in tabs
        if channel in seats and seats[channel].role == "player"
    ]
    snapshots = {}
    if players:
        quiz = seats[players[0][0]].quiz
        htmls = stage.player_snapshots(quiz, [(p, lang) for _c, p, lang in players])
        snapshots = dict(zip([c for c, _p, _lang in players], htmls, strict=True))
    return [
        (who, seats.get(channel), snapshots.get(channel, ""))
        for (who, _held), (_key, channel, _language) in zip(admitted, tabs, strict=True)
    ]


# A floor of a few hundred connecting at once takes a few batches; one batch
# stays a short transaction and within SQLite's limit on query parameters.
MAX_SEATS = 250
_seating = Batches(seat, MAX_SEATS)
