"""Which pages may open the site's WebSockets: pages of the site's own address.

A browser sends the page's origin (scheme, host and port) with every WebSocket
handshake, and sends the site's cookies whatever page opens the socket. So the
origin, compared whole, is what stops another page (another service on the
same intranet host, a plain-HTTP port, a sandboxed ``null`` frame) from using
a logged-in agent's session. A handshake without an Origin is refused too:
every browser sends one, and a script can send the site's own.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_PORTS = {"http": 80, "https": 443}
logger = logging.getLogger("servicestar.origins")
# Each refused origin is logged once (up to this many), so a site served at
# an address SITE_URL does not name shows up in the log without flooding it.
REPORTED_AT_MOST = 50
_reported: set[str] = set()


def site_origin(address: str) -> str:
    """``scheme://host:port`` of a site address or Origin header, the port
    always written out; ValueError when it is not an http(s) origin."""
    parts = urlsplit(address.strip())
    scheme = parts.scheme.lower()
    port = parts.port  # ValueError for a port that is not a number in range
    if (
        scheme not in DEFAULT_PORTS
        or not parts.hostname
        or "*" in parts.netloc
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValueError(f"{address!r} is not an address like https://star.example.com")
    host = parts.hostname  # lower case, IPv6 without its brackets
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port or DEFAULT_PORTS[scheme]}"


def allowed_origins(
    *, site_urls: list[str], hosts: list[str], https: bool, trusted: list[str]
) -> list[str]:
    """The site's origins: SITE_URL's, or else each named ALLOWED_HOSTS entry
    on the standard port of the site's scheme; and CSRF_TRUSTED_ORIGINS',
    which the site already trusts for forms. Wildcards name no origin."""
    if site_urls:
        origins = [site_origin(url) for url in site_urls]
    else:
        scheme = "https" if https else "http"
        origins = [
            site_origin(f"{scheme}://{host}")
            for host in hosts
            if "*" not in host and not host.startswith(".")
        ]
    for origin in trusted:
        if "*" not in origin:
            origins.append(site_origin(origin))
    return list(dict.fromkeys(origins))


def origin_is_allowed(headers: list[tuple[bytes, bytes]]) -> bool:
    origin = next((value for name, value in headers if name == b"origin"), None)
    if origin is None:
        return False
    try:
        if site_origin(origin.decode("latin-1")) in settings.WEBSOCKET_ORIGINS:
            return True
    except ValueError:  # "null", garbage, another scheme
        pass
    _report(origin.decode("latin-1")[:100])
    return False


def _report(origin: str) -> None:
    if origin in _reported or len(_reported) >= REPORTED_AT_MOST:
        return
    _reported.add(origin)
    logger.warning(
        "WebSocket from %r refused: the site's address is %s "
        "(SITE_URL names the address people open; docs/operations.md)",
        origin,
        ", ".join(settings.WEBSOCKET_ORIGINS) or "not set",
    )


class SiteOriginValidator:
    """ASGI middleware: a WebSocket whose Origin is not the site's is refused
    before it reaches any consumer (daphne answers the handshake with 403)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if origin_is_allowed(scope.get("headers", [])):
            return await self.application(scope, receive, send)
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.close"})
