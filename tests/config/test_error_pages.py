"""403, 404 and 500 come in the site's layout and language, with a way home."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path, reverse
from django.utils import translation
from django.views.defaults import server_error


def fail(request):
    raise RuntimeError("a bug")


# This module is the URLconf of the 500 tests: the site plus one failing page.
urlpatterns = [path("fail/", fail), path("", include("config.urls"))]

LANGUAGES = [
    ("zh-CN", "返回首页", "服务之星"),
    ("en", "Back to home", "ServiceStar"),
]


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


@pytest.mark.parametrize(("accept", "back", "brand"), LANGUAGES)
def test_an_unknown_address_answers_404_in_our_layout(client, db, accept, back, brand):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=accept)
    text = response.content.decode()
    assert response.status_code == 404
    assert 'class="topbar"' in text and brand in text
    assert f'href="{reverse("people:home")}">{back}</a>' in text
    assert {"zh-CN": "页面不存在", "en": "Page not found"}[accept] in text


def test_a_signed_in_person_keeps_their_menu_on_a_404(client, agent):
    client.force_login(agent)
    text = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My profile" in text and "Log out" in text


@pytest.mark.parametrize(("accept", "back", "brand"), LANGUAGES)
def test_an_agent_on_a_trainers_page_gets_403_in_our_layout(
    client, agent, accept, back, brand
):
    client.force_login(agent)
    response = client.get(reverse("people:roster"), HTTP_ACCEPT_LANGUAGE=accept)
    text = response.content.decode()
    assert response.status_code == 403
    assert 'class="topbar"' in text and brand in text
    assert f'href="{reverse("people:home")}">{back}</a>' in text
    assert {"zh-CN": "你无权打开此页面", "en": "This page is not open to you"}[
        accept
    ] in text


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(("accept", "back", "brand"), LANGUAGES)
def test_a_failing_page_answers_500_in_our_layout(db, accept, back, brand):
    client = Client(raise_request_exception=False)
    response = client.get("/fail/", HTTP_ACCEPT_LANGUAGE=accept)
    text = response.content.decode()
    assert response.status_code == 500
    assert 'class="topbar"' in text and brand in text
    assert '<link rel="stylesheet" href="/static/css/app.css">' in text
    assert f'href="/">{back}</a>' in text
    assert {"zh-CN": "出错了", "en": "Something went wrong"}[accept] in text


def test_the_500_page_needs_no_database_nor_static_manifest(settings, tmp_path):
    """No ``db`` fixture: a query here fails the test. The production static
    storage with no manifest at all breaks ``{% static %}``; not this page."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "出错了" in response.content.decode()
