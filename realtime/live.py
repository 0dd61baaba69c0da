"""Pushing rendered fragments to browsers over the channel layer.

A broadcast renders its fragment once per language (not once per client) and
is sent only after the transaction that caused it commits, so no browser ever
sees something the database does not hold.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from asgiref.sync import async_to_sync
from channels.consumer import get_handler_name
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


def uses_in_memory_layer() -> bool:
    """Whether this process's channel layer lives only inside it."""
    return settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith(
        "InMemoryChannelLayer"
    )


def render_per_language(template_name: str, context: dict) -> dict[str, str]:
    """The fragment rendered once in each language the site speaks."""
    rendered = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            rendered[code] = render_to_string(template_name, context)
    return rendered


def send_after_commit(group: str, event: dict) -> None:
    """group_send once the current transaction commits (at once outside one)."""
    layer = get_channel_layer()
    transaction.on_commit(lambda: async_to_sync(layer.group_send)(group, event))


def scope_language(scope: dict) -> str:
    """The language a WebSocket's page was shown in: cookie, then browser."""
    headers = dict(scope.get("headers") or [])
    supported = [code for code, _name in settings.LANGUAGES]
    cookie_header = headers.get(b"cookie", b"").decode("latin-1")
    cookie = SimpleCookie()
    cookie.load(cookie_header)
    if settings.LANGUAGE_COOKIE_NAME in cookie:
        chosen = cookie[settings.LANGUAGE_COOKIE_NAME].value
        if chosen in supported:
            return chosen
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    for code, _quality in parse_accept_lang_header(accept):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class LeanDispatch:
    """A consumer mixin: dispatch without Channels' extra database hop.

    Since Channels 4.2 every message a consumer handles first waits for the
    one database thread to close stale connections: in a fan-out, about half
    the server's time. Consumers with this mixin touch the ORM only through
    ``database_sync_to_async``, which does that same cleanup around each call.
    """

    async def dispatch(self, message: dict) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
