"""Bounds of ``mla-kg serve`` under attack: nesting, bytes, memory, hang-ups, response headers.

One server with small caps (``--max-bytes 100000 --worker-memory 512``, 2 workers, 5 s) serves
every test here; each test checks the workers are all alive afterwards.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote

import httpx
import pytest

from mla_kg.server import guard

SIMPLE = "SELECT ?id WHERE { ?i <https://w3id.org/mla-kg/ontology#instrumentId> ?id }"
#: Not a bounded lookup (ORDER BY), so it runs on the pool, not the lookup lane.
POOLED = SIMPLE + " ORDER BY ?id"
SPARQL_QUERY = {"Content-Type": "application/sparql-query"}
SRX = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def capped(start_server):
    return start_server(
        "--workers", "2", "--timeout", "5", "--max-bytes", "100000", "--worker-memory", "512",
        "--no-pages",
    )  # fmt: skip


def doubling(times: int, project: str = "?s") -> str:
    """Return a short query whose string doubles ``times`` times (2 ** (times + 1) chars)."""
    binds = ['BIND("ab" AS ?b0)'] + [
        f"BIND(CONCAT(?b{i}, ?b{i}) AS ?b{i + 1})" for i in range(times)
    ]
    tail = f"BIND(?b{times} AS ?s) BIND(STRLEN(?s) AS ?n)"
    return f"SELECT {project} WHERE {{ {' '.join(binds)} {tail} }}"


def raw_get_status(server, text: str) -> int:
    """Send ``GET /sparql?query=TEXT`` byte for byte (any length) and return the status."""
    target = "/sparql?query=" + quote(text, safe="")
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as raw:
        raw.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        head = b""
        while b"\r\n" not in head:
            chunk = raw.recv(4096)
            if not chunk:
                break
            head += chunk
    return int(head.split(b" ", 2)[1])


def nested(kind: str, depth: int) -> str:
    if kind == "braces":
        return "SELECT * WHERE " + "{" * depth + "}" * depth
    if kind == "parentheses":
        return "SELECT * WHERE { FILTER(" + "(" * depth + "1" + ")" * depth + ") }"
    if kind == "concat":
        return "SELECT * WHERE { BIND(" + "CONCAT(" * depth + "'a'" + ")" * depth + " AS ?x) }"
    if kind == "lists":
        return "SELECT * WHERE { ?s <http://e/p> " + "(" * depth + ")" * depth + " }"
    raise ValueError(kind)


def all_alive(server) -> dict:
    health = server.wait_all_workers()
    assert health["status"] == "ok"
    return health


# --- nesting ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["braces", "parentheses", "concat", "lists"])
@pytest.mark.parametrize("depth", [guard.MAX_NESTING + 1, 1_000, 2_200, 5_000, 100_000])
def test_deep_nesting_is_refused_before_the_engine(capped, kind, depth):
    before = all_alive(capped)["workers"]
    text = nested(kind, depth)
    response = httpx.post(capped.sparql, content=text.encode(), headers=SPARQL_QUERY, timeout=60)
    assert response.status_code == 400, response.text
    assert "levels deep" in response.text and str(guard.MAX_NESTING) in response.text
    # A GET longer than the URL cap is refused for its length, before anything reads it.
    as_get = raw_get_status(capped, text)
    assert as_get == 400 if len(quote(text, safe="")) < 8_000 else as_get in (400, 414), as_get
    after = all_alive(capped)["workers"]
    assert after["deaths"] == before["deaths"] and after["restarts"] == before["restarts"]


@pytest.mark.parametrize("kind", ["braces", "parentheses", "concat"])
def test_nesting_at_the_bound_is_answered(capped, kind):
    response = httpx.post(
        capped.sparql,
        content=nested(kind, guard.MAX_NESTING - 2).encode(),
        headers=SPARQL_QUERY,
        timeout=60,
    )
    assert response.status_code == 200, response.text


def test_brackets_inside_strings_and_comments_do_not_count(capped):
    text = (
        'SELECT ?x WHERE { BIND("' + "((((" * 30 + '" AS ?x) } # ' + "{" * 100
    )  # above 64, below the raw 256
    response = httpx.get(capped.sparql, params={"query": text}, timeout=60)
    assert response.status_code == 200, response.text


def test_long_operator_chains_are_refused(capped):
    text = "SELECT * WHERE { FILTER(" + "!" * 60_000 + "true) }"
    response = httpx.post(capped.sparql, content=text.encode(), headers=SPARQL_QUERY, timeout=60)
    assert response.status_code == 400 and "operators" in response.text
    all_alive(capped)


def test_a_worker_death_is_logged_with_its_cause(capped):
    health = all_alive(capped)
    victim = health["workers"]["pids"][0]
    os.kill(victim, signal.SIGSEGV)
    time.sleep(0.5)
    # The dead worker is found when a job reaches it; that job goes to the other worker.
    with httpx.Client(timeout=60) as client:
        statuses = [
            client.get(capped.sparql, params={"query": POOLED}).status_code for _ in range(6)
        ]
    assert statuses == [200] * 6
    after = all_alive(capped)
    assert after["workers"]["deaths"] >= health["workers"]["deaths"] + 1
    assert victim not in after["workers"]["pids"]
    assert re.search(rf"query worker {victim} died .*killed by SIGSEGV", capped.log())


# --- bytes and memory --------------------------------------------------------------------------


def test_a_huge_string_is_cut_at_the_byte_cap_with_a_marker(capped):
    response = httpx.post(capped.sparql, data={"query": doubling(17)}, timeout=60)
    assert response.status_code == 200
    assert len(response.content) <= 100_000
    document = response.json()
    assert document["results"]["bindings"] == []
    assert document["truncated"]["max_bytes"] == 100_000
    assert "100000 bytes" in response.headers["mla-kg-truncated"]


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
)
def test_many_rows_are_cut_at_the_byte_cap_in_every_format(capped, accept):
    response = httpx.get(
        capped.sparql,
        params={"query": "SELECT * WHERE { ?s ?p ?o }"},
        headers={"Accept": accept},
        timeout=60,
    )
    assert response.status_code == 200
    assert 50_000 < len(response.content) <= 100_000
    assert "100000 bytes" in response.headers["mla-kg-truncated"]
    if accept.endswith("xml"):
        links = [link.get("href") for link in ET.fromstring(response.content).iter(f"{SRX}link")]
        assert links == ["urn:x-mla-kg:truncated?max-bytes=100000"]


def test_construct_is_cut_at_the_byte_cap(capped):
    response = httpx.get(
        capped.sparql,
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/turtle"},
        timeout=60,
    )
    assert response.status_code == 200 and len(response.content) <= 100_000
    assert response.text.startswith("# truncated: only the first ")


def test_a_query_past_the_memory_cap_gets_an_honest_503(capped):
    response = httpx.post(capped.sparql, data={"query": doubling(28, "?n")}, timeout=60)
    assert response.status_code == 503, response.text
    assert "512 MB" in response.text and "Traceback" not in response.text
    all_alive(capped)
    assert httpx.get(capped.sparql, params={"query": SIMPLE}, timeout=60).status_code == 200


# --- hang-ups and headers ----------------------------------------------------------------------


def test_a_client_hang_up_is_a_normal_event(capped):
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", capped.port)) as raw:
            raw.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: 5000\r\n\r\nSELECT * WHERE {"
            )
    time.sleep(1.0)
    log = capped.log()
    assert "client hung up during POST /sparql" in log
    assert "Traceback" not in log and "unhandled error" not in log
    assert '"status": 500' not in log
    assert httpx.get(capped.sparql, params={"query": SIMPLE}, timeout=60).status_code == 200


@pytest.mark.parametrize(
    "path", ["sparql?query=ASK%20%7B%7D", "sparql?query=ASK%20%7B", "health", "nothing", "dump.nt"]
)
def test_nosniff_on_every_response(capped, path):
    response = httpx.get(f"{capped.url}{path}", timeout=60)
    assert response.headers["x-content-type-options"] == "nosniff"
