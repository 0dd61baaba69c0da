"""ASGI entry point for daphne: ``daphne config.asgi:application``."""

from __future__ import annotations

import logging
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from config.layer import claim_in_memory_layer, describe_layer  # noqa: E402
from config.routing import build_application  # noqa: E402
from contests import clock  # noqa: E402
from leaderboard import live as board_live  # noqa: E402


class StartClocks:
    """Starts the process's background clocks on the first connection, inside
    the event loop daphne runs (daphne sends no lifespan events)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        clock.start()
        board_live.start()
        return await self.app(scope, receive, send)


logging.getLogger("servicestar").info("Channel layer: %s", describe_layer())
claim_in_memory_layer()
application = StartClocks(build_application(django_asgi_app))
