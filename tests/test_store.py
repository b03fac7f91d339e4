"""The store: loading, typed load errors, queries with safely bound values, serialization.

Every test runs on the real engines (pyoxigraph and rdflib) over the bundled data.
"""

from __future__ import annotations

import csv
import io
import json
import pickle
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from mla_kg import (
    KnowledgeGraph,
    LoadError,
    MlaKgError,
    QueryError,
    UnknownFeature,
    UnknownInstrument,
    UnknownState,
    UnsupportedFormat,
    paths,
)
from mla_kg.namespaces import FEAT, INSTRUMENT, MLA, STATE
from mla_kg.store import BACKENDS, OUTPUT_FORMATS

THREE = ("eu-jp-mla", "eu-us-mla", "jp-us-mlat")
PARSERS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
}
EX = "http://example.org/mla-kg-test/"

GOOD_TURTLE = f"""\
@prefix ex: <{EX}> .
@prefix mla: <https://w3id.org/mla-kg/ontology#> .
ex:a mla:note "first" .
ex:b mla:note "second" .
"""

# Broken Turtle files and the line the first error is on.
BROKEN_TURTLE = {
    "unterminated-string": (f'@prefix ex: <{EX}> .\nex:a ex:b ex:c .\n\nex:d ex:e "open .\n', 4),
    "missing-object": (f"@prefix ex: <{EX}> .\nex:a ex:b ex:c .\nex:d ex:e ;\n  ex:f .\n", 3),
    "undeclared-prefix": (f"@prefix ex: <{EX}> .\n\nex:a ex:b ex:c .\nnope:a ex:b ex:c .\n", 4),
}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Return each backend name in turn."""
    return request.param


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# Loading


def test_bundled_graph_loads_ontology_and_data(any_kg: KnowledgeGraph) -> None:
    assert len(any_kg) > 8000
    assert set(THREE) <= set(any_kg.instruments())
    assert {path.name for path in any_kg.files} >= {
        "mla.ttl",
        "features.ttl",
        "shapes.ttl",
        "eu-jp-mla.ttl",
        "eu-us-mla.ttl",
        "jp-us-mlat.ttl",
        "states.ttl",
        "sources.ttl",
    }
    assert all(path.is_file() for path in any_kg.files)


def test_both_backends_hold_the_same_triples(kg: KnowledgeGraph, rdflib_kg: KnowledgeGraph) -> None:
    assert kg.backend == "oxigraph" and rdflib_kg.backend == "rdflib"
    assert len(kg) == len(rdflib_kg)
    assert kg.instruments() == rdflib_kg.instruments()


def test_every_bundled_file_is_loaded(kg: KnowledgeGraph) -> None:
    expected = paths.ontology_files() + paths.data_files()
    assert kg.files == expected
    triples = Graph()
    for path in expected:
        triples.parse(path, format="turtle")
    assert len(kg) == len(triples)


def test_extra_file_adds_its_triples(backend: str, kg: KnowledgeGraph, tmp_path: Path) -> None:
    extra = _write(tmp_path, "mine.ttl", GOOD_TURTLE)
    mine = KnowledgeGraph(backend=backend, extra_files=[extra])
    assert len(mine) == len(kg) + 2
    assert mine.files[-1] == extra
    rows = mine.query(f"SELECT ?note WHERE {{ <{EX}a> mla:note ?note }}").rows
    assert rows == [{"note": Literal("first")}]


def test_without_bundled_data_only_the_given_files_load(backend: str, tmp_path: Path) -> None:
    extra = _write(tmp_path, "mine.ttl", GOOD_TURTLE)
    mine = KnowledgeGraph(backend=backend, extra_files=[extra], include_bundled=False)
    assert len(mine) == 2
    assert mine.instruments() == []


@pytest.mark.parametrize("case", sorted(BROKEN_TURTLE))
def test_broken_turtle_names_file_line_and_cause(backend: str, tmp_path: Path, case: str) -> None:
    text, line = BROKEN_TURTLE[case]
    broken = _write(tmp_path, f"{case}.ttl", text)
    with pytest.raises(LoadError) as caught:
        KnowledgeGraph(backend=backend, extra_files=[broken], include_bundled=False)
    error = caught.value
    assert error.file == str(broken)
    assert error.line == line
    assert error.cause.strip()
    assert str(broken) in str(error) and f"line {line}" in str(error)
    assert error.exit_code == 2


def test_broken_extra_file_never_half_loads(backend: str, tmp_path: Path) -> None:
    good = _write(tmp_path, "good.ttl", GOOD_TURTLE)
    broken = _write(tmp_path, "broken.ttl", BROKEN_TURTLE["unterminated-string"][0])
    # A new graph: the constructor fails as a whole.
    with pytest.raises(LoadError, match=r"broken\.ttl"):
        KnowledgeGraph(backend=backend, extra_files=[good, broken])
    # An existing graph: load() leaves it as it was, even the good file's triples are absent.
    mine = KnowledgeGraph(backend=backend, extra_files=[], include_bundled=False)
    mine.load([_write(tmp_path, "base.ttl", f"<{EX}base> <{EX}p> 1 .\n")])
    before_files = list(mine.files)
    with pytest.raises(LoadError, match="line 4"):
        mine.load([good, broken])
    assert len(mine) == 1
    assert mine.files == before_files
    assert mine.query(f"ASK {{ <{EX}a> ?p ?o }}").ask is False


def test_missing_file_and_unknown_file_type_say_what_to_do(backend: str, tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file; check the path") as caught:
        KnowledgeGraph(backend=backend, extra_files=[tmp_path / "absent.ttl"])
    assert caught.value.line is None
    notes = _write(tmp_path, "notes.txt", "hello")
    with pytest.raises(LoadError, match=r"unknown file type '\.txt'.*\.ttl") as caught:
        KnowledgeGraph(backend=backend, extra_files=[notes], include_bundled=False)


def test_other_rdf_syntaxes_load(backend: str, tmp_path: Path) -> None:
    triples = Graph().parse(data=GOOD_TURTLE, format="turtle")
    files = [
        _write(tmp_path, "a.nt", triples.serialize(format="nt")),
        _write(tmp_path, "b.jsonld", triples.serialize(format="json-ld")),
        _write(tmp_path, "c.rdf", triples.serialize(format="xml")),
    ]
    for path in files:
        mine = KnowledgeGraph(backend=backend, extra_files=[path], include_bundled=False)
        assert len(mine) == 2, path.name


def test_unknown_backend_names_the_backends() -> None:
    with pytest.raises(ValueError, match="oxigraph, rdflib"):
        KnowledgeGraph(backend="virtuoso")


# Ids to IRIs


def test_instrument_iri_resolves_ids_and_iris(any_kg: KnowledgeGraph) -> None:
    iri = INSTRUMENT["eu-jp-mla"]
    assert any_kg.instrument_iri("eu-jp-mla") == iri
    assert any_kg.instrument_iri(str(iri)) == iri


def test_unknown_instrument_lists_the_known_ids(any_kg: KnowledgeGraph) -> None:
    with pytest.raises(UnknownInstrument) as caught:
        any_kg.instrument_iri("eu-jp")
    message = str(caught.value)
    assert "'eu-jp'" in message
    for known in THREE:
        assert known in message
    assert set(THREE) <= set(caught.value.known)
    assert caught.value.exit_code == 2


def test_state_and_feature_ids(any_kg: KnowledgeGraph) -> None:
    assert any_kg.state_iri("jp") == STATE["JP"]
    assert any_kg.state_iri("EL") == STATE["GR"]  # the EU's code for Greece
    assert any_kg.feature_iri("videoconference-hearing") == FEAT["videoconference-hearing"]
    with pytest.raises(UnknownState, match=r"'XX'.*JP"):
        any_kg.state_iri("XX")
    with pytest.raises(UnknownFeature, match=r"'video'.*videoconference-hearing"):
        any_kg.feature_iri("video")


# Queries


def test_select_rows_leave_unbound_variables_out(any_kg: KnowledgeGraph) -> None:
    result = any_kg.query(
        """SELECT ?id ?nothing WHERE {
             ?i mla:instrumentId ?id OPTIONAL { ?i mla:noSuchProperty ?nothing }
           } ORDER BY ?id"""
    )
    assert result.vars == ["id", "nothing"]
    assert [str(row["id"]) for row in result] == sorted(any_kg.instruments())
    assert all(set(row) == {"id"} for row in result.rows)
    assert result.column("nothing") == [None] * len(result)
    assert len(result) == len(any_kg.instruments()) and bool(result)


def test_ask_and_construct(any_kg: KnowledgeGraph) -> None:
    yes = any_kg.query("ASK { ?i mla:instrumentId 'eu-jp-mla' }")
    no = any_kg.query("ASK { ?i mla:instrumentId 'no-such-instrument' }")
    assert (yes.ask, bool(yes), no.ask, bool(no)) == (True, True, False, False)
    built = any_kg.query("CONSTRUCT { ?i mla:instrumentId ?id } WHERE { ?i mla:instrumentId ?id }")
    assert built.graph is not None
    assert (INSTRUMENT["eu-us-mla"], MLA.instrumentId, Literal("eu-us-mla")) in built.graph
    assert len(built) == len(any_kg.instruments())


def test_bound_iri_and_string(any_kg: KnowledgeGraph) -> None:
    eu_us = INSTRUMENT["eu-us-mla"]
    by_iri = any_kg.query(
        "SELECT ?i ?id WHERE { ?i mla:instrumentId ?id }", {"i": INSTRUMENT["jp-us-mlat"]}
    )
    assert by_iri.rows == [{"i": INSTRUMENT["jp-us-mlat"], "id": Literal("jp-us-mlat")}]
    by_string = any_kg.query("SELECT * WHERE { ?i mla:instrumentId ?id }", {"id": "eu-us-mla"})
    assert by_string.rows == [{"i": eu_us, "id": Literal("eu-us-mla")}]
    assert any_kg.query("ASK { ?i mla:instrumentId 'eu-us-mla' }", {"i": eu_us}).ask is True
    built = any_kg.query("CONSTRUCT WHERE { ?i mla:instrumentId ?id }", {"i": eu_us})
    assert set(built) == {(eu_us, MLA.instrumentId, Literal("eu-us-mla"))}


def test_binding_a_variable_the_query_does_not_return_says_how_to_fix(
    any_kg: KnowledgeGraph,
) -> None:
    # pyoxigraph cannot bind such a variable; rdflib could, but refuses too, so that a query
    # never works on one engine and fails on the other.
    with pytest.raises(QueryError, match=r"cannot bind \?i: .*add \?i to the SELECT clause"):
        any_kg.query("SELECT ?id WHERE { ?i mla:instrumentId ?id }", {"i": INSTRUMENT["eu-us-mla"]})
    with pytest.raises(QueryError, match=r"cannot bind \?x"):
        any_kg.query("ASK { ?i mla:instrumentId ?id }", {"x": "eu-us-mla"})


INJECTIONS = [
    'eu-jp-mla" } ; DROP ALL ; SELECT * { ?s ?p ?o',
    'eu-jp-mla" } UNION { ?i ?p ?id } #',
    "eu-jp-mla' } UNION { ?i ?p ?id } #",
    "> ?s ?p ?o <",
    'eu-jp-mla"\n} UNION { ?i ?p ?id }',
]


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_string_value_is_bound_as_a_literal_never_pasted(
    any_kg: KnowledgeGraph, attempt: str
) -> None:
    before = len(any_kg)
    rows = any_kg.query("SELECT ?i ?id WHERE { ?i mla:instrumentId ?id }", {"id": attempt}).rows
    assert rows == [], "the text was read as SPARQL: it matched more than the literal"
    assert len(any_kg) == before


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_list_values_are_rendered_as_escaped_literals(any_kg: KnowledgeGraph, attempt: str) -> None:
    result = any_kg.query(
        "SELECT ?i ?id WHERE { ?i mla:instrumentId ?id }",
        {"id": [Literal(attempt), Literal("eu-jp-mla")]},
    )
    assert result.rows == [{"i": INSTRUMENT["eu-jp-mla"], "id": Literal("eu-jp-mla")}]


def test_list_of_iris_restricts_the_rows(any_kg: KnowledgeGraph) -> None:
    wanted = [INSTRUMENT["eu-jp-mla"], INSTRUMENT["jp-us-mlat"]]
    rows = any_kg.query("SELECT ?i ?id WHERE { ?i mla:instrumentId ?id }", {"i": wanted}).rows
    assert sorted(str(row["id"]) for row in rows) == ["eu-jp-mla", "jp-us-mlat"]


@pytest.mark.parametrize(
    ("bindings", "message"),
    [
        ({"i": [URIRef("x> ?s ?p ?o <")]}, "absolute IRI"),
        ({"id": [Literal("x", datatype=URIRef("x> } DROP ALL #"))]}, "absolute IRI"),
        ({"id } DROP ALL #": "x"}, "not a variable name"),
        ({"id": 3}, "cannot bind"),
    ],
)
def test_unsafe_bindings_are_rejected(
    any_kg: KnowledgeGraph, bindings: dict[str, object], message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        any_kg.query("SELECT ?i ?id WHERE { ?i mla:instrumentId ?id }", bindings)  # type: ignore[arg-type]


def test_typed_literal_binding(any_kg: KnowledgeGraph) -> None:
    signed = Literal("2003-06-25", datatype=XSD.date)
    rows = any_kg.query("SELECT ?i ?d WHERE { ?i mla:dateSigned ?d }", {"d": signed}).rows
    # The EU-US MLA and extradition agreements were signed the same day.
    assert INSTRUMENT["eu-us-mla"] in {row["i"] for row in rows}
    assert INSTRUMENT["eu-jp-mla"] not in {row["i"] for row in rows}
    assert all(row["d"] == signed for row in rows)
    as_text = any_kg.query("SELECT ?i ?d WHERE { ?i mla:dateSigned ?d }", {"d": "2003-06-25"})
    assert as_text.rows == [], "a str is a plain string literal, not an xsd:date"


def test_malformed_sparql_is_a_query_error(any_kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError) as caught:
        any_kg.query("SELECT ?x WHERE { ?x ")
    assert isinstance(caught.value, MlaKgError) and caught.value.exit_code == 2


# Result serializations


def test_result_as_sparql_json_csv_tsv(any_kg: KnowledgeGraph) -> None:
    result = any_kg.query(
        "SELECT ?i ?id ?title WHERE { ?i mla:instrumentId ?id ; mla:shortTitle ?title "
        "FILTER(LANG(?title) = 'en') } ORDER BY ?id",
        {"i": [INSTRUMENT[i] for i in THREE]},
    )
    document = json.loads(result.to_json())
    assert document["head"]["vars"] == ["i", "id", "title"]
    first = document["results"]["bindings"][0]
    assert first["i"] == {"type": "uri", "value": str(INSTRUMENT["eu-jp-mla"])}
    assert first["title"] == {
        "type": "literal",
        "value": "EU-Japan MLA Agreement",
        "xml:lang": "en",
    }
    table = list(csv.reader(io.StringIO(result.to_csv())))
    assert table[0] == ["i", "id", "title"]
    assert [row[1] for row in table[1:]] == list(THREE)
    tsv = result.to_tsv().splitlines()
    assert tsv[0] == "?i\t?id\t?title"
    assert tsv[1] == f'<{INSTRUMENT["eu-jp-mla"]}>\t"eu-jp-mla"\t"EU-Japan MLA Agreement"@en'
    assert json.loads(any_kg.query("ASK { ?s ?p ?o }").to_json()) == {"head": {}, "boolean": True}


# Serializing the graph


@pytest.mark.parametrize("format", OUTPUT_FORMATS)
def test_serialize_round_trips(any_kg: KnowledgeGraph, format: str) -> None:
    data = any_kg.serialize(format)
    # pyoxigraph's parsers are fast; tests/test_cli.py also reads an export with rdflib.
    parsed = set(ox.parse(data, format=PARSERS[format], base_iri="https://example.org/"))
    assert len(parsed) == len(any_kg)
    assert all(quad.graph_name == ox.DefaultGraph() for quad in parsed)


def test_unsupported_format_lists_the_formats(kg: KnowledgeGraph) -> None:
    with pytest.raises(UnsupportedFormat, match="'rdfxml'; use one of: jsonld, nt, trig, ttl"):
        kg.serialize("rdfxml")


def test_errors_survive_pickling() -> None:
    # Errors cross process boundaries (worker processes of the server): they must rebuild.
    for error in (
        LoadError("data/x.ttl", 4, "bad", 2),
        UnknownInstrument("x", THREE),
        QueryError("bad", "q"),
    ):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error)


def test_blank_node_labels_stay_apart_across_files(backend: str, tmp_path: Path) -> None:
    # Each file's _:x is its own node, however the file is loaded.
    one = _write(tmp_path, "one.ttl", f'_:x <{EX}p> "one" .\n')
    two = _write(tmp_path, "two.nt", f'_:x <{EX}p> "two" .\n')
    mine = KnowledgeGraph(backend=backend, extra_files=[one, two], include_bundled=False)
    rows = mine.query(f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }}").rows
    assert len({row["s"] for row in rows}) == 2


def test_broken_n_triples_names_its_line(tmp_path: Path) -> None:
    # pyoxigraph loads N-Triples without Python objects; its error still has the line.
    # (rdflib's N-Triples parser gives no line: that backend names the file and cause only.)
    lines = f'<{EX}a> <{EX}p> "1" .\n<{EX}a> <{EX}p> "2 .\n'
    broken = _write(tmp_path, "big.nt", lines)
    with pytest.raises(LoadError) as caught:
        KnowledgeGraph(backend="oxigraph", extra_files=[broken], include_bundled=False)
    assert caught.value.line == 2 and "big.nt" in str(caught.value)


def test_engine_left_empty_when_a_later_file_breaks(tmp_path: Path) -> None:
    # The fast loader fills a fresh store that replaces the engine's only once all files load.
    from mla_kg.graph.embedded import OxigraphEngine

    good = _write(tmp_path, "good.nt", f'<{EX}a> <{EX}p> "1" .\n<{EX}b> <{EX}p> "2" .\n')
    broken = _write(tmp_path, "broken.nt", f'<{EX}c> <{EX}p> "3" .\n<{EX}c> <{EX}p> "4 .\n')
    engine = OxigraphEngine()
    with pytest.raises(LoadError) as caught:
        engine.load_new([good, broken])
    assert caught.value.line == 2 and "broken.nt" in str(caught.value)
    assert len(engine) == 0
    engine.load_new([good])
    assert len(engine) == 2


def test_empty_file_and_blank_label_text_in_a_literal_load(tmp_path: Path) -> None:
    empty = _write(tmp_path, "empty.nt", "")
    labelled = _write(tmp_path, "labelled.ttl", f'<{EX}a> <{EX}p> "looks like _:x" .\n')
    mine = KnowledgeGraph(extra_files=[empty, labelled], include_bundled=False)
    assert len(mine) == 1
    assert mine.files == [empty, labelled]
