"""The personal live feed every logged-in page holds open (``/ws/me/``)."""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer

from people import live

# Private-use close codes (RFC 6455 4000-4999); docs/protocol.md lists them.
CLOSE_UNAUTHENTICATED = 4401


class PersonalFeedConsumer(AsyncWebsocketConsumer):
    """Pushes notices and "live now" contests as htmx out-of-band swaps.

    It receives nothing from the browser: anything sent is ignored.
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.language = live.scope_language(self.scope)
        self.groups_joined = [live.user_group(user.pk), live.FLOOR_GROUP]
        if user.team_id:
            self.groups_joined.append(live.team_group(user.team_id))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        return None

    async def feed_fragment(self, event: dict) -> None:
        """Any app's fragment for this feed, rendered once per language."""
        await self.send(text_data=event["html"][self.language])
