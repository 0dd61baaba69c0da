"""The personal live feed every logged-in page holds open (``/ws/me/``)."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from realtime import groups, live, sessions
from realtime.session_end import (
    CLOSE_SIGNED_OUT,
    CLOSE_TOO_MANY_SOCKETS,
    SessionBound,
    admit,
)

# Private-use close codes (RFC 6455 4000-4999); docs/protocol.md lists them.
CLOSE_UNAUTHENTICATED = CLOSE_SIGNED_OUT


class PersonalFeedConsumer(SessionBound, AsyncWebsocketConsumer):
    """Pushes notices and "live now" contests as htmx out-of-band swaps.

    It receives nothing from the browser: anything sent is ignored.
    """

    async def connect(self) -> None:
        key = sessions.session_key(self.scope)
        since = await self.listen_for_endings()
        ((who, held),) = await database_sync_to_async(admit)([(key, self.channel_name)])
        if who is None or not held:
            # Accepted only to be closed: a handshake refused outright
            # reaches the page as 1006, which htmx retries forever; a close
            # code stops it.
            await self.accept()
            code = CLOSE_UNAUTHENTICATED if who is None else CLOSE_TOO_MANY_SOCKETS
            await self.close(code=code)
            return
        self.session_lease = (who.user.pk, self.channel_name)
        self.language = live.scope_language(self.scope)
        self.groups_joined = [groups.user(who.user.pk), groups.FLOOR]
        if who.user.team_id:
            self.groups_joined.append(groups.team(who.user.team_id))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        # Accepted once it is in its groups: a page whose feed is open hears
        # every notice sent from then on (accepting first lost one sent
        # while the groups were being joined). Bound after, so a session that
        # ended meanwhile closes it with its code.
        await self.accept()
        await self.bind_session(key, who, since)

    async def disconnect(self, code: int) -> None:
        await self.unbind_session()
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        return None

    async def feed_fragment(self, event: dict) -> None:
        """Any app's fragment for this feed, rendered once per language."""
        await self.send(text_data=event["html"][self.language])
