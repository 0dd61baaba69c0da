from __future__ import annotations

from django.urls import path

from contests.consumers import QuizConsumer

websocket_urlpatterns = [path("ws/quiz/<int:quiz_id>/", QuizConsumer.as_asgi())]
