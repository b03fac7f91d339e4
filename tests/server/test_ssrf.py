"""SSRF: no query makes the endpoint open a connection, however it hides ``SERVICE``.

The boundary is the network sandbox of the query workers (:mod:`mla_kg.server.sandbox`); the
text check in front of it is only the friendly first answer. A TCP listener on another loopback
port counts every connection. Three views:

- the differential fuzzer: 10,000 generated queries hiding ``SERVICE`` sent to a live
  ``mla-kg serve``: zero connections. Most are answered 403 or 400; a few 200 (``SERVICE
  SILENT`` drops the failed call, and some generated calls end up inside a comment for the
  engine, which ends comments at fewer line terminators than the generator tries);
- the same queries handed straight to a sandboxed worker, past the text check: zero
  connections, and the engine's attempts answered with the text check's 403;
- the control: an unsandboxed worker given the same queries does reach the listener, so the
  queries are real calls and the listener would have seen them.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from ssrf_queries import ISSUE_BYPASS, hidden_service_queries

from mla_kg.server import guard, sandbox
from mla_kg.server.protocol import ProtocolError
from mla_kg.server.worker import SparqlJob, WorkerPool, WorkerSettings

SEED = 20261202
QUERIES = 10_000
JSON = "application/sparql-results+json"


class Listener:
    """A TCP server on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(256)
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


def sandbox_available() -> bool:
    try:
        sandbox.probe()
    except sandbox.SandboxUnavailable:
        return False
    return True


pytestmark = pytest.mark.skipif(not sandbox_available(), reason="no seccomp sandbox here")


def run_on_worker(tmp_path: Path, queries: list[str], *, network_sandbox: bool) -> Counter:
    """Hand queries straight to one worker (no text check); count the answers' statuses."""
    quads = tmp_path / "data.nq"
    quads.write_text("<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    settings = WorkerSettings(
        quads_path=str(quads), include_bundled=False, network_sandbox=network_sandbox
    )

    async def main() -> Counter:
        pool = WorkerPool(settings, 1, timeout=30)
        await pool.start()
        statuses: Counter = Counter()
        try:
            for text in queries:
                answer = await pool.run(SparqlJob(text, None, max_rows=10))
                statuses[answer.status] += 1
        finally:
            await pool.stop()
        return statuses

    return asyncio.run(main())


def test_the_text_check_alone_misses_some_hidden_calls(listener):
    """Why the sandbox is needed: the generated queries include ones the text check misses."""
    queries = list(hidden_service_queries(listener.url, QUERIES, SEED))
    missed = []
    for text in queries:
        try:
            guard.refuse_federation(text)
        except ProtocolError:
            continue
        missed.append(text)
    print(
        f"text check: {len(queries) - len(missed)} of {len(queries)} refused, {len(missed)} missed"
    )
    assert queries[0] in missed, "the issue's bypass is in the set and passes the text check"


def test_fuzzer_against_a_live_server_opens_no_connection(start_server, listener):
    server = start_server("--workers", "2", "--timeout", "5", "--no-pages")
    queries = list(hidden_service_queries(listener.url, QUERIES, SEED))
    assert len(queries) >= 10_000 and queries[0] == ISSUE_BYPASS.replace("{url}", listener.url)

    def send(batch: list[str]) -> Counter:
        statuses: Counter = Counter()
        with httpx.Client(timeout=60) as client:  # keep-alive
            for index, text in enumerate(batch):
                if index % 3 == 0:
                    response = client.get(server.sparql, params={"query": text})
                elif index % 3 == 1:
                    response = client.post(
                        server.sparql,
                        content=text.encode(),
                        headers={"Content-Type": "application/sparql-query"},
                    )
                else:
                    response = client.post(server.sparql, data={"query": text})
                statuses[response.status_code] += 1
                if response.status_code == 403:
                    assert "SERVICE" in response.text
        return statuses

    with ThreadPoolExecutor(4) as threads:
        parts = list(threads.map(send, [queries[i::4] for i in range(4)]))
    statuses = sum(parts, Counter())
    print(f"live server: {dict(statuses)}; listener connections: {listener.connections}")
    assert listener.connections == 0
    assert set(statuses) <= {200, 400, 403, 414}, statuses
    assert statuses[403] > QUERIES // 2
    assert "Traceback" not in server.log()


def test_a_sandboxed_worker_cannot_connect_even_past_the_text_check(tmp_path, listener):
    queries = list(hidden_service_queries(listener.url, QUERIES, SEED))
    statuses = run_on_worker(tmp_path, queries, network_sandbox=True)
    print(f"sandboxed worker, no text check: {dict(statuses)}; connections: {listener.connections}")
    assert listener.connections == 0
    assert set(statuses) <= {200, 400, 403}, statuses
    # The engine's own attempts are answered like the text check's refusals.
    assert statuses[403] > 0


def test_the_bypass_gets_the_text_checks_403_from_the_engine(tmp_path, listener):
    bypass = ISSUE_BYPASS.replace("{url}", listener.url)
    quads = tmp_path / "d.nq"
    quads.write_text("")
    settings = WorkerSettings(quads_path=str(quads), include_bundled=False)

    async def main():
        pool = WorkerPool(settings, 1, timeout=30)
        await pool.start()
        try:
            return await pool.run(SparqlJob(bypass, JSON, max_rows=10))
        finally:
            await pool.stop()

    answer = asyncio.run(main())
    assert answer.status == 403 and answer.message == guard.FEDERATION_REFUSED
    assert listener.connections == 0


def test_control_an_unsandboxed_worker_does_reach_the_listener(tmp_path, listener):
    """Without the sandbox the same queries connect: the listener and the queries are real."""
    queries = list(hidden_service_queries(listener.url, 300, SEED))
    run_on_worker(tmp_path, queries, network_sandbox=False)
    print(f"unsandboxed worker: {listener.connections} connections from 300 queries")
    assert listener.connections > 30


def test_server_refuses_to_start_without_the_sandbox_unless_told(tmp_path, monkeypatch):
    """``mla-kg serve`` says in one line that the sandbox is missing, and exits 1."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "import mla_kg.server.sandbox as s\n"
        "def broken():\n"
        "    raise s.SandboxUnavailable('pyseccomp cannot be loaded (test)')\n"
        "s.probe = broken\n"
        "from mla_kg.cli import app\n"
        "sys.argv = ['mla-kg', 'serve', '--port', '1']\n"
        "app()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and "cannot be sandboxed" in lines[0] and "--no-network-sandbox" in lines[0]
    )
    assert "Traceback" not in done.stderr
