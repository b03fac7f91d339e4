"""Every named query gives the same answer on pyoxigraph and on rdflib.

Each query of ``queries/*.rq`` (not the QC checks) runs with its default parameters; a required
parameter without a default takes the value of the header's ``#+ example:``. Rows are compared
as multisets (order-normalised): engines may order unsorted ties differently, but must not
drop, add or change a row. This is how a bug such as rdflib dropping rows for an inline
``VALUES`` followed by ``OPTIONAL`` is caught.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from rdflib.compare import to_isomorphic

from mla_kg import KnowledgeGraph, QueryResult, queries

NAMES = sorted(queries.load_queries())


def _params(query: queries.NamedQuery) -> dict[str, Any]:
    """Return the values for parameters that are required and have no default."""
    example = query.examples[0] if query.examples else {}
    params: dict[str, Any] = {}
    for param in query.params:
        if param.required:
            assert param.name in example, (
                f"{query.name}: required parameter {param.name!r} has neither a default nor an "
                "'#+ example:' value; give it one so the query runs without arguments"
            )
            params[param.name] = example[param.name]
    return params


def _answer(result: QueryResult) -> Any:
    """Return the result in a form that ignores row order."""
    if result.ask is not None:
        return result.ask
    if result.graph is not None:
        return to_isomorphic(result.graph)
    return result.vars, Counter(tuple(sorted(row.items())) for row in result.rows)


def test_every_named_query_is_checked() -> None:
    mine = {
        "compare_features", "provisions_with_feature", "absent_features", "refusal_grounds",
        "assistance_measures", "transmission_channels", "manner_of_execution",
        "death_penalty_clauses", "instrument_outline", "diff_instruments", "model_profile",
        "claims_about", "lineage",
    }  # fmt: skip
    assert mine <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_backends_agree(name: str, kg: KnowledgeGraph, rdflib_kg: KnowledgeGraph) -> None:
    query = queries.get(name)
    params = _params(query)
    oxigraph = kg.run(query, **params)
    rdflib = rdflib_kg.run(query, **params)
    assert _answer(oxigraph) == _answer(rdflib), (
        f"{name}: pyoxigraph gave {len(oxigraph)} rows, rdflib {len(rdflib)}; "
        "rewrite the query in plain SPARQL 1.1 that both engines evaluate alike"
    )


def test_comparison_queries_answer_with_their_defaults(kg: KnowledgeGraph) -> None:
    # An agreement on empty answers proves little: the comparison queries must find facts.
    for name in (
        "compare_features", "provisions_with_feature", "absent_features", "refusal_grounds",
        "assistance_measures", "transmission_channels", "manner_of_execution",
        "death_penalty_clauses", "instrument_outline", "diff_instruments", "model_profile",
        "claims_about", "lineage",
    ):  # fmt: skip
        assert len(kg.run(name)) > 0, f"{name} found nothing with its default parameters"


def test_lineage_lists_every_link_of_the_instrument(kg: KnowledgeGraph) -> None:
    links = kg.query(
        "SELECT DISTINCT ?i ?later ?earlier WHERE { ?later mla:modelledOn ?earlier . "
        "{ ?later mla:inInstrument ?i } UNION { ?earlier mla:inInstrument ?i } }",
        {"i": kg.instrument_iri("eu-jp-mla")},
    ).rows
    found = {(row["later"], row["earlier"]) for row in kg.run("lineage").rows}
    assert found == {(row["later"], row["earlier"]) for row in links}


def test_queries_over_every_instrument_reach_the_reference_instruments(kg: KnowledgeGraph) -> None:
    # The queries whose default is "every instrument" must answer for the 2000 Convention and
    # the EU-US extradition agreement too, not only for the three agreements.
    reach = {
        "manner_of_execution": "eu-mla-conv-2000",
        "death_penalty_clauses": "eu-us-extradition",
        "provisions_with_feature": "eu-mla-conv-2000",
    }
    for name, instrument in reach.items():
        found = {str(row["instrumentId"]) for row in kg.run(name).rows}
        assert instrument in found, f"{name} with its defaults misses {instrument}"
        assert set(kg.instruments()) >= found
