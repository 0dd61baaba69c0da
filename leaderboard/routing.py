from __future__ import annotations

from django.urls import path

from leaderboard.display_consumers import DisplayConsumer

# No session or user: a wall display is known by its paired token (its cookie).
websocket_urlpatterns = [
    path("ws/display/<int:display_id>/", DisplayConsumer.as_asgi()),
]
