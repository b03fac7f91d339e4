"""The mla-kg web server: a read-only SPARQL 1.1 endpoint with dumps, descriptions and pages.

:func:`get_app` builds the Starlette application; ``mla-kg serve`` runs it on uvicorn.

Routes owned here: ``/sparql`` (the SPARQL 1.1 Protocol; without a query, the Service
Description), ``/.well-known/void``, ``/dump.ttl``, ``/dump.nt``, ``/dump.jsonld``, ``/health``
and ``/ontology`` (RDF by content negotiation; HTML from the pages). Every other route comes
from :mod:`mla_kg.server.pages`.

Interface with the pages (also in ``/work/server-interface.md``)
----------------------------------------------------------------
``mla_kg.server.pages`` provides ``page_routes(endpoint: Endpoint) -> list[BaseRoute]``,
called once when the app is built (before any worker runs: no queries in it), and
``async def ontology_page(request) -> Response``, the HTML of ``/ontology``. Pages reach the
data only through the :class:`Endpoint` they are given (also ``request.app.state.endpoint``):
``select``, ``select_many``, ``graph``, ``compare`` and ``named_query``. Rows are dicts of
:class:`~mla_kg.server.results.Term`, unbound variables absent. User text (path segments,
form fields) never enters SPARQL text: it is bound as an rdflib ``URIRef`` or ``Literal``
through ``bindings`` (a plain ``str`` is refused). Failures are
:class:`~mla_kg.server.protocol.ProtocolError` with a status and a message safe to show.

Safety: queries run in worker processes that are killed and replaced when they overrun the
timeout (answered 503, while the other workers go on serving); answers are capped at
``max_rows`` with a truncation marker; URL, header and body sizes are capped; SPARQL Update and
``SERVICE`` are refused; every response, errors included, carries CORS headers; clients never
see a stack trace; every request is written to the structured access log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
import tempfile
import traceback
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mla_kg.errors import QueryTimeout, UnknownQuery
from mla_kg.namespaces import PREFIXES
from mla_kg.paths import ONTOLOGY_DIR
from mla_kg.server import guard, protocol, results
from mla_kg.server.access_log import AccessLogMiddleware
from mla_kg.server.dataset import DUMPS, Dataset, build_dataset
from mla_kg.server.discovery import Descriptions
from mla_kg.server.limits import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    MAX_BODY_BYTES,
    MAX_HEADER_BYTES,
    MAX_URL_BYTES,
)
from mla_kg.server.protocol import ProtocolError
from mla_kg.server.worker import (
    CompareJob,
    RowsJob,
    SparqlJob,
    WorkerPool,
    WorkerSettings,
)

log = logging.getLogger("mla_kg.server")

PAGE_QUERIES_DIR = Path(__file__).resolve().parent / "queries"
_BASE_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?/(?:[A-Za-z0-9._~\-]+/)*\Z")
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
_PAGE_QUERY_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_NOSNIFF = (b"x-content-type-options", b"nosniff")


def default_workers() -> int:
    """Return the default number of query workers: one per core, between 2 and 4.

    Two is the least that keeps simple queries answered while one worker is busy.
    """
    return max(2, min(4, os.cpu_count() or 2))


@dataclass(frozen=True)
class GraphAnswer:
    """A CONSTRUCT or DESCRIBE answer, serialized by content negotiation.

    :ivar media_type: the RDF media type of ``body``.
    :ivar body: the serialized triples.
    :ivar count: the number of triples.
    :ivar truncated: whether the answer was cut at the row cap.
    """

    media_type: str
    body: bytes
    count: int
    truncated: bool


Binding = Any  # rdflib URIRef or Literal, or results.Term


def _bindings(bindings: Mapping[str, Binding] | None) -> tuple[tuple[str, results.Term], ...]:
    """Turn the bindings of a page query into plain terms a worker can receive.

    :raises TypeError: for a value that is not an IRI or literal (a plain ``str`` included).
    :raises ValueError: for a name that is not a SPARQL variable name.
    """
    out = []
    for name, value in (bindings or {}).items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"{name!r} is not a variable name (letters, digits, '_')")
        out.append((name, results.Term.from_rdflib(value)))
    return tuple(out)


class Endpoint:
    """What the pages (and the ``/sparql`` route) use to query the data: the worker pool.

    :param timeout: seconds a query may run before its worker is killed.
    :param max_rows: the row cap of every answer.
    :param public_url: the server's base URL for links, or ``None`` to take it from requests.
    :param max_bytes: the byte cap of every answer.
    :param allow_federation: whether ``SERVICE`` may run (then the text check is skipped).
    """

    def __init__(
        self,
        timeout: float,
        max_rows: int,
        public_url: str | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        allow_federation: bool = False,
    ) -> None:
        self.timeout = timeout
        self.max_rows = max_rows
        self.public_url = public_url
        self.max_bytes = max_bytes
        self.allow_federation = allow_federation
        self.pool: WorkerPool | None = None
        self.dataset: Dataset | None = None

    @property
    def triples(self) -> int:
        """Return the number of triples in the default graph (0 before start-up)."""
        return self.dataset.triples if self.dataset else 0

    def base_url(self, request: Request) -> str:
        """Return the server's base URL as the client reached it, ending in ``/``.

        A ``Host`` header that is not a plain host name (and port) gives ``http://localhost/``,
        so that no client text reaches the IRIs the server writes.
        """
        if self.public_url:
            return self.public_url
        url = str(request.base_url)
        return url if _BASE_URL.match(url) else "http://localhost/"

    def _running_pool(self) -> WorkerPool:
        if self.pool is None:
            raise ProtocolError(503, "the server is starting; retry in a moment", "Starting")
        return self.pool

    async def run(self, job: SparqlJob | RowsJob | CompareJob) -> Any:
        """Run a job on the worker pool; a timeout or worker error becomes a ProtocolError."""
        try:
            answer = await self._running_pool().run(job)
        except QueryTimeout:
            raise ProtocolError(
                503,
                f"the query ran longer than this server's limit of {self.timeout:g} s and was "
                "stopped. Add LIMIT, make the patterns more specific (fewer unconnected "
                "variables), or run it on your own copy of the data (`mla-kg export`).",
                "Query timeout",
            ) from None
        if answer.status != 200:
            raise ProtocolError(answer.status, answer.message, answer.title)
        return answer

    async def select(
        self,
        sparql: str,
        bindings: Mapping[str, Binding] | None = None,
        *,
        max_rows: int | None = None,
    ) -> list[dict[str, results.Term]]:
        """Run one SELECT query and return its rows (unbound variables absent).

        :param sparql: the query text (a fixed text, never built from user input).
        :param bindings: values of variables, as rdflib ``URIRef`` / ``Literal``.
        :param max_rows: a cap below the server's.
        """
        return (await self.select_many([(sparql, bindings)], max_rows=max_rows))[0]

    async def select_many(
        self,
        queries: Sequence[tuple[str, Mapping[str, Binding] | None]],
        *,
        max_rows: int | None = None,
    ) -> list[list[dict[str, results.Term]]]:
        """Run several SELECT queries in one worker round trip; return the rows of each."""
        cap = min(max_rows or self.max_rows, self.max_rows)
        job = RowsJob(tuple((text, _bindings(bound)) for text, bound in queries), cap)
        answer = await self.run(job)
        return list(answer.rows)

    async def graph(
        self,
        sparql: str,
        bindings: Mapping[str, Binding] | None = None,
        *,
        accept: str | None = None,
    ) -> GraphAnswer:
        """Run a CONSTRUCT or DESCRIBE query and serialize it for the ``Accept`` header."""
        job = SparqlJob(
            sparql, accept, self.max_rows, bindings=_bindings(bindings), max_bytes=self.max_bytes
        )
        answer = await self.run(job)
        if answer.form != "GRAPH":
            raise ProtocolError(400, "graph() needs a CONSTRUCT or DESCRIBE query")
        return GraphAnswer(
            answer.media_type, answer.body, answer.count, answer.truncation is not None
        )

    async def compare(self, instrument_ids: Sequence[str]) -> dict[str, Any]:
        """Return the comparison of instruments in the comparison layer's JSON form.

        :raises ProtocolError: 404 naming the known ids when an id is unknown.
        """
        answer = await self.run(CompareJob(tuple(str(i) for i in instrument_ids)))
        data: dict[str, Any] = answer.data
        return data

    def named_query(self, name: str) -> str:
        """Return the text of a page query, ``mla_kg/server/queries/<name>.rq``.

        :raises UnknownQuery: naming the page queries there are.
        """
        known = sorted(path.stem for path in PAGE_QUERIES_DIR.glob("*.rq"))
        if not _PAGE_QUERY_NAME.match(name) or name not in known:
            raise UnknownQuery(name, known)
        return (PAGE_QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")


# --- responses -------------------------------------------------------------------------------


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


def _protocol_error(request: Request, error: Exception) -> Response:
    """Answer a ProtocolError raised anywhere in a route."""
    assert isinstance(error, ProtocolError)
    headers = {}
    if error.status == 405:
        headers["Allow"] = "GET, HEAD, POST, OPTIONS"
    if error.status == 503:
        headers["Retry-After"] = "1"
    return error_response(
        error.status, error.title, error.message, request.headers.get("accept"), **headers
    )


def _http_error(request: Request, error: Exception) -> Response:
    """Answer Starlette's own HTTP errors (unknown path, method not allowed) the same way."""
    assert isinstance(error, HTTPException)
    messages = {
        404: f"nothing is published at {request.url.path}; see / for the query page, /sparql "
        "for the SPARQL endpoint and /.well-known/void for a description of the dataset",
        405: f"{request.method} is not allowed here",
    }
    message = messages.get(error.status_code, str(error.detail))
    title = protocol.TITLES.get(error.status_code, "Error")
    return error_response(
        error.status_code, title, message, request.headers.get("accept"), **(error.headers or {})
    )


