"""The SPARQL 1.1 Protocol of ``mla-kg serve``, over real HTTP: formats, errors, refusals, dumps."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from mla_kg import KnowledgeGraph
from mla_kg.server.protocol import (
    GRAPH_TYPES,
    HTML,
    JSON_LD,
    JSON_RESULTS,
    SELECT_TYPES,
    XML_RESULTS,
    negotiate,
)

SRX = "{http://www.w3.org/2005/sparql-results#}"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
EU_JP = "https://w3id.org/mla-kg/id/instrument/eu-jp-mla"
INSTRUMENTS = """
PREFIX mla: <https://w3id.org/mla-kg/ontology#>
SELECT ?instrument ?id WHERE { ?instrument a mla:Instrument ; mla:instrumentId ?id } ORDER BY ?id
"""
CONSTRUCT = f"CONSTRUCT {{ <{EU_JP}> ?p ?o }} WHERE {{ <{EU_JP}> ?p ?o }}"
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def ask(server, query: str, accept: str | None = None, **kwargs) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(server.sparql, params={"query": query}, headers=headers, timeout=30, **kwargs)


def expected_instruments(kg: KnowledgeGraph) -> list[tuple[str, str]]:
    return [(str(row["instrument"]), str(row["id"])) for row in kg.query(INSTRUMENTS)]


def test_the_expected_instruments_are_there(kg):
    ids = [instrument_id for _, instrument_id in expected_instruments(kg)]
    assert {"eu-jp-mla", "eu-us-mla", "jp-us-mlat"} <= set(ids)


# --- SELECT and ASK in every result format ----------------------------------------------------


def test_select_json(server, kg):
    response = ask(server, INSTRUMENTS, "application/sparql-results+json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    document = json.loads(response.content)
    assert document["head"]["vars"] == ["instrument", "id"]
    rows = [(b["instrument"]["value"], b["id"]["value"]) for b in document["results"]["bindings"]]
    assert rows == expected_instruments(kg)
    assert "truncated" not in document


def test_select_xml(server, kg):
    response = ask(server, INSTRUMENTS, "application/sparql-results+xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    names = [v.get("name") for v in root.iter(f"{SRX}variable")]
    assert names == ["instrument", "id"]
    rows = []
    for result in root.iter(f"{SRX}result"):
        values = {b.get("name"): b[0].text for b in result.iter(f"{SRX}binding")}
        rows.append((values["instrument"], values["id"]))
    assert rows == expected_instruments(kg)


def test_select_csv(server, kg):
    response = ask(server, INSTRUMENTS, "text/csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.text)))
    assert table[0] == ["instrument", "id"]
    assert [tuple(row) for row in table[1:]] == expected_instruments(kg)


def test_select_tsv(server, kg):
    response = ask(server, INSTRUMENTS, "text/tab-separated-values")
    assert response.status_code == 200
    lines = response.text.rstrip("\n").split("\n")
    assert lines[0].split("\t") == ["?instrument", "?id"]
    rows = [tuple(line.split("\t")) for line in lines[1:]]
    assert rows == [(f"<{iri}>", f'"{ident}"') for iri, ident in expected_instruments(kg)]


def test_select_default_format_is_json(server):
    response = ask(server, INSTRUMENTS)
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert "Accept" in response.headers["vary"].split(", ")  # Origin too, from CORS


def test_select_honours_quality_values(server):
    response = ask(server, INSTRUMENTS, "application/sparql-results+json;q=0.2, text/csv")
    assert response.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("accept", "offers", "chosen"),
    [
        (None, SELECT_TYPES, JSON_RESULTS),  # no Accept: the server's first choice
        ("text/csv;q=0.5, application/sparql-results+xml", SELECT_TYPES, XML_RESULTS),
        ("text/*;q=0.3, */*;q=0.9", SELECT_TYPES, JSON_RESULTS),  # */* for the others
        ("text/*, */*;q=0.1", SELECT_TYPES, "text/csv"),  # the most specific range counts
        ("TEXT/CSV", SELECT_TYPES, "text/csv"),  # media types are case-insensitive
        ("application/json", GRAPH_TYPES, JSON_LD),  # a common name of the format
        # A type the client names itself outranks a common name that covers it too.
        (
            f"application/json;q=0.9, {JSON_RESULTS};q=0.1, {XML_RESULTS};q=0.5",
            SELECT_TYPES,
            XML_RESULTS,
        ),
        ("text/html;q=-1, text/turtle;q=0.5", (HTML, *GRAPH_TYPES), "text/turtle"),
        ("*/*;q=abc", SELECT_TYPES, None),  # a malformed q excludes, never prefers
        ("*/*;q=0", SELECT_TYPES, None),
        ("garbage, text/csv", SELECT_TYPES, "text/csv"),  # an unreadable range is skipped
        ('text/csv;x="a,b;c"', SELECT_TYPES, "text/csv"),  # a broken parameter: still CSV
        ("*", GRAPH_TYPES, "text/turtle"),  # a bare * (Java clients) means */*
    ],
)
def test_negotiation(accept, offers, chosen):
    assert negotiate(accept, offers) == chosen


@pytest.mark.parametrize(
    ("accept", "parse"),
    [
        ("application/sparql-results+json", lambda body: json.loads(body)["boolean"]),
        (
            "application/sparql-results+xml",
            lambda body: ET.fromstring(body).find(f"{SRX}boolean").text == "true",
        ),
    ],
)
def test_ask_in_json_and_xml(server, accept, parse):
    yes = ask(server, f"ASK {{ <{EU_JP}> ?p ?o }}", accept)
    no = ask(server, "ASK { <https://w3id.org/mla-kg/id/instrument/no-such> ?p ?o }", accept)
    assert yes.status_code == no.status_code == 200
    assert parse(yes.content) is True
    assert parse(no.content) is False


def test_ask_as_csv_is_not_acceptable(server):
    response = ask(server, "ASK {}", "text/csv")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


def test_literals_keep_language_and_datatype(server, kg):
    query = f"""PREFIX dct: <http://purl.org/dc/terms/>
    PREFIX mla: <https://w3id.org/mla-kg/ontology#>
    SELECT ?title ?signed WHERE {{ <{EU_JP}> dct:title ?title ; mla:dateSigned ?signed }}"""
    document = ask(server, query).json()
    bindings = document["results"]["bindings"]
    expected = kg.query(query)
    assert len(bindings) == len(expected) > 0
    served = {
        (b["title"]["value"], b["title"].get("xml:lang"), b["signed"]["datatype"]) for b in bindings
    }
    wanted = {(str(r["title"]), r["title"].language, str(r["signed"].datatype)) for r in expected}
    assert served == wanted


# --- CONSTRUCT and DESCRIBE in every RDF syntax -------------------------------------------------


@pytest.mark.parametrize("accept", list(RDFLIB_FORMATS))
def test_construct_in_every_rdf_syntax(server, kg, accept):
    response = ask(server, CONSTRUCT, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.content, format=RDFLIB_FORMATS[accept])
    expected = kg.query(CONSTRUCT).graph
    assert len(graph) == len(expected) > 5
    assert set(graph) == set(expected)


def test_describe_gives_the_resource(server):
    response = ask(server, f"DESCRIBE <{EU_JP}>", "text/turtle")
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    assert (
        URIRef(EU_JP),
        URIRef("https://w3id.org/mla-kg/ontology#instrumentId"),
        Literal("eu-jp-mla"),
    ) in graph


def test_construct_as_json_results_is_not_acceptable(server):
    response = ask(server, CONSTRUCT, "application/sparql-results+json")
    assert response.status_code == 406


# --- the three ways to send a query ---------------------------------------------------------------


def test_post_form(server, kg):
    response = httpx.post(server.sparql, data={"query": INSTRUMENTS}, timeout=30)
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == len(expected_instruments(kg))


def test_post_direct(server, kg):
    response = httpx.post(
        server.sparql,
        content=INSTRUMENTS.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
        timeout=30,
    )
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == len(expected_instruments(kg))


def test_head_answers_without_a_body(server):
    response = httpx.head(server.sparql, params={"query": "ASK {}"}, timeout=30)
    assert response.status_code == 200
    assert response.content == b""


def test_default_graph_uri_restricts_the_dataset(server):
    # The bundled data is in the default graph; a protocol dataset of an absent graph is empty.
    query = "ASK { ?s ?p ?o }"
    assert ask(server, query).json()["boolean"] is True
    response = httpx.get(
        server.sparql,
        params={"query": query, "default-graph-uri": "http://example.org/none"},
        timeout=30,
    )
    assert response.json()["boolean"] is False


def test_predeclared_prefixes(server):
    response = ask(server, "SELECT ?i WHERE { ?i a mla:Instrument } LIMIT 1")
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 1


# --- errors ---------------------------------------------------------------------------------------


def test_syntax_error_is_400_with_the_parser_message(server):
    response = ask(server, "SELECT ?s WHERE { ?s ?p }")
    assert response.status_code == 400
    assert "SPARQL syntax error" in response.text
    assert "Traceback" not in response.text


def test_error_as_json_when_asked(server):
    response = ask(server, "SELECT WHERE", "application/json")
    assert response.status_code == 400
    document = response.json()
    assert document["status"] == 400
    assert document["title"] == "Syntax error"
    assert document["message"].startswith("SPARQL syntax error")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405(server, method):
    response = httpx.request(method, server.sparql, params={"query": "ASK {}"}, timeout=30)
    assert response.status_code == 405
    assert "GET" in response.headers["allow"] and "POST" in response.headers["allow"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", None])
def test_wrong_media_type_is_415(server, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = httpx.post(server.sparql, content=b"ASK {}", headers=headers, timeout=30)
    assert response.status_code == 415
    assert "application/sparql-query" in response.text


def test_non_utf8_body_is_400(server):
    response = httpx.post(
        server.sparql,
        content='ASK { ?s ?p "café" }'.encode("latin-1"),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 400
    assert "UTF-8" in response.text


def test_declared_non_utf8_charset_is_415(server):
    response = httpx.post(
        server.sparql,
        content="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
        timeout=30,
    )
    assert response.status_code == 415


def test_non_utf8_percent_encoding_is_400(server):
    response = httpx.get(f"{server.sparql}?query=ASK%20%7B%7D%FF", timeout=30)
    assert response.status_code == 400
    assert "UTF-8" in response.text


def test_multiple_queries_are_400(server):
    response = httpx.get(f"{server.sparql}?query=ASK%20%7B%7D&query=ASK%20%7B%7D", timeout=30)
    assert response.status_code == 400
    assert "exactly one query" in response.text


def test_query_in_body_and_url_is_400(server):
    response = httpx.post(
        server.sparql,
        params={"query": "ASK {}"},
        content=b"ASK {}",
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 400


def test_empty_query_is_400(server):
    assert ask(server, "   ").status_code == 400


def test_url_too_long_is_414(server):
    response = ask(server, "ASK {} #" + "x" * 9000)
    assert response.status_code == 414
    assert "POST" in response.text


def test_body_too_large_is_413(server):
    response = httpx.post(
        server.sparql,
        content=b"ASK {} #" + b"x" * 1_100_000,
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert response.status_code == 413


def test_unknown_path_is_404(server):
    response = httpx.get(f"{server.url}no/such/page", headers={"Accept": "text/plain"}, timeout=30)
    assert response.status_code == 404


# --- read-only, and no federation -------------------------------------------------------------


UPDATE = "INSERT DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }"


@pytest.mark.parametrize(
    "send",
    [
        lambda url: httpx.post(
            url, content=UPDATE.encode(), headers={"Content-Type": "application/sparql-update"}
        ),
        lambda url: httpx.post(url, data={"update": UPDATE}),
        lambda url: httpx.get(url, params={"update": UPDATE}),
        lambda url: httpx.get(url, params={"query": UPDATE}),
        lambda url: httpx.post(url, data={"query": "PREFIX ex: <http://example.org/> " + UPDATE}),
        lambda url: httpx.post(
            url, content=b"DROP ALL", headers={"Content-Type": "application/sparql-query"}
        ),
    ],
    ids=["direct", "form", "get-update", "get-query", "form-query-with-prefix", "drop-as-query"],
)
def test_updates_are_refused_and_change_nothing(server, send):
    before = server.health()["triples"]
    response = send(server.sparql)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert "mla-kg export" in response.text
    check = ask(server, "ASK { <http://example.org/s> ?p ?o }")
    assert check.json()["boolean"] is False
    count = ask(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").json()
    assert int(count["results"]["bindings"][0]["n"]["value"]) == before


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        # \\u0053 is S: SPARQL applies such escapes before parsing.
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(server, query):
    response = ask(server, query)
    assert response.status_code == 403
    assert "SERVICE" in response.text and "outbound" in response.text


def test_service_in_a_string_is_fine(server):
    response = ask(server, 'SELECT ?x WHERE { BIND("SERVICE <http://x/> {}" AS ?x) }')
    assert response.status_code == 200


# --- CORS -----------------------------------------------------------------------------------------


def test_cors_on_success_and_on_errors(server):
    origin = {"Origin": "https://example.org"}
    ok = httpx.get(server.sparql, params={"query": "ASK {}"}, headers=origin, timeout=30)
    bad = httpx.get(server.sparql, params={"query": "ASK {"}, headers=origin, timeout=30)
    missing = httpx.get(f"{server.url}nothing-here", headers=origin, timeout=30)
    refused = httpx.put(server.sparql, headers=origin, timeout=30)
    for response, status in ((ok, 200), (bad, 400), (missing, 404), (refused, 405)):
        assert response.status_code == status
        assert response.headers["access-control-allow-origin"] == "*"


def test_cors_preflight(server):
    response = httpx.options(
        server.sparql,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )
    assert 200 <= response.status_code < 300  # a preflight needs an "ok status" (Fetch)
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "Content-Type" in response.headers["access-control-allow-headers"]


# --- dumps, VoID, Service Description, ontology, health -----------------------------------------


@pytest.mark.parametrize(
    ("path", "media_type", "rdflib_format"),
    [
        ("dump.ttl", "text/turtle", "turtle"),
        ("dump.nt", "application/n-triples", "nt"),
        ("dump.jsonld", "application/ld+json", "json-ld"),
    ],
)
def test_dumps_hold_the_whole_default_graph(server, kg, path, media_type, rdflib_format):
    response = httpx.get(f"{server.url}{path}", timeout=60)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert len(graph) == len(kg) == server.health()["triples"]


def test_void(server):
    response = httpx.get(f"{server.url}.well-known/void", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.content, format="turtle")
    dataset = URIRef(f"{server.url}.well-known/void#dataset")
    assert (dataset, RDF.type, URIRef(f"{VOID}Dataset")) in graph
    assert graph.value(dataset, URIRef(f"{VOID}sparqlEndpoint")) == URIRef(server.sparql)
    dumps = set(graph.objects(dataset, URIRef(f"{VOID}dataDump")))
    assert dumps == {URIRef(f"{server.url}dump.{ext}") for ext in ("ttl", "nt", "jsonld")}
    triples = graph.value(dataset, URIRef(f"{VOID}triples"))
    assert int(triples) == server.health()["triples"]
    for dump in dumps:
        assert httpx.head(str(dump), timeout=30).status_code == 200


def test_void_by_content_negotiation(server):
    response = httpx.get(
        f"{server.url}.well-known/void", headers={"Accept": "application/ld+json"}, timeout=30
    )
    assert response.headers["content-type"].startswith("application/ld+json")
    graph = Graph().parse(data=response.content, format="json-ld")
    assert (None, URIRef(f"{VOID}sparqlEndpoint"), URIRef(server.sparql)) in graph


def test_service_description_without_a_query(server):
    response = httpx.get(server.sparql, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.content, format="turtle")
    service = graph.value(None, URIRef(f"{SD}endpoint"), URIRef(server.sparql))
    assert service is not None
    assert (service, RDF.type, URIRef(f"{SD}Service")) in graph
    assert (service, URIRef(f"{SD}supportedLanguage"), URIRef(f"{SD}SPARQL11Query")) in graph
    assert (service, URIRef(f"{SD}supportedLanguage"), URIRef(f"{SD}SPARQL11Update")) not in graph


def test_ontology_as_turtle(server):
    response = httpx.get(f"{server.url}ontology", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    assert (URIRef("https://w3id.org/mla-kg/ontology"), RDF.type, OWL.Ontology) in graph
    assert (URIRef("https://w3id.org/mla-kg/ontology#Instrument"), RDF.type, OWL.Class) in graph


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ],
)
def test_ontology_in_other_syntaxes(server, accept, rdflib_format):
    response = httpx.get(f"{server.url}ontology", headers={"Accept": accept}, timeout=30)
    assert response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert (URIRef("https://w3id.org/mla-kg/ontology"), RDF.type, OWL.Ontology) in graph


def test_ontology_for_a_browser_is_html(server):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = httpx.get(f"{server.url}ontology", headers={"Accept": browser}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Instrument" in response.text


def test_health(server, kg):
    health = server.health()
    assert health["status"] == "ok"
    assert health["triples"] == len(kg)
    assert health["workers"]["alive"] == health["workers"]["size"] == 2


def test_access_log_is_structured(server):
    marker = "access-log-probe"
    query = "ASK { <http://example.org/secret-probe> ?p ?o }"
    httpx.get(server.sparql, params={"query": query}, headers={"User-Agent": marker})
    entries = []
    for line in server.log().splitlines():
        if marker in line and line.startswith("{"):
            entries.append(json.loads(line))
    assert entries, "no access log line for the probe"
    entry = entries[-1]
    assert entry["method"] == "GET" and entry["path"] == "/sparql" and entry["status"] == 200
    assert entry["sparql"]["form"] == "ASK"
    assert entry["sparql"]["query_chars"] == len(query)
    assert "secret-probe" not in json.dumps(entry)  # the query text itself is not logged
    assert entry["duration_ms"] >= 0
