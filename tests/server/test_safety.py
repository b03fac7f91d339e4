"""Safety of ``mla-kg serve``: a runaway query is stopped, others keep answering; rows are capped.

The server here has a 2 s timeout, a 100-row cap and two query workers (``limited_server``).
"""

from __future__ import annotations

import csv
import io
import os
import threading
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Graph

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "SELECT ?id WHERE { ?i <https://w3id.org/mla-kg/ontology#instrumentId> ?id }"
ALL_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def query(server, text: str, accept: str = "application/sparql-results+json") -> httpx.Response:
    headers = {"Accept": accept, "Origin": "https://example.org"}  # as a browser would send
    return httpx.get(server.sparql, params={"query": text}, headers=headers, timeout=60)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed child that its parent has not reaped yet still answers signal 0: check its state.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_runaway_query_is_stopped_while_others_keep_answering(limited_server):
    before = limited_server.wait_all_workers()
    expected_ids = len(query(limited_server, SIMPLE).json()["results"]["bindings"])
    assert expected_ids >= 3
    outcome: dict[str, httpx.Response] = {}

    def run_runaway() -> None:
        outcome["runaway"] = query(limited_server, CARTESIAN)

    runaway = threading.Thread(target=run_runaway)
    runaway.start()
    answered_meanwhile = 0
    # Simple queries, one after another, for as long as the runaway query is pending.
    with httpx.Client(timeout=60) as client:
        for _ in range(2000):  # bounded; the runaway thread normally ends much earlier
            if not runaway.is_alive():
                break
            response = client.get(limited_server.sparql, params={"query": SIMPLE})
            still_running = runaway.is_alive()
            assert response.status_code == 200, response.text
            assert len(response.json()["results"]["bindings"]) == expected_ids
            answered_meanwhile += still_running
    runaway.join(120)
    assert not runaway.is_alive()
    stopped = outcome["runaway"]
    assert stopped.status_code == 503
    assert "stopped" in stopped.text and "2 s" in stopped.text
    assert stopped.headers["access-control-allow-origin"] == "*"
    assert stopped.headers["retry-after"]
    assert "Traceback" not in stopped.text
    assert answered_meanwhile >= 3, "simple queries were not answered during the runaway query"

    # The overrunning worker was killed (its work really stopped) and replaced.
    after = limited_server.wait_all_workers()
    assert after["status"] == "ok"
    assert after["workers"]["timeouts"] == before["workers"]["timeouts"] + 1
    assert after["workers"]["restarts"] == before["workers"]["restarts"] + 1
    gone = set(before["workers"]["pids"]) - set(after["workers"]["pids"])
    assert len(gone) == 1
    assert not pid_alive(gone.pop())
    assert query(limited_server, SIMPLE).status_code == 200


def test_runaway_query_in_json_gives_a_json_error(limited_server):
    response = httpx.post(
        limited_server.sparql,
        content=CARTESIAN.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 503
    assert response.json()["title"] == "Query timeout"
    limited_server.wait_all_workers()


def test_json_answer_is_capped_with_a_marker(limited_server, kg):
    assert len(kg) > 100
    response = query(limited_server, ALL_TRIPLES)
    assert response.status_code == 200
    document = response.json()
    assert len(document["results"]["bindings"]) == 100
    assert document["truncated"]["max_rows"] == 100
    assert "truncated" in document["truncated"]["message"]
    assert "truncated" in response.headers["mla-kg-truncated"]


def test_xml_csv_tsv_answers_are_capped_with_a_marker(limited_server):
    xml = query(limited_server, ALL_TRIPLES, "application/sparql-results+xml")
    root = ET.fromstring(xml.content)
    assert len(root.findall(f"{SRX}results/{SRX}result")) == 100
    links = [link.get("href") for link in root.iter(f"{SRX}link")]
    assert links == ["urn:x-mla-kg:truncated?max-rows=100"]
    table = list(csv.reader(io.StringIO(query(limited_server, ALL_TRIPLES, "text/csv").text)))
    assert len(table) == 101
    tsv = query(limited_server, ALL_TRIPLES, "text/tab-separated-values")
    assert len(tsv.text.rstrip("\n").split("\n")) == 101
    for response in (xml, tsv):
        assert "100" in response.headers["mla-kg-truncated"]


@pytest.mark.parametrize(("limit", "truncated"), [(99, False), (100, False), (101, True)])
def test_marker_only_when_rows_were_dropped(limited_server, limit, truncated):
    response = query(limited_server, f"{ALL_TRIPLES} LIMIT {limit}")
    document = response.json()
    assert len(document["results"]["bindings"]) == min(limit, 100)
    assert ("truncated" in document) is truncated
    assert ("mla-kg-truncated" in response.headers) is truncated


def test_construct_is_capped_with_a_marker(limited_server):
    response = query(limited_server, "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle")
    assert response.status_code == 200
    assert response.text.startswith("# truncated: only the first 100 results")
    assert len(Graph().parse(data=response.content, format="turtle")) == 100


def test_health_after_all_this(limited_server):
    health = limited_server.wait_all_workers()
    assert health["status"] == "ok"
    assert health["max_rows"] == 100 and health["timeout_s"] == 2
    assert query(limited_server, SIMPLE).status_code == 200