async def _read_body(request: Request) -> bytes:
    """Read the request body, refusing one larger than :data:`MAX_BODY_BYTES`."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ProtocolError(
                413,
                f"the request body is larger than {MAX_BODY_BYTES} bytes; send a shorter query",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _endpoint(request: Request) -> Endpoint:
    endpoint: Endpoint = request.app.state.endpoint
    return endpoint


def _describe(request: Request, kind: str) -> Response:
    """Answer with the Service Description (``sd``) or VoID (``void``) in a negotiated type."""
    descriptions: Descriptions | None = request.app.state.descriptions
    if descriptions is None:
        raise ProtocolError(503, "the server is starting; retry in a moment", "Starting")
    media_type = protocol.negotiate(request.headers.get("accept"), protocol.GRAPH_TYPES)
    if media_type is None:
        raise protocol.not_acceptable(protocol.GRAPH_TYPES, "This description")
    body = descriptions.get(kind, _endpoint(request).base_url(request), media_type)
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


async def sparql(request: Request) -> Response:
    """Answer a SPARQL 1.1 Protocol query (without a query: the Service Description)."""
    endpoint = _endpoint(request)
    body = await _read_body(request) if request.method == "POST" else b""
    parsed = protocol.parse_request(
        request.method, request.headers.get("content-type"), request.scope["query_string"], body
    )
    if parsed is None:
        return _describe(request, "sd")
    if guard.is_update(parsed.query):
        raise ProtocolError(403, protocol.READ_ONLY)
    try:
        guard.check_shape(parsed.query)
    except guard.QueryTooComplex as error:
        raise ProtocolError(400, str(error), "Query too complex") from None
    if not endpoint.allow_federation:
        guard.refuse_federation(parsed.query)
    request.state.sparql = {"query_chars": len(parsed.query)}
    job = SparqlJob(
        query=parsed.query,
        accept=request.headers.get("accept"),
        max_rows=endpoint.max_rows,
        max_bytes=endpoint.max_bytes,
        default_graphs=parsed.default_graphs,
        named_graphs=parsed.named_graphs,
        base_iri=f"{endpoint.base_url(request)}sparql",
    )
    try:
        answer = await endpoint.run(job)
    except ProtocolError as error:
        request.state.sparql.update(
            {"status": error.status, "timeout": error.title == "Query timeout"}
        )
        raise
    request.state.sparql.update(
        {
            "form": answer.form,
            "results": answer.count,
            "truncated": answer.truncation.cap if answer.truncation else None,
        }
    )
    headers = {"Vary": "Accept"}
    if answer.truncation is not None:
        headers[results.TRUNCATED_HEADER] = answer.truncation.note()
    return TimedResponse(
        answer.body, media_type=answer.media_type, headers=headers, seconds=endpoint.timeout
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


async def void(request: Request) -> Response:
    """Answer with the VoID description of the dataset."""
    return _describe(request, "void")


async def dump(request: Request) -> Response:
    """Send a dump of the default graph (Turtle, N-Triples or JSON-LD)."""
    extension = request.path_params["extension"]
    dataset = _endpoint(request).dataset
    if extension not in DUMPS:
        raise HTTPException(404)
    if dataset is None:
        raise ProtocolError(503, "the server is starting; retry in a moment", "Starting")
    return FileResponse(dataset.dumps[extension], media_type=DUMPS[extension][0])


async def health(request: Request) -> Response:
    """Report whether the server can answer: workers alive, timeouts so far, dataset size."""
    endpoint = _endpoint(request)
    if endpoint.pool is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    workers = dict(endpoint.pool.status())
    status = "ok" if workers["alive"] == workers["size"] else "degraded"
    body = {
        "status": status if workers["alive"] else "down",
        "triples": endpoint.triples,
        "named_graphs": endpoint.dataset.named_graphs if endpoint.dataset else {},
        "timeout_s": endpoint.timeout,
        "max_rows": endpoint.max_rows,
        "workers": workers,
    }
    return JSONResponse(body, status_code=200 if workers["alive"] else 503)


def _ontology_bodies() -> dict[str, bytes]:
    """Return the ontology (``ontology/mla.ttl``) in every RDF media type, Turtle as written."""
    turtle = (ONTOLOGY_DIR / "mla.ttl").read_bytes()
    quads = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    bodies = {protocol.TURTLE: turtle}
    for media_type, rdf_format in (
        (protocol.N_TRIPLES, ox.RdfFormat.N_TRIPLES),
        (protocol.JSON_LD, ox.RdfFormat.JSON_LD),
        (protocol.RDF_XML, ox.RdfFormat.RDF_XML),
    ):
        prefixes = PREFIXES if rdf_format == ox.RdfFormat.RDF_XML else None
        bodies[media_type] = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    return bodies


async def ontology(request: Request) -> Response:
    """Send the ontology at its namespace path: RDF by content negotiation, else HTML."""
    html_page = request.app.state.ontology_page
    offers = protocol.GRAPH_TYPES + ((protocol.HTML,) if html_page else ())
    media_type = protocol.negotiate(request.headers.get("accept"), offers)
    if media_type is None:
        raise protocol.not_acceptable(offers, "The ontology")
    if media_type == protocol.HTML:
        response: Response = await html_page(request)
    else:
        bodies: dict[str, bytes] = request.app.state.ontology_bodies
        response = Response(bodies[media_type], media_type=media_type)
    response.headers["Vary"] = "Accept"
    return response


# --- middleware ------------------------------------------------------------------------------


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


# --- the application -------------------------------------------------------------------------


def _page_parts(endpoint: Endpoint) -> tuple[list[BaseRoute], Any]:
    """Return the routes and the ontology page of :mod:`mla_kg.server.pages`."""
    from mla_kg.server.pages import ontology_page, page_routes

    return list(page_routes(endpoint)), ontology_page


def get_app(
    *,
    data_files: Iterable[str | Path] = (),
    named_graphs: Mapping[str, str | Path] | None = None,
    include_bundled: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    workers: int | None = None,
    allow_federation: bool = False,
    network_sandbox: bool = True,
    memory_limit_mb: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    public_url: str | None = None,
    pages: bool = True,
) -> Starlette:
    """Build the server application; its lifespan builds the dataset and starts the workers.

    :param data_files: extra RDF files for the default graph. They are loaded as they are:
        ``mla-kg serve`` validates them first.
    :param named_graphs: files to serve as named graphs, by graph IRI (not validated, and
        not part of the default graph).
    :param include_bundled: whether to serve the bundled ontology and data.
    :param timeout: seconds a query may run; its worker is killed after that.
    :param max_rows: the most rows (or triples) in one answer.
    :param workers: query worker processes (default: :func:`default_workers`).
    :param allow_federation: let ``SERVICE`` call other endpoints (off: no outbound connections).
    :param memory_limit_mb: address-space cap of each worker, or ``None``.
    :param public_url: the base URL the server is published at (behind a proxy), ending in ``/``.
    :param pages: whether to mount the HTML pages of :mod:`mla_kg.server.pages`.
    """
    if timeout <= 0 or max_rows < 1:
        raise ValueError("timeout must be positive and max_rows at least 1")
    if public_url is not None and not public_url.endswith("/"):
        public_url += "/"
    endpoint = Endpoint(
        timeout, max_rows, public_url, max_bytes=max_bytes, allow_federation=allow_federation
    )
    files = tuple(Path(file) for file in data_files)
    graphs = {iri: Path(path) for iri, path in (named_graphs or {}).items()}
    size = workers or default_workers()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        directory = Path(tempfile.mkdtemp(prefix="mla-kg-serve-"))
        pool = None
        try:
            dataset = await asyncio.to_thread(
                build_dataset, directory, files, graphs, include_bundled
            )
            settings = WorkerSettings(
                quads_path=str(dataset.quads_path),
                data_files=tuple(str(file) for file in files),
                include_bundled=include_bundled,
                memory_limit_mb=memory_limit_mb,
                allow_federation=allow_federation,
                network_sandbox=network_sandbox,
            )
            pool = WorkerPool(settings, size, timeout)
            await pool.start()
            app.state.descriptions = Descriptions(dataset)
            app.state.ontology_bodies = await asyncio.to_thread(_ontology_bodies)
            endpoint.dataset, endpoint.pool = dataset, pool
            log.info(
                "serving %d triples (%d named graphs) with %d query workers, timeout %g s",
                dataset.triples,
                len(dataset.named_graphs),
                size,
                timeout,
            )
            yield
        finally:
            endpoint.pool = None
            if pool is not None:
                await pool.stop()
            shutil.rmtree(directory, ignore_errors=True)

    routes: list[BaseRoute] = [
        # Every method reaches the handler, which explains why only GET and POST query.
        Route("/sparql", sparql, methods=_ALL_METHODS),
        Route("/sparql/", sparql, methods=_ALL_METHODS),
        Route("/.well-known/void", void, methods=["GET", "HEAD"]),
        Route("/dump.{extension}", dump, methods=["GET", "HEAD"]),
        Route("/health", health, methods=["GET", "HEAD"]),
        Route("/ontology", ontology, methods=["GET", "HEAD"]),
    ]
    ontology_page = None
    if pages:
        page_routes, ontology_page = _page_parts(endpoint)
        routes += page_routes
    app = Starlette(
        routes=routes,
        middleware=[
            # Outermost: errors get CORS headers too. The data is public and read-only, so
            # any origin may read it; no credentials are involved.
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=[results.TRUNCATED_HEADER],
                max_age=86400,
            ),
            Middleware(NoSniffMiddleware),
            Middleware(AccessLogMiddleware),
            Middleware(GuardMiddleware),
        ],
        lifespan=lifespan,
        exception_handlers={ProtocolError: _protocol_error, HTTPException: _http_error},
    )
    app.state.endpoint = endpoint
    app.state.descriptions = None
    app.state.ontology_page = ontology_page
    return app
