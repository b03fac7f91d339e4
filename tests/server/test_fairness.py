"""Fairness: while four clients send a pathological query without pause, simple queries answer.

Four threads re-send a four-way cartesian COUNT as soon as they get an answer (a timeout 503 or
a 429 for holding too many queries); meanwhile one client sends simple lookups one after another
and records status and latency. The figures are printed; the assertions are only what holds on
a shared two-core machine: the large majority of simple queries answered 200, the pathological
ones refused or stopped, every worker alive afterwards. No wall-clock threshold is asserted.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter

import httpx

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "SELECT ?p ?o WHERE { <https://w3id.org/mla-kg/id/instrument/eu-jp-mla> ?p ?o }"
ATTACKERS = 4
SECONDS = 15.0


def test_simple_queries_are_answered_while_four_clients_misbehave(start_server):
    server = start_server(
        "--workers", "2", "--timeout", "3", "--client-queries", "2", "--no-pages"
    )  # fmt: skip
    stop = threading.Event()
    attack: Counter[int] = Counter()

    def attacker() -> None:
        with httpx.Client(timeout=60) as client:
            while not stop.is_set():
                response = client.get(server.sparql, params={"query": CARTESIAN})
                attack[response.status_code] += 1
                if response.status_code == 429:
                    time.sleep(float(response.headers["retry-after"]) / 10)  # impatient

    threads = [threading.Thread(target=attacker) for _ in range(ATTACKERS)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # let the attack take the pool
    simple: Counter[int] = Counter()
    latencies: list[float] = []
    busy = None
    with httpx.Client(timeout=60) as client:
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = client.get(server.sparql, params={"query": SIMPLE})
            latencies.append((time.perf_counter() - started) * 1000)
            simple[response.status_code] += 1
            if busy is None and len(latencies) == 50:
                busy = client.get(f"{server.url}health").json()
    stop.set()
    for thread in threads:
        thread.join(120)
    total = sum(simple.values())
    ok = simple[200] / total
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"\nfairness: {total} simple queries in {SECONDS:g} s under {ATTACKERS} attackers: "
        f"{ok:.1%} answered 200, p50 {p50:.1f} ms, p99 {p99:.1f} ms; statuses {dict(simple)}; "
        f"attack statuses {dict(attack)}; /health during the attack: workers "
        f"{busy and busy['workers']}, clients {busy and busy['clients']}"
    )
    assert total >= 20
    assert ok >= 0.9, simple
    assert attack[200] == 0 and (attack[503] + attack[429]) > 0, attack
    assert busy is not None and busy["clients"]["queries_running"] >= 1
    assert server.wait_all_workers()["status"] == "ok"
