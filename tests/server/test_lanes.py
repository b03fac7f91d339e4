"""The lookup-lane classifier: what it must refuse, and that whatever it accepts is bounded.

"Bounded" is checked by an independent parser (rdflib's SPARQL algebra): every accepted query
is one basic graph pattern of one triple, with a constant term, no variable twice, under at most
a projection and a LIMIT without OFFSET. pyoxigraph answers such a pattern by a prefix scan of
one index, so each entry it reads is a result and the row cap bounds the work.
"""

from __future__ import annotations

import random

import pytest
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Variable

from mla_kg.namespaces import PREFIXES
from mla_kg.server.lanes import (
    ClientSlots,
    PatternTerm,
    TooManyQueries,
    lookup_lane,
    lookup_pattern,
)

PROLOGUE = "PREFIX mla: <https://w3id.org/mla-kg/ontology#> "
IRI = "<https://w3id.org/mla-kg/id/state/JP>"

ACCEPTED = [
    f"SELECT ?p ?o WHERE {{ {IRI} ?p ?o }}",
    f"SELECT * {{ ?s ?p {IRI} }}",
    f"ASK {{ {IRI} ?p ?o }}",
    f"{PROLOGUE}SELECT ?s WHERE {{ ?s a mla:Instrument . }} LIMIT 5",
    f'{PROLOGUE}SELECT ?s {{ ?s mla:name "Japan"@en }}',
    "SELECT ?id WHERE { ?i <https://w3id.org/mla-kg/ontology#instrumentId> ?id }",
]

