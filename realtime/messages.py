"""What a browser sends on a socket, read once and checked before use.

Every consumer reads its messages through ``read``: a message is one JSON
object of bounded size and depth, whose every string can travel back out as
UTF-8 and be stored (no lone surrogates, which ``json`` accepts as escapes
but nothing can encode; no NUL, which PostgreSQL refuses in text), with no
number that is not finite, and whose fields the consumer names have the types
it expects. Anything else raises ``Refused`` with a sentence for the sender;
it never reaches the domain code, so a hostile message can neither crash the
socket nor poison what is stored and broadcast to others.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# An object holding lists or objects holding plain values: deeper than any
# message the pages send (htmx nests its HEADERS one level down).
MAX_DEPTH = 4
# An id or a position fits the database's integer column.
MAX_INDEX = 2**31 - 1


class Refused(Exception):
    """A message that does not fit; ``message`` is for the sender."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ListOf:
    """A field holding a list whose items are of ``types``."""

    types: tuple[type, ...]


def read(text_data, bytes_data, *, max_bytes: int, fields: dict) -> dict:
    """The message as a dict, or ``Refused``. ``fields`` maps a field's name
    to the type (or tuple of types, or ``ListOf``) it must have when present;
    other fields are left as they are (and the consumer ignores them)."""
    if bytes_data is not None or text_data is None:
        raise Refused(_("Send text messages only."))
    try:
        size = len(text_data.encode())
    except UnicodeEncodeError:
        raise Refused(NOT_ALLOWED) from None
    if size > max_bytes:
        raise Refused(_("That message is too long."))
    try:
        message = _decoder.decode(text_data)
    except (ValueError, RecursionError):  # RecursionError: nested very deep
        raise Refused(NOT_JSON) from None
    if not isinstance(message, dict):
        raise Refused(NOT_JSON)
    # Walked only when it may matter, so a usual answer skips it: a NUL or
    # a lone surrogate in a string needs a \u escape (the text itself is
    # encodable, and raw control characters are not JSON), and the depth
    # cannot pass the number of brackets.
    if "\\u" in text_data or (text_data.count("{") + text_data.count("[") > MAX_DEPTH):
        _check_values(message)
    for name, expected in fields.items():
        if name in message and not _fits(message[name], expected):
            raise Refused(_("That message has a field of the wrong type."))
    return message


def as_index(value) -> int | None:
    """A position or an id as the pages send it (a number or a string of
    digits), or None when it is neither or out of the database's range."""
    if isinstance(value, str) and value.strip().isdecimal() and len(value) < 12:
        value = int(value)
    if type(value) is not int or not 0 <= value <= MAX_INDEX:
        return None
    return value


NOT_JSON = _("That message is not valid JSON.")
NOT_ALLOWED = _("That message contains characters that are not allowed.")


def _not_a_number(constant: str):
    raise ValueError(constant)  # NaN, Infinity: not JSON, whatever Python says


def _finite(number: str) -> float:
    value = float(number)
    if not math.isfinite(value):  # 1e999 parses as infinity
        raise ValueError(number)
    return value


_decoder = json.JSONDecoder(parse_constant=_not_a_number, parse_float=_finite)


def _check_values(message: dict) -> None:
    """Depth and strings, walked without recursion (so a message nested as
    deep as the parser allows cannot exhaust the stack here)."""
    waiting = [(message, 1)]
    while waiting:
        value, depth = waiting.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise Refused(_("That message is nested too deeply."))
            if isinstance(value, dict):
                for key in value:
                    _check_text(key)
                value = value.values()
            waiting.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _check_text(value)


def storable(text: str) -> bool:
    """Whether ``text`` can be stored and sent back: no NUL (PostgreSQL
    refuses it in text), nothing UTF-8 cannot carry (a lone surrogate)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _check_text(text: str) -> None:
    if not storable(text):
        raise Refused(NOT_ALLOWED)


def _fits(value, expected) -> bool:
    expected = expected if isinstance(expected, tuple) else (expected,)
    for kind in expected:
        if isinstance(kind, ListOf):
            if isinstance(value, list) and all(_fits(v, kind.types) for v in value):
                return True
        elif isinstance(value, kind) and not (
            isinstance(value, bool) and kind is not bool
        ):
            return True
    return False
