"""The structured access log: one JSON object per request on the ``mla_kg.server.access`` logger.

Each line has the time, client, method, path, status, response size and duration; a SPARQL
request adds what the endpoint did with it (query form, rows, truncation, timeout) from
``request.state.sparql``. The query text itself is not logged, only its length. A client that
hung up before it was answered is logged with status 499 and ``"client_gone": true``.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("mla_kg.server.access")
#: The status logged for a request whose client hung up before it was answered (as nginx does).
CLIENT_GONE = 499


class AccessLogMiddleware:
    """ASGI middleware writing the access log line of every HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, noting status and size of the response as it goes out."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})  # request.state of the endpoint, read afterwards
        seen: dict[str, int] = {"status": 0, "bytes": 0}

        async def send_noting(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_noting)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                entry = _entry(scope, seen, started)
                if not seen["status"] and state.get("client_gone"):
                    entry["status"] = CLIENT_GONE
                    entry["client_gone"] = True
                if state.get("sparql"):
                    entry["sparql"] = state["sparql"]
                access_log.info(json.dumps(entry, ensure_ascii=False))


def _entry(scope: Scope, seen: dict[str, int], started: float) -> dict[str, Any]:
    """Return the fields of one access log line."""
    headers = {key.decode("latin-1"): value for key, value in scope.get("headers", [])}
    client = scope.get("client") or ("", 0)
    entry: dict[str, Any] = {
        "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "client": client[0],
        "method": scope.get("method", ""),
        "path": scope.get("path", ""),
        "query_bytes": len(scope.get("query_string", b"")),
        "status": seen["status"] or 500,
        "bytes": seen["bytes"],
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "user_agent": headers.get("user-agent", b"").decode("latin-1")[:200],
    }
    return entry
