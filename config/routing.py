"""The ASGI protocol router: HTTP to Django, WebSockets to the apps' consumers."""

from __future__ import annotations

from channels.routing import ProtocolTypeRouter, URLRouter

from config.origins import SiteOriginValidator
from contests.routing import websocket_urlpatterns as contest_websockets
from leaderboard.routing import websocket_urlpatterns as board_websockets
from people.routing import websocket_urlpatterns as people_websockets

# Each app's routes say how their sockets are signed in: through Channels'
# AuthMiddlewareStack, or (the quiz socket) read in batches by the consumer.
# A route with neither has no user in its scope and lets nobody in.
websocket_urlpatterns = [*people_websockets, *contest_websockets, *board_websockets]


def build_websocket_application():
    return SiteOriginValidator(URLRouter(websocket_urlpatterns))


def build_application(http_application):
    return ProtocolTypeRouter(
        {"http": http_application, "websocket": build_websocket_application()}
    )
