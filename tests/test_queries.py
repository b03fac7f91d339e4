"""Named queries: well-formed headers, typed parameters, values bound safely, typed errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from mla_kg import (
    InvalidParameter,
    KnowledgeGraph,
    MissingParameter,
    QueryError,
    UnknownInstrument,
    UnknownQuery,
    queries,
)
from mla_kg.namespaces import INSTRUMENT, MLA, PREFIXES
from mla_kg.paths import CHECKS_DIR, PAGE_QUERIES_DIR, QUERIES_DIR

NAMED = queries.load_queries()
CHECKS = queries.load_checks()
ALL = {**NAMED, **{f"checks/{query.name}": query for query in CHECKS}}
# The server's page queries: read by the same loader, with the same header format.
PAGES = queries.load_queries(PAGE_QUERIES_DIR)
THREE = {"eu-jp-mla", "eu-us-mla", "jp-us-mlat"}

# A query with one parameter of each scalar type, to test binding without a bundled query.
TYPED = queries.NamedQuery.from_text(
    """#+ summary: Instruments by id, title, signature date and more (test only)
#+ params: id (string, optional) - an instrument id
#+ params: signed (date, optional) - date of first signature
#+ params: instrument (instrument, optional) - an instrument
#+ params: resource (IRI, optional) - any resource
#+ params: ids (list of strings, optional) - instrument ids
#+ tags: [test]
SELECT ?instrument ?id ?signed ?resource ?ids WHERE {
  ?instrument mla:instrumentId ?id ; mla:dateSigned ?signed .
  BIND(?instrument AS ?resource)
  BIND(?id AS ?ids)
}
""",
    name="typed",
)


def test_there_are_named_queries() -> None:
    assert len(NAMED) >= 10
    assert {"count_subdivisions_by_status", "describe_resource", "compare_features"} <= set(NAMED)
    assert all(query.path.parent == QUERIES_DIR for query in NAMED.values())


@pytest.mark.parametrize("name", sorted(ALL) + [f"server/{name}" for name in sorted(PAGES)])
def test_header_is_well_formed(name: str) -> None:
    query = ALL.get(name) or PAGES[name.removeprefix("server/")]
    assert query.summary, f"{query.path}: add '#+ summary: ...'"
    assert query.tags, f"{query.path}: add '#+ tags: [...]'"
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", tag) for tag in query.tags), query.tags
    text = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    for param in query.params:
        assert param.type in queries.PARAMETER_TYPES
        assert param.meaning, f"{query.path}: say what {param.name!r} means after ' - '"
        assert re.search(rf"\?{param.name}\b", text), f"{query.path}: no ?{param.name} in query"
    for key in query.header:
        assert key in {"summary", "description", "params", "tags", "example", "problem", "solution"}


@pytest.mark.parametrize("name", sorted(ALL))
def test_query_parses_and_selects_its_parameters(name: str) -> None:
    query = ALL[name]
    algebra = prepareQuery(query.text, initNs=PREFIXES).algebra
    if query.params:
        assert algebra.name == "SelectQuery", f"{query.path}: parameters need a SELECT query"
        selected = {str(var) for var in algebra["PV"]}
        for param in query.params:
            assert param.name in selected, f"{query.path}: SELECT ?{param.name} (it is bound)"


def test_page_queries_are_not_user_queries_and_bind_iris() -> None:
    assert len(PAGES) >= 5 and not set(PAGES) & set(NAMED)
    for query in PAGES.values():
        prepareQuery(query.text, initNs=PREFIXES)
        # The pages bind single IRIs through the engine (Endpoint.select / graph).
        assert all(p.type == "IRI" and not p.is_list for p in query.params), query.path


@pytest.mark.parametrize("name", sorted(CHECKS_DIR.glob("*.rq")) if CHECKS_DIR.is_dir() else [])
def test_check_files_are_violation_checks_with_problem_and_solution(name: Path) -> None:
    assert name.stem.endswith("-violation"), f"{name}: name a QC check <what>-violation.rq"
    check = queries.NamedQuery.from_path(name)
    assert check.problem and check.solution, f"{name}: add '# Problem:' and '# Solution:'"


@pytest.mark.parametrize(
    ("name", "example"),
    [(name, example) for name, query in sorted(NAMED.items()) for example in query.examples],
)
def test_header_example_answers(kg: KnowledgeGraph, name: str, example: dict[str, str]) -> None:
    assert len(kg.run(name, **example)) > 0, f"#+ example of {name} returned nothing"


def test_single_instrument_parameter_restricts_the_rows(any_kg: KnowledgeGraph) -> None:
    every = any_kg.run("count_subdivisions_by_status")
    one = any_kg.run("count_subdivisions_by_status", instrument="eu-jp-mla")
    assert {str(row["instrumentId"]) for row in every} >= THREE
    assert {str(row["instrumentId"]) for row in one} == {"eu-jp-mla"}
    assert sorted(map(str, one.column("status"))) == sorted(
        str(row["status"]) for row in every if str(row["instrumentId"]) == "eu-jp-mla"
    )


def test_list_parameter_and_its_default(any_kg: KnowledgeGraph) -> None:
    default = any_kg.run("absent_features")
    assert {str(row["instrumentId"]) for row in default} == THREE
    chosen = any_kg.run("absent_features", instrument=["eu-jp-mla", "jp-us-mlat"])
    assert {str(row["instrumentId"]) for row in chosen} == {"eu-jp-mla", "jp-us-mlat"}
    as_text = any_kg.run("absent_features", instrument="eu-jp-mla, jp-us-mlat")
    assert as_text.rows == chosen.rows


def test_iri_parameter(any_kg: KnowledgeGraph) -> None:
    iri = INSTRUMENT["eu-jp-mla"]
    rows = any_kg.run("describe_resource", resource=str(iri)).rows
    assert rows and all(row["resource"] == iri for row in rows)
    pairs = {(row["property"], row["value"]) for row in rows}
    assert (MLA.instrumentId, Literal("eu-jp-mla")) in pairs


@pytest.mark.parametrize(
    "attempt",
    ['eu-jp-mla" } ; DROP ALL ; SELECT * { ?s ?p ?o', "eu-jp-mla' } UNION { ?s ?p ?o } #"],
)
def test_string_parameter_is_a_literal(any_kg: KnowledgeGraph, attempt: str) -> None:
    assert any_kg.run(TYPED, id="eu-jp-mla").column("id") == [Literal("eu-jp-mla")]
    assert any_kg.run(TYPED, id=attempt).rows == []
    listed = any_kg.run(TYPED, ids=[attempt, "jp-us-mlat"])
    assert listed.column("ids") == [Literal("jp-us-mlat")]


def test_date_parameter(any_kg: KnowledgeGraph) -> None:
    rows = any_kg.run(TYPED, signed="2003-06-25").rows
    assert "eu-us-mla" in {str(row["id"]) for row in rows}
    assert {str(row["signed"]) for row in rows} == {"2003-06-25"}
    assert len(rows) < len(any_kg.run(TYPED).rows)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"resource": "> ?s ?p ?o <"}, "absolute IRI"),
        ({"resource": "x> } ; DROP ALL #"}, "absolute IRI"),
        ({"resource": "not an iri"}, "absolute IRI"),
        ({"signed": '2003-06-25" } #'}, "a date YYYY-MM-DD"),
        ({"signed": 20030625}, "a date YYYY-MM-DD"),
        ({"id": 3}, "a string"),
    ],
)
def test_badly_typed_values_are_rejected(
    kg: KnowledgeGraph, params: dict[str, object], expected: str
) -> None:
    with pytest.raises(InvalidParameter, match=expected) as caught:
        kg.run(TYPED, **params)
    assert caught.value.parameter in params
    assert caught.value.exit_code == 2


def test_instrument_id_that_is_not_known_lists_the_known_ones(kg: KnowledgeGraph) -> None:
    with pytest.raises(UnknownInstrument) as caught:
        kg.run("count_subdivisions_by_status", instrument="eu-jp-mla> ?s ?p ?o <")
    assert set(caught.value.known) >= THREE
    with pytest.raises(UnknownInstrument, match="eu-us-mla"):
        kg.run("absent_features", instrument=["eu-jp-mla", "nope"])


def test_unknown_query_lists_the_known_names(kg: KnowledgeGraph) -> None:
    with pytest.raises(UnknownQuery) as caught:
        kg.run("count_subdivision")
    message = str(caught.value)
    assert "'count_subdivision'" in message and "count_subdivisions_by_status" in message
    assert caught.value.known == sorted(queries.load_queries())
    assert caught.value.exit_code == 2


def test_missing_parameter_names_it_and_how_to_give_it(kg: KnowledgeGraph) -> None:
    with pytest.raises(MissingParameter) as caught:
        kg.run("describe_resource")
    assert caught.value.parameter == "resource"
    assert "resource=VALUE" in str(caught.value) and "describe_resource" in str(caught.value)


def test_undeclared_parameter_lists_the_declared_ones(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="no parameter 'instruments'; its parameters: instrument"):
        kg.run("count_subdivisions_by_status", instruments="eu-jp-mla")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ params: x (colour) - a colour", "unknown type 'colour'"),
        ("#+ params: x (string) - a, x (IRI) - b", "declared twice"),
        ("#+ params: x string", "cannot read params"),
        ("#+ summary", "has no ':'"),
        ("#+ params: x (string, sometimes) - a", "unknown flag"),
    ],
)
def test_malformed_header_is_refused(header: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        queries.NamedQuery.from_text(f"{header}\nSELECT ?x WHERE {{ ?x ?p ?o }}\n", name="bad")


def test_render_values_escapes_every_literal() -> None:
    text = queries.render_values({"v": [Literal('a" } DROP ALL #\n\\'), INSTRUMENT["eu-jp-mla"]]})
    assert text == (
        "\nVALUES (?v) {\n"
        '  ("a\\" } DROP ALL #\\n\\\\")\n'
        "  (<https://w3id.org/mla-kg/id/instrument/eu-jp-mla>)\n"
        "}\n"
    )
    with pytest.raises(QueryError):
        queries.render_values({"v": [URIRef("http://x/> } DROP ALL")]})
    with pytest.raises(QueryError):
        queries.render_values({"v) } DROP ALL #": [Literal("x")]})
