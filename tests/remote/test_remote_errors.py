"""The remote backend fails with typed errors that name the endpoint and say what to do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mla_kg import KnowledgeGraph
from mla_kg.errors import QueryError, RemoteEndpointError


def test_an_unreachable_endpoint_is_named_with_the_fix(unused_port: int) -> None:
    url = f"http://127.0.0.1:{unused_port}/sparql"  # nothing listens there
    with pytest.raises(RemoteEndpointError) as caught:
        KnowledgeGraph.remote(url, timeout=10).run("list_instruments")
    message = str(caught.value)
    assert url in message
    assert "cannot connect" in message
    assert "check that the server is running" in message


def test_a_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(RemoteEndpointError, match="not an http"):
        KnowledgeGraph.remote("ftp://127.0.0.1/sparql")


def test_an_http_error_names_the_endpoint(servers: Callable[[str], Any]) -> None:
    server = servers("oxigraph")
    url = server.query_url.replace("/query", "/no-such-endpoint")
    with pytest.raises(RemoteEndpointError) as caught:
        KnowledgeGraph.remote(url).run("list_instruments")
    assert url in str(caught.value)
    assert "404" in str(caught.value)


@pytest.mark.parametrize("name", ["oxigraph", "virtuoso", "mla-kg-serve"])
def test_a_malformed_query_is_a_query_error(name: str, servers: Callable[[str], Any]) -> None:
    server = servers(name)
    with pytest.raises(QueryError, match="refused the query"):
        KnowledgeGraph.remote(server.query_url).query("SELECT ?s WHERE { ?s ?p }")


def test_an_answer_cut_at_the_row_cap_is_an_error_not_a_partial_result(
    servers: Callable[[str], Any], kg: KnowledgeGraph, serve_max_rows: int
) -> None:
    server = servers("mla-kg-serve")
    copies = serve_max_rows // len(kg) + 1  # enough copies of the graph to pass the cap
    values = " ".join(str(n) for n in range(copies))
    sparql = f"SELECT ?s ?p ?o ?n WHERE {{ ?s ?p ?o . VALUES ?n {{ {values} }} }}"
    with pytest.raises(RemoteEndpointError) as caught:
        KnowledgeGraph.remote(server.query_url).query(sparql)
    assert "row cap" in str(caught.value)
    assert "--max-rows" in str(caught.value)
