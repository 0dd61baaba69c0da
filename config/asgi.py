"""ASGI entry point for daphne: ``daphne config.asgi:application``."""

from __future__ import annotations

import logging
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from config.layer import claim_in_memory_layer, describe_layer  # noqa: E402
from config.routing import build_application  # noqa: E402

logging.getLogger("servicestar").info("Channel layer: %s", describe_layer())
claim_in_memory_layer()
application = build_application(django_asgi_app)
