"""ASGI middleware of the server: request size caps, the last-resort error answer, nosniff.

CORS is Starlette's ``CORSMiddleware`` (configured in :mod:`mla_kg.server.app`); the access
log is :mod:`mla_kg.server.access_log`.
"""

from __future__ import annotations

import logging
import traceback

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mla_kg.server import protocol
from mla_kg.server.limits import MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_URL_BYTES
from mla_kg.server.responses import error_response

log = logging.getLogger("mla_kg.server")
_NOSNIFF = (b"x-content-type-options", b"nosniff")


class NoSniffMiddleware:
    """Add ``X-Content-Type-Options: nosniff`` to every response, so no browser guesses a type.

    An answer is data (results, RDF, error text); a browser that sniffed it as HTML could run
    what a literal holds.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and add the header to its answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] != _NOSNIFF[0]]
                message = {**message, "headers": [*headers, _NOSNIFF]}
            await send(message)

        await self.app(scope, receive, send_with_header)


class _BodyTooLarge(Exception):
    """A request body grew past the cap while being read."""


class GuardMiddleware:
    """Refuse oversized requests, and turn any uncaught error into a 500 without details.

    The traceback goes to the server log; the client learns only that the server failed.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the sizes, then run the app and catch whatever it lets escape."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", [])
        accept = next((v.decode("latin-1") for k, v in headers if k == b"accept"), None)
        url_bytes = len(scope.get("raw_path") or b"") + len(scope.get("query_string", b""))
        header_bytes = sum(len(key) + len(value) + 4 for key, value in headers)
        length = next((value for key, value in headers if key == b"content-length"), b"0")
        refusal = None
        if url_bytes > MAX_URL_BYTES:
            refusal = (
                414,
                f"the URL is longer than {MAX_URL_BYTES} bytes; POST a long query to /sparql "
                "as application/sparql-query instead",
            )
        elif header_bytes > MAX_HEADER_BYTES:
            refusal = (431, f"the request headers are larger than {MAX_HEADER_BYTES} bytes")
        elif not length.strip().isdigit():
            refusal = (400, "the Content-Length header is not a number")
        elif int(length) > MAX_BODY_BYTES:
            refusal = (
                413,
                f"the request body is larger than {MAX_BODY_BYTES} bytes; send a shorter query",
            )
        if refusal:
            status, message = refusal
            title = protocol.TITLES[status]
            await error_response(status, title, message, accept)(scope, receive, send)
            return
        started = False

        async def send_noting(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_noting)
        except ClientDisconnect:
            # A client that hangs up before its request is read is a normal event: nobody is
            # left to answer, and the access log says so (status 499).
            scope.setdefault("state", {})["client_gone"] = True
            log.info("client hung up during %s %s", scope["method"], scope["path"])
        except Exception:
            log.error(
                "unhandled error on %s %s\n%s",
                scope["method"],
                scope["path"],
                traceback.format_exc(),
            )
            if not started:
                response = error_response(
                    500,
                    "Internal error",
                    "the server failed on this request; the server log has the details",
                    accept,
                )
                await response(scope, receive, send)
