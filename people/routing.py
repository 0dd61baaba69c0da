from __future__ import annotations

from django.urls import path

from people.consumers import PersonalFeedConsumer

websocket_urlpatterns = [path("ws/me/", PersonalFeedConsumer.as_asgi())]
