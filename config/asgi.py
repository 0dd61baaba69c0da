"""ASGI entry point for daphne: ``daphne config.asgi:application``."""

from __future__ import annotations

import gc
import logging
import os
import pprint

from autobahn.websocket import protocol as autobahn_protocol
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from config import body_limits  # noqa: E402
from config.layer import claim_in_memory_layer, describe_layer  # noqa: E402
from config.routing import build_application  # noqa: E402
from contests.engine import clock  # noqa: E402
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


class _FormattedIfLogged:
    """pprint.pformat, but only when the text is used."""

    def __init__(self, value):
        self.value = value

    def __format__(self, spec: str) -> str:
        return format(pprint.pformat(self.value), spec)

    def __str__(self) -> str:
        return pprint.pformat(self.value)

    __repr__ = __str__


# autobahn (daphne's WebSocket code) pretty-prints each new socket's settings
# for a debug line even when debug lines are not written: ~15 % of the
# server's time in a floor's connect storm (docs/performance.md).
autobahn_protocol.pformat = _FormattedIfLogged

logging.getLogger("servicestar").info("Channel layer: %s", describe_layer())
# Before daphne serves: it builds its request objects from the class this sets.
body_limits.install()
claim_in_memory_layer()
application = StartClocks(build_application(django_asgi_app))

# With 2000 sockets open, one of the garbage collector's full passes took
# ~300 ms, and a question reaching phones during one arrived that much later
# (docs/performance.md). What was loaded at start (Django, the apps, Twisted)
# stays out of those passes, and they come far less often: Python's
# default (700, 10, 10) ran one every few seconds under a quiz's traffic.
gc.collect()
gc.freeze()
gc.set_threshold(5_000, 20, 100)
