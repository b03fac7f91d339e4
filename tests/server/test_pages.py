"""The HTML pages of ``mla-kg serve`` over real HTTP: query page, resources, comparison, ontology.

Expected content is derived from the graph itself (the embedded store) wherever it can be, so
the tests check that the pages show the data, not a copy of it written into the test.
"""

from __future__ import annotations

import contextlib
import html
import json
import pickle
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from markupsafe import escape
from rdflib import Graph, Literal, URIRef

from mla_kg import KnowledgeGraph
from mla_kg.compare import RECALLED_MARK
from mla_kg.queries import load_queries

MLA = "https://w3id.org/mla-kg/ontology#"
EU_JP = "https://w3id.org/mla-kg/id/instrument/eu-jp-mla"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
# An outline item: its verification class, its citation link and whether a dagger follows.
OUTLINE_ITEM = re.compile(
    r'<li id="[^"]*" class="(?P<status>\w+)">\s*<div class="item">\s*'
    r'<span class="citation"><a href="(?P<href>[^"]+)"[^>]*>(?P<citation>[^<]+)</a>'
    r'(?P<dagger><span class="dagger")?'
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")


@pytest.fixture(scope="module")
def client(server) -> httpx.Client:
    with httpx.Client(base_url=server.url.rstrip("/"), timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Return the base URL of a server whose row cap (50) is below what a page needs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path_factory.mktemp("capped") / "server.log").open("wb")
    command = [
        sys.executable,
        "-m",
        "mla_kg.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        "1",
        "--max-rows",
        "50",
    ]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            pytest.fail(f"the capped server did not start (exit code {process.poll()})")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


def _page(client: httpx.Client, path: str, status: int = 200, **headers: str) -> str:
    response = client.get(path, headers={"Accept": "text/html", **headers})
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def _subdivisions(kg: KnowledgeGraph, instrument: str) -> dict[str, tuple[str, str]]:
    """Return citation and verification status of every subdivision of an instrument."""
    rows = kg.query(
        """PREFIX mla: <https://w3id.org/mla-kg/ontology#>
        SELECT ?instrument ?s ?citation ?status WHERE {
          ?s mla:inInstrument ?instrument ; mla:citation ?citation ; mla:verification ?status .
        }""",
        {"instrument": URIRef(instrument)},
    ).rows
    return {str(r["s"]): (str(r["citation"]), str(r["status"])[len(MLA) :]) for r in rows}


# --- security headers and escaping -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/id/instrument/eu-jp-mla", "/id/state/JP", "/compare", "/ontology", "/id/nope/x"],
)
def test_pages_send_a_strict_csp_and_no_inline_script(client: httpx.Client, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert not INLINE_SCRIPT.search(response.text), INLINE_SCRIPT.search(response.text)
    assert " style=" not in response.text and "<style" not in response.text  # style-src 'self'
    # Nothing is loaded from another host.
    assert not re.search(r'(src|href)="(https?:)?//(?!w3id\.org)[^"]*\.(js|css)"', response.text)


def test_xss_in_compare_parameter_is_escaped(client: httpx.Client) -> None:
    attack = '<script>alert("x")</script>'
    response = client.get("/compare", params={"i": attack})
    assert response.status_code == 400
    assert attack not in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text


def test_xss_in_group_parameter_is_escaped(client: httpx.Client) -> None:
    attack = '"><img src=x onerror=alert(1)>'
    response = client.get("/compare", params={"i": "eu-jp-mla", "group": attack})
    assert response.status_code == 400
    assert attack not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_xss_in_resource_path_is_escaped(client: httpx.Client) -> None:
    response = client.get("/id/instrument/" + quote("<script>alert(1)</script>", safe=""))
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)" in response.text


def test_sparql_syntax_in_a_path_is_not_an_iri(client: httpx.Client) -> None:
    # Characters that would end an IRI in SPARQL text never reach a query.
    path = "/id/instrument/" + quote("eu-jp-mla> } ; ?s ?p ?o #", safe="")
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404


# --- the query page --------------------------------------------------------------------------


def test_query_page_offers_every_named_query(client: httpx.Client) -> None:
    page = _page(client, "/")
    assert '<textarea id="query"' in page
    assert '<script src="/static/query.js" defer></script>' in page
    queries = load_queries()
    assert len(queries) >= 10
    for name, query in queries.items():
        assert f'<option value="{name}">{escape(query.summary)}</option>' in page
    # The texts travel as a JSON data block the script reads.
    data = re.search(
        r'<script type="application/json" id="examples-data">(.*?)</script>', page, re.S
    )
    assert data is not None
    examples = {e["name"]: e for e in json.loads(data.group(1))}
    assert set(examples) == set(queries)
    assert examples["refusal_grounds"]["text"] == queries["refusal_grounds"].text


