"""Fixtures that run ``mla-kg serve`` for real: a uvicorn process on 127.0.0.1 and a free port.

Each server is a subprocess (``python -m mla_kg.cli serve``), started once per test session and
stopped at the end; a fixture waits until ``/health`` answers. The server's stderr (the
structured access log included) goes to a file the tests can read.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
#: The longest a server may take to build its store and start its workers.
STARTUP_SECONDS = 180.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RunningServer:
    """A ``mla-kg serve`` subprocess.

    :ivar url: the base URL, e.g. ``http://127.0.0.1:41234/`` (ends in ``/``).
    :ivar sparql: the SPARQL endpoint URL.
    :ivar log_path: the file holding the server's stderr.
    """

    def __init__(self, log_path: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.sparql = f"{self.url}sparql"
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mla_kg.cli", "serve", "--port", str(self.port), *args],
            cwd=REPO,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        self._wait_healthy()

    def __str__(self) -> str:
        return self.url

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mla-kg serve exited at start-up:\n{self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"mla-kg serve was not healthy in {STARTUP_SECONDS:g} s:\n{self.log()}")

    def log(self) -> str:
        """Return what the server has written to stderr so far."""
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def health(self) -> dict:
        """Return the ``/health`` document."""
        response = httpx.get(f"{self.url}health", timeout=10)
        return dict(response.json())

    def wait_all_workers(self, seconds: float = 120.0) -> dict:
        """Wait until every worker is alive again (after a timeout killed one); return health."""
        deadline = time.monotonic() + seconds
        while True:
            health = self.health()
            if health["workers"]["alive"] == health["workers"]["size"]:
                return health
            if time.monotonic() > deadline:
                raise AssertionError(f"workers not replaced within {seconds:g} s: {health}")
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL if it does not exit) and close its log."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._log.close()


@contextlib.contextmanager
def running_server(log_path: Path, *args: str) -> Iterator[RunningServer]:
    """Run ``mla-kg serve ARGS`` for the duration of the block."""
    server = RunningServer(log_path, *args)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def start_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., RunningServer]]:
    """Return a function starting ``mla-kg serve ARGS``; every server stops at session end."""
    started: list[RunningServer] = []

    def start(*args: str) -> RunningServer:
        log_path = tmp_path_factory.mktemp("serve") / "server.log"
        started.append(RunningServer(log_path, *args))
        return started[-1]

    yield start
    for running in started:
        running.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Return the bundled graph served with default settings and the HTML pages."""
    log_path = tmp_path_factory.mktemp("serve") / "server.log"
    with running_server(log_path, "--workers", "2") as running:
        yield running


@pytest.fixture(scope="session")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Return a server with a 2 s timeout and a 100-row cap, without pages."""
    log_path = tmp_path_factory.mktemp("serve-limited") / "server.log"
    args = ("--workers", "2", "--timeout", "2", "--max-rows", "100", "--no-pages")
    with running_server(log_path, *args) as running:
        yield running
