"""Real SPARQL servers on 127.0.0.1 for the remote-backend and push tests.

Each server runs as a child process on free ports with a temporary directory, and is stopped
(by its own process id) when the session ends:

- ``oxigraph serve`` from the ``oxigraph`` PyPI package (query ``/query``, Graph Store ``/store``);
- Virtuoso Open Source 7 (``virtuoso-t`` from Debian's ``virtuoso-opensource``) with a fresh
  database and a temporary ``virtuoso.ini``; query ``/sparql``, Graph Store
  ``/sparql-graph-crud-auth`` with HTTP digest authentication as ``dba`` (the password of a
  fresh database is ``dba``), so no grant to the anonymous SPARQL user is needed;
- ``mla-kg serve`` itself (query ``/sparql``; read-only, it serves the bundled data).

A missing program skips its tests with the reason, except under CI (``CI=true``), where the
CI script installs them (``.ci/virtuoso.sh``) and a missing one is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from mla_kg import KnowledgeGraph
from mla_kg.push import DEFAULT_GRAPH

REPO = Path(__file__).resolve().parents[2]

IN_CI = os.environ.get("CI", "").lower() == "true"
#: Seconds a server may take to answer its first query (Virtuoso creates its database first).
STARTUP_LIMIT = 180.0
ASK = "ASK { }"
#: The row cap `mla-kg serve` runs with in the tests.
SERVE_MAX_ROWS = 50_000


def unavailable(reason: str) -> None:
    """Skip a test for a missing server program, or fail under CI where it must be present."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the CI script must install it)")
    pytest.skip(reason)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def unused_port() -> int:
    """Return a port on 127.0.0.1 where nothing listens."""
    return free_port()


@pytest.fixture
def serve_max_rows() -> int:
    """Return the row cap the `mla-kg serve` test server runs with."""
    return SERVE_MAX_ROWS


