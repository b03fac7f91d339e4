"""QC checks (``queries/checks/*-violation.rq``): each finds exactly its crafted violations.

Every check has a fixture ``tests/checks/<check>.ttl`` holding both faulty nodes and near misses
that must pass (e.g. annex entries of different versions sharing a number). The fixture's header
lists the focus nodes the check must report, one ``# expect-focus: <iri>`` line each. A fixture is
loaded with the ontology and feature scheme only (no bundled data), on both backends; the bundled
data must pass every check.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mla_kg import KnowledgeGraph, paths, queries
from mla_kg.validate import validate

FIXTURES = Path(__file__).resolve().parent / "checks"
CHECKS = {check.name: check for check in queries.load_checks()}
BACKENDS = ("oxigraph", "rdflib")
EXPECT_FOCUS = re.compile(r"^# expect-focus: <([^>]+)>\s*$", re.MULTILINE)
#: The checks the foundation issue asks for (section 8), by the file that implements each.
REQUIRED = {
    "subdivision-without-source-violation",
    "feature-outside-scheme-violation",
    "instrument-without-entry-into-force-violation",
    "duplicate-number-violation",
    "orphan-subdivision-violation",
    "recalled-fact-read-in-official-source-violation",
    "status-above-sources-violation",
}


def fixture_graph(name: str, backend: str) -> KnowledgeGraph:
    """Return the ontology, the feature scheme and the check's fixture, on one backend."""
    files = [*paths.ontology_files(include_shapes=False), FIXTURES / f"{name}.ttl"]
    return KnowledgeGraph(backend=backend, extra_files=files, include_bundled=False)


def expected_focus(name: str) -> set[str]:
    """Return the focus nodes the fixture's header says the check must report."""
    found = set(EXPECT_FOCUS.findall((FIXTURES / f"{name}.ttl").read_text("utf-8")))
    assert found, f"tests/checks/{name}.ttl: add '# expect-focus: <iri>' header lines"
    return found


def test_the_required_checks_exist() -> None:
    missing = REQUIRED - CHECKS.keys()
    assert not missing, f"add queries/checks/<name>.rq for: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_header_says_what_is_wrong_and_how_to_fix_it(name: str) -> None:
    check = CHECKS[name]
    assert check.summary, f"{name}: add a '#+ summary:' line"
    assert check.problem, f"{name}: add a '# Problem:' line"
    assert check.solution, f"{name}: add a '# Solution:' line"
    select = re.search(r"SELECT\s+(DISTINCT\s+)?(?P<vars>[^{]*)WHERE", check.text, re.IGNORECASE)
    assert select is not None, f"{name}: a check is a SELECT query"
    projected = set(re.findall(r"\?(\w+)", select.group("vars")))
    assert projected == {"entity", "property", "value"}, (
        f"{name}: project exactly ?entity ?property ?value (found {sorted(projected)})"
    )


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_every_check_has_a_fixture(name: str) -> None:
    assert (FIXTURES / f"{name}.ttl").is_file(), f"add tests/checks/{name}.ttl"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_reports_exactly_the_crafted_violations(name: str, backend: str) -> None:
    rows = fixture_graph(name, backend).query(CHECKS[name].text).rows
    found = {str(row["entity"]) for row in rows}
    assert found == expected_focus(name), f"{name} on {backend}: {rows}"
    for row in rows:
        assert "property" in row, f"{name} on {backend}: bind ?property in every row: {row}"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_bundled_data_passes_check(name: str, any_kg: KnowledgeGraph) -> None:
    rows = any_kg.query(CHECKS[name].text).rows
    assert not rows, f"{name} on {any_kg.backend}: the bundled data violates it at " + ", ".join(
        sorted({str(row["entity"]) for row in rows})
    )


SHAPE_FIXTURES = sorted((Path(__file__).resolve().parent / "shapes" / "valid").glob("*.ttl"))


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES, ids=[f.name for f in SHAPE_FIXTURES])
def test_valid_shape_fixture_passes_every_check(fixture: Path) -> None:
    """What the shapes accept as valid data, the checks accept too."""
    files = [*paths.ontology_files(include_shapes=False), fixture]
    graph = KnowledgeGraph(extra_files=files, include_bundled=False)
    for name, check in CHECKS.items():
        rows = graph.query(check.text).rows
        assert not rows, f"{fixture.name} violates {name}: {rows}"


@pytest.mark.parametrize(
    ("name", "focus", "path", "value"),
    [
        (
            "subdivision-without-source-violation",
            "https://w3id.org/mla-kg/id/instrument/example-mlat/art/3",
            "https://w3id.org/mla-kg/ontology#source",
            "https://w3id.org/mla-kg/id/source/example-s9",
        ),
        (
            "feature-outside-scheme-violation",
            "https://w3id.org/mla-kg/id/instrument/example-mlat/art/2",
            "https://w3id.org/mla-kg/ontology#hasFeature",
            "https://w3id.org/mla-kg/feature/group/refusal",
        ),
        (
            "duplicate-number-violation",
            "https://w3id.org/mla-kg/id/instrument/example-mlat/art/2-bis",
            "https://w3id.org/mla-kg/ontology#number",
            "2",
        ),
        (
            "orphan-subdivision-violation",
            "https://w3id.org/mla-kg/id/instrument/example-mlat/art/4",
            "http://data.europa.eu/eli/ontology#is_part_of",
            "https://w3id.org/mla-kg/id/source/example-s1",
        ),
        (
            "recalled-fact-read-in-official-source-violation",
            "https://w3id.org/mla-kg/id/instrument/example-mlat/art/1",
            "https://w3id.org/mla-kg/ontology#source",
            "https://w3id.org/mla-kg/id/source/example-s1",
        ),
        (
            "status-above-sources-violation",
            "https://w3id.org/mla-kg/id/instrument/example-mlat",
            "https://w3id.org/mla-kg/ontology#entryIntoForceStatus",
            "https://w3id.org/mla-kg/ontology#official",
        ),
    ],
)
def test_check_row_names_property_and_value(name: str, focus: str, path: str, value: str) -> None:
    rows = fixture_graph(name, "oxigraph").query(CHECKS[name].text).rows
    named = {(str(r["entity"]), str(r["property"]), str(r.get("value", ""))) for r in rows}
    assert (focus, path, value) in named, f"{name}: {sorted(named)}"


def test_validate_reports_check_rows_with_their_fix() -> None:
    """validate() runs the checks on user files; each row becomes a violation with the fix."""
    report = validate([FIXTURES / "orphan-subdivision-violation.ttl"], include_data=False)
    from_check = [r for r in report.violations if r.source == "check:orphan-subdivision-violation"]
    assert {r.focus for r in from_check} == expected_focus("orphan-subdivision-violation")
    solution = CHECKS["orphan-subdivision-violation"].solution
    assert all(r.message.endswith(solution) and r.constraint == "check" for r in from_check)
