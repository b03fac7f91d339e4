"""Every named query gives the same answer on real SPARQL servers as on the embedded store.

The bundled data is pushed with ``mla-kg push --gsp`` to Oxigraph server and to Virtuoso, then
each query of ``queries/*.rq`` runs through ``KnowledgeGraph.remote(...)``; ``mla-kg serve``
is queried the same way. Answers are compared as sets of rows (servers may order ties
differently); terms are compared as :func:`mla_kg.remote.term_from_json` normalises them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rdflib import BNode
from rdflib.compare import to_isomorphic
from rdflib.term import Node

from mla_kg import KnowledgeGraph
from mla_kg.queries import load_queries
from mla_kg.store import QueryResult

SERVERS = ["oxigraph", "virtuoso", "mla-kg-serve"]


def _cases() -> Iterator[Any]:
    """Yield (query name, parameters) for every named query.

    First the required parameters of each ``#+ example:``, then the example in full, so that
    optional parameters are exercised too.
    """
    for name, query in sorted(load_queries().items()):
        required = {param.name for param in query.params if param.required}
        seen: list[dict[str, str]] = []
        examples = [dict(example) for example in query.examples] or [{}]
        for example in examples:
            if required - set(example):
                yield pytest.param(name, None, id=f"{name}[no-example]")
                break
            for params in ({k: v for k, v in example.items() if k in required}, example):
                if params not in seen:
                    seen.append(params)
                    label = ",".join(f"{k}={v}" for k, v in params.items()) or "defaults"
                    yield pytest.param(name, params, id=f"{name}[{label}]")


def _key(term: Node) -> str:
    """Return a comparable text for a term; blank-node labels are the server's own."""
    return "_:" if isinstance(term, BNode) else term.n3()


def canonical(result: QueryResult) -> Any:
    """Return the answer in a form that compares equal across servers (order of rows aside)."""
    if result.ask is not None:
        return ("ASK", result.ask)
    if result.graph is not None:
        return ("GRAPH", to_isomorphic(result.graph))
    rows = sorted(tuple(sorted((var, _key(term)) for var, term in row.items())) for row in result)
    return ("SELECT", list(result.vars), rows)


@pytest.mark.parametrize("server", SERVERS)
def test_remote_graph_holds_every_triple(
    server: str, remote_graph: Callable[[str], KnowledgeGraph], kg: KnowledgeGraph
) -> None:
    remote = remote_graph(server)
    assert len(remote) == len(kg)
    assert to_isomorphic(remote.to_rdflib()) == to_isomorphic(kg.to_rdflib()), (
        f"the graph read back from {server} differs from the bundled data"
    )


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize(("name", "params"), list(_cases()))
def test_named_query_agrees_with_embedded(
    server: str,
    name: str,
    params: dict[str, str] | None,
    remote_graph: Callable[[str], KnowledgeGraph],
    kg: KnowledgeGraph,
) -> None:
    if params is None:
        pytest.fail(
            f"queries/{name}.rq has a required parameter without a value in '#+ example:'; "
            "add one so the query can be run on every server"
        )
    expected = kg.run(name, **params)
    answer = remote_graph(server).run(name, **params)
    got, want = canonical(answer), canonical(expected)
    assert got == want, _difference(f"{name}({params}) on {server}", got, want)


def _difference(what: str, got: Any, want: Any) -> str:
    """Describe how two canonical answers differ: the rows only one of them has."""
    if got[0] != "SELECT" or want[0] != "SELECT":
        return f"{what}: {got[0]} answer differs from the embedded {want[0]} answer"
    if got[1] != want[1]:
        return f"{what}: variables {got[1]}, embedded {want[1]}"
    extra = [row for row in got[2] if row not in want[2]][:5]
    missing = [row for row in want[2] if row not in got[2]][:5]
    return f"{what}: rows only remote {extra}; rows only embedded {missing}"


@pytest.mark.parametrize("server", SERVERS)
def test_remote_ids_resolve_like_embedded(
    server: str, remote_graph: Callable[[str], KnowledgeGraph], kg: KnowledgeGraph
) -> None:
    remote = remote_graph(server)
    assert remote.instruments() == kg.instruments()
    assert remote.instrument_iri("eu-jp-mla") == kg.instrument_iri("eu-jp-mla")
