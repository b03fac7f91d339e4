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
    assert "the source, by a short name" in legend
    # Sources are named, never by a bare key: each name in a cell has its line under Sources,
    # with the key spelled as the research sheet spells it.
    sources = legend[legend.index("**Sources**") :]
    for source in comparison.sources.values():
        assert f"- {source.name}: " in sources
        assert f"key {source.key}" in sources
    named = {source.name for source in comparison.sources.values()}
    for cell in re.findall(r"(?:absent|present)†? \(([^)]*)\)", table):
        for name in cell.split(", "):
            assert name in named, f"{name!r} is not a source named under Sources"
    assert not re.search(r"\((?:s\d+|s-\w+|seed|research-[\w-]+)[,)]", table), table


def test_a_source_key_has_one_spelling(kg: KnowledgeGraph) -> None:
    # The Dutch record of the EU-US Agreement is s_nl of the eu-us-mla sheet: never s-nl or
    # eu-us-mla-s-nl outside its IRI.
    comparison = kg.compare(["eu-jp-mla", "eu-us-mla", "jp-us-mlat"])
    record = comparison.sources["https://w3id.org/mla-kg/id/source/eu-us-mla-s-nl"]
    assert (record.key, record.sheet, record.name) == ("s_nl", "eu-us-mla", "wetten.overheid.nl")
    for text in (comparison.to_markdown(), comparison.to_latex(), comparison.to_csv()):
        assert " s-nl" not in text and "(s-nl" not in text
        assert "eu-us-mla-s-nl" not in text
    assert "key s\\_nl (eu-us-mla sheet)" in comparison.to_latex()
    assert "key s_nl (eu-us-mla sheet)" in comparison.to_markdown()


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
    for text, href in parser.links:
        assert href.startswith("https://"), (text, href)
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
