"""``mla-kg push`` replaces a named graph all or nothing, on Oxigraph server and on Virtuoso.

Failures are made real: a proxy in front of the server damages one upload (the server rejects
it; Virtuoso keeps what it had read before the error), or the server is stopped mid-way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from mla_kg import KnowledgeGraph
from mla_kg.errors import LoadError
from mla_kg.push import bundled_files, push_graph

REPO = Path(__file__).resolve().parents[2]
SENTINEL = b'<urn:mla-kg:test:s> <urn:mla-kg:test:p> "held before the push" .\n'
BROKEN = b'\n<urn:mla-kg:test:s> <urn:mla-kg:test:p> "an unterminated literal\n'
GSP_SERVERS = ["oxigraph", "virtuoso"]


def mla_kg(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``mla-kg ARGS`` in a subprocess and return its outcome."""
    return subprocess.run(
        [sys.executable, "-m", "mla_kg.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **env},
    )


def triples(server: Any, graph: str, gsp_url: str | None = None) -> set[str]:
    """Return the triples of ``graph`` as N-Triples lines (empty if the graph is absent)."""
    response = httpx.get(
        gsp_url or server.gsp_url,
        params={"graph": graph},
        headers={"Accept": "application/n-triples"},
        auth=server.gsp_auth(),
        timeout=60,
    )
    if response.status_code == 404:
        return set()
    response.raise_for_status()
    return {str(triple) for triple in ox.parse(response.content, ox.RdfFormat.N_TRIPLES)}


def put(server: Any, graph: str, body: bytes) -> None:
    """Replace ``graph`` with N-Triples, directly at the server."""
    response = httpx.put(
        server.gsp_url,
        params={"graph": graph},
        content=body,
        headers={"Content-Type": "application/n-triples"},
        auth=server.gsp_auth(),
        timeout=60,
    )
    response.raise_for_status()


def staging_graphs(server: Any) -> list[str]:
    """Return the staging graphs left on the server."""
    answer = httpx.post(
        server.query_url,
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    ).json()
    graphs = [row["g"]["value"] for row in answer["results"]["bindings"]]
    return [graph for graph in graphs if graph.startswith("urn:mla-kg:staging:")]


def _base(url: str) -> str:
    """Return scheme, host and port of a URL."""
    parsed = httpx.URL(url)
    return f"{parsed.scheme}://{parsed.host}:{parsed.port}"


def _through(proxy: Any, url: str) -> str:
    """Return ``url`` with the proxy's host and port."""
    return proxy.url + httpx.URL(url).raw_path.decode()


@pytest.mark.parametrize("name", GSP_SERVERS)
def test_push_replaces_the_graph_with_the_bundled_data(
    name: str, servers: Callable[[str], Any], kg: KnowledgeGraph
) -> None:
    server = servers(name)
    graph = "urn:mla-kg:test:replace"
    put(server, graph, SENTINEL)
    done = mla_kg(server.push_args(graph=graph), server.push_env())
    assert done.returncode == 0, done.stderr
    files = len(bundled_files())
    assert (
        f"pushed {files} files ({len(kg)} triples) to graph <{graph}> at {server.gsp_url}; "
        "it held 1 triples before"
    ) in done.stdout
    pushed = triples(server, graph)
    assert len(pushed) == len(kg)
    assert SENTINEL.decode().strip().rstrip(" .") not in pushed
    assert staging_graphs(server) == []
    again = mla_kg(server.push_args(graph=graph), server.push_env())
    assert again.returncode == 0, again.stderr
    assert f"it held {len(kg)} triples before" in again.stdout
    assert len(triples(server, graph)) == len(kg)


@pytest.mark.parametrize("name", GSP_SERVERS)
def test_a_rejected_file_leaves_the_target_untouched(
    name: str, servers: Callable[[str], Any], fault_proxy: Any
) -> None:
    server = servers(name)
    graph = "urn:mla-kg:test:rejected"
    put(server, graph, SENTINEL)
    before = triples(server, graph)
    first, second = (path.name for path in bundled_files()[:2])
    posts: list[str] = []

    def damage_second_upload(method: str, path: str, body: bytes) -> str | bytes:
        if method != "POST":
            return "forward"
        posts.append(path)
        if len(posts) == 2:  # the second file: half of it, then a line the server rejects
            return body[: len(body) // 2].rsplit(b"\n", 1)[0] + BROKEN
        return "forward"

    with fault_proxy(_base(server.gsp_url), damage_second_upload) as proxy:
        done = mla_kg(
            server.push_args(gsp_url=_through(proxy, server.gsp_url), graph=graph),
            server.push_env(),
        )
    assert done.returncode == 2, done.stdout
    message = " ".join(done.stderr.split())
    assert f"failed while uploading {second}" in message
    assert f"Uploaded to the staging graph before the failure: {first}." in message
    assert "The target graph was not touched (it still holds 1 triples)" in message
    assert "the staging graph was deleted" in message
    assert "pushed" not in done.stdout
    assert triples(server, graph) == before
    assert staging_graphs(server) == []


@pytest.mark.parametrize("name", GSP_SERVERS)
def test_a_failed_replace_restores_the_target(
    name: str, servers: Callable[[str], Any], fault_proxy: Any
) -> None:
    server = servers(name)
    graph = "urn:mla-kg:test:restore"
    put(server, graph, SENTINEL)
    before = triples(server, graph)

    puts: list[str] = []

    def damage_the_replacing_put(method: str, path: str, body: bytes) -> str | bytes:
        if method == "PUT":
            puts.append(path)
            if len(puts) == 1:  # the push's PUT; the second one is its restore
                return body[: len(body) // 2].rsplit(b"\n", 1)[0] + BROKEN
        return "forward"

    with fault_proxy(_base(server.gsp_url), damage_the_replacing_put) as proxy:
        done = mla_kg(
            server.push_args(gsp_url=_through(proxy, server.gsp_url), graph=graph),
            server.push_env(),
        )
    assert done.returncode == 2, done.stdout
    message = " ".join(done.stderr.split())
    assert "failed while replacing the target graph" in message
    assert "The target graph was restored to its previous 1 triples" in message
    assert triples(server, graph) == before
    assert staging_graphs(server) == []
    assert len(puts) == 2


def test_a_server_stopped_mid_way_leaves_the_target_untouched(
    fresh_oxigraph: Any, fault_proxy: Any, restart: Callable[[Any], Any]
) -> None:
    server = fresh_oxigraph
    graph = "urn:mla-kg:test:stopped"
    put(server, graph, SENTINEL)
    before = triples(server, graph)
    names = [path.name for path in bundled_files()]
    posts: list[str] = []

    def stop_at_third_upload(method: str, path: str, body: bytes) -> str | bytes:
        if method == "POST":
            posts.append(path)
        if len(posts) >= 3:
            server.process.terminate()  # the real server goes away ...
            server.process.wait(timeout=30)
            return "drop"  # ... and the connection with it
        return "forward"

    with fault_proxy(_base(server.gsp_url), stop_at_third_upload) as proxy:
        done = mla_kg(server.push_args(gsp_url=_through(proxy, server.gsp_url), graph=graph), {})
    assert done.returncode == 2, done.stdout
    message = " ".join(done.stderr.split())
    assert f"failed while uploading {names[2]}" in message
    assert f"before the failure: {names[0]}, {names[1]}." in message
    assert "The target graph was not touched" in message
    assert "could not be deleted" in message
    revived = restart(server)
    assert triples(revived, graph) == before
    leftover = staging_graphs(revived)
    assert len(leftover) == 1 and leftover[0] in message  # named so the user can delete it
    uploaded = KnowledgeGraph(include_bundled=False, extra_files=bundled_files()[:2])
    assert len(triples(revived, leftover[0])) == len(uploaded)
    # The next push to the same graph cleans the left-over staging graph up.
    again = mla_kg(revived.push_args(graph=graph), {})
    assert again.returncode == 0, again.stderr
    assert staging_graphs(revived) == []


def test_an_unreadable_file_stops_the_push_before_anything_is_sent(
    tmp_path: Path, servers: Callable[[str], Any], fault_proxy: Any
) -> None:
    server = servers("oxigraph")
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix mla: <https://w3id.org/mla-kg/ontology#> .\nmla:x mla:y \n", encoding="utf-8"
    )
    with fault_proxy(_base(server.gsp_url), lambda *_: "forward") as proxy:
        with pytest.raises(LoadError, match=r"broken\.ttl"):
            push_graph(
                _through(proxy, server.gsp_url),
                "urn:mla-kg:test:unread",
                files=[*bundled_files()[:1], broken],
            )
    assert proxy.requests == []


def test_an_empty_default_graph_is_named_with_the_fix(
    servers: Callable[[str], Any], remote_graph: Callable[[str], KnowledgeGraph]
) -> None:
    remote_graph("oxigraph")  # the data is pushed to a named graph there, the default is empty
    server = servers("oxigraph")
    for command in (["stats"], ["compare", "eu-jp-mla"]):
        result = mla_kg(["--endpoint", server.query_url, *command], {})
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "default graph is empty" in lines[0], result.stderr
        assert "--graph" in lines[0] and "Traceback" not in result.stderr


def test_push_to_a_read_only_sparql_endpoint_says_what_it_is(
    servers: Callable[[str], Any],
) -> None:
    server = servers("mla-kg-serve")
    result = mla_kg(["push", "--gsp", server.query_url], {})
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr
    assert "not a Graph Store" in message and "nothing was uploaded" in message, message
    # Neither a count of triples the server does not hold nor advice about a staging graph.
    assert "holds" not in message and "staging" not in message, message
