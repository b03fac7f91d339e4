"""The ``mla-kg`` command line, run as a real process: output, formats and exit codes 0/1/2."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from mla_kg import KnowledgeGraph, __version__, queries

RunCli = Callable[..., subprocess.CompletedProcess[str]]
THREE = ("eu-jp-mla", "eu-us-mla", "jp-us-mlat")


def _counts(kg: KnowledgeGraph, instrument: str) -> dict[str, int]:
    """Return subdivisions by status of one instrument, as the named query gives them."""
    rows = kg.run("count_subdivisions_by_status", instrument=instrument).rows
    return {str(row["status"]).rsplit("#", 1)[-1]: int(row["subdivisions"]) for row in rows}


def _table_rows(text: str) -> list[list[str]]:
    """Return the cells of each body row of a rich table printed as text."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in text.splitlines()
        if line.startswith("│")
    ]


def _assert_error(result: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    """Assert a clean failure: the exit code, the words in the message, no traceback."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


# query


@pytest.mark.parametrize("format", ["csv", "tsv", "json", "table"])
def test_query_formats(run_cli: RunCli, kg: KnowledgeGraph, format: str) -> None:
    result = run_cli(
        "query",
        "count_subdivisions_by_status",
        "--param",
        "instrument=eu-jp-mla",
        "--format",
        format,
    )
    assert result.returncode == 0, result.stderr
    expected = _counts(kg, "eu-jp-mla")
    assert sum(expected.values()) > 100
    if format == "json":
        bindings = json.loads(result.stdout)["results"]["bindings"]
        assert {b["instrumentId"]["value"] for b in bindings} == {"eu-jp-mla"}
        pairs = [(b["status"]["value"], b["subdivisions"]["value"]) for b in bindings]
    elif format == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        pairs = [(row["status"], row["subdivisions"]) for row in rows]
    elif format == "tsv":
        lines = [line.split("\t") for line in result.stdout.splitlines()]
        assert lines[0] == ["?instrument", "?instrumentId", "?status", "?subdivisions"]
        integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
        assert all(line[3].endswith(integer) for line in lines[1:])
        pairs = [
            (line[2].strip("<>"), line[3].removesuffix(integer).strip('"')) for line in lines[1:]
        ]
    else:
        assert f"{len(expected)} row(s)" in result.stdout
        pairs = [(cells[2], cells[3]) for cells in _table_rows(result.stdout)]
    found = {status.rsplit("#", 1)[-1].removeprefix("mla:"): int(n) for status, n in pairs}
    assert found == expected


def test_query_runs_a_rq_file_with_params(run_cli: RunCli, tmp_path: Path) -> None:
    query = tmp_path / "titles.rq"
    query.write_text(
        "#+ summary: Short titles of an instrument\n"
        "#+ params: instrument (instrument) - the instrument\n"
        "#+ tags: [test]\n"
        "SELECT ?instrument ?title WHERE { ?instrument mla:shortTitle ?title }\n",
        encoding="utf-8",
    )
    result = run_cli("query", str(query), "-p", "instrument=jp-us-mlat", "-f", "csv")
    assert result.returncode == 0, result.stderr
    titles = {row["title"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert "Japan-US MLAT" in titles and "EU-Japan MLA Agreement" not in titles


def test_query_without_a_name_lists_the_queries(run_cli: RunCli) -> None:
    result = run_cli("query")
    assert result.returncode == 0, result.stderr
    for name in queries.load_queries():
        assert name in result.stdout
    assert queries.get("describe_resource").summary in result.stdout


def test_query_with_no_result_exits_1(run_cli: RunCli) -> None:
    result = run_cli(
        "query", "describe_resource", "--param", "resource=https://example.org/nothing"
    )
    assert result.returncode == 1, result.stderr
    assert "0 row(s)" in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["query", "no_such_query"], ["no named query 'no_such_query'", "describe_resource"]),
        (["query", "describe_resource"], ["missing required parameter 'resource'"]),
        (
            ["query", "describe_resource", "--param", "resource=> ?s ?p ?o <"],
            ["must be an absolute IRI"],
        ),
        (
            ["query", "count_subdivisions_by_status", "--param", "instrument=eu-jp"],
            ["unknown instrument 'eu-jp'", "known instrument ids:", "eu-jp-mla", "eu-us-mla"],
        ),
        (["query", "describe_resource", "--param", "resource"], ["NAME=VALUE"]),
        (["query", "list_instruments", "--format", "xml"], ["xml"]),
        (["export", "--format", "rdfxml"], ["rdfxml"]),
    ],
    ids=[
        "unknown-query",
        "missing",
        "injection",
        "unknown-id",
        "bad-param",
        "bad-format",
        "export",
    ],
)
def test_bad_input_exits_2_with_a_message(
    run_cli: RunCli, args: list[str], words: list[str]
) -> None:
    _assert_error(run_cli(*args), 2, *words)


# export


@pytest.mark.parametrize("format", ["ttl", "nt", "jsonld", "trig"])
def test_export_round_trips(
    run_cli: RunCli, kg: KnowledgeGraph, tmp_path: Path, format: str
) -> None:
    output = tmp_path / f"mla-kg.{format}"
    result = run_cli("export", "--format", format, "-o", str(output))
    assert result.returncode == 0, result.stderr
    parser = {
        "ttl": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "trig": ox.RdfFormat.TRIG,
    }[format]
    parsed = set(ox.parse(path=output, format=parser))
    assert len(parsed) == len(kg) > 8000


def test_export_to_standard_output(run_cli: RunCli, kg: KnowledgeGraph) -> None:
    result = run_cli("export", "--format", "nt")
    assert result.returncode == 0, result.stderr
    assert len(Graph().parse(data=result.stdout, format="nt")) == len(kg)


# stats


def test_stats_shows_the_three_agreements_by_status(run_cli: RunCli, kg: KnowledgeGraph) -> None:
    result = run_cli("stats")
    assert result.returncode == 0, result.stderr
    assert f"{len(kg)} triples" in result.stdout
    rows = {cells[0]: cells for cells in _table_rows(result.stdout)}
    assert set(THREE) <= set(rows)
    for instrument in THREE:
        counts = _counts(kg, instrument)
        # instrument, kind, short title, official, scholarly, recalled, no status, total, features
        cells = rows[instrument]
        assert [int(cell) for cell in cells[3:6]] == [
            counts.get(status, 0) for status in ("official", "scholarly", "recalled")
        ]
        assert int(cells[7]) == sum(counts.values())
    assert "Recalled facts" in result.stdout


def test_stats_json_is_the_same_on_both_backends(run_cli: RunCli, kg: KnowledgeGraph) -> None:
    results = [
        run_cli("--backend", backend, "stats", "--format", "json")
        for backend in ("oxigraph", "rdflib")
    ]
    assert all(result.returncode == 0 for result in results), [r.stderr for r in results]
    oxigraph, rdflib = (json.loads(result.stdout) for result in results)
    assert (oxigraph["backend"], rdflib["backend"]) == ("oxigraph", "rdflib")
    assert oxigraph["triples"] == rdflib["triples"] == len(kg)
    assert oxigraph["instruments"] == rdflib["instruments"]
    by_id = {entry["id"]: entry for entry in oxigraph["instruments"]}
    for instrument in THREE:
        counts = _counts(kg, instrument)
        assert by_id[instrument]["total_subdivisions"] == sum(counts.values()) > 20
        assert by_id[instrument]["subdivisions"]["recalled"] == counts.get("recalled", 0)


def test_version(run_cli: RunCli) -> None:
    result = run_cli("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"mla-kg {__version__}")
