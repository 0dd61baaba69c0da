"""Who a quiz socket is signed in as: the same rules as a page, for many at once."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from realtime.sessions import session_key, signed_in_users
from tests.factories import make_user
from tests.sockets import session_cookie_for


def test_only_live_sessions_of_active_users_with_their_current_password_count(
    db, team, django_assert_num_queries, settings
):
    settings.SECRET_KEY_FALLBACKS = []
    keep = [make_user(team=team) for _ in range(3)]
    valid = [session_cookie_for(user) for user in keep]

    changed_password = make_user(team=team)
    stale = session_cookie_for(changed_password)
    changed_password.set_password("a-new-password-9")
    changed_password.save()

    left = make_user(team=team)
    inactive = session_cookie_for(left)
    left.is_active = False
    left.save()

    expired = session_cookie_for(make_user(team=team))
    Session.objects.filter(session_key=expired).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    keys = [*valid, stale, inactive, expired, "not-a-session", ""]
    with django_assert_num_queries(2):  # sessions, then users: however many
        users = signed_in_users(keys)
    assert {key: user.pk for key, user in users.items()} == {
        key: user.pk for key, user in zip(valid, keep, strict=True)
    }


def test_a_session_signed_under_a_retired_secret_key_counts_only_while_listed(
    db, team, settings
):
    user = make_user(team=team)
    settings.SECRET_KEY = "the-old-secret-key-" + "x" * 40
    key = session_cookie_for(user)
    settings.SECRET_KEY = "the-new-secret-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = ["the-old-secret-key-" + "x" * 40]
    assert signed_in_users([key])[key].pk == user.pk
    settings.SECRET_KEY_FALLBACKS = []
    assert signed_in_users([key]) == {}


def test_the_session_key_is_read_from_the_cookie_header(settings):
    name = settings.SESSION_COOKIE_NAME
    header = f"django_language=en; {name}=abc123; other=1".encode()
    assert session_key({"headers": [(b"cookie", header)]}) == "abc123"
    assert session_key({"headers": [(b"host", b"x")]}) == ""
