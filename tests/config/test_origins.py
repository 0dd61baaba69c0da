"""A WebSocket opens only from a page of the site's own address: the same
scheme, host and port, whatever cookies the browser sends along."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings

from config.origins import allowed_origins, site_origin
from config.routing import build_websocket_application
from tests.sockets import session_cookie_for

SITE = ["https://star.example.com:443"]


async def open_me(agent, origin: bytes | None) -> bool:
    session = await sync_to_async(session_cookie_for)(agent)
    headers = [
        (b"host", b"star.example.com"),
        (b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={session}".encode()),
    ]
    if origin is not None:
        headers.append((b"origin", origin))
    socket = WebsocketCommunicator(build_websocket_application(), "/ws/me/", headers)
    connected, _code = await socket.connect()
    await socket.disconnect()
    return connected


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "origin",
    [
        b"https://star.example.com",
        b"https://star.example.com:443",
        b"HTTPS://Star.Example.com",
    ],
)
async def test_a_page_of_the_site_opens_its_socket(agent, settings, origin):
    settings.ALLOWED_HOSTS = ["star.example.com"]
    settings.WEBSOCKET_ORIGINS = SITE
    assert await open_me(agent, origin)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "origin",
    [
        b"http://star.example.com",  # wrong scheme
        b"https://star.example.com:8443",  # wrong port
        b"http://star.example.com:8080",  # another service on the host
        b"https://ops.star.example.com",  # a subdomain is another site
        b"https://star.example.com.evil.cn",
        b"null",  # sandboxed frames, file: pages
        b"wss://star.example.com",
        b"https://star.example.com:99999",
        b"\xff\xfe",
        None,  # no Origin at all
    ],
)
async def test_any_other_origin_is_refused_before_a_consumer_runs(
    agent, settings, origin
):
    settings.ALLOWED_HOSTS = ["star.example.com"]
    settings.WEBSOCKET_ORIGINS = SITE
    assert not await open_me(agent, origin)


def test_the_site_address_is_site_url_else_the_allowed_hosts_on_the_standard_port():
    assert allowed_origins(
        site_urls=["http://star.intranet:8000/"],
        hosts=["star.intranet"],
        https=False,
        trusted=[],
    ) == ["http://star.intranet:8000"]
    assert allowed_origins(
        site_urls=[],
        hosts=["star.example.com", ".example.com", "*", "[::1]"],
        https=True,
        trusted=["https://star.example.com", "https://*.example.com"],
    ) == ["https://star.example.com:443", "https://[::1]:443"]
    assert allowed_origins(
        site_urls=[], hosts=["star.intranet"], https=False, trusted=[]
    ) == ["http://star.intranet:80"]


@pytest.mark.parametrize(
    "address",
    ["star.example.com", "ftp://star.example.com", "https://star.example.com/app", ""],
)
def test_a_site_address_that_is_not_an_origin_is_refused(address):
    with pytest.raises(ValueError):
        site_origin(address)
