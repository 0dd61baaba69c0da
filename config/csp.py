"""The Content-Security-Policy header on every response.

Django 5.2 has no CSP support of its own, and the policy ServiceStar needs is
one fixed header: every script, style sheet, image, font and socket comes from
the site itself, and no page has inline script or style, so no nonce is ever
needed (docs/operations.md, "Content-Security-Policy"). The directives live in
``settings.SECURE_CSP``; a deployer adds sources with ``CSP_EXTRA_SOURCES``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.decorators import sync_and_async_middleware

HEADER = "Content-Security-Policy"
# A source may not carry the characters that separate directives and sources.
_FORBIDDEN_IN_SOURCE = {";", ",", "\n", "\r"}
# The directives that stand alone, without sources.
_VALUELESS = {"upgrade-insecure-requests", "block-all-mixed-content"}


def with_extra_sources(
    directives: Mapping[str, Sequence[str]], extra: str
) -> dict[str, list[str]]:
    """The directives with ``extra`` ("img-src https://cdn.example.com;
    connect-src wss://feed.example.com") appended, directive by directive.

    A directive the base lacks is added; a malformed entry stops the start-up
    with the reason, like any other bad setting.
    """
    merged = {name: list(sources) for name, sources in directives.items()}
    for part in extra.split(";"):
        words = part.split()
        if not words:
            continue
        name, *sources = words
        valueless = name.lower() in _VALUELESS
        if bool(sources) == valueless or not name.replace("-", "").isalpha():
            raise ValueError(
                f"CSP_EXTRA_SOURCES: {part.strip()!r} is not "
                "'<directive> <source> ...' (e.g. 'img-src https://cdn.example.com')"
            )
        bucket = merged.setdefault(name.lower(), [])
        bucket.extend(source for source in sources if source not in bucket)
    return merged


def policy_text(directives: Mapping[str, Sequence[str]]) -> str:
    for sources in directives.values():
        for source in sources:
            if _FORBIDDEN_IN_SOURCE & set(source):
                raise ValueError(f"CSP source {source!r} holds a separator")
    return _joined(directives)


def _joined(directives: Mapping[str, Sequence[str]]) -> str:
    return "; ".join(
        " ".join([name, *sources]) if sources else name
        for name, sources in directives.items()
    )


def _socket_source(request) -> str | None:
    """This site's own WebSocket origin: CSP Level 3 lets 'self' match it,
    but older Safari did not, and phones keep old browsers for years."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    return ("wss://" if request.is_secure() else "ws://") + host


@sync_and_async_middleware
def content_security_policy(get_response):
    """Adds the policy to every response that does not set its own."""
    directives = with_extra_sources(settings.SECURE_CSP, settings.CSP_EXTRA_SOURCES)
    plain = policy_text(directives)
    connect = directives.get("connect-src")

    # With DEBUG on, every 404 and 500 is Django's technical page, whose
    # inline styles and scripts the policy would strip: leave those alone.
    debug_pages = {404, 500} if settings.DEBUG else set()

    def add_header(request, response) -> None:
        if response.status_code not in debug_pages:
            response.headers.setdefault(HEADER, header_for(request))

    def header_for(request) -> str:
        source = _socket_source(request) if connect is not None else None
        if source is None or source in connect:
            return plain
        return _joined({**directives, "connect-src": [*connect, source]})

    if iscoroutinefunction(get_response):

        async def middleware(request):
            response = await get_response(request)
            add_header(request, response)
            return response

    else:

        def middleware(request):
            response = get_response(request)
            add_header(request, response)
            return response

    return middleware
