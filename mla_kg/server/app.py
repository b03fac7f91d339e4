"""The mla-kg web server: a read-only SPARQL 1.1 endpoint with dumps, descriptions and pages.

:func:`get_app` builds the Starlette application; ``mla-kg serve`` runs it on uvicorn.

Routes owned here: ``/sparql`` (the SPARQL 1.1 Protocol; without a query, the Service
Description), ``/.well-known/void``, ``/dump.ttl``, ``/dump.nt``, ``/dump.jsonld``, ``/health``
and ``/ontology`` (RDF by content negotiation; HTML from the pages). Every other route comes
from :mod:`mla_kg.server.pages`.

Interface with the pages
------------------------
``mla_kg.server.pages`` provides ``page_routes(endpoint: Endpoint) -> list[BaseRoute]``,
called once when the app is built (before any worker runs: no queries in it), and
``async def ontology_page(request) -> Response``, the HTML of ``/ontology``. Pages reach the
data only through the :class:`~mla_kg.server.endpoint.Endpoint` they are given. Failures are
:class:`~mla_kg.server.protocol.ProtocolError` with a status and a message safe to show. The
imports run one way: app -> pages -> endpoint -> worker.

Safety (docs/serving.md, "Security model"): queries run in sandboxed worker processes that
cannot open network sockets and are killed and replaced when they overrun the timeout (503,
while the others go on serving); bounded lookups take their own lane; a client may hold only a
few pool queries at once (429); answers are capped in rows and bytes with a marker; URL, header
and body sizes and query nesting are capped; SPARQL Update and ``SERVICE`` are refused; clients
never see a stack trace; every request is written to the structured access log.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mla_kg.namespaces import PREFIXES
from mla_kg.paths import ONTOLOGY_DIR
from mla_kg.server import guard, protocol, results
from mla_kg.server.access_log import AccessLogMiddleware
from mla_kg.server.dataset import DUMPS, build_in_child
from mla_kg.server.discovery import Descriptions
from mla_kg.server.endpoint import (  # noqa: F401  (GraphAnswer: the pages' import path)
    Endpoint,
    GraphAnswer,
    default_workers,
)
from mla_kg.server.limits import (  # noqa: F401  (MAX_URL_BYTES: imported from here by tests)
    DEFAULT_CLIENT_QUERIES,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    MAX_BODY_BYTES,
    MAX_URL_BYTES,
)
from mla_kg.server.lookups import FrontLookups
from mla_kg.server.middleware import GuardMiddleware, NoSniffMiddleware
from mla_kg.server.protocol import ProtocolError
from mla_kg.server.responses import TimedResponse, error_response
from mla_kg.server.worker import SparqlJob, WorkerPool, WorkerSettings

log = logging.getLogger("mla_kg.server")

#: Workers of the lookup lane (:mod:`mla_kg.server.lanes`): bounded queries need only one.
LOOKUP_WORKERS = 1
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


# --- responses -------------------------------------------------------------------------------


def _protocol_error(request: Request, error: Exception) -> Response:
    """Answer a ProtocolError raised anywhere in a route."""
    assert isinstance(error, ProtocolError)
    headers = {}
    if error.status == 405:
        headers["Allow"] = "GET, HEAD, POST, OPTIONS"
    if error.status in (429, 503):
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
        service_page = getattr(request.app.state, "service_page", None)
        offers = protocol.GRAPH_TYPES + ((protocol.HTML,) if service_page else ())
        # A browser asks for HTML first and gets the description in words; any other client
        # (Accept */* or an RDF type) gets the Service Description as RDF, as before.
        chosen = protocol.negotiate(request.headers.get("accept"), offers)
        if service_page and chosen == protocol.HTML:
            response: Response = await service_page(request)
            response.headers["Vary"] = "Accept"
            return response
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
        answer = await endpoint.run_query(job, (request.client or ("?",))[0])
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
    """Report whether the server can answer, and how busy it is: workers, lanes, clients."""
    endpoint = _endpoint(request)
    if endpoint.pool is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    workers = dict(endpoint.pool.status())
    lookup = dict(endpoint.lookup_pool.status()) if endpoint.lookup_pool else None
    healthy = workers["alive"] == workers["size"] and (lookup is None or lookup["alive"])
    body = {
        "status": ("ok" if healthy else "degraded") if workers["alive"] else "down",
        "triples": endpoint.triples,
        "named_graphs": endpoint.dataset.named_graphs if endpoint.dataset else {},
        "timeout_s": endpoint.timeout,
        "max_rows": endpoint.max_rows,
        "max_bytes": endpoint.max_bytes,
        "workers": workers,
        "lookup_lane": lookup,
        "front_lookups": endpoint.front_lookups.status() if endpoint.front_lookups else None,
        "clients": endpoint.slots.status(),
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


# --- the application -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Serving:
    """What the lifespan needs to build the dataset and start the workers."""

    files: tuple[Path, ...]
    graphs: Mapping[str, Path]
    include_bundled: bool
    size: int
    settings: dict[str, Any]
    front_lookups: bool = True


def _lifespan(endpoint: Endpoint, serving: _Serving) -> Any:
    """Return the lifespan: build the dataset, start the pool and the lookup lane; stop them."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        directory = Path(tempfile.mkdtemp(prefix="mla-kg-serve-"))
        pools: list[WorkerPool] = []
        try:
            dataset = await asyncio.to_thread(
                build_in_child, directory, serving.files, serving.graphs, serving.include_bundled
            )
            settings = WorkerSettings(
                quads_path=str(dataset.quads_path),
                data_files=tuple(str(file) for file in serving.files),
                include_bundled=serving.include_bundled,
                **serving.settings,
            )
            # The lookup worker answers only bounded lookups: from the on-disk store, read-only,
            # in the same order as the serving process's own scans, without a copy in memory.
            lookup_settings = dataclasses.replace(
                settings, read_only_store=str(dataset.store_path or "") or None
            )
            pools = [
                WorkerPool(settings, serving.size, endpoint.timeout),
                WorkerPool(lookup_settings, LOOKUP_WORKERS, endpoint.timeout),
            ]
            await asyncio.gather(*(pool.start() for pool in pools))
            app.state.descriptions = Descriptions(dataset)
            app.state.ontology_bodies = await asyncio.to_thread(_ontology_bodies)
            if serving.front_lookups and dataset.store_path is not None:
                endpoint.front_lookups = FrontLookups(str(dataset.store_path))
            endpoint.dataset, (endpoint.pool, endpoint.lookup_pool) = dataset, pools
            log.info(
                "serving %d triples (%d named graphs) with %d query workers and a lookup "
                "lane, timeout %g s",
                dataset.triples,
                len(dataset.named_graphs),
                serving.size,
                endpoint.timeout,
            )
            yield
        finally:
            endpoint.pool = endpoint.lookup_pool = endpoint.front_lookups = None
            for pool in pools:
                await pool.stop()
            shutil.rmtree(directory, ignore_errors=True)

    return lifespan