REFUSED = {
    "no constant": "SELECT * WHERE { ?s ?p ?o }",
    "repeated variable": "SELECT * WHERE { ?s ?p ?s }",
    "two patterns": f"SELECT * WHERE {{ {IRI} ?p ?o . ?o ?q ?r }}",
    "cartesian product": f"SELECT * WHERE {{ {IRI} ?p ?o . ?a ?b ?c }}",
    "property path": f"{PROLOGUE}SELECT * WHERE {{ {IRI} mla:partOf+ ?o }}",
    "sequence path": f"{PROLOGUE}SELECT * WHERE {{ {IRI} mla:a/mla:b ?o }}",
    "inverse path": f"{PROLOGUE}SELECT * WHERE {{ {IRI} ^mla:a ?o }}",
    "aggregate": f"SELECT (COUNT(*) AS ?n) WHERE {{ {IRI} ?p ?o }}",
    "group by": f"SELECT ?p WHERE {{ {IRI} ?p ?o }} GROUP BY ?p",
    "distinct": f"SELECT DISTINCT ?p WHERE {{ {IRI} ?p ?o }}",
    "order by": f"SELECT ?p WHERE {{ {IRI} ?p ?o }} ORDER BY ?p",
    "offset": f"SELECT ?p WHERE {{ {IRI} ?p ?o }} OFFSET 100000",
    "optional": f"SELECT * WHERE {{ {IRI} ?p ?o OPTIONAL {{ ?o ?q ?r }} }}",
    "optional chain": (
        f"SELECT * WHERE {{ {IRI} ?p ?o OPTIONAL {{ ?o ?q ?r OPTIONAL {{ ?r ?x ?y }} }} }}"
    ),
    "union": f"SELECT * WHERE {{ {{ {IRI} ?p ?o }} UNION {{ ?o ?p {IRI} }} }}",
    "subquery": "SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } } }",
    "service": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:9/> {{ {IRI} ?p ?o }} }}",
    "hidden service": "SELECT * { #\r SERVICE <http://127.0.0.1:9/x> { <x:a> ?b ?c } }",
    "filter": f"SELECT * WHERE {{ {IRI} ?p ?o FILTER(?o != 1) }}",
    "repeat": f"SELECT * WHERE {{ {IRI} ?p ?o FILTER(STRLEN(REPEAT(STR(?o), 99999)) > 0) }}",
    "concat in bind": f"SELECT * WHERE {{ {IRI} ?p ?o BIND(CONCAT(?o, ?o) AS ?x) }}",
    "values": f"SELECT * WHERE {{ VALUES ?x {{ 1 2 }} {IRI} ?p ?o }}",
    "minus": f"SELECT * WHERE {{ {IRI} ?p ?o MINUS {{ ?o ?q ?r }} }}",
    "graph": f"SELECT * WHERE {{ GRAPH ?g {{ {IRI} ?p ?o }} }}",
    "construct": f"CONSTRUCT WHERE {{ {IRI} ?p ?o }}",
    "describe": f"DESCRIBE {IRI}",
    "comment": f"SELECT * WHERE {{ {IRI} ?p ?o }} # a comment",
    "escape in a string": 'SELECT * WHERE { ?s ?p "a\\"b" }',
    "escape in an IRI": "SELECT * WHERE { <x:\\u0061> ?p ?o }",
    "long string": "SELECT * WHERE { ?s ?p '''a''' }",
    "blank node": "SELECT * WHERE { _:b ?p ?o }",
    "from": f"SELECT * FROM <http://e/g> WHERE {{ {IRI} ?p ?o }}",
    "from named": f"SELECT * FROM NAMED <http://e/g> WHERE {{ {IRI} ?p ?o }}",
    "comment ended by a carriage return": f"SELECT * {{ #\r {IRI} ?p ?o }}",
    "escape in a prefixed name": f"{PROLOGUE}SELECT * {{ ?s mla:p\\' ?o }}",
    "escape in a variable": f"SELECT * {{ {IRI} ?p ?o\\u0061 }}",
    "service after the pattern": f"SELECT * {{ {IRI} ?p ?o }} SERVICE <http://127.0.0.1:9/> {{}}",
    "service as a keyword-like name": f"SELECT * {{ {IRI} ?p ?o . SERVICE <x:a> {{ ?a ?b ?c }} }}",
    "undeclared prefix": "SELECT * { ?s nope:p ?o }",
    "ask with limit": f"ASK {{ {IRI} ?p ?o }} LIMIT 1",
    "variable projected twice": f"SELECT ?p ?p {{ {IRI} ?p ?o }}",
    "expression in select": f"SELECT (STR(?o) AS ?x) {{ {IRI} ?p ?o }}",
    "bind": f"SELECT * {{ {IRI} ?p ?o BIND(1 AS ?x) }}",
    "triple term": "SELECT * { ?s ?p <<( <x:a> <x:b> <x:c> )>> }",
    "collection": "SELECT * { <x:a> ?p (1 2) }",
    "object list": f"SELECT * {{ {IRI} ?p ?o , ?q }}",
    "predicate list": f"SELECT * {{ {IRI} ?p ?o ; ?q ?r }}",
    "unicode line separator": f"SELECT * {{ {IRI}\u2028?p ?o }}",
    "negative limit": f"SELECT * {{ {IRI} ?p ?o }} LIMIT -1",
    "upper-case a": "SELECT * { ?s A mla:Instrument }",
    "integer with leading zeros": "SELECT * { ?s mla:order 007 }",
    "base": "BASE <http://e/> SELECT * WHERE { <a> ?p ?o }",
    "update": f"INSERT DATA {{ {IRI} <x:p> <x:o> }}",
    "empty": "",
    "too long": f"SELECT * WHERE {{ {IRI} ?p ?o }}" + " " * 3000,
}


@pytest.mark.parametrize("text", ACCEPTED)
def test_lookups_are_accepted(text):
    assert lookup_lane(text), text


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_everything_else_goes_to_the_pool(kind):
    assert not lookup_lane(REFUSED[kind]), REFUSED[kind]


