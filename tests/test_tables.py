"""Tables a person reads: whole ids and citations at 80 and 160 columns, every mark explained.

The command line runs for real (``python -m mla_kg.cli``) with ``COLUMNS`` set, as a terminal
of that width would; ``-f csv`` and ``-f json`` stay complete.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mla_kg import KnowledgeGraph
from mla_kg.compare import Comparison
from mla_kg.compare.render import DOWNLOADS, comparison_download

REPO = Path(__file__).resolve().parents[1]
WIDTHS = [80, 160]
WITH_ART_8_1 = ["eu-jp-mla", "eu-us-mla", "coe-mla-2ap-2001"]


def run_at(width: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mla_kg.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": str(width)},
    )


def _cells(line: str) -> list[str]:
    return [part.strip() for part in re.split(r"[│┃]", line)]


@pytest.mark.parametrize("width", WIDTHS)
def test_stats_shows_ids_whole(width: int) -> None:
    result = run_at(width, "stats")
    assert result.returncode == 0, result.stderr
    assert all(len(line) <= width for line in result.stdout.splitlines()), result.stdout
    for instrument in ("eu-mla-conv-2000", "eu-mla-prot-2001", "coe-mla-2ap-2001"):
        assert instrument in result.stdout, result.stdout
    assert "…" not in result.stdout


@pytest.mark.parametrize("width", WIDTHS)
def test_comparison_never_breaks_a_citation(width: int) -> None:
    result = run_at(width, "compare", *WITH_ART_8_1)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    # Art 8(1) of the 2AP is official since the check against the record; a recalled
    # citation (Art 11(4)† of EU-Japan) keeps its dagger on the same line.
    assert "Art 8(1)" in result.stdout
    assert re.search(r"\bArt \d+\(\d+\)(?:\(\w+\))*†", result.stdout), result.stdout
    for line in lines:
        for cell in _cells(line):
            # A citation cut at the line's end leaves its head ("Art", "Annex IV (AT,") behind.
            assert not re.search(r"(?:^|\s)(?:Art|Arts|Annex|unplaced|provision)$", cell), line
            assert not re.match(r"^\d+(?:\(\w+\))*†?(?:;|$)", cell), line


@pytest.mark.parametrize("width", WIDTHS)
def test_query_table_uses_prefixed_names_and_fits(width: int) -> None:
    result = run_at(
        width,
        "query",
        "provisions_with_feature",
        "-p",
        "feature=videoconference-hearing",
        "-p",
        "instrument=eu-jp-mla",
    )
    assert result.returncode == 0, result.stderr
    assert "https://w3id.org/mla-kg/" not in result.stdout
    assert "feat:videoconference-hearing" in result.stdout
    assert "instrument:eu-jp-mla/art/16" in result.stdout
    assert "f…" not in result.stdout and "…" not in result.stdout
    assert all(len(line) <= width for line in result.stdout.splitlines())


def test_csv_and_json_stay_complete() -> None:
    csv = run_at(
        80, "query", "provisions_with_feature", "-p", "feature=videoconference-hearing", "-f", "csv"
    )
    header = csv.stdout.splitlines()[0]
    assert header.startswith("feature,instrument,instrumentId,provision,type,citation")
    csv = run_at(80, "query", "provisions_with_feature", "-f", "csv")
    assert "https://w3id.org/mla-kg/feature/" in csv.stdout
    matrix = json.loads(run_at(80, "compare", *WITH_ART_8_1, "-f", "json").stdout)
    assert matrix["instruments"] == WITH_ART_8_1


def test_every_mark_a_comparison_uses_is_in_its_legend(kg: KnowledgeGraph) -> None:
    comparison = kg.compare(["eu-jp-mla", "eu-us-mla", "jp-us-mlat", "budapest-2001"])
    text = comparison.to_markdown()
    legend = text[text.index("**Legend**") :]
    table = text[: text.index("**Legend**")]
    assert "†" in table and "†" in legend
    # An editorial paragraph and a note have different marks, each explained.
    assert re.search(r"Art \d+ \[1\]", table), "no editorial paragraph in this comparison"
    assert "[note 1]" in table
    assert "Art N [k]" in legend and "[note n]" in legend
    assert not re.search(r"\] \[\d+\]", table), "a note written like an editorial paragraph"
    if "unplaced provision" in table:
        assert "unplaced provision N" in legend
    if "(approx.)" in table:
        assert "para 2 (approx.)" in legend
    assert "the source, by its short name" in legend
    _sources_are_named(comparison, table, legend)


def _bare_keys(comparison: Comparison) -> re.Pattern[str]:
    """Return a pattern that finds a cited source's key or IRI name where a name belongs."""
    spellings = {s.key for s in comparison.cited().values()}
    spellings |= {s.iri.rsplit("/", 1)[-1] for s in comparison.cited().values()}
    alternatives = "|".join(sorted(map(re.escape, spellings), key=len, reverse=True))
    return re.compile(rf"[(,] ?(?:{alternatives})[,)]")


