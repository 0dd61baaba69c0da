"""Every response carries a Content-Security-Policy that refuses inline code.

The browser test (tests/e2e/test_csp_browser.py) shows the pages work under
it; these check the header itself, how a deployer extends it, and that no
template brings back what it refuses.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import AsyncClient, Client, override_settings
from django.urls import reverse

from config.csp import with_extra_sources
from tests.factories import make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_strict(response) -> None:
    policy = directives(response)
    for name in ("script-src", "style-src"):
        assert policy[name] == ["'self'"], (name, policy)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in source for s in policy.values() for source in s)


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_strict_policy(client, manager):
    anonymous = Client(enforce_csrf_checks=True)
    responses = {
        "login page": anonymous.get(reverse("people:login")),
        "redirect to login": anonymous.get(reverse("people:home")),
        "refused form (CSRF)": anonymous.post(reverse("people:login"), {}),
        "not found": anonymous.get("/no-such-page/"),
        "pairing screen": anonymous.get(reverse("leaderboard:display")),
        "pairing poll (JSON)": anonymous.get(reverse("leaderboard:display_pairing")),
        "health check": anonymous.get("/healthz"),
        "admin login": anonymous.get("/admin/login/"),
    }
    client.force_login(manager)
    responses["manager's page"] = client.get(reverse("people:manage"))
    client.force_login(make_user(role="manager", is_staff=True, is_superuser=True))
    responses["admin index"] = client.get("/admin/")
    responses["admin change list"] = client.get("/admin/people/user/")
    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == {
        "login page": 200,
        "redirect to login": 302,
        "refused form (CSRF)": 403,
        "not found": 404,
        "pairing screen": 200,
        "pairing poll (JSON)": 200,
        "health check": 200,
        "admin login": 200,
        "manager's page": 200,
        "admin index": 200,
        "admin change list": 200,
    }
    for response in responses.values():
        assert_strict(response)


@pytest.mark.django_db
@pytest.mark.asyncio
async def test_the_policy_is_added_on_the_asgi_path_too():
    response = await AsyncClient().get(reverse("people:login"))
    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.django_db
def test_sockets_to_the_page_own_host_are_allowed_by_name(client):
    """'self' covers them in CSP 3, but older Safari wanted them named."""
    plain = directives(client.get(reverse("people:login")))
    assert plain["connect-src"] == ["'self'", "ws://testserver"]
    secure = directives(client.get(reverse("people:login"), secure=True))
    assert secure["connect-src"] == ["'self'", "wss://testserver"]


def test_a_deployer_adds_sources_directive_by_directive():
    base = {"img-src": ["'self'"], "connect-src": ["'self'"]}
    merged = with_extra_sources(
        base,
        "img-src https://cdn.example.com; connect-src wss://feed.example.com "
        "'self'; report-uri /csp-report/; upgrade-insecure-requests",
    )
    assert merged == {
        "img-src": ["'self'", "https://cdn.example.com"],
        "connect-src": ["'self'", "wss://feed.example.com"],
        "report-uri": ["/csp-report/"],
        "upgrade-insecure-requests": [],
    }
    assert base["img-src"] == ["'self'"]  # the settings' own dict is untouched


@pytest.mark.parametrize(
    "extra",
    ["img-src", "img_src https://x.example", "http://x", "upgrade-insecure-requests x"],
)
def test_a_malformed_extra_source_stops_the_start(extra):
    with pytest.raises(ValueError, match="CSP_EXTRA_SOURCES"):
        with_extra_sources({"img-src": ["'self'"]}, extra)


@pytest.mark.django_db
def test_the_extra_sources_setting_reaches_the_header():
    with override_settings(CSP_EXTRA_SOURCES="img-src https://cdn.example.com"):
        response = Client().get(reverse("people:login"))
    assert directives(response)["img-src"] == ["'self'", "https://cdn.example.com"]


@pytest.mark.django_db
def test_with_debug_on_django_error_pages_keep_their_inline_styles():
    with override_settings(DEBUG=True):
        client = Client()
        missing = client.get("/no-such-page/")
        login = client.get(reverse("people:login"))
    assert missing.status_code == 404
    assert "Content-Security-Policy" not in missing.headers
    assert_strict(login)


# What the policy refuses, as it would appear in a template.
INLINE = re.compile(
    r"""\sstyle\s*=|<style[\s>]|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=\s*["']"""
    r"""|hx-on|["']js:|javascript:""",
    re.IGNORECASE,
)


def test_no_template_holds_inline_script_or_style():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if INLINE.search(line)
    ]
    assert found == []
