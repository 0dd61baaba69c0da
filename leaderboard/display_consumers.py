"""A wall display's socket, ``/ws/display/<id>/``.

The display is known by the token in its cookie (no session, no user). It
joins ``display-<id>`` (revocation, settings changed), its board's group
(``board-center``, ``board-site-<id>`` or ``board-team-<id>``), ``displays``
(live quizzes) and the audience group of every live quiz. It gets a full
snapshot on connect, so a reconnect after a network drop or a restart shows
the current state. It listens to nothing the TV says but a ping.

Server → TV frames are JSON: ``snapshot`` (panels, live quiz stages),
``panels``, ``quiz`` (an ``#audience-stage``, ``#audience-answered`` or
``#audience-arrivals`` fragment), ``quizzes`` (ids still live),
``celebrate``, ``reload``, ``revoked`` and ``pong``; every data frame
carries ``at``, the server's time.
"""

from __future__ import annotations

import asyncio
import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from contests.engine.audience import (
    arrivals_fragment,
    audience_group,
    audience_snapshot,
    live_contest_ids,
)
from leaderboard import boards, displays, live
from realtime import direct, groups
from realtime.messages import Refused, read

# Private-use close codes (docs/protocol.md).
CLOSE_UNPAIRED = 4401  # no valid token: the TV reloads to show a pairing code
CLOSE_FORBIDDEN = 4403  # a token for another display
CLOSE_REVOKED = 4410  # a manager revoked the display: the TV stops
CLOSE_BEHIND = 4408  # too far behind (DISPLAY_MAX_UNSENT_KB): the TV reconnects
ARRIVALS_EVERY_S = 0.5  # a lobby's count of players, once per burst of joins
MAX_MESSAGE_BYTES = 256
FIELDS = {"type": str}
REVOKED_TEMPLATE = "leaderboard/_display_revoked.html"


def snapshot(*, display_id: int, language: str) -> tuple[dict, list[int]]:
    """Everything the TV shows, and the live quizzes it follows."""
    display = displays.Display.objects.get(pk=display_id)
    board = boards.board_of(display)
    quiz_ids = live_contest_ids()
    frame = {
        "type": "snapshot",
        "panels": boards.render_panels_in(board, language, tuple(display.panels)),
        "quizzes": [
            audience_snapshot(contest_id=q, language=language) for q in quiz_ids
        ],
        "quiz_ids": quiz_ids,
        "at": boards.stamp(),
    }
    return frame, quiz_ids


def revoked_html(language: str) -> str:
    with translation.override(language):
        return render_to_string(REVOKED_TEMPLATE)