def _sources_are_named(comparison: Comparison, table: str, legend: str) -> None:
    """Cells name sources by short name; the legend lists each once, with key and address."""
    assert not _bare_keys(comparison).search(table), "a cell names a source by its key"
    sources = legend[legend.index("**Sources**") :]
    cited = comparison.cited("notes")
    assert cited, "this comparison cites sources"
    for source in cited.values():
        line = next(x for x in sources.splitlines() if x.startswith(f"- {source.name}: "))
        assert sources.count(f"- {source.name}: ") == 1, f"{source.name} listed twice"
        if source.kind == "research-record":
            assert f"research/{source.sheet}.yaml itself" in line
        else:
            assert source.url and source.url in line, f"{source.name} without its address"
            where = f" in research/{source.sheet}.yaml" if source.sheet else ""
            assert f"key {source.key}{where}" in line, line
    # The legend lists only sources the table or its notes name.
    listed = re.findall(r"^- (.+?): ", sources.split("**Notes**")[0], re.M)
    shown = table + legend[legend.find("**Notes**") :]
    assert listed and all(name in shown for name in listed), listed
    # Every name in brackets after a status is one of the names the legend lists.
    names = sorted({s.name for s in cited.values()}, key=len, reverse=True)
    for found in re.findall(r"(?:absent|present)†? \((.*?)\)(?: \[note \d+\])?(?: \||$)", table):
        rest = found
        for name in names:
            rest = rest.replace(name, "")
        assert set(rest) <= {",", " "}, f"{found!r}: not only names the legend lists"


def test_a_source_has_one_spelling_in_every_format(kg: KnowledgeGraph) -> None:
    # The Dutch record of the EU-US Agreement is s_nl of the eu-us-mla sheet: a table names it
    # by its record, its legend by that name with the key as the sheet spells it, never s-nl
    # or eu-us-mla-s-nl (its IRI, in the JSON only).
    comparison = kg.compare(["eu-jp-mla", "eu-us-mla", "jp-us-mlat"])
    record = comparison.cited()["https://w3id.org/mla-kg/id/source/eu-us-mla-s-nl"]
    assert (record.key, record.sheet) == ("s_nl", "eu-us-mla")
    assert record.name == "wetten.overheid.nl BWBV0004049"
    rich = run_at(200, "compare", "eu-jp-mla", "eu-us-mla", "jp-us-mlat")
    assert rich.returncode == 0, rich.stderr
    texts = {
        "md": comparison.to_markdown(),
        "latex": comparison.to_latex(),
        "csv": comparison.to_csv(),
        "html": comparison.to_html(),
        "text": rich.stdout,
    }
    for format, text in texts.items():
        assert "s-nl" not in text, format
        assert "(seed)" not in text and "(seed," not in text, format
        assert "research-jp-us-mlat" not in text, format
        assert text.count("fact sheet jp-us-mlat") >= 2, format
    assert "key s\\_nl in research/eu-us-mla.yaml" in texts["latex"]
    assert "key s_nl in research/eu-us-mla.yaml" in texts["md"]
    assert "key s_nl in research/eu-us-mla.yaml" in texts["text"].replace("\n", "")
    assert 'href="https://wetten.overheid.nl/BWBV0004049"' in texts["html"]
    legend = texts["md"][texts["md"].index("**Legend**") :]
    _sources_are_named(comparison, texts["md"][: texts["md"].index("**Legend**")], legend)
    html_cells = re.findall(r"<td[^>]*>(.*?)</td>", texts["html"], re.S)
    assert not _bare_keys(comparison).search(" | ".join(html_cells))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self.links.append((data, self._href))
            self._href = None


