"""Request bodies are capped while they arrive, before daphne buffers them.

Twisted reads a request's whole body (into memory or a temporary file) before
daphne calls the application, and daphne then queues every chunk of it for
the application at once; an ASGI middleware only ever sees a body that has
already cost its memory. So the cap sits where the body is received: daphne's
request class (a subclass of Twisted's ``Request``) gets a subclass that
refuses a declared ``Content-Length`` over the cap as soon as the headers are
in, and cuts off a chunked body the moment it passes the cap. Either way the
client gets a plain 413 and its remaining bytes are read and dropped for a few
seconds, so that a browser still sending its body sees the answer rather than
a reset connection.

Most routes take ``REQUEST_BODY_MAX_BYTES``; the upload routes
(``UPLOAD_VIEWS``, and the admin's add and change pages) take
``UPLOAD_BODY_MAX_BYTES``. This leans on daphne's and Twisted's internals
(docs/operations.md, "Other people's internals"): ``internals_moved`` names
whatever is no longer where this expects it, ``install`` then logs an error
and leaves daphne as it is, and a test fails.
"""

from __future__ import annotations

import logging
from importlib.metadata import version

from daphne import http_protocol
from django.conf import settings
from django.urls import Resolver404, resolve
from twisted.web import http

logger = logging.getLogger("servicestar.bodies")

# The releases this was written against; pyproject.toml pins them.
CHECKED_VERSIONS = {"daphne": "4.2.3", "twisted": "26.10.0"}
# How long a refused client may go on sending before the connection is cut.
LINGER_SECONDS = 5.0


class CappedRequest(http_protocol.WebRequest):
    """daphne's request, refusing a body past its cap while it arrives."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # daphne never reads Twisted's parsed form arguments, and parsing a
        # multipart body copies the whole of it in memory a few times over.
        self._parsePOSTFormSubmission = False
        self.body_cap = settings.REQUEST_BODY_MAX_BYTES
        self.body_cap_decided = False
        self.body_received = 0
        self.body_refused = False

    def gotLength(self, length):
        if length is not None and length > self.body_cap and self._raise_cap(length):
            # Twisted answers "100 Continue" after this unless told otherwise.
            self.requestHeaders.removeHeader(b"Expect")
            self._refuse()
            return
        super().gotLength(length)

    def handleContentChunk(self, data):
        if self.body_refused:
            return
        self.body_received += len(data)
        if self.body_received > self.body_cap and self._raise_cap(self.body_received):
            self._refuse()
            return
        super().handleContentChunk(data)

    def requestReceived(self, command, path, version):
        if not self.body_refused:
            super().requestReceived(command, path, version)

    def _raise_cap(self, size: int) -> bool:
        """Whether ``size`` is too much even for this route (decided once)."""
        if not self.body_cap_decided:
            self.body_cap_decided = True
            if is_upload_path(self.channel._path):
                self.body_cap = settings.UPLOAD_BODY_MAX_BYTES
        return size > self.body_cap

    def _refuse(self) -> None:
        self.body_refused = True
        channel, transport = self.channel, self.channel.transport
        transport.write(refusal(self.body_cap))
        # The client may still be sending: drop what comes instead of
        # buffering it, and close once it has had time to read the answer.
        channel.dataReceived = _discard
        if hasattr(transport, "loseWriteConnection"):
            transport.loseWriteConnection()
        from twisted.internet import reactor

        reactor.callLater(LINGER_SECONDS, transport.loseConnection)


def _discard(data: bytes) -> None:
    pass


def refusal(cap: int) -> bytes:
    """A whole HTTP response: 413 with a short text in both languages.

    Written before any request exists to Django, so no language is chosen;
    the text carries both.
    """
    megabytes = cap // (1024 * 1024)
    body = (
        f"Request too large: at most {megabytes} MB.\n"
        f"请求内容过大：最多 {megabytes} MB。\n"
    ).encode()
    head = (
        "HTTP/1.1 413 Content Too Large\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode("ascii")
    return head + body


def is_upload_path(target: bytes) -> bool:
    """Whether a request target names a route that takes file uploads."""
    try:
        match = resolve(target.split(b"?", 1)[0].decode("ascii"))
    except (Resolver404, UnicodeDecodeError, ValueError):
        return False
    if match.view_name in settings.UPLOAD_VIEWS:
        return True
    # The admin edits every model with a picture; it is staff-only.
    return match.namespace == "admin" and (match.url_name or "").endswith(
        ("_add", "_change")
    )


def versions_changed() -> list[str]:
    """daphne and Twisted releases other than the ones this was checked with."""
    return [
        f"{package} is {version(package)}, checked with {expected}"
        for package, expected in CHECKED_VERSIONS.items()
        if version(package) != expected
    ]


def internals_moved() -> list[str]:
    """What this module relies on in daphne and Twisted and no longer finds."""
    moved = []
    relied_on = [
        # daphne's factory looks its request class up by this global name.
        (http_protocol.HTTPFactory.buildProtocol, "WebRequest"),
        # Twisted's channel: the request target, then the length and the
        # chunks handed to the request.
        (http.HTTPChannel.lineReceived, "_path"),
        (http.HTTPChannel.allHeadersReceived, "gotLength"),
        (http.HTTPChannel._maybeChooseTransferDecoder, "handleContentChunk"),
        (http.Request.requestReceived, "_parsePOSTFormSubmission"),
    ]
    for function, name in relied_on:
        if name not in function.__code__.co_names:
            moved.append(f"{function.__qualname__} no longer uses {name}")
    return moved


def install() -> bool:
    """Make daphne use CappedRequest; False, logged loudly, if it cannot."""
    changed = versions_changed()
    if changed:
        logger.warning("Request body cap: check it still works: %s", "; ".join(changed))
    moved = internals_moved()
    if moved:
        logger.error(
            "Request bodies are NOT capped, daphne or Twisted changed: %s",
            "; ".join(moved),
        )
        return False
    http_protocol.WebRequest = CappedRequest
    return True
