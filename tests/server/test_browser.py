"""The pages in a real browser: headless Debian chromium driven by selenium.

The browser runs the page's own JavaScript against ``mla-kg serve`` on 127.0.0.1: choose a named
query, run it, read the result table; open an instrument and read its outline. Without chromium
(or its driver) the tests skip, except under ``CI=true``, where the browser is required
(``.ci/system-deps.sh`` installs it). Each test saves a screenshot in the temporary folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import SCREENSHOTS, chromium
from chromium import wait as _wait
from rdflib import URIRef

from mla_kg import KnowledgeGraph
from mla_kg.namespaces import compact
from mla_kg.queries import load_queries


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[object]:
    with chromium(downloads, "--window-size=1400,1600") as driver:
        yield driver


def _shot(driver, name: str) -> Path:
    path = SCREENSHOTS / f"mla-kg-{name}.png"
    assert driver.save_screenshot(str(path)), f"screenshot {path} failed"
    return path


def test_query_page_runs_a_named_query(browser, server, kg: KnowledgeGraph) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    name = "count_subdivisions_by_status"
    query = load_queries()[name]
    expected = kg.query(query.text)
    assert len(expected) > 0

    browser.get(server.url)
    Select(browser.find_element(By.ID, "example")).select_by_value(name)
    editor = browser.find_element(By.ID, "query")
    assert editor.get_property("value") == query.text
    assert browser.find_element(By.ID, "example-name").text == f"{name}.rq"
    browser.find_element(By.ID, "run").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results tbody tr"))

    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#results thead th")]
    assert headers == [f"?{var}" for var in expected.vars]
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert len(rows) == len(expected)
    shown = {tuple(td.text for td in row.find_elements(By.TAG_NAME, "td")) for row in rows}
    # IRIs are shown as prefix:name where a prefix covers them, literals as they are.
    wanted = {
        tuple(
            compact(str(t)) if isinstance(t, URIRef) else str(t or "")
            for t in (r.get(v) for v in expected.vars)
        )
        for r in expected.rows
    }
    assert shown == wanted
    assert browser.find_element(By.ID, "error").get_attribute("hidden") is not None
    _shot(browser, "query-page")


@pytest.mark.parametrize(
    ("button", "extension"), [("download-csv", "csv"), ("download-json", "json")]
)
def test_query_page_downloads_the_answer(
    browser, server, kg: KnowledgeGraph, downloads: Path, button: str, extension: str
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    name = "list_instruments"
    target = downloads / f"{name}.{extension}"
    target.unlink(missing_ok=True)
    browser.get(server.url)
    Select(browser.find_element(By.ID, "example")).select_by_value(name)
    browser.find_element(By.ID, button).click()
    _wait(browser, lambda d: target.exists() and target.stat().st_size > 0)
    ids = sorted(str(r["instrumentId"]) for r in kg.query(load_queries()[name].text).rows)
    text = target.read_text(encoding="utf-8")
    if extension == "csv":
        lines = text.splitlines()
        assert lines[0].split(",")[:2] == ["instrument", "instrumentId"]
        assert sorted(line.split(",")[1] for line in lines[1:]) == ids
    else:
        rows = json.loads(text)["results"]["bindings"]
        assert sorted(row["instrumentId"]["value"] for row in rows) == ids


def test_query_page_shows_a_syntax_error(browser, server) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url)
    editor = browser.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys("SELECT * WHERE { ?s ?p }")
    browser.find_element(By.ID, "run").click()
    box = _wait(
        browser,
        lambda d: (
            d.find_element(By.ID, "error")
            if d.find_element(By.ID, "error").is_displayed()
            else None
        ),
    )
    assert "400" in box.text
    assert "syntax" in box.text.lower()
    assert not browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    _shot(browser, "query-error")


def test_query_page_prefilled_ask_and_construct(browser, server) -> None:
    from urllib.parse import urlencode

    from selenium.webdriver.common.by import By

    ask = "ASK { ?s a <https://w3id.org/mla-kg/ontology#Instrument> }"
    browser.get(server.url + "?" + urlencode({"example": "lineage", "query": ask}))
    assert browser.find_element(By.ID, "query").get_property("value") == ask
    assert browser.find_element(By.ID, "example-name").text == "lineage.rq"
    browser.find_element(By.ID, "run").click()
    answer = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results .ask-answer"))
    assert answer[0].text == "ASK answer: true"

    construct = (
        "CONSTRUCT { ?i <https://w3id.org/mla-kg/ontology#instrumentId> ?id } WHERE "
        "{ ?i <https://w3id.org/mla-kg/ontology#instrumentId> ?id }"
    )
    browser.get(server.url + "?" + urlencode({"query": construct}))
    browser.find_element(By.ID, "run").click()
    graph = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results .graph-answer"))
    assert '"eu-jp-mla"' in graph[0].text


def test_instrument_page_shows_its_outline(browser, server) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url + "id/instrument/eu-jp-mla")
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert "European Union and Japan" in heading
    top = browser.find_elements(By.CSS_SELECTOR, "section.outline-section > ol.outline > li")
    citations = [li.find_element(By.CSS_SELECTOR, ".citation a").text for li in top]
    assert citations[:3] == ["Art 1", "Art 2", "Art 3"]
    art11 = browser.find_element(By.ID, "art-11")
    assert "Grounds for refusal of assistance" in art11.find_element(By.CLASS_NAME, "heading").text
    assert art11.find_elements(By.CSS_SELECTOR, "ol.outline li")  # its paragraphs
    recalled = browser.find_elements(By.CSS_SELECTOR, "li.recalled > .item .dagger")
    assert recalled and all(d.is_displayed() and d.text == "†" for d in recalled[:5])
    _shot(browser, "instrument-page")


def test_compare_page_renders_the_matrix(browser, server) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url + "compare?i=eu-jp-mla&i=eu-us-mla&i=jp-us-mlat")
    columns = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.matrix thead th")]
    # Columns named by short titles (the ids stay in the links and tooltips).
    assert columns == [
        "feature",
        "EU-Japan MLA Agreement",
        "EU-US MLA Agreement",
        "Japan-US MLAT",
    ]
    assert browser.find_elements(By.CSS_SELECTOR, "table.matrix td.present")
    assert browser.find_elements(By.CSS_SELECTOR, "table.matrix td.absent")
    _shot(browser, "compare-page")


def test_compare_page_downloads_the_commands_files(
    browser, server, downloads: Path, run_cli
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url + "compare?i=eu-jp-mla&i=eu-us-mla")
    links = browser.find_elements(By.CSS_SELECTOR, "p.downloads a[download]")
    assert [a.text for a in links] == ["CSV", "JSON", "Markdown", "HTML", "LaTeX"]
    for label, extension, format in (("CSV", "csv", "csv"), ("Markdown", "md", "md")):
        name = f"comparison-eu-jp-mla-eu-us-mla.{extension}"
        (downloads / name).unlink(missing_ok=True)
        browser.find_element(By.LINK_TEXT, label).click()
        _wait(browser, lambda _d, n=name: (downloads / n).exists())
        cli = run_cli("compare", "eu-jp-mla", "eu-us-mla", "-f", format)
        assert (downloads / name).read_text(encoding="utf-8") == cli.stdout
    for width in (1400, 800):
        browser.set_window_size(width, 1600)
        _shot(browser, f"compare-downloads-{width}")
    browser.set_window_size(1400, 1600)


def test_provision_page_shows_the_citation_block(browser, server) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url + "id/instrument/eu-jp-mla/art/11/para/1")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Art 11(1)")
    oscola = browser.find_element(By.ID, "cite-oscola").text
    assert oscola.endswith("[2010] OJ L39/20, art 11(1)")
    official = browser.find_element(By.CSS_SELECTOR, "#cite a.external")
    assert official.get_attribute("href").endswith("CELEX:22010A0212(01)#art_11")
    summary = browser.find_element(By.CSS_SELECTOR, "#cite details summary")
    summary.click()
    assert browser.find_element(By.ID, "cite-bibtex").text.startswith("@misc{mla-kg:eu-jp-mla,")
    for width in (1400, 800):
        browser.set_window_size(width, 1600)
        _shot(browser, f"provision-citation-{width}")
    browser.set_window_size(1400, 1600)


def test_sparql_link_opens_a_page_in_the_browser(browser, server) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.url)
    browser.find_element(By.CSS_SELECTOR, "#instruments a[href='/sparql']").click()
    _wait(browser, lambda d: d.find_elements(By.TAG_NAME, "h1"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "SPARQL endpoint"
    assert "read-only" in browser.find_element(By.TAG_NAME, "main").text
    examples = browser.find_elements(By.CSS_SELECTOR, "a[href^='/?example=']")
    assert len(examples) > 10
    for width in (1400, 800):
        browser.set_window_size(width, 1600)
        _shot(browser, f"sparql-page-{width}")
    browser.set_window_size(1400, 1600)
    examples[0].click()
    _wait(browser, lambda d: d.find_element(By.ID, "query").get_property("value"))
    assert browser.find_element(By.ID, "query").get_property("value").strip()