def test_html_export_links_citations_and_official_texts(kg: KnowledgeGraph) -> None:
    comparison = kg.compare(WITH_ART_8_1)
    parser = _Links()
    parser.feed(comparison.to_html())
    links = dict(parser.links)
    cited = {
        p.citation: p.iri for row in comparison for c in row.cells.values() for p in c.pinpoints()
    }
    linked = {text for text, _ in parser.links}
    assert len(cited) > 50
    # Annex entries of one annex are folded into one citation: ``Annex IV (AT, HU only)``.
    missing = [
        c for c in cited if c not in linked and re.sub(r" \([A-Z]{2}\)$", "", c) not in linked
    ]
    assert not missing, missing
    # Every link is absolute, so the file works saved anywhere; a source's address is linked as
    # the research records it (some are http only).
    addresses = {url for s in comparison.cited("evidence").values() for url in s.urls}
    for text, href in parser.links:
        assert href.startswith("https://") or (href in addresses and text == href), (text, href)
    assert {href for _, href in parser.links} >= {a for a in addresses if a.startswith("http")}
    assert links["Art 8(1)"].startswith("https://w3id.org/mla-kg/id/instrument/")
    official = [href for text, href in parser.links if text.startswith("[text")]
    assert any("eur-lex.europa.eu" in href for href in official)
    assert len({href for href in official}) >= len(WITH_ART_8_1)


@pytest.mark.parametrize("format", sorted(DOWNLOADS))
def test_cli_writes_exactly_the_download_bytes(
    format: str, kg: KnowledgeGraph, tmp_path: Path
) -> None:
    body, media_type, name = comparison_download(kg.compare(WITH_ART_8_1), format)
    assert name == f"comparison-{'-'.join(WITH_ART_8_1)}.{DOWNLOADS[format][1]}"
    assert media_type == DOWNLOADS[format][0]
    out = tmp_path / name
    result = run_at(80, "compare", *WITH_ART_8_1, "-f", format, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == body
    piped = subprocess.run(
        [sys.executable, "-m", "mla_kg.cli", "compare", *WITH_ART_8_1, "-f", format],
        cwd=REPO,
        capture_output=True,
        timeout=300,
    )
    assert piped.stdout == body


def test_comparison_repr_is_short(kg: KnowledgeGraph) -> None:
    text = repr(kg.compare(["eu-jp-mla", "eu-us-mla"]))
    assert len(text) < 120 and "eu-jp-mla" in text and "features" in text


def test_every_bundled_source_has_one_short_name(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?source (COUNT(?name) AS ?names) WHERE {
             ?source a mla:Source . OPTIONAL { ?source mla:shortName ?name }
           } GROUP BY ?source"""
    ).rows
    assert len(rows) > 300
    assert [str(r["source"]) for r in rows if int(r["names"]) != 1] == []
    # The seed article is named as lawyers cite an article; a research record by its sheet.
    names = {str(r["key"]): str(r["shortName"]) for r in kg.run("sources").rows}
    assert names["seed"] == "Weyembergh & Wieczorek 2020"
    assert names["research-jp-us-mlat"] == "fact sheet jp-us-mlat"
