"""What a browser user meets on the server (issue 15, items 5 and 7).

``/sparql`` asked for HTML describes the service in words; ``/`` lists the instruments; pages
name properties by their labels, title an article with its heading, keep dates unbroken, and
offer a citation (OSCOLA, BibTeX, CSL-JSON) with a link to the official text.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import httpx
import pytest

from mla_kg import KnowledgeGraph
from mla_kg.citation import InstrumentFacts, bibtex, csl_json, official_link, oscola, pinpoint

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url.rstrip("/"), timeout=120) as http:
        yield http


def test_sparql_answers_a_browser_with_the_service_in_words(client: httpx.Client) -> None:
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "read-only" in page and "SPARQL 1.1" in page
    assert "cannot open network connections" in page  # the default server is sandboxed
    assert "application/sparql-results+json" in page and "text/turtle" in page
    assert re.search(r"stopped after [\d.]+ s", page) and re.search(r"cut at \d+ rows", page)
    # The named queries as examples, each opening the query page.
    assert 'href="/?example=compare_features"' in page
    assert 'href="/"' in page
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("accept", ["*/*", "text/turtle", "application/rdf+xml", ""])
def test_sparql_still_gives_machines_the_service_description(
    client: httpx.Client, accept: str
) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert not response.headers["content-type"].startswith("text/html")
    assert "supportedLanguage" in response.text


def test_home_lists_the_instruments(client: httpx.Client, kg: KnowledgeGraph) -> None:
    page = client.get("/", headers={"Accept": BROWSER}).text
    ids = [str(row["instrumentId"]) for row in kg.run("list_instruments").rows]
    assert ids and all(f"<code>{i}</code>" in page for i in ids)
    assert ">EU-Japan MLA Agreement</a>" in page
    assert 'id="query-form"' in page  # the editor stays


def test_properties_are_named_by_their_labels(client: httpx.Client) -> None:
    page = client.get("/id/instrument/eu-jp-mla", headers={"Accept": BROWSER}).text
    assert ">entry into force verification</a>" in page
    assert 'title="https://w3id.org/mla-kg/ontology#entryIntoForceStatus"' in page
    assert ">mla:entryIntoForceStatus</a>" not in page
    assert '<span class="literal date">2011-01-02</span>' in page


def test_an_article_page_is_titled_with_its_heading(client: httpx.Client) -> None:
    page = client.get("/id/instrument/eu-jp-mla/art/11", headers={"Accept": BROWSER}).text
    title = re.search(r"<h1>(.*?)\s*<", page, re.S).group(1).strip()
    assert title == "Art 11 — Grounds for refusal of assistance", title


def test_provision_page_offers_a_citation(client: httpx.Client) -> None:
    page = client.get("/id/instrument/eu-jp-mla/art/11/para/1", headers={"Accept": BROWSER}).text
    oscola_text = html.unescape(re.search(r'<span id="cite-oscola">(.*?)</span>', page).group(1))
    assert oscola_text.startswith("Agreement between the European Union and Japan")
    assert oscola_text.endswith("[2010] OJ L39/20, art 11(1)")
    csl = json.loads(html.unescape(re.search(r'<pre id="cite-csl">(.*?)</pre>', page, re.S)[1]))
    assert csl[0]["type"] == "treaty" and csl[0]["id"] == "eu-jp-mla"
    bib = html.unescape(re.search(r'<pre id="cite-bibtex">(.*?)</pre>', page, re.S)[1])
    assert bib.startswith("@misc{mla-kg:eu-jp-mla,") and "year = {2009}" in bib
    assert (
        'href="https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:22010A0212(01)#art_11"'
        in html.unescape(page)
    )


def test_a_page_without_a_citation_has_no_block(client: httpx.Client) -> None:
    page = client.get("/id/state/JP", headers={"Accept": BROWSER}).text
    assert 'id="cite"' not in page


def test_citation_leaves_out_what_is_not_recorded() -> None:
    bare = InstrumentFacts("x", "", "Treaty between A and B")
    assert oscola(bare, "Art 3(1)") == "Treaty between A and B, art 3(1)"
    assert official_link(bare) is None
    assert "year" not in bibtex(bare) and "url" not in bibtex(bare)
    assert set(json.loads(csl_json(bare))[0]) == {"id", "type", "title"}
    assert pinpoint("Annex IV") == "annex IV"
    # A publication string not in a known form is kept as recorded (its first part).
    other = InstrumentFacts("y", "", "T", publication="Japan: Treaty No. 9 of 2006; other")
    assert oscola(other).endswith("Japan: Treaty No. 9 of 2006")


def test_state_page_gives_three_answers(client: httpx.Client) -> None:
    page = client.get("/id/state/KR", headers={"Accept": BROWSER}).text
    section = page.split('<section id="bound-by">', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<tr class="answer-([a-z-]+)">(.*?)</tr>', section, re.S)
    words = [(kind, html.unescape(re.sub(r"<[^>]+>", "", cells)).split()) for kind, cells in rows]
    answers = {text[0]: kind for kind, text in words}
    # Korea: party to its treaty with Japan; bound by UNTOC (recorded); nothing recorded on
    # Budapest, which the page says in words instead of "not bound".
    assert answers["Japan-Korea"] == "bound"
    assert "undetermined" in {kind for kind, _ in rows}
    budapest = next(cells for kind, cells in rows if "Budapest" in cells)
    assert "no record of whether KR is bound by budapest-2001" in budapest
    assert not any("Japan-US" in cells for _, cells in rows)  # a treaty Korea is not party to
    assert "not-bound" in {kind for kind, _ in rows}  # e.g. the EU conventions


def test_citing_a_recalled_provision_warns_first(client: httpx.Client) -> None:
    path = "/id/instrument/eu-jp-mla/art/11/para/4"
    recalled = client.get(path, headers={"Accept": BROWSER}).text
    assert "This provision is only recalled" in recalled and 'id="cite-oscola"' in recalled
    official = client.get("/id/instrument/eu-jp-mla/art/11/para/1/point/a").text
    assert "This provision is only recalled" not in official
