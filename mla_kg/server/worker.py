"""Query workers: processes that run queries, and the pool that kills one that overruns.

pyoxigraph cannot cancel a running query, so queries run in worker processes, each with the
dataset loaded into a store in its own memory (see :mod:`mla_kg.server.dataset`). The pool hands
a job to an idle worker and waits at most the timeout for the answer. A worker that overruns is
killed (SIGKILL: the only sure stop for native code) and a fresh one is started in its place,
while the others keep answering.

Jobs and answers are plain pickled data. A worker serializes answers itself, so the event loop
of the web server only ever copies bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import pyoxigraph as ox

from mla_kg.errors import MlaKgError, QueryTimeout, UnknownInstrument
from mla_kg.namespaces import PREFIXES
from mla_kg.server import guard, protocol, results, sandbox
from mla_kg.server.protocol import ProtocolError

log = logging.getLogger("mla_kg.server")

_STARTUP_SECONDS = 120.0


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
    """

    quads_path: str
    data_files: tuple[str, ...] = ()
    include_bundled: bool = True
    memory_limit_mb: int | None = None
    allow_federation: bool = False
    network_sandbox: bool = True


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
    """A comparison matrix from the comparison layer (``mla_kg.compare``), as plain data."""

    instruments: tuple[str, ...]


Job = SparqlJob | RowsJob | CompareJob


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
    :ivar data: for a :class:`CompareJob`, the comparison in its JSON contract.
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
        return self._compare(job)

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
            from mla_kg.store import KnowledgeGraph

            self._graph = KnowledgeGraph(
                extra_files=self.settings.data_files,
                include_bundled=self.settings.include_bundled,
            )
        try:
            comparison = self._graph.compare(list(job.instruments))
        except UnknownInstrument as error:
            raise ProtocolError(404, str(error), "Unknown instrument") from None
        except MlaKgError as error:
            raise ProtocolError(400, str(error)) from None
        return Answer(data=comparison.to_dict(), count=len(comparison))


def _limit_memory(megabytes: int | None) -> None:
    """Cap the worker's address space, so a runaway query fails instead of starving the host."""
    if not megabytes:
        return
    try:
        import resource
    except ImportError:  # not on Windows
        return
    limit = megabytes * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_main(connection: Connection, settings: WorkerSettings) -> None:
    """Serve jobs from ``connection`` until it closes (the entry point of a worker process).

    The network sandbox goes in first, before the worker reads data or a query.
    """
    if settings.network_sandbox and not settings.allow_federation:
        try:
            sandbox.install()
        except sandbox.SandboxUnavailable as error:
            connection.send(("failed", f"cannot install the network sandbox: {error}"))
            return
    # An allocation past the memory cap aborts the engine; a backtrace would only take more
    # memory and seconds (symbolizing) before the worker dies anyway.
    os.environ["RUST_BACKTRACE"] = "0"
    _limit_memory(settings.memory_limit_mb)
    try:
        store = ox.Store()
        # Nothing else writes to the store, so the load needs no transaction.
        store.bulk_load(path=settings.quads_path, format=ox.RdfFormat.N_QUADS)
        engine = Engine(store, settings)
    except (OSError, SyntaxError, MemoryError) as error:
        connection.send(("failed", f"cannot load the dataset {settings.quads_path}: {error}"))
        return
    connection.send(("ready", os.getpid()))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            answer = engine.run(job)
        except ProtocolError as error:
            answer = Answer(status=error.status, message=error.message, title=error.title)
        except MemoryError:
            answer = Answer(
                status=503,
                message="the query needed more memory than a worker may use; narrow it",
                title="Query too large",
            )
        except Exception:  # the worker must survive anything a query can provoke
            traceback.print_exc(file=sys.stderr)  # for the operator; never for the client
            answer = Answer(
                status=500,
                message="the query engine failed on this request; the server log has details",
                title="Internal error",
            )
        connection.send(answer)


class Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, settings: WorkerSettings) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=worker_main, args=(child, settings), name="mla-kg-query-worker", daemon=True
        )
        self.process.start()
        child.close()
        if not self.connection.poll(_STARTUP_SECONDS):
            self.kill()
            raise RuntimeError(f"a query worker did not start within {_STARTUP_SECONDS:g} s")
        try:
            status, detail = self.connection.recv()
        except EOFError:
            self.kill()
            raise RuntimeError("a query worker stopped while starting") from None
        if status != "ready":
            self.kill()
            raise RuntimeError(detail)
        self.pid: int = detail

    def kill(self) -> None:
        """Stop the process at once and release its pipe."""
        with contextlib.suppress(OSError, AttributeError):
            self.process.kill()
        self.process.join(5)
        self.connection.close()


def describe_exit(exitcode: int | None) -> str:
    """Say how a process ended, from its ``exitcode`` (negative: the signal that killed it)."""
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"killed by {name}"
    return f"exit code {exitcode}"


def job_summary(job: Job) -> str:
    """Return a short, log-safe description of a job (a query's length and first characters)."""
    if isinstance(job, SparqlJob):
        return f"SPARQL query of {len(job.query)} characters: {job.query[:80]!r}"
    if isinstance(job, RowsJob):
        return f"{len(job.queries)} page queries"
    return f"comparison of {', '.join(job.instruments)}"


class WorkerDied(ProtocolError):
    """A worker stopped while answering (out of memory, or killed from outside)."""

    def __init__(
        self,
        message: str = "the query worker stopped while answering (it may have run out of "
        "memory); it has been replaced: narrow the query, or retry",
        title: str = "Query worker stopped",
    ) -> None:
        super().__init__(503, message, title)
        self._init_args = (message, title)


