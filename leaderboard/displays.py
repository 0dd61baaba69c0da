"""Pairing wall displays, their tokens, heartbeats and revocation.

A TV asks for a code (``start_pairing``) and keeps a random browser secret in
a short cookie; a manager claims the code (``claim_code``), which creates the
display; the TV, polling with its browser secret, collects a fresh token once
(``collect_token``). Only hashes of the browser secret and of the token are
stored. The token is ``"<display id>.<secret>"``: the id finds the row, the
hash comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from leaderboard.models import Display, PairingCode

# No look-alikes: no 0/O/D/Q, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V.
ALPHABET = "ACEFHJKMNPRTWXY3479"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(minutes=10)
# A claimed code waits this long for its TV to come and collect the token.
COLLECT_WITHIN = timedelta(days=1)
HEARTBEAT_EVERY_S = 30

TOKEN_COOKIE = "servicestar_display"  # noqa: S105 - a cookie name, not a secret
PAIRING_COOKIE = "servicestar_display_pairing"
# Browsers cap cookie lifetimes at 400 days; the board page renews it on every
# load, and the TV reloads itself nightly.
TOKEN_MAX_AGE = 400 * 24 * 3600
PAIRING_MAX_AGE = 3600


class PairingRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(typed: str) -> str:
    """What a manager typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


def pretty_code(code: str) -> str:
    """ABCD-EFGH: two groups of four are easier to read across a room."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


# The TV's side of pairing.


class PairingThrottled(Exception):
    """This address asked for too many new codes within CODE_LIFETIME."""


@transaction.atomic
def start_pairing(
    *, browser_secret: str | None, address: str | None = None
) -> tuple[PairingCode, str]:
    """The code this browser shows: its own unexpired one, or a new one.

    A new code counts against ``address`` (the client's; None for codes the
    server asks for itself): nobody logs in to see this page, so without a
    limit any script could fill the table. Raises PairingThrottled over it.
    Returns (code, browser secret); the secret goes into the pairing cookie.
    """
    now = timezone.now()
    if browser_secret:
        mine = PairingCode.objects.filter(browser_hash=digest(browser_secret)).first()
        if mine is not None and (mine.display_id or not mine.is_expired):
            return mine, browser_secret
    if address is not None:
        _count_new_code(address)
    PairingCode.objects.filter(
        Q(display__isnull=True, expires_at__lt=now)
        | Q(claimed_at__lt=now - COLLECT_WITHIN)
    ).delete()
    browser_secret = secrets.token_urlsafe(32)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                code = PairingCode.objects.create(
                    code=new_code(),
                    browser_hash=digest(browser_secret),
                    created_at=now,
                    expires_at=now + CODE_LIFETIME,
                )
            return code, browser_secret
        except IntegrityError:  # the same code is live on another TV
            continue
    raise RuntimeError("Could not find a free pairing code")


def _count_new_code(address: str) -> None:
    # A window as long as a code lives: an address holds at most this many
    # unclaimed codes. Counted in the cache, so Redis shares it among workers.
    key = f"display-pairing:{address}"
    cache.add(key, 0, timeout=int(CODE_LIFETIME.total_seconds()))
    try:
        asked = cache.incr(key)
    except ValueError:  # expired between add and incr: a fresh window
        cache.add(key, 1, timeout=int(CODE_LIFETIME.total_seconds()))
        asked = 1
    if asked > settings.DISPLAY_CODES_PER_ADDRESS:
        raise PairingThrottled


@dataclass(frozen=True)
class Collected:
    state: str  # "paired", "waiting" or "expired"
    display: Display | None = None
    token: str = ""
    expires_at: object = None


@transaction.atomic
def collect_token(*, browser_secret: str | None) -> Collected:
    """Once the code is claimed, give this browser its display's token (once)."""
    if not browser_secret:
        return Collected("expired")
    code = (
        # of=self: PostgreSQL cannot lock the nullable side of the join.
        PairingCode.objects.select_for_update(of=("self",))
        .select_related("display")
        .filter(browser_hash=digest(browser_secret))
        .first()
    )
    if code is None:
        return Collected("expired")
    if code.display is None:
        if code.is_expired:
            return Collected("expired")
        return Collected("waiting", expires_at=code.expires_at)
    display = code.display
    if display.is_revoked:
        code.delete()
        return Collected("expired")
    token = f"{display.pk}.{secrets.token_urlsafe(32)}"
    display.token_hash = digest(token)
    display.paired_at = timezone.now()
    display.save(update_fields=["token_hash", "paired_at"])
    code.delete()
    return Collected("paired", display=display, token=token)