def _routes(endpoint: Endpoint, pages: bool) -> tuple[list[BaseRoute], dict[str, Any]]:
    """Return the routes, and the HTML views of /ontology and /sparql when pages are served."""
    routes: list[BaseRoute] = [
        # Every method reaches the handler, which explains why only GET and POST query.
        Route("/sparql", sparql, methods=_ALL_METHODS),
        Route("/sparql/", sparql, methods=_ALL_METHODS),
        Route("/.well-known/void", void, methods=["GET", "HEAD"]),
        Route("/dump.{extension}", dump, methods=["GET", "HEAD"]),
        Route("/health", health, methods=["GET", "HEAD"]),
        Route("/ontology", ontology, methods=["GET", "HEAD"]),
    ]
    if not pages:
        return routes, {}
    from mla_kg.server.pages import ontology_page, page_routes, service_page
    from mla_kg.server.request_page import request_routes

    pages_parts = {"ontology": ontology_page, "service": service_page}
    return routes + list(page_routes(endpoint)) + request_routes(), pages_parts


_MIDDLEWARE = [
    # Outermost: errors get CORS headers too. The data is public and read-only, so any origin
    # may read it; no credentials are involved.
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
]


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
    client_queries: int = DEFAULT_CLIENT_QUERIES,
    public_url: str | None = None,
    pages: bool = True,
    front_lookups: bool = True,
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
    :param network_sandbox: run the workers in the network sandbox (:mod:`.sandbox`).
    :param memory_limit_mb: address-space cap of each worker, or ``None``.
    :param max_bytes: the most bytes in one answer.
    :param client_queries: the most pool queries one client may have running (0: no cap).
    :param public_url: the base URL the server is published at (behind a proxy), ending in ``/``.
    :param pages: whether to mount the HTML pages of :mod:`mla_kg.server.pages`.
    :param front_lookups: answer bounded lookups in this process (:mod:`.lookups`); off, the
        lookup worker answers them (the tests compare the two).
    """
    if timeout <= 0 or max_rows < 1:
        raise ValueError("timeout must be positive and max_rows at least 1")
    if public_url is not None and not public_url.endswith("/"):
        public_url += "/"
    endpoint = Endpoint(
        timeout,
        max_rows,
        public_url,
        max_bytes=max_bytes,
        allow_federation=allow_federation,
        client_queries=client_queries,
    )
    # What the /sparql page tells a reader about the workers' network access.
    endpoint.network_sandbox = network_sandbox and not allow_federation
    serving = _Serving(
        files=tuple(Path(file) for file in data_files),
        graphs={iri: Path(path) for iri, path in (named_graphs or {}).items()},
        include_bundled=include_bundled,
        size=workers or default_workers(),
        settings={
            "memory_limit_mb": memory_limit_mb,
            "allow_federation": allow_federation,
            "network_sandbox": network_sandbox,
        },
        front_lookups=front_lookups,
    )
    routes, html_pages = _routes(endpoint, pages)
    app = Starlette(
        routes=routes,
        middleware=_MIDDLEWARE,
        lifespan=_lifespan(endpoint, serving),
        exception_handlers={ProtocolError: _protocol_error, HTTPException: _http_error},
    )
    app.state.endpoint = endpoint
    app.state.descriptions = None
    app.state.ontology_page = html_pages.get("ontology")
    app.state.service_page = html_pages.get("service")
    return app
