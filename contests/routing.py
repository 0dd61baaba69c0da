from __future__ import annotations

from django.urls import path

from contests.consumers import QuizConsumer

# No AuthMiddlewareStack: the consumer reads who is signed in together with
# its seat, for a floor's sockets in batches (realtime/sessions.py).
websocket_urlpatterns = [path("ws/quiz/<int:quiz_id>/", QuizConsumer.as_asgi())]