@dataclass
class Server:
    """A SPARQL server running for the tests.

    :ivar name: ``oxigraph``, ``virtuoso`` or ``mla-kg-serve``.
    :ivar query_url: the SPARQL query endpoint.
    :ivar gsp_url: the Graph Store Protocol endpoint (``None`` for a read-only server).
    :ivar user: user for the Graph Store, if it needs one.
    :ivar password: that user's password.
    :ivar graph: the named graph the tests push the bundled data to (``None``: default dataset).
    """

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    query_url: str
    gsp_url: str | None = None
    user: str | None = None
    password: str | None = None
    graph: str | None = None
    auth: str = "digest"

    def log_tail(self, lines: int = 30) -> str:
        """Return the end of the server's output, for failure messages."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def gsp_auth(self) -> httpx.Auth | None:
        """Return the httpx authentication for the Graph Store."""
        if self.user is None:
            return None
        scheme = httpx.DigestAuth if self.auth == "digest" else httpx.BasicAuth
        return scheme(self.user, self.password or "")

    def push_args(self, gsp_url: str | None = None, graph: str | None = None) -> list[str]:
        """Return the ``mla-kg push`` arguments for this server (password via environment)."""
        args = ["push", "--gsp", gsp_url or self.gsp_url or "", "--graph", graph or self.graph]
        if self.user is not None:
            args += ["--user", self.user, "--auth", self.auth]
        return [str(arg) for arg in args]

    def push_env(self) -> dict[str, str]:
        """Return the environment for ``mla-kg push`` (the password, if any)."""
        return {"MLA_KG_GSP_PASSWORD": self.password} if self.password else {}


def _start(
    name: str, command: list[str], log: Path, probe_url: str, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start a server and wait until ``probe_url`` answers an ASK query with 200."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd
        )
    deadline = time.monotonic() + STARTUP_LIMIT
    while True:
        if process.poll() is not None:
            text = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            pytest.fail(f"{name} exited with {process.returncode} on start-up:\n{text}")
        try:
            if httpx.get(probe_url, params={"query": ASK}, timeout=5).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            _stop(process)
            text = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            pytest.fail(f"{name} did not answer {probe_url} within {STARTUP_LIMIT:g} s:\n{text}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server this fixture started: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def oxigraph_program() -> str | None:
    """Return the ``oxigraph`` server program (the PyPI package's, beside this Python)."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def start_oxigraph(directory: Path) -> Server:
    """Start ``oxigraph serve`` with its store in ``directory`` (it survives a restart)."""
    program = oxigraph_program()
    if program is None:
        unavailable("the oxigraph server is not installed (pip install oxigraph)")
    port = free_port()
    directory.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{port}"
    log = directory.parent / f"{directory.name}.log"
    # No --timeout-s: it answers 200 with truncated results (see design/pitfalls.md).
    command = [str(program), "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}"]
    process = _start("oxigraph serve", command, log, f"{base}/query")
    return Server(
        name="oxigraph",
        process=process,
        log=log,
        query_url=f"{base}/query",
        gsp_url=f"{base}/store",
        graph=DEFAULT_GRAPH,
    )


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
; SQL (isql) port, loopback only.
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 0
CaseMode = 2
; Only the temporary directory; no VADInstallDir, so the Conductor is not installed (faster).
DirsAllowed = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8

[SPARQL]
; The default 10000 would cut results silently; no cost-estimate refusal.
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 120
"""


def start_virtuoso(directory: Path) -> Server:
    """Start Virtuoso 7 in the foreground with a fresh database in ``directory``."""
    program = shutil.which("virtuoso-t")
    if program is None:
        unavailable(
            "Virtuoso is not installed (Debian: apt-get install virtuoso-opensource; "
            "CI: .ci/virtuoso.sh)"
        )
    directory.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(dir=directory, sql_port=free_port(), http_port=http_port),
        encoding="utf-8",
    )
    base = f"http://127.0.0.1:{http_port}"
    log = directory / "stdout.log"
    command = [str(program), "+foreground", "+configfile", str(ini)]
    process = _start("virtuoso-t", command, log, f"{base}/sparql", cwd=directory)
    return Server(
        name="virtuoso",
        process=process,
        log=log,
        query_url=f"{base}/sparql",
        gsp_url=f"{base}/sparql-graph-crud-auth",
        user="dba",
        password="dba",
        graph=DEFAULT_GRAPH,
    )


def start_mla_kg_serve(directory: Path) -> Server:
    """Start ``mla-kg serve`` on a free port (it serves the bundled data, read-only)."""
    probe = subprocess.run(
        [sys.executable, "-m", "mla_kg.cli", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if probe.returncode != 0:
        unavailable(f"`mla-kg serve` is not available: {probe.stderr.strip()[-300:]}")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = directory / "serve.log"
    command = [
        sys.executable,
        "-m",
        "mla_kg.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        # Above the whole graph (the tests read it back) and below what test_remote_errors asks.
        "--max-rows",
        str(SERVE_MAX_ROWS),
    ]
    process = _start("mla-kg serve", command, log, f"{base}/sparql")
    return Server(name="mla-kg-serve", process=process, log=log, query_url=f"{base}/sparql")


_STARTERS: dict[str, Callable[[Path], Server]] = {
    "oxigraph": start_oxigraph,
    "virtuoso": start_virtuoso,
    "mla-kg-serve": start_mla_kg_serve,
}


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Server]]:
    """Return a function starting a server by name, once per session; all stop at the end."""
    running: dict[str, Server] = {}

    def get(name: str) -> Server:
        if name not in running:
            running[name] = _STARTERS[name](tmp_path_factory.mktemp(name))
        return running[name]

    yield get
    for server in running.values():
        _stop(server.process)


@pytest.fixture(scope="session")
def remote_graph(servers: Callable[[str], Any]) -> Callable[[str], KnowledgeGraph]:
    """Return a function giving the remote graph on a server, pushed there once per session."""
    pushed: dict[str, KnowledgeGraph] = {}

    def get(name: str) -> KnowledgeGraph:
        if name not in pushed:
            server = servers(name)
            if server.gsp_url is not None:
                done = subprocess.run(
                    [sys.executable, "-m", "mla_kg.cli", *server.push_args()],
                    cwd=REPO,
                    capture_output=True,
                    text=True,
                    timeout=600,
                    env={**os.environ, **server.push_env()},
                )
                assert done.returncode == 0, (
                    f"mla-kg push to {server.name} failed:\n{done.stderr}\n{server.log_tail()}"
                )
                assert "pushed" in done.stdout, done.stdout
            pushed[name] = KnowledgeGraph.remote(server.query_url, graph=server.graph)
        return pushed[name]

    return get


@pytest.fixture
def fault_proxy() -> type[FaultProxy]:
    """Return the FaultProxy class (a context manager) for tests to put in front of a server."""
    return FaultProxy


@pytest.fixture
def restart() -> Iterator[Callable[[Server], Server]]:
    """Return a function that stops an Oxigraph server and starts it again on its store."""
    started: list[Server] = []

    def again(server: Server) -> Server:
        _stop(server.process)
        started.append(start_oxigraph(server.log.with_suffix("")))  # the log sits beside it
        return started[-1]

    yield again
    for server in started:
        _stop(server.process)


@pytest.fixture
def fresh_oxigraph(tmp_path: Path) -> Iterator[Server]:
    """Start an Oxigraph server of the test's own (it may be stopped and restarted)."""
    server = start_oxigraph(tmp_path / "store")
    yield server
    _stop(server.process)


def stop_server(server: Server) -> None:
    """Stop a server started by these fixtures."""
    _stop(server.process)


# --- a fault-injecting proxy in front of a real Graph Store ---------------------------------

#: What the proxy does with a request: forward it, forward another body, or drop the connection.
FORWARD = "forward"
DROP = "drop"
Fault = Callable[[str, str, bytes], "str | bytes"]


class FaultProxy:
    """An HTTP proxy on 127.0.0.1 that forwards to a real server, except where told to fail.

    :param upstream: the server's base URL (``http://127.0.0.1:PORT``).
    :param fault: called with (method, path, body) for every request; returns ``FORWARD``,
        ``DROP`` (close the connection without answering, as a stopped server does) or a
        replacement body to forward instead (e.g. a damaged file).
    """

    def __init__(self, upstream: str, fault: Fault) -> None:
        self.upstream = upstream
        self.fault = fault
        self.requests: list[tuple[str, str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.requests.append((self.command, self.path))
                action = proxy.fault(self.command, self.path, body)
                if action == DROP:
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                if isinstance(action, bytes):
                    body = action
                headers = {
                    key: value
                    for key, value in self.headers.items()
                    if key.lower() not in ("host", "content-length", "connection")
                }
                with httpx.Client(timeout=120) as client:
                    answer = client.request(
                        self.command, proxy.upstream + self.path, headers=headers, content=body
                    )
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in (
                        "content-length",
                        "transfer-encoding",
                        "content-encoding",
                        "connection",
                    ):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _relay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
