from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from django.urls import path

from people.consumers import PersonalFeedConsumer

websocket_urlpatterns = [
    path("ws/me/", AuthMiddlewareStack(PersonalFeedConsumer.as_asgi())),
]
