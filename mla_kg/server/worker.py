"""Query workers: processes that run queries, and the pool that kills one that overruns.

pyoxigraph cannot cancel a running query, so queries run in worker processes, each with the
dataset loaded into a store in its own memory (see :mod:`mla_kg.server.dataset`). The pool hands
a job to an idle worker and waits at most the timeout for the answer. A worker that overruns is
killed (SIGKILL: the only sure stop for native code) and a fresh one is started in its place,
while the others keep answering.

Jobs, answers and the engine a worker runs are in :mod:`mla_kg.server.engine`; each worker
first installs the network sandbox (:mod:`mla_kg.server.sandbox`).
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
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import pyoxigraph as ox

from mla_kg.errors import QueryTimeout
from mla_kg.server import sandbox
from mla_kg.server.engine import (  # noqa: F401  (the jobs' import path for callers)
    Answer,
    CompareJob,
    Engine,
    Job,
    RowsJob,
    SparqlJob,
    WorkerSettings,
    job_summary,
)
from mla_kg.server.protocol import ProtocolError

log = logging.getLogger("mla_kg.server")

_STARTUP_SECONDS = 120.0


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


def _few_malloc_arenas() -> None:
    """Keep glibc to two malloc arenas, so the memory cap counts data, not reservations.

    Every thread that allocates may get an arena of its own, each reserving 64 MB of address
    space; under ``RLIMIT_AS`` (``--worker-memory``) the engine's loading threads then could not
    get a stack (``std::system_error: Resource temporarily unavailable``), and the worker died
    while starting. ``mallopt`` takes effect at once, unlike ``MALLOC_ARENA_MAX``, which glibc
    reads only when the process starts.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to tune
        return
    m_arena_max = -8
    libc.mallopt(m_arena_max, 2)


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
    _few_malloc_arenas()
    _limit_memory(settings.memory_limit_mb)
    try:
        if settings.read_only_store:
            store = ox.Store.read_only(settings.read_only_store)
        else:
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
