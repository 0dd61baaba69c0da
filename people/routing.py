from __future__ import annotations

from django.urls import path

from people.consumers import PersonalFeedConsumer

# No AuthMiddlewareStack: the consumer reads its session itself, with the
# session's expiry (realtime/session_end.py).
websocket_urlpatterns = [path("ws/me/", PersonalFeedConsumer.as_asgi())]