MLA = "https://w3id.org/mla-kg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.mark.parametrize(
    ("text", "variables", "pattern", "limit"),
    [
        (
            f"SELECT ?p ?o WHERE {{ {IRI} ?p ?o }}",
            ("p", "o"),
            ("iri:https://w3id.org/mla-kg/id/state/JP", "var:p", "var:o"),
            None,
        ),
        (  # SELECT *: pyoxigraph names the variables sorted
            "select * where { ?s a mla:Instrument . } limit 7",
            ("s",),
            ("var:s", f"iri:{RDF_TYPE}", f"iri:{MLA}Instrument"),
            7,
        ),
        (  # a declaration overrides a predeclared prefix
            'PREFIX mla: <http://e/> SELECT ?x ?s { ?s mla:n "J"@en }',
            ("x", "s"),
            ("var:s", "iri:http://e/n", "literal:J@en"),
            None,
        ),
        (
            'SELECT $s { $s mla:date "2024-01-25"^^xsd:date }',
            ("s",),
            ("var:s", f"iri:{MLA}date", f"literal:2024-01-25^^{XSD}date"),
            None,
        ),
        (
            "PREFIX : <http://e/> ASK { :a ?p 5 }",
            (),
            ("iri:http://e/a", "var:p", f"literal:5^^{XSD}integer"),
            None,
        ),
        (
            'SELECT * { ?z ?a "x" }',
            ("a", "z"),
            ("var:z", "var:a", f"literal:x^^{XSD}string"),
            None,
        ),
    ],
)
def test_the_classifier_returns_the_pattern_with_prefixes_resolved(text, variables, pattern, limit):
    def short(term: PatternTerm) -> str:
        if term.kind == "variable":
            return f"var:{term.value}"
        if term.kind == "iri":
            return f"iri:{term.value}"
        return f"literal:{term.value}" + (f"@{term.lang}" if term.lang else f"^^{term.datatype}")

    lookup = lookup_pattern(text)
    assert lookup is not None, text
    assert lookup.variables == variables
    assert tuple(short(term) for term in lookup.pattern) == pattern
    assert lookup.limit == limit


def is_bounded(text: str) -> bool:
    """Check, with rdflib's algebra, that a query is one triple pattern, constant, no repeat."""
    algebra = translateQuery(parseQuery(text), initNs=PREFIXES).algebra
    node = algebra
    while node.name in ("SelectQuery", "AskQuery", "Project", "Slice"):
        if node.name == "Slice" and node.start:
            return False
        node = node.p
    if node.name != "BGP" or len(node.triples) != 1:
        return False
    variables = [term for term in node.triples[0] if isinstance(term, Variable)]
    return len(variables) < 3 and len(set(variables)) == len(variables)


PIECES = {
    "subject": [IRI, "?s", "?o", "mla:x", "_:b", "( )", "[]"],
    "predicate": ["?p", "a", "mla:name", "mla:a/mla:b", "mla:a*", "^mla:a", "?s", "<x:p>"],
    "object": ["?o", "?s", IRI, '"Japan"@en', "5", "'x'", '"a\\"b"', "?p", "mla:Instrument"],
    "extra": ["", " .", " . ?o ?q ?r", " FILTER(?o != 1)", " OPTIONAL { ?o ?q ?r }", " # c"],
    "head": [
        "SELECT *",
        "SELECT ?s",
        "SELECT ?p ?o",
        "ASK",
        "SELECT DISTINCT *",
        "SELECT (1 AS ?x)",
    ],
    "tail": ["", " LIMIT 5", " OFFSET 3", " LIMIT 2 OFFSET 1", " ORDER BY ?o", " LIMIT x"],
    "where": [" WHERE ", " ", " where "],
}


def test_every_accepted_query_is_bounded():
    rng = random.Random(20261202)
    accepted = 0
    for _ in range(12_000):
        choice = {name: rng.choice(options) for name, options in PIECES.items()}
        text = (
            f"{PROLOGUE if rng.random() < 0.7 else ''}{choice['head']}{choice['where']}"
            f"{{ {choice['subject']} {choice['predicate']} {choice['object']}{choice['extra']} }}"
            f"{choice['tail']}"
        )
        if lookup_lane(text):
            accepted += 1
            assert is_bounded(text), text
    print(f"classifier: {accepted} of 12000 generated queries accepted, each one bounded")
    assert accepted > 100  # the property was tested on many accepted queries


def test_client_slots_cap_each_client_separately():
    slots = ClientSlots(2)
    with slots.hold("a"), slots.hold("a"):
        with pytest.raises(TooManyQueries):
            with slots.hold("a"):
                pass
        with slots.hold("b"):
            assert slots.status()["queries_running"] == 3
            assert slots.status()["clients_at_cap"] == 1
    assert slots.status()["queries_running"] == 0