class _IdleDeath(Exception):
    """The worker picked for a job had died while idle; the job was not sent."""


class WorkerPool:
    """A fixed number of query workers, each running one job at a time, with a hard timeout.

    :param settings: how workers open the store.
    :param size: number of worker processes.
    :param timeout: seconds a job may run before its worker is killed and replaced.
    """

    def __init__(self, settings: WorkerSettings, size: int, timeout: float) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.settings = settings
        self.size = size
        self.timeout = timeout
        self.restarts = 0
        self.timeouts = 0
        self.deaths = 0
        self._workers: set[Worker] = set()
        self._lock = threading.Lock()
        self._threads = ThreadPoolExecutor(size * 2 + 2, thread_name_prefix="mla-kg-pool")
        self._idle: asyncio.Queue[Worker] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing = False

    async def start(self) -> None:
        """Start every worker and wait until each has opened the store."""
        self._loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        started = await asyncio.gather(
            *(self._loop.run_in_executor(self._threads, self._spawn) for _ in range(self.size))
        )
        for worker in started:
            self._idle.put_nowait(worker)

    def _spawn(self) -> Worker:
        """Start a worker and register it."""
        worker = Worker(self.settings)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _release(self, worker: Worker) -> None:
        """Give a worker back to the idle queue (callable from any thread)."""
        assert self._loop is not None and self._idle is not None
        with contextlib.suppress(RuntimeError):  # the loop is closed at shutdown
            self._loop.call_soon_threadsafe(self._idle.put_nowait, worker)

    def _retire(self, worker: Worker) -> None:
        """Kill a worker and start its replacement in the background."""
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
            self.restarts += 1
        if not self._closing:
            self._threads.submit(self._replace)

    def _replace(self) -> None:
        """Start a new worker and make it available (runs in a pool thread)."""
        try:
            worker = self._spawn()
        except Exception:
            log.exception("could not start a replacement query worker")
            return
        if self._closing:
            worker.kill()
            return
        self._release(worker)

    def _died(self, worker: Worker, job: Job) -> WorkerDied:
        """Log why a worker stopped by itself (signal or exit code), retire it, return the error."""
        worker.process.join(1)
        exitcode = worker.process.exitcode
        cause = describe_exit(exitcode)
        log.warning(
            "query worker %s died while answering (%s); job: %s",
            worker.pid,
            cause,
            job_summary(job),
        )
        with self._lock:
            self.deaths += 1
        self._retire(worker)
        limit = self.settings.memory_limit_mb
        if limit and exitcode == -signal.SIGABRT:  # the engine aborts when an allocation fails
            return WorkerDied(
                f"the query needed more than the {limit} MB of memory a query worker may use, "
                "and its worker was replaced: narrow the query (fewer or shorter values)",
                "Query needs too much memory",
            )
        return WorkerDied()

    def _call(self, worker: Worker, job: Job, timeout: float) -> Answer:
        """Send a job and wait for the answer (runs in a pool thread, so the loop stays free).

        :raises _IdleDeath: when the worker had died while idle (the job can go to another).
        """
        if not worker.process.is_alive():
            self._died(worker, job)
            raise _IdleDeath()
        try:
            worker.connection.send(job)
            if worker.connection.poll(timeout):
                answer: Answer = worker.connection.recv()
                self._release(worker)
                return answer
        except (EOFError, OSError):
            raise self._died(worker, job) from None
        with self._lock:
            self.timeouts += 1
        log.warning(
            "query worker %s killed after the %g s timeout; job: %s",
            worker.pid,
            timeout,
            job_summary(job),
        )
        self._retire(worker)
        raise QueryTimeout(timeout)

    async def run(self, job: Job, timeout: float | None = None, attempt: int = 0) -> Answer:
        """Run a job on the next idle worker.

        :param job: the job.
        :param timeout: seconds allowed (default: the pool's timeout).
        :raises QueryTimeout: when the job overran; its worker was killed and is being replaced.
        :raises ProtocolError: 503 when no worker became free within the timeout.
        """
        assert self._loop is not None and self._idle is not None, "start() the pool first"
        timeout = self.timeout if timeout is None else timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except (asyncio.TimeoutError, TimeoutError):
            raise ProtocolError(
                503,
                f"all {self.size} query workers stayed busy for {timeout:g} s; retry shortly",
                "Server busy",
            ) from None
        # The thread owns the worker from here: it returns or replaces it even if this
        # coroutine is cancelled (a client that hangs up).
        future = self._loop.run_in_executor(self._threads, self._call, worker, job, timeout)
        try:
            return await asyncio.shield(future)
        except _IdleDeath:
            if attempt >= self.size:
                raise WorkerDied() from None
            return await self.run(job, timeout, attempt + 1)  # the job never started

    def status(self) -> Mapping[str, Any]:
        """Return counts for ``/health``: workers alive, idle, restarted, timed out."""
        with self._lock:
            alive = [worker for worker in self._workers if worker.process.is_alive()]
        return {
            "size": self.size,
            "alive": len(alive),
            "idle": self._idle.qsize() if self._idle is not None else 0,
            "restarts": self.restarts,
            "timeouts": self.timeouts,
            "deaths": self.deaths,
            "pids": sorted(worker.pid for worker in alive),
        }

    async def stop(self) -> None:
        """Kill every worker (the store is read-only: there is nothing to flush)."""
        self._closing = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.kill()
        self._threads.shutdown(wait=False, cancel_futures=True)
