"""Fairness under attack (issue 17, item 4): simple queries while four clients misbehave.

``mla-kg serve --workers 2 --timeout 3 --client-queries 2`` serves the bundled graph; four
clients re-send a four-way cartesian COUNT as soon as they are answered (a 503 timeout, or a 429
for holding too many queries, after a tenth of its Retry-After); one client sends a lookup of
one resource's triples, one after another, for ``seconds``. Reported: the share of lookups
answered 200, their p50 and p99, the statuses on both sides, and /health during the attack.
tests/server/test_fairness.py runs the same scenario with robust assertions only.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from endpoints import BIN, _wait, free_port

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "SELECT ?p ?o WHERE { <https://w3id.org/mla-kg/id/instrument/eu-jp-mla> ?p ?o }"
ATTACKERS = 4


def _attack(url: str, stop: threading.Event, statuses: Counter[int]) -> None:
    with httpx.Client(timeout=60) as client:
        while not stop.is_set():
            response = client.get(url, params={"query": CARTESIAN})
            statuses[response.status_code] += 1
            if response.status_code == 429:
                time.sleep(float(response.headers.get("retry-after", "1")) / 10)


def measure(seconds: float = 20.0) -> dict:
    """Run the scenario once; return the figures (see the module's docstring)."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="mla-kg-bench-fairness-"))
    log_path = workdir / "server.log"
    command = [str(BIN / "mla-kg"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "2", "--timeout", "3", "--client-queries", "2", "--no-pages"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        _wait(url, process, log_path)
        stop = threading.Event()
        attack: Counter[int] = Counter()
        threads = [
            threading.Thread(target=_attack, args=(url, stop, attack)) for _ in range(ATTACKERS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(1.0)  # let the attack take the pool
        simple: Counter[int] = Counter()
        latencies: list[float] = []
        health = None
        with httpx.Client(timeout=60) as client:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = client.get(url, params={"query": SIMPLE})
                latencies.append((time.perf_counter() - started) * 1000)
                simple[response.status_code] += 1
                if health is None and len(latencies) == 50:
                    health = client.get(f"http://127.0.0.1:{port}/health").json()
        stop.set()
        for thread in threads:
            thread.join(120)
    finally:
        process.terminate()
        process.wait(30)
    latencies.sort()
    total = sum(simple.values())
    return {
        "seconds": seconds,
        "attackers": ATTACKERS,
        "simple": total,
        "answered": simple[200] / total if total else 0.0,
        "p50_ms": statistics.median(latencies) if latencies else None,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        if latencies
        else None,
        "simple_statuses": {str(k): v for k, v in simple.items()},
        "attack_statuses": {str(k): v for k, v in attack.items()},
        "health_clients": health and health.get("clients"),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(measure(), indent=1))
