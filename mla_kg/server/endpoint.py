"""The endpoint the routes and pages query through: worker pools, lanes and caps.

:class:`Endpoint` holds the worker pool, the lookup lane (:mod:`mla_kg.server.lanes`), the
per-client cap and the answer caps. Pages reach the data only through it (also at
``request.app.state.endpoint``): ``select``, ``select_many``, ``graph``, ``compare``,
``outline`` and ``named_query``. Rows are dicts of :class:`~mla_kg.server.results.Term`,
unbound variables absent. User text never enters SPARQL text: it is bound as an rdflib
``URIRef`` or ``Literal`` through ``bindings`` (a plain ``str`` is refused).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from mla_kg.errors import QueryTimeout, UnknownQuery
from mla_kg.graph.queries import load_queries
from mla_kg.paths import PAGE_QUERIES_DIR
from mla_kg.server import results
from mla_kg.server.dataset import Dataset
from mla_kg.server.engine import CompareJob, Job, OutlineJob, RowsJob, SparqlJob
from mla_kg.server.lanes import ClientSlots, TooManyQueries, lookup_pattern
from mla_kg.server.limits import DEFAULT_CLIENT_QUERIES, DEFAULT_MAX_BYTES
from mla_kg.server.lookups import FrontLookups
from mla_kg.server.protocol import ProtocolError
from mla_kg.server.worker import WorkerPool

if TYPE_CHECKING:
    from mla_kg.compare import Comparison, Outline

_BASE_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?/(?:[A-Za-z0-9._~\-]+/)*\Z")


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
    :param client_queries: the most pool queries one client may have running (0: no cap).
    """

    def __init__(
        self,
        timeout: float,
        max_rows: int,
        public_url: str | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        allow_federation: bool = False,
        client_queries: int = DEFAULT_CLIENT_QUERIES,
    ) -> None:
        self.timeout = timeout
        self.max_rows = max_rows
        self.public_url = public_url
        self.max_bytes = max_bytes
        self.allow_federation = allow_federation
        #: Whether the query workers run in the network sandbox (set by the app; shown on /sparql).
        self.network_sandbox = False
        self.lookup_pool: WorkerPool | None = None
        #: Lookups answered in this process (:mod:`mla_kg.server.lookups`), once started.
        self.front_lookups: FrontLookups | None = None
        self.slots = ClientSlots(client_queries)
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

    async def run(self, job: Job, *, lookup: bool = False) -> Any:
        """Run a job on the worker pool (or the lookup lane); errors become ProtocolErrors.

        :param lookup: run it on the lookup lane (only for :func:`lanes.lookup_lane` queries).
        """
        pool = self.lookup_pool if lookup and self.lookup_pool else self._running_pool()
        try:
            answer = await pool.run(job)
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

    async def run_query(self, job: SparqlJob, client: str) -> Any:
        """Run a protocol query: a bounded lookup here or on its lane, the rest on the pool.

        A lookup over the default dataset (no ``default-graph-uri`` or ``named-graph-uri``;
        the classifier refuses ``FROM``) is answered in this process when it can be, else by
        the lookup worker.

        :param client: who asks (the client's address), for the cap on running queries.
        :raises ProtocolError: 429 when the client already has its share of pool queries.
        """
        graphs_named = job.default_graphs is not None or job.named_graphs is not None
        lookup = None if graphs_named else lookup_pattern(job.query)
        if lookup is not None and self.front_lookups is not None:
            answer = await self.front_lookups.answer(lookup, job)
            if answer is not None:
                return answer
        if lookup is not None and self.lookup_pool is not None:
            return await self.run(job, lookup=True)
        try:
            with self.slots.hold(client):
                return await self.run(job)
        except TooManyQueries:
            cap = self.slots.per_client
            raise ProtocolError(
                429,
                f"you already have {cap} queries running on this server, the most one client "
                "may have; wait for an answer before sending the next query",
                "Too many queries",
            ) from None

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

    async def compare(
        self, instrument_ids: Sequence[str], groups: Sequence[str] = ()
    ) -> Comparison:
        """Return the comparison of instruments, the comparison layer's own object.

        It is built in a worker and crosses the pipe pickled (about 100 kB for the three
        agreements, no slower than its JSON form was, and without rebuilding it).

        :param groups: only the features of these groups, filtered by the comparison layer.
        :raises ProtocolError: 404 naming the known ids when an id is unknown; 400 for an
            unknown group.
        """
        job = CompareJob(tuple(str(i) for i in instrument_ids), tuple(str(g) for g in groups))
        answer = await self.run(job)
        comparison: Comparison = answer.data
        return comparison

    async def outline(self, instrument: str) -> Outline:
        """Return an instrument's outline, the comparison layer's own object (pickled, 50 kB).

        :param instrument: the instrument's id or IRI.
        :raises ProtocolError: 404 naming the known ids when the instrument is unknown.
        """
        answer = await self.run(OutlineJob(str(instrument)))
        found: Outline = answer.data
        return found

    def named_query(self, name: str) -> str:
        """Return the text of a page query, ``mla_kg/server/queries/<name>.rq``.

        The page queries are read by the project's one loader
        (:func:`mla_kg.graph.queries.load_queries`), headers included: they are not offered to
        users (``mla-kg query`` lists ``queries/`` only), and their ``#+ params:`` name the
        variables the pages bind.

        :raises UnknownQuery: naming the page queries there are.
        """
        found = load_queries(PAGE_QUERIES_DIR)
        if name not in found:
            raise UnknownQuery(name, sorted(found))
        return found[name].text