def test_query_page_prefill_is_escaped(client: httpx.Client) -> None:
    attack = "</textarea><script>alert(1)</script>"
    page = _page(client, "/?" + str(httpx.QueryParams({"query": attack, "example": "lineage"})))
    assert attack not in page
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in page
    assert '<option value="lineage" selected>' in page
    page = _page(client, "/?example=%22%3E%3Cb%3Ex")  # not a named query: nothing selected
    assert " selected>" not in page and "<b>x" not in page


def test_static_files_are_served(client: httpx.Client) -> None:
    script = client.get("/static/query.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert 'fetch("/sparql"' in script.text
    style = client.get("/static/style.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")


# --- resource pages --------------------------------------------------------------------------


def test_instrument_page_outline_in_printed_order(client: httpx.Client, kg: KnowledgeGraph) -> None:
    page = _page(client, "/id/instrument/eu-jp-mla")
    title = kg.query(
        "SELECT ?i ?t WHERE { ?i <http://purl.org/dc/terms/title> ?t FILTER(LANG(?t) = 'en') }",
        {"i": URIRef(EU_JP)},
    ).rows[0]["t"]
    assert f"<h1>{escape(str(title))}" in page
    # Art 11 with its heading as printed.
    assert re.search(
        r'>Art 11</a>.*?<span class="heading">Grounds for refusal of assistance', page, re.S
    )
    # Articles in numeric order: Art 2 before Art 10, Art 10 before Art 11.
    citations = [m["citation"] for m in OUTLINE_ITEM.finditer(page)]
    articles = [c for c in citations if re.fullmatch(r"Art \d+", c)]
    numbers = [int(c.split()[1]) for c in articles]
    assert numbers == sorted(numbers) and numbers[:3] == [1, 2, 3]
    assert citations.index("Art 11") < citations.index("Art 11(1)") < citations.index("Art 12")


def test_every_outline_item_shows_its_status_and_recalled_ones_a_dagger(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    page = _page(client, "/id/instrument/eu-jp-mla")
    expected = _subdivisions(kg, EU_JP)
    shown = {m["href"]: m for m in OUTLINE_ITEM.finditer(page)}
    paths = {iri: iri.replace("https://w3id.org/mla-kg", "") for iri in expected}
    assert set(shown) == set(paths.values())
    recalled = 0
    for iri, (citation, status) in expected.items():
        item = shown[paths[iri]]
        assert item["citation"] == citation
        assert item["status"] == status
        assert bool(item["dagger"]) == (status == "recalled"), citation
        recalled += status == "recalled"
    assert recalled > 0  # the instrument has recalled items, so the check above had teeth
    assert f"{RECALLED_MARK}</span> recalled: not verified against the official text" in page
    for status in ("official", "scholarly", "recalled"):
        assert f'<span class="badge {status}"' in page


def test_instrument_page_lists_feature_attestations(client: httpx.Client) -> None:
    page = _page(client, "/id/instrument/eu-jp-mla")
    assert "Features attested for the instrument as a whole" in page
    assert '<a href="/id/instrument/eu-jp-mla/absence/' in page


def test_point_page_shows_breadcrumbs_features_and_statements(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    iri = EU_JP + "/art/11/para/1/point/b"
    page = _page(client, "/id/instrument/eu-jp-mla/art/11/para/1/point/b")
    assert "<h1>Art 11(1)(b)" in page
    for parent in (
        "/id/instrument/eu-jp-mla",
        "/id/instrument/eu-jp-mla/art/11",
        "/id/instrument/eu-jp-mla/art/11/para/1",
    ):
        assert f'<a href="{parent}"' in page.split("<h1>")[0]
    features = kg.query(
        "SELECT ?s ?f WHERE { ?s <https://w3id.org/mla-kg/ontology#hasFeature> ?f }",
        {"s": URIRef(iri)},
    ).rows
    assert features
    for row in features:
        assert f'href="{str(row["f"]).replace("https://w3id.org/mla-kg", "")}"' in page


def test_state_page(client: httpx.Client) -> None:
    page = _page(client, "/id/state/JP")
    assert "<h1>Japan" in page
    assert 'href="/id/instrument/eu-jp-mla"' in page  # Japan is a party
    assert "日本" in page


def test_authority_and_source_pages(client: httpx.Client, kg: KnowledgeGraph) -> None:
    authority = kg.query(
        """SELECT ?a ?label WHERE {
          ?a a <https://w3id.org/mla-kg/ontology#Authority> ;
             <http://www.w3.org/2000/01/rdf-schema#label> ?label .
        } ORDER BY ?a LIMIT 1"""
    ).rows[0]
    path = str(authority["a"]).replace("https://w3id.org/mla-kg", "")
    assert path.startswith("/id/authority/")
    assert f"<h1>{escape(str(authority['label']))}" in _page(client, path)
    assert "seed" in _page(client, "/id/source/seed").lower()
    # A source's web address is a link; a relative one (a file of the research) is text.
    urls = kg.query(
        """SELECT ?s ?url WHERE { ?s <https://w3id.org/mla-kg/ontology#url> ?url }"""
    ).rows
    web = next(r for r in urls if str(r["url"]).startswith("https://"))
    local = next(r for r in urls if not str(r["url"]).startswith("http"))
    page = _page(client, str(web["s"]).replace("https://w3id.org/mla-kg", ""))
    assert f'<a href="{escape(str(web["url"]))}" class="external">' in page
    page = _page(client, str(local["s"]).replace("https://w3id.org/mla-kg", ""))
    assert f'<span class="literal">{escape(str(local["url"]))}</span>' in page


def test_feature_page(client: httpx.Client) -> None:
    page = _page(client, "/feature/videoconference-hearing")
    assert 'href="/id/instrument/eu-jp-mla/art/' in page  # provisions carrying it


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_resource_rdf_by_accept(client: httpx.Client, kg: KnowledgeGraph, media_type: str) -> None:
    iri = EU_JP + "/art/11"
    response = client.get("/id/instrument/eu-jp-mla/art/11", headers={"Accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media_type)
    assert "accept" in response.headers["vary"].lower()
    graph = Graph().parse(data=response.content, format=RDF_TYPES[media_type])
    expected = {
        (r["p"], r["o"])
        for r in kg.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", {"s": URIRef(iri)}).rows
    }
    assert set(graph.predicate_objects(URIRef(iri))) == expected
    assert (URIRef(iri), URIRef(MLA + "citation"), Literal("Art 11")) in graph


def test_page_cut_by_the_row_cap_says_so(capped_server: str, client: httpx.Client) -> None:
    capped = httpx.get(f"{capped_server}/id/instrument/eu-jp-mla", timeout=60)
    assert capped.status_code == 200
    assert "This page is incomplete" in capped.text
    # A signature has a handful of statements and no parts: its page is complete.
    small = httpx.get(f"{capped_server}/id/instrument/eu-jp-mla/signature/1", timeout=60)
    assert small.status_code == 200 and "This page is incomplete" not in small.text
    assert "This page is incomplete" not in _page(client, "/id/instrument/eu-jp-mla")


def test_unsupported_accept_is_406(client: httpx.Client) -> None:
    response = client.get("/id/instrument/eu-jp-mla", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text


def test_instruments_index(client: httpx.Client, kg: KnowledgeGraph) -> None:
    page = _page(client, "/id/instrument")
    for instrument in kg.instruments():
        assert f'<a href="/id/instrument/{instrument}"><code>{instrument}</code></a>' in page


def test_unknown_resource_is_a_helpful_404(client: httpx.Client, kg: KnowledgeGraph) -> None:
    page = _page(client, "/id/instrument/no-such-instrument", status=404)
    assert "https://w3id.org/mla-kg/id/instrument/no-such-instrument" in page
    assert 'href="/compare"' in page
    for instrument in kg.instruments():  # where the reader may have meant to go
        assert f'<a href="/id/instrument/{instrument}">' in page
    response = client.get("/id/instrument/no-such-instrument", headers={"Accept": "text/turtle"})
    assert response.status_code == 404


# --- comparison ------------------------------------------------------------------------------


def test_compare_page_shows_the_matrix(client: httpx.Client, kg: KnowledgeGraph) -> None:
    ids = ["eu-jp-mla", "eu-us-mla", "jp-us-mlat"]
    page = _page(client, "/compare?" + "&".join(f"i={i}" for i in ids))
    comparison = kg.compare(ids)
    for instrument in ids:
        assert f'<a href="/id/instrument/{instrument}"' in page
    for row in comparison:
        assert f">{escape(row.label)}</a></th>" in page
    cells = re.findall(
        r'<td class="(present|absent|unknown)[^"]*"\s+title="[^"]*">(.*?)</td>', page, re.S
    )
    assert len(cells) == len(comparison) * len(ids)
    names = comparison.source_names
    expected = [
        (row.cells[i].status, row.cells[i].text(None, names)) for row in comparison for i in ids
    ]
    shown = [(status, html.unescape(re.sub(r"<[^>]+>", "", text))) for status, text in cells]
    # Conflicting cells carry a "[note n]" mark after their text; the rest is verbatim.
    assert [s for s, _ in shown] == [s for s, _ in expected]
    for (_, got), (_, want) in zip(shown, expected, strict=True):
        assert got == want or re.fullmatch(re.escape(want) + r" \[note \d+\]", got)
    # Citations link to their provisions' pages.
    for provision in comparison.cell("bank-secrecy-excluded", "eu-jp-mla").pinpoints():
        path = provision.iri.replace("https://w3id.org/mla-kg", "")
        assert f'<a href="{path}">{escape(provision.citation)}' in page
    assert f'<span class="dagger" title="{RECALLED_MARK} recalled' in page
    # Cells name sources by short name; the legend lists each once, with its address and key.
    listed = page[page.index("<h3>Sources</h3>") :]
    for entry in comparison.source_legend():
        assert listed.count(f">{escape(entry.name)}: ") == 1, entry.name
        assert escape(entry.keys) in listed
        for url in entry.addresses:
            assert f'href="{escape(url)}"' in listed or escape(url) in listed
    assert "(s_nl)" not in page and "research-jp-us-mlat" not in page


def test_compare_page_by_group(client: httpx.Client, kg: KnowledgeGraph) -> None:
    page = _page(client, "/compare?i=eu-jp-mla&i=eu-us-mla&group=refusal")
    comparison = kg.compare(["eu-jp-mla", "eu-us-mla"])
    inside = [row for row in comparison if row.group == "refusal"]
    outside = [row for row in comparison if row.group != "refusal"]
    assert inside and outside
    body = page.split('<table class="matrix">')[1]
    for row in inside:
        assert f'title="{row.id}">' in body
    for row in outside:
        assert f'title="{row.id}">' not in body
    # The group choices stay every group of the comparison, the chosen one selected.
    choices = re.findall(r'<option value="(\w+)"( selected)?>', page.split('name="group"')[1])
    assert [g for g, _ in choices] == [g for g, _, _ in comparison.groups()]
    assert [g for g, selected in choices if selected] == ["refusal"]


def test_compare_unknown_instrument_is_400_listing_known_ids(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    page = _page(client, "/compare?i=eu-jp-mla&i=no-such-treaty", status=400)
    assert "no-such-treaty" in page
    for known in kg.instruments():
        assert f"<code>{known}</code>" in page


# --- ontology --------------------------------------------------------------------------------


def test_ontology_page_lists_classes_properties_and_features(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    page = _page(client, "/ontology")
    for name in ("Article", "CentralAuthority", "Instrument"):
        assert f'<tr id="{name}">' in page
    assert '<tr id="verification">' in page and '<tr id="citation">' in page
    features = kg.query(
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?id WHERE {
          ?f skos:inScheme <https://w3id.org/mla-kg/feature/scheme> ; skos:notation ?id .
        }"""
    ).rows
    assert len(features) > 20
    for row in features:
        assert f'href="/feature/{row["id"]}"' in page
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")


# --- the comparison sent by the worker: the domain's object itself, pickled through the pipe ---


def test_outline_crosses_the_worker_pipe_unchanged(kg: KnowledgeGraph) -> None:
    from multiprocessing.reduction import ForkingPickler

    original = kg.outline("eu-jp-mla")
    received = pickle.loads(ForkingPickler.dumps(original))
    assert received == original and received.to_text() == original.to_text()
    assert any(node.features for _, node in received.walk())


def test_comparison_crosses_the_worker_pipe_unchanged(kg: KnowledgeGraph) -> None:
    from multiprocessing.reduction import ForkingPickler

    original = kg.compare(["eu-jp-mla", "eu-us-mla", "jp-us-mlat"])
    received = pickle.loads(ForkingPickler.dumps(original))
    assert received == original  # every field, official texts and provision details included
    assert received.to_html() == original.to_html() and received.notes()
