from __future__ import annotations

from django.urls import path

from contests.engine.consumer import ContestConsumer

# No AuthMiddlewareStack: the consumer reads who is signed in together with
# its seat, for a floor's sockets in batches (realtime/sessions.py). The path
# keeps the quiz's name for every kind (docs/protocol.md).
websocket_urlpatterns = [path("ws/quiz/<int:quiz_id>/", ContestConsumer.as_asgi())]
