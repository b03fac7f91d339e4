"""Responses of the server: errors as text or JSON, and answers sent within a time limit."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from mla_kg.server import protocol

log = logging.getLogger("mla_kg.server")


def error_response(
    status: int, title: str, message: str, accept: str | None = None, **headers: str
) -> Response:
    """Return an error as plain text, or as JSON when the client prefers JSON."""
    choice = protocol.negotiate(accept, ("text/plain", "application/json"))
    extra = {key.replace("_", "-"): value for key, value in headers.items()}
    if choice == "application/json":
        body = {"status": status, "title": title, "message": message}
        return JSONResponse(body, status_code=status, headers=extra)
    return Response(
        f"{status} {title}\n\n{message}\n", status, media_type="text/plain", headers=extra
    )


class TimedResponse(Response):
    """A response sent within a time limit: a client reading too slowly is cut off.

    Together with the worker's timeout, this bounds both producing and sending an answer.
    """

    def __init__(self, *args: Any, seconds: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the answer, giving up after ``seconds``."""
        try:
            await asyncio.wait_for(super().__call__(scope, receive, send), self.seconds)
        except TimeoutError:
            log.info(
                "stopped sending %d bytes to %s: not read within %g s",
                len(self.body),
                (scope.get("client") or ("?",))[0],
                self.seconds,
            )
            scope.setdefault("state", {})["client_gone"] = True