class DisplayConsumer(AsyncWebsocketConsumer):
    display_id: int | None = None
    language = "zh-hans"
    last_touch = 0.0
    behind = False  # closed for not reading its frames

    async def connect(self) -> None:
        live.start()
        self.joined: list[str] = []
        self.quiz_ids: list[int] = []
        self.arrivals: dict[int, asyncio.Future] = {}  # lobby counts to send
        token = displays.token_from_headers(self.scope.get("headers"))
        check = await database_sync_to_async(displays.check_token)(token)
        wanted = self.scope["url_route"]["kwargs"]["display_id"]
        # Accept first: a close code sent during the handshake never reaches
        # the browser (it sees 1006), and the TV must know why it was closed.
        await self.accept()
        if check.display is not None and check.display.pk != wanted:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if check.state == "revoked":
            await self.send_revoked(check.display.language)
            return
        if check.state != "ok":
            await self.close(code=CLOSE_UNPAIRED)
            return
        display = check.display
        self.display_id = display.pk
        self.language = display.language
        for group in (
            display.group(),
            boards.board_of(display).group,
            groups.DISPLAYS,
        ):
            await self.join(group)
        await database_sync_to_async(displays.touch)(display.pk)
        self.last_touch = time.monotonic()
        frame, quiz_ids = await database_sync_to_async(snapshot)(
            display_id=display.pk, language=self.language
        )
        for quiz_id in quiz_ids:
            await self.join(audience_group(quiz_id))
        self.quiz_ids = quiz_ids
        await self.send_json(frame)

    async def join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.joined.append(group)

    async def leave(self, group: str) -> None:
        await self.channel_layer.group_discard(group, self.channel_name)
        if group in self.joined:
            self.joined.remove(group)

    async def disconnect(self, code: int) -> None:
        for pending in list(getattr(self, "arrivals", {}).values()):
            pending.cancel()
        for group in list(getattr(self, "joined", [])):
            await self.leave(group)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        """A ping (the TV's heartbeat) gets a pong; anything else is ignored."""
        if self.display_id is None:
            return
        try:
            message = read(
                text_data, bytes_data, max_bytes=MAX_MESSAGE_BYTES, fields=FIELDS
            )
        except Refused:
            return  # a TV sends nothing else; whatever it is, it changes nothing
        if message.get("type") != "ping":
            return
        if time.monotonic() - self.last_touch >= displays.HEARTBEAT_EVERY_S:
            self.last_touch = time.monotonic()
            still_paired = await database_sync_to_async(displays.touch)(self.display_id)
            if not still_paired:
                await self.send_revoked(self.language)
                return
            # A Redis restarted without its data forgot every group, and the
            # TV would show a stale board until daphne closes it a day later
            # (bench/faults): rejoin with every heartbeat.
            for group in self.joined:
                await self.channel_layer.group_add(group, self.channel_name)
        await self.send_json({"type": "pong", "at": boards.stamp()})

    async def send_json(self, frame: dict) -> None:
        if self.behind:
            return
        # A TV that stops reading (a stuck browser, a saturated link) while
        # its pings still arrive is never timed out by daphne, and every
        # frame would wait in the server's memory for it, without end.
        limit = settings.DISPLAY_MAX_UNSENT_KB * 1024
        if direct.unsent_bytes(self) > limit:
            self.behind = True
            await self.close(code=CLOSE_BEHIND)
            return
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def send_revoked(self, language: str) -> None:
        html = await database_sync_to_async(revoked_html)(language)
        await self.send_json({"type": "revoked", "html": html})
        await self.close(code=CLOSE_REVOKED)

    def _in_language(self, html: dict) -> str:
        return html.get(self.language) or next(iter(html.values()), "")

    # Messages from the channel layer.

    async def board_panels(self, event: dict) -> None:
        await self.send_json(
            {
                "type": "panels",
                "html": self._in_language(event["html"]),
                "at": event["at"],
            }
        )

    async def board_celebrate(self, event: dict) -> None:
        await self.send_json(
            {
                "type": "celebrate",
                "html": self._in_language(event["html"]),
                "seconds": event["seconds"],
            }
        )

    async def display_reload(self, event: dict) -> None:
        await self.send_json({"type": "reload"})

    async def display_revoked(self, event: dict) -> None:
        self.display_id = None
        for group in list(self.joined):
            await self.leave(group)
        await self.send_revoked(self.language)

    async def displays_quizzes(self, event: dict) -> None:
        if self.display_id is None:
            return
        live_now = [int(q) for q in event["quiz_ids"]]
        for quiz_id in self.quiz_ids:
            if quiz_id not in live_now:
                await self.leave(audience_group(quiz_id))
        for quiz_id in live_now:
            if quiz_id not in self.quiz_ids:
                await self.join(audience_group(quiz_id))
                stage = event["stages"].get(str(quiz_id))
                if stage:
                    await self.send_json(
                        {
                            "type": "quiz",
                            "html": self._in_language(stage),
                            "at": boards.stamp(),
                        }
                    )
        self.quiz_ids = live_now
        await self.send_json(
            {"type": "quizzes", "live": live_now, "at": boards.stamp()}
        )

    async def contest_audience(self, event: dict) -> None:
        await self.send_json(
            {
                "type": "quiz",
                "html": self._in_language(event["html"]),
                "at": boards.stamp(),
            }
        )

    async def contest_arrivals(self, event: dict) -> None:
        """Players joined a lobby: count them soon, once for a burst. In a
        task of its own: a consumer handles its messages one at a time, and
        a wait here would hold every frame behind it."""
        contest_id = int(event["contest_id"])
        if contest_id in self.arrivals:
            return
        self.arrivals[contest_id] = asyncio.ensure_future(
            self.send_arrivals(contest_id)
        )

    async def send_arrivals(self, contest_id: int) -> None:
        try:
            await asyncio.sleep(ARRIVALS_EVERY_S)
        finally:
            self.arrivals.pop(contest_id, None)
        html = await database_sync_to_async(arrivals_fragment)(
            contest_id=contest_id, language=self.language
        )
        if html and self.display_id is not None:
            await self.send_json({"type": "quiz", "html": html, "at": boards.stamp()})

    async def contest_progress(self, event: dict) -> None:
        """A kind's live progress (a typing race), as an out-of-band fragment."""
        await self.contest_audience(event)
