"""Who is signed in on a WebSocket, read for many sockets at once.

Channels' AuthMiddleware reads each socket's session and user in its own trip
to the database thread before the consumer even starts: a floor of a
thousand connecting together queues two thousand queries one after another
(docs/performance.md). A consumer that seats its sockets in batches
(contests/engine/consumer.py) reads them here instead, for the whole batch in two
queries, under the same rules as ``django.contrib.auth.get_user``: a session
that has not expired, names a configured backend and a user that backend
still lets in, and carries the hash of that user's current password (or of
one under a fallback secret key). Nothing is written: a session that fails
is simply not signed in here, and the page's next request deals with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.http.cookie import parse_cookie
from django.utils import timezone
from django.utils.crypto import constant_time_compare


def session_key(scope: dict) -> str:
    """The session key in a WebSocket's cookie header ("" if none)."""
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            cookies = parse_cookie(value.decode("latin-1"))
            return cookies.get(settings.SESSION_COOKIE_NAME, "")
    return ""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who a session signs in, and until when (the session's expiry)."""

    user: object
    expires_at: datetime


def signed_in_users(keys: list[str]) -> dict[str, object]:
    """{session key: the user signed in with it} for those of ``keys`` that
    are valid; the others are left out."""
    return {key: found.user for key, found in signed_in(keys).items()}


def signed_in(keys: list[str]) -> dict[str, SignedIn]:
    """{session key: who it signs in and until when} for those of ``keys``
    that are valid; the others are left out."""
    sessions = _sessions({key for key in keys if key})
    wanted = {}  # session key: (backend path, user id)
    user_model = get_user_model()
    for key, (data, _expires_at) in sessions.items():
        try:
            user_id = user_model._meta.pk.to_python(data[SESSION_KEY])
            backend_path = data[BACKEND_SESSION_KEY]
        except (KeyError, ValidationError):
            continue
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            wanted[key] = (backend_path, user_id)
    users = _users(wanted.values())
    found = {}
    for key, (backend_path, user_id) in wanted.items():
        user = users.get((backend_path, user_id))
        data, expires_at = sessions[key]
        if user is not None and _hash_matches(data, user):
            found[key] = SignedIn(user, expires_at)
    return found


def existing(keys: list[str]) -> set[str]:
    """Those of ``keys`` whose session is still stored, valid or not."""
    keys = {key for key in keys if key}
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if issubclass(store_class, DatabaseSessionStore):
        model = store_class.get_model_class()
        return set(
            model.objects.filter(session_key__in=keys).values_list(
                "session_key", flat=True
            )
        )
    return {key for key in keys if store_class().exists(key)}


def _sessions(keys: set[str]) -> dict[str, tuple[dict, datetime]]:
    """{key: (session data, expiry)} of the unexpired sessions among ``keys``."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not keys:
        return {}
    if issubclass(store_class, DatabaseSessionStore):
        rows = store_class.get_model_class().objects.filter(
            session_key__in=keys, expire_date__gt=timezone.now()
        )
        decoder = store_class()
        return {
            row.session_key: (decoder.decode(row.session_data), row.expire_date)
            for row in rows
        }
    sessions = {}
    for key in keys:  # another engine: its own reads, one a key
        store = store_class(session_key=key)
        data = dict(store.items())
        if data:
            sessions[key] = (data, store.get_expiry_date())
    return sessions


def _users(wanted) -> dict[tuple, object]:
    """{(backend path, user id): user} for those each backend lets in."""
    by_backend: dict[str, set] = {}
    for backend_path, user_id in wanted:
        by_backend.setdefault(backend_path, set()).add(user_id)
    users = {}
    for backend_path, ids in by_backend.items():
        backend = load_backend(backend_path)
        if type(backend).get_user is ModelBackend.get_user:
            found = get_user_model()._default_manager.filter(pk__in=ids)
            for user in found:
                if backend.user_can_authenticate(user):
                    users[(backend_path, user.pk)] = user
            continue
        for user_id in ids:  # another backend: its own reads, one a user
            user = backend.get_user(user_id)
            if user is not None:
                users[(backend_path, user_id)] = user
    return users


def _hash_matches(session: dict, user) -> bool:
    if not hasattr(user, "get_session_auth_hash"):
        return True
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash:
        return False
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    return any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    )
