"""The serving process stays small: the dataset is built in a process of its own.

Building the dataset parses every file and writes the store and the dumps; at 2M triples that
took 1.6 GB at its peak, and the serving process kept 1.1 GB of it for its whole life when it
built the dataset itself. The test serves a generated corpus of 300k triples and compares the
serving process's *peak* resident size (``VmHWM``, which no later freeing can lower) with what
a query worker holds, the data loaded once: built in the serving process, the peak is above a
worker's size (the library's graph, the build store and the dump together); built elsewhere,
it is a small fraction of it.
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
from types import ModuleType

import httpx
import pytest

from mla_kg.errors import LoadError
from mla_kg.server.dataset import build_dataset, build_in_child

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "bench" / "corpus.py"
TRIPLES = 300_000
STARTUP_SECONDS = 300.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _status_mb(pid: int, field: str) -> float:
    """Return a ``/proc/PID/status`` size field (``VmRSS``, ``VmHWM``) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field} for process {pid}")


@contextlib.contextmanager
def _serving(corpus: Path, log_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], dict]]:
    """Serve the bundled data plus ``corpus`` (loaded as ``--data`` is, without validation)."""
    port = free_port()
    code = (
        "import uvicorn\n"
        "from mla_kg.server.app import get_app\n"
        f"app = get_app(data_files=[{str(corpus)!r}], workers=1, pages=False)\n"
        f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning')\n"
    )
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stderr=log)
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while time.monotonic() < deadline:
                assert process.poll() is None, log_path.read_text(errors="replace")
                with contextlib.suppress(httpx.HTTPError):
                    answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                    if answer.status_code == 200:
                        yield process, answer.json()
                        return
                time.sleep(0.3)
            raise AssertionError(f"no healthy server within {STARTUP_SECONDS:g} s")
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_the_serving_process_does_not_hold_the_data(
    tmp_path: Path, import_file: Callable[[Path], ModuleType]
) -> None:
    corpus = tmp_path / "corpus.nt"
    total, _ = import_file(CORPUS).write_corpus(TRIPLES, corpus)
    with _serving(corpus, tmp_path / "server.log") as (process, health):
        assert health["triples"] >= total
        worker = health["workers"]["pids"][0]
        assert worker != process.pid and worker not in (os.getpid(),)
        front_peak = _status_mb(process.pid, "VmHWM")
        worker_rss = _status_mb(worker, "VmRSS")
    print(f"serving process peak {front_peak:.0f} MB; a query worker {worker_rss:.0f} MB")
    # A worker holds the bundled data and the corpus once; the serving process must never have
    # held them (measured at 300k triples: 56 MB against 143 MB; built in place, 362 MB).
    assert front_peak < worker_rss, (front_peak, worker_rss)


def test_a_load_error_in_the_build_process_reaches_the_server_as_itself(tmp_path: Path) -> None:
    # The server (and `mla-kg serve`) must report a broken file as before the build moved
    # out: the same LoadError, message and exit code.
    broken = tmp_path / "broken.nt"
    broken.write_text("<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
    graphs = {"http://example.org/g": broken}
    with pytest.raises(LoadError) as in_place:
        build_dataset(tmp_path / "here", (), graphs, include_bundled=False)
    with pytest.raises(LoadError) as in_child:
        build_in_child(tmp_path / "there", (), graphs, include_bundled=False)
    assert str(in_child.value) == str(in_place.value)
    assert "broken.nt" in str(in_child.value)
    assert in_child.value.exit_code == in_place.value.exit_code == 2
