"""What runs inside a query worker: the jobs it is sent, the answers it returns, the engine.

Jobs and answers are plain pickled data. The engine serializes answers itself, so the event loop
of the web server only ever copies bytes. The engine trusts nothing about a query: it checks
its shape (:func:`mla_kg.server.guard.check_shape`), parses graph IRIs inside the error
handling, and turns an attempt to open a connection (which the sandbox makes fail) into the
same 403 the text check gives for ``SERVICE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from mla_kg.errors import InvalidParameter, MlaKgError, UnknownInstrument
from mla_kg.namespaces import PREFIXES
from mla_kg.server import guard, protocol, results
from mla_kg.server.protocol import ProtocolError
from mla_kg.server.request_job import RequestJob, run_request
from mla_kg.server.request_job import job_summary as request_job_summary


@dataclass(frozen=True)
class WorkerSettings:
    """What every worker needs to start: the store, and the files behind it (for comparisons).

    :ivar quads_path: the dataset as N-Quads, loaded by each worker.
    :ivar data_files: extra files of the default graph, loaded again by the comparison layer.
    :ivar include_bundled: whether the default graph holds the bundled data.
    :ivar memory_limit_mb: address-space limit of a worker, or ``None`` for none.
    :ivar allow_federation: whether ``SERVICE`` may run (off: the server opens no connections).
    :ivar network_sandbox: whether each worker installs the network sandbox
        (:mod:`mla_kg.server.sandbox`) before it loads data; never with ``allow_federation``.
    :ivar read_only_store: an on-disk store of the dataset to open read-only instead of
        loading ``quads_path`` into memory (the lookup worker: bounded queries, no copy).
    """

    quads_path: str
    data_files: tuple[str, ...] = ()
    include_bundled: bool = True
    memory_limit_mb: int | None = None
    allow_federation: bool = False
    network_sandbox: bool = True
    read_only_store: str | None = None


@dataclass(frozen=True)
class SparqlJob:
    """A SPARQL Protocol query, answered as bytes in a negotiated format.

    :ivar query: the query text.
    :ivar accept: the client's ``Accept`` header.
    :ivar default_graphs: ``default-graph-uri`` values (``None``: the store's default graph).
    :ivar named_graphs: ``named-graph-uri`` values (``None``: every named graph).
    :ivar max_rows: the row (or triple) cap.
    :ivar base_iri: the base for relative IRIs in the query: the endpoint's own URL.
    :ivar bindings: terms bound to variables by substitution, for the pages.
    :ivar max_bytes: the byte cap of the answer (``None``: none).
    """

    query: str
    accept: str | None
    max_rows: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    bindings: tuple[tuple[str, results.Term], ...] = ()
    max_bytes: int | None = None


@dataclass(frozen=True)
class RowsJob:
    """Several SELECT queries for a web page, answered as rows of :class:`results.Term`.

    :ivar queries: ``(query text, ((variable, term), ...))`` pairs, run in order.
    :ivar max_rows: the row cap of each query.
    """

    queries: tuple[tuple[str, tuple[tuple[str, results.Term], ...]], ...]
    max_rows: int


@dataclass(frozen=True)
class CompareJob:
    """A comparison matrix from the comparison layer (``mla_kg.compare``).

    :ivar instruments: the instrument ids, in column order.
    :ivar groups: only the features of these groups (none: every group), as ``--group`` does.
    """

    instruments: tuple[str, ...]
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutlineJob:
    """The outline of one instrument from the comparison layer (``mla_kg.compare.outline``).

    :ivar instrument: the instrument's id or IRI.
    """

    instrument: str


Job = SparqlJob | RowsJob | CompareJob | RequestJob | OutlineJob


@dataclass
class Answer:
    """A worker's answer: bytes for the protocol, rows or data for pages, or an error.

    :ivar status: the HTTP status to answer with.
    :ivar media_type: the media type of ``body``.
    :ivar body: the serialized answer.
    :ivar form: ``SELECT``, ``ASK`` or ``GRAPH`` (CONSTRUCT / DESCRIBE).
    :ivar count: rows or triples in the answer.
    :ivar truncated_at: the row cap when the answer was cut there.
    :ivar truncation: why the answer was cut (row or byte cap), for the marker header.
    :ivar rows: for a :class:`RowsJob`, the rows of each query.
    :ivar data: for a :class:`CompareJob`, the :class:`~mla_kg.compare.Comparison`; for an
        :class:`OutlineJob`, the :class:`~mla_kg.compare.Outline`.
    :ivar message: what went wrong, when ``status`` is an error.
    :ivar title: a short name of the problem.
    """

    status: int = 200
    media_type: str = ""
    body: bytes = b""
    form: str = ""
    count: int = 0
    truncated_at: int | None = None
    truncation: results.Truncation | None = None
    rows: list[list[dict[str, results.Term]]] = field(default_factory=list)
    data: Any = None
    message: str = ""
    title: str = ""


def _answer(written: results.Written, media_type: str, form: str) -> Answer:
    """Return the answer of a serialized SELECT or graph result."""
    cut = written.truncation
    return Answer(
        media_type=media_type,
        body=written.body,
        form=form,
        count=written.count,
        truncated_at=cut.limit if cut is not None and cut.cap == "rows" else None,
        truncation=cut,
    )


def _graph_node(iri: str, parameter: str) -> Any:
    """Return the pyoxigraph node of a graph IRI from the request, or a 400 naming it."""
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise ProtocolError(
            400, f"{parameter}={iri!r} is not a valid IRI: {error}", "Bad graph IRI"
        ) from None


def _dataset(job: SparqlJob) -> dict[str, Any]:
    """Return the dataset arguments of ``Store.query`` for the protocol's graph parameters.

    A request that names any graph defines the whole dataset: naming only named graphs leaves
    the default graph empty, as the SPARQL 1.1 Protocol says.

    :raises ProtocolError: 400 for a graph IRI pyoxigraph refuses.
    """
    if job.default_graphs is None and job.named_graphs is None:
        return {}
    return {
        "default_graph": [_graph_node(i, "default-graph-uri") for i in job.default_graphs or ()],
        "named_graphs": [_graph_node(i, "named-graph-uri") for i in job.named_graphs or ()],
    }


class Engine:
    """What runs inside a worker: its store of the dataset and, when needed, the full graph."""

    def __init__(self, store: ox.Store, settings: WorkerSettings) -> None:
        self.store = store
        self.settings = settings
        self._graph: Any = None

    def run(self, job: Job) -> Answer:
        """Answer one job.

        :raises ProtocolError: for queries the endpoint refuses or cannot parse.
        """
        if isinstance(job, SparqlJob):
            return self._sparql(job)
        if isinstance(job, RowsJob):
            return self._rows(job)
        if isinstance(job, RequestJob):
            return Answer(data=run_request(self.knowledge_graph(), job))
        if isinstance(job, OutlineJob):
            return self._outline(job)
        return self._compare(job)

    def knowledge_graph(self) -> Any:
        """Return the full graph of the domain layers, loaded on first use (as comparisons do)."""
        if self._graph is None:
            from mla_kg.knowledge_graph import KnowledgeGraph

            self._graph = KnowledgeGraph(
                extra_files=self.settings.data_files,
                include_bundled=self.settings.include_bundled,
            )
        return self._graph

    def _query(
        self, text: str, bindings: Sequence[tuple[str, results.Term]], **dataset: Any
    ) -> Any:
        """Run one query after the shape check; syntax and engine errors become 4xx answers.

        The friendly ``SERVICE`` check runs in the server (:func:`mla_kg.server.guard.
        refuse_federation`); here the sandbox and :meth:`_engine_error` are what holds.
        """
        try:
            guard.check_shape(text)
        except guard.QueryTooComplex as error:
            raise ProtocolError(400, str(error), "Query too complex") from None
        try:
            substitutions = {ox.Variable(name): term.to_oxigraph() for name, term in bindings}
        except ValueError as error:
            raise ProtocolError(400, f"cannot bind a variable: {error}", "Bad binding") from None
        try:
            return self.store.query(
                text, prefixes=PREFIXES, substitutions=substitutions or None, **dataset
            )
        except SyntaxError as error:
            raise ProtocolError(400, f"SPARQL syntax error: {error}", "Syntax error") from None
        except (OSError, ValueError, RuntimeError) as error:
            raise self._engine_error(error) from None

    def _engine_error(self, error: Exception) -> ProtocolError:
        """Turn an error the engine raised while running a query into the client's answer.

        An ``OSError`` means the engine tried to open a connection, which only ``SERVICE``
        does; in the sandbox that fails. The executing engine's own parse decided here, so a
        query that slipped past the text check gets the same 403 as one it caught.
        """
        if isinstance(error, OSError) and not self.settings.allow_federation:
            return guard.federation_refused()
        return ProtocolError(400, f"the query failed: {error}", "Query failed")

    def _sparql(self, job: SparqlJob) -> Answer:
        """Run a protocol query and serialize its answer in the negotiated format."""
        answer = self._query(
            job.query,
            job.bindings,
            base_iri=job.base_iri,
            **_dataset(job),
        )
        try:
            return self._serialize(answer, job)
        except (OSError, ValueError, RuntimeError) as error:  # results are computed lazily
            raise self._engine_error(error) from None

    def _serialize(self, answer: Any, job: SparqlJob) -> Answer:
        """Collect at most ``max_rows`` results and serialize them."""
        if isinstance(answer, ox.QueryBoolean):
            media_type = protocol.negotiate(job.accept, protocol.ASK_TYPES)
            if media_type is None:
                raise protocol.not_acceptable(protocol.ASK_TYPES, "ASK results")
            body = results.boolean_body(bool(answer), media_type)
            return Answer(media_type=media_type, body=body, form="ASK", count=1)
        if isinstance(answer, ox.QuerySolutions):
            media_type = protocol.negotiate(job.accept, protocol.SELECT_TYPES)
            if media_type is None:
                raise protocol.not_acceptable(protocol.SELECT_TYPES, "SELECT results")
            variables = [variable.value for variable in answer.variables]
            rows: list[tuple[Any, ...]] = []
            truncated_at = None
            for solution in answer:
                if len(rows) == job.max_rows:
                    truncated_at = job.max_rows
                    break
                rows.append(tuple(solution))  # in variable order; far faster than by name
            written = results.write_select(variables, rows, media_type, truncated_at, job.max_bytes)
            return _answer(written, media_type, "SELECT")
        media_type = protocol.negotiate(job.accept, protocol.GRAPH_TYPES)
        if media_type is None:
            raise protocol.not_acceptable(protocol.GRAPH_TYPES, "RDF graphs")
        triples: list[Any] = []
        truncated_at = None
        for triple in answer:
            if len(triples) == job.max_rows:
                truncated_at = job.max_rows
                break
            triples.append(triple)
        written = results.write_graph(triples, media_type, truncated_at, job.max_bytes)
        return _answer(written, media_type, "GRAPH")

    def _rows(self, job: RowsJob) -> Answer:
        """Run the queries of a page and return their rows as plain terms."""
        answers = []
        for text, bindings in job.queries:
            solutions = self._query(text, bindings)
            if not isinstance(solutions, ox.QuerySolutions):
                raise ProtocolError(400, "a page query must be a SELECT query")
            names = [variable.value for variable in solutions.variables]
            rows = []
            for solution in solutions:
                if len(rows) == job.max_rows:
                    break
                rows.append(
                    {
                        name: results.Term.from_oxigraph(term)
                        for name, term in zip(names, solution, strict=True)
                        if term is not None
                    }
                )
            answers.append(rows)
        return Answer(rows=answers, count=sum(len(rows) for rows in answers))

    def _compare(self, job: CompareJob) -> Answer:
        """Build a comparison matrix with the comparison layer, on a graph loaded on first use."""
        if self._graph is None:
            from mla_kg.knowledge_graph import KnowledgeGraph

            self._graph = KnowledgeGraph(
                extra_files=self.settings.data_files,
                include_bundled=self.settings.include_bundled,
            )
        try:
            comparison = self._graph.compare(list(job.instruments), groups=list(job.groups))
        except UnknownInstrument as error:
            raise ProtocolError(404, str(error), "Unknown instrument") from None
        except InvalidParameter as error:
            if error.parameter != "groups":
                raise ProtocolError(400, str(error)) from None
            message = f"there is no feature group {error.value!r}; use {error.expected}"
            raise ProtocolError(400, message, "Unknown feature group") from None
        except MlaKgError as error:
            raise ProtocolError(400, str(error)) from None
        # The Comparison itself, pickled through the pipe: the page renders it as the CLI does.
        return Answer(data=comparison, count=len(comparison))

    def _outline(self, job: OutlineJob) -> Answer:
        """Build an instrument's outline with the comparison layer, as ``mla-kg outline`` does."""
        try:
            found = self.knowledge_graph().outline(job.instrument)
        except UnknownInstrument as error:
            raise ProtocolError(404, str(error), "Unknown instrument") from None
        except MlaKgError as error:
            raise ProtocolError(400, str(error)) from None
        # The Outline itself, pickled through the pipe: the page renders the domain's tree.
        return Answer(data=found, count=sum(1 for _ in found.walk()))


def job_summary(job: Job) -> str:
    """Return a short, log-safe description of a job (a query's length and first characters)."""
    if isinstance(job, SparqlJob):
        return f"SPARQL query of {len(job.query)} characters: {job.query[:80]!r}"
    if isinstance(job, RowsJob):
        return f"{len(job.queries)} page queries"
    if isinstance(job, RequestJob):
        return request_job_summary(job)
    if isinstance(job, OutlineJob):
        return f"outline of {job.instrument}"
    return f"comparison of {', '.join(job.instruments)}"
