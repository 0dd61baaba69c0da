"""The ASGI protocol router: HTTP to Django, WebSockets to the apps' consumers."""

from __future__ import annotations

from channels.routing import ProtocolTypeRouter, URLRouter

from config.origins import SiteOriginValidator
from contests.routing import websocket_urlpatterns as contest_websockets
from leaderboard.routing import websocket_urlpatterns as board_websockets
from people.routing import websocket_urlpatterns as people_websockets

# Each consumer signs its socket in itself: from the session cookie
# (realtime/sessions.py, with the session's expiry, realtime/session_end.py), or a
# wall display from its token. None relies on a user in the scope.
websocket_urlpatterns = [*people_websockets, *contest_websockets, *board_websockets]


def build_websocket_application():
    return SiteOriginValidator(URLRouter(websocket_urlpatterns))


def build_application(http_application):
    return ProtocolTypeRouter(
        {"http": http_application, "websocket": build_websocket_application()}
    )
