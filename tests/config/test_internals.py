"""Other places that lean on another library's internals (docs/operations.md,
"Other people's internals"; the hub's direct write has its own tests). Each
fails when a release moves what the place relies on, instead of the place
quietly doing nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib.metadata import version

import pytest
from autobahn.websocket import protocol as autobahn_protocol
from channels.consumer import AsyncConsumer
from channels.layers import InMemoryChannelLayer as StockLayer
from django.contrib.auth import get_user
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone

from contests.engine.consumer import ContestConsumer
from realtime import layers
from realtime.live import LeanDispatch
from realtime.sessions import signed_in_users
from tests.daphne_objects import open_socket
from tests.factories import make_user
from tests.servers import ROOT, base_env
from tests.sockets import session_cookie_for

LEANED_ON = ("autobahn", "channels", "daphne", "twisted")


def test_the_libraries_leaned_on_are_pinned_and_installed_at_their_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = dict(pin.lower().split("==") for pin in project["dependencies"])
    assert {name: version(name) for name in LEANED_ON} == {
        name: pins[name] for name in LEANED_ON
    }


def test_autobahn_formats_each_new_socket_through_the_name_the_server_replaces(
    monkeypatch,
):
    formatted = []
    monkeypatch.setattr(autobahn_protocol, "pformat", formatted.append)
    with open_socket():
        pass
    assert formatted, "autobahn no longer calls its module's pformat on connect"


def test_the_server_defers_autobahns_formatting_and_tunes_the_collector(tmp_path):
    code = (
        "import gc, json, config.asgi as asgi;"
        "from autobahn.websocket import protocol;"
        "print(json.dumps([protocol.pformat is asgi._FormattedIfLogged,"
        " gc.get_freeze_count() > 0, gc.get_threshold()]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == [True, True, [5000, 20, 100]]


def test_channels_dispatch_still_differs_from_lean_dispatch_only_by_its_db_hop():
    # LeanDispatch copies AsyncConsumer.dispatch without the stale-connection
    # cleanup; a release that adds a step there must be looked at.
    assert set(AsyncConsumer.dispatch.__code__.co_names) == {
        "getattr",
        "get_handler_name",
        "aclose_old_connections",
        "ValueError",
    }
    assert ContestConsumer.dispatch is LeanDispatch.dispatch


def test_the_stock_layer_sweeps_in_the_calls_the_override_throttles():
    for method in (StockLayer.receive, StockLayer.group_send):
        assert "_clean_expired" in method.__code__.co_names


@pytest.mark.asyncio
async def test_the_in_memory_layer_sweeps_at_most_once_a_second(monkeypatch):
    sweeps = []
    monkeypatch.setattr(StockLayer, "_clean_expired", lambda layer: sweeps.append(1))
    layer = layers.InMemoryChannelLayer()
    for _ in range(5):
        await layer.group_send("floor", {"type": "hub.frame"})
    assert len(sweeps) == 1
    layer.swept_at -= layers.SWEEP_EVERY_S  # a second later
    await layer.group_send("floor", {"type": "hub.frame"})
    assert len(sweeps) == 2


def test_sockets_are_signed_in_as_djangos_get_user_would_sign_in_a_page(
    db, team, settings
):
    settings.SECRET_KEY_FALLBACKS = []
    people = [make_user(team=team) for _ in range(4)]
    keys = [session_cookie_for(person) for person in people]
    people[1].set_password("a-new-password-9")
    people[1].save()
    people[2].is_active = False
    people[2].save()
    Session.objects.filter(session_key=keys[3]).update(expire_date=timezone.now())
    batch = signed_in_users(keys)
    for key in keys:
        request = HttpRequest()
        request.session = SessionStore(session_key=key)
        page = get_user(request)
        assert (batch[key].pk if key in batch else None) == page.pk
