"""SPARQL endpoints side by side: start each on 127.0.0.1 with the same data, load it with wrk.

Servers: ``mla-kg serve`` (safety layer on: timeout and row cap at their defaults),
``oxigraph serve-read-only`` (PyPI ``oxigraph``) and rdflib-endpoint (PyPI). Each serves the
bundled graph plus the benchmark corpus. Two queries: a one-resource lookup and the comparison
matrix query exactly as ``KnowledgeGraph.remote(...).compare`` sends it. ``wrk`` (Debian) drives 8
connections on 2 threads and reports requests/s and the latency distribution.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

LOOKUP = (
    "SELECT ?p ?o WHERE { "
    "<https://w3id.org/mla-kg/id/instrument/eu-jp-mla/art/11/para/1/point/b> ?p ?o }"
)
ACCEPT = "application/sparql-results+json"
BIN = Path(sys.executable).parent


def comparison_query() -> str:
    """Return the comparison matrix query text exactly as ``KnowledgeGraph.remote`` sends it.

    The three instruments in one ``VALUES`` block opening the WHERE group (the embedded store
    instead binds one instrument per query through the engine, which HTTP cannot).
    """
    from mla_kg import KnowledgeGraph, queries
    from mla_kg.remote import bind_in_where

    kg = KnowledgeGraph()
    named = queries.get("compare_features")
    ids = [kg.instrument_iri(i) for i in ("eu-jp-mla", "eu-us-mla", "jp-us-mlat")]
    return bind_in_where(named.text + queries.render_values({"instrument": ids}), {})


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running endpoint: its name and query URL."""

    name: str
    url: str
    pid: int = 0


def process_rss(pid: int) -> list[dict[str, object]]:
    """Return the resident set size of a process and of its descendants (Linux ``/proc``).

    For ``mla-kg serve``: the serving process and each query worker, in MB.
    """
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            cmdline = Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        lines = [line for line in status.splitlines() if line.startswith("VmRSS")]
        rss = int(lines[0].split()[1]) / 1024 if lines else 0.0
        found.append({"pid": current, "rss_mb": rss, "command": cmdline.decode()[:80]})
        todo += children.get(current, [])
    return found


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, limit: float = 600.0) -> None:
    """Wait until the endpoint answers ASK, or fail with the end of its log."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(
                f"{url}: server exited with {process.returncode}: " + " | ".join(tail)
            )
        try:
            answer = httpx.get(
                url, params={"query": "ASK {}"}, headers={"Accept": ACCEPT}, timeout=5
            )
            if answer.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url}: no answer within {limit} s")


@contextmanager
def running(name: str, export: Path, extra: Path | None) -> Iterator[Server]:
    """Start one endpoint on 127.0.0.1 serving the bundled graph and ``extra``; stop it after.

    ``export`` is the bundled graph as N-Triples, for the servers that do not bundle it.
    """
    data_files = [export, extra] if extra else [export]
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix=f"mla-kg-bench-{name}-"))
    log = (workdir / "server.log").open("wb")
    if name == "mla-kg serve":
        data = ["--data", str(extra)] if extra else []
        command = [str(BIN / "mla-kg"), "serve", "--host", "127.0.0.1", "--port", str(port), *data]
        # wrk is one client with 8 connections: without this, the per-client cap (a guard
        # against misbehaving clients, measured in bench/fairness.py) answers most comparison
        # requests 429 and their count would inflate req/s.
        command += ["--client-queries", "0"]
        url = f"http://127.0.0.1:{port}/sparql"
    elif name == "oxigraph serve":
        store = workdir / "store"
        subprocess.run(
            [
                str(BIN / "oxigraph"),
                "load",
                "--location",
                str(store),
                "--file",
                *[str(path) for path in data_files],
            ],
            check=True,
            stdout=log,
            stderr=log,
        )
        command = [
            str(BIN / "oxigraph"),
            "serve-read-only",
            "--location",
            str(store),
            "--bind",
            f"127.0.0.1:{port}",
        ]
        url = f"http://127.0.0.1:{port}/query"
    elif name == "rdflib-endpoint":
        command = [
            str(BIN / "rdflib-endpoint"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *[str(path) for path in data_files],
        ]
        url = f"http://127.0.0.1:{port}/"
    else:
        raise ValueError(name)
    process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
    try:
        _wait(url, process, workdir / "server.log")
        yield Server(name, url, process.pid)
    finally:
        # rdflib-endpoint may ignore SIGTERM while a query runs (see pitfalls.md). A server that
        # failed to start has exited already; its log says why.
        try:
            os.killpg(process.pid, 15)
            process.wait(10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    """Convert a wrk duration (``1.23ms``) to milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(
    url: str, query: str, seconds: int, timeout: int = 60, post: bool = False
) -> dict[str, float]:
    """Load the endpoint with 8 connections for ``seconds``; return req/s, p50, p99, errors.

    GET ``url?query=``, or with ``post`` a form-encoded POST, as ``KnowledgeGraph.remote`` sends
    (a long query does not fit in a URL: servers answer 414).
    """
    headers = ["-H", f"Accept: {ACCEPT}"]
    with tempfile.TemporaryDirectory() as folder:
        if post:
            body = urllib.parse.urlencode({"query": query})
            script = Path(folder) / "post.lua"
            # A Lua long string: the form-encoded body holds no "]==]".
            script.write_text(
                f'wrk.method = "POST"\nwrk.body = [==[{body}]==]\n'
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            )
            target, extra = url, ["-s", str(script)]
        else:
            target, extra = f"{url}?{urllib.parse.urlencode({'query': query})}", []
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                "-c8",
                f"-d{seconds}s",
                f"--timeout={timeout}s",
                "--latency",
                *headers,
                *extra,
                target,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"\s50%\s+(\S+)", output)
    p99 = re.search(r"\s99%\s+(\S+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*?timeout (\d+)", output)
    return {
        "rps": rate,
        "p50_ms": _ms(p50.group(1)) if p50 else float("nan"),
        "p99_ms": _ms(p99.group(1)) if p99 else float("nan"),
        "non_2xx": float(non_2xx.group(1)) if non_2xx else 0.0,
        "timeouts": float(errors.group(1)) if errors else 0.0,
    }


def row_count(url: str, query: str) -> int:
    """POST a SELECT once and return its row count (a check that each server really answers)."""
    answer = httpx.post(url, data={"query": query}, headers={"Accept": ACCEPT}, timeout=600)
    answer.raise_for_status()
    return len(answer.json()["results"]["bindings"])
