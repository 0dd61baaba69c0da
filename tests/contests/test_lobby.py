"""The console's lobby: Start only once someone has joined."""

from __future__ import annotations

import re

from django.urls import reverse

from contests.engine import setup, snapshots
from tests.factories import make_user


def start_button(html: str) -> str:
    """The lobby's Start button's opening tag."""
    (tag,) = re.findall(r"<button[^>]*\"action\": \"start\"[^>]*>", html)
    return tag


def test_start_waits_for_the_first_player(client, quiz, team):
    client.force_login(quiz.host)
    console = client.get(
        reverse("contests:console", args=[quiz.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert " disabled" in start_button(console)
    assert "Start opens once someone has joined." in console

    setup.join_contest(contest=quiz, user=make_user(username="p1", team=team))
    refresh = snapshots.host_roster_snapshot(contest_id=quiz.pk, language="en")
    assert " disabled" not in start_button(refresh)
    assert "Start opens once someone has joined." not in refresh


def test_a_tv_in_the_lobby_gets_a_qr_code_of_the_join_address(quiz, settings):
    import segno

    from contests.engine import audience

    settings.SITE_URLS = ["https://star.example.com/", "http://star.intranet:8000"]
    tv = audience.audience_snapshot(contest_id=quiz.pk, language="en")
    assert quiz.pin in tv
    expected = segno.make(f"https://star.example.com/join/{quiz.pin}/", error="m")
    assert expected.svg_inline(omitsize=True, border=2) in tv

    settings.SITE_URLS = []  # the address people open is unknown: the PIN only
    tv = audience.audience_snapshot(contest_id=quiz.pk, language="en")
    assert quiz.pin in tv
    assert "<svg" not in tv