# The manager's side.


@transaction.atomic
def claim_code(*, code: str, by, **fields) -> Display:
    """Pair the TV showing ``code`` as a new display with these settings."""
    found = (
        PairingCode.objects.select_for_update()
        .filter(code=normalize_code(code))
        .first()
    )
    if found is None or (found.display_id is None and found.is_expired):
        raise PairingRefused(
            _("No screen shows this code. Check it, or reload the TV for a new one.")
        )
    if found.display_id is not None:
        raise PairingRefused(_("This code has already been used."))
    display = Display(paired_by=by, **fields)
    display.full_clean(exclude=["paired_by"])
    display.save()
    found.display = display
    found.claimed_at = timezone.now()
    found.save(update_fields=["display", "claimed_at"])
    return display


@transaction.atomic
def update_display(*, display: Display, **changes) -> Display:
    for field, value in changes.items():
        setattr(display, field, value)
    display.full_clean()
    display.save()
    # The TV reloads its page: new scope, panels, language or pace.
    group = display.group()
    _after_commit(group, {"type": "display.reload"})
    return display


@transaction.atomic
def revoke_display(*, display: Display, by) -> Display:
    display = Display.objects.select_for_update().get(pk=display.pk)
    if display.revoked_at is None:
        display.revoked_at = timezone.now()
        display.revoked_by = by
        display.save(update_fields=["revoked_at", "revoked_by"])
        PairingCode.objects.filter(display=display).delete()
    _after_commit(display.group(), {"type": "display.revoked"})
    return display


def _after_commit(group: str, event: dict) -> None:
    layer = get_channel_layer()
    transaction.on_commit(lambda: async_to_sync(layer.group_send)(group, event))


# Who is asking: a token from a cookie.


@dataclass(frozen=True)
class TokenCheck:
    state: str  # "ok", "revoked" or "unknown"
    display: Display | None = None


def check_token(token: str | None) -> TokenCheck:
    """The display a token belongs to, if it is valid and not revoked."""
    if not token or "." not in token:
        return TokenCheck("unknown")
    display_id, _dot, _secret = token.partition(".")
    if not display_id.isdigit():
        return TokenCheck("unknown")
    display = (
        Display.objects.select_related("site", "team").filter(pk=display_id).first()
    )
    if display is None or not display.token_hash:
        return TokenCheck("unknown")
    if not hmac.compare_digest(digest(token), display.token_hash):
        return TokenCheck("unknown")
    if display.is_revoked:
        return TokenCheck("revoked", display)
    return TokenCheck("ok", display)


def token_from_headers(headers) -> str | None:
    """The display token from a WebSocket scope's Cookie header."""
    raw = dict(headers or []).get(b"cookie", b"").decode("latin-1")
    cookie = SimpleCookie()
    try:
        cookie.load(raw)
    except Exception:  # a malformed Cookie header: no token
        return None
    morsel = cookie.get(TOKEN_COOKIE)
    return morsel.value if morsel else None


def touch(display_id: int) -> bool:
    """Record a heartbeat. False when the display was revoked meanwhile."""
    return bool(
        Display.objects.filter(pk=display_id, revoked_at__isnull=True).update(
            last_seen_at=timezone.now()
        )
    )
