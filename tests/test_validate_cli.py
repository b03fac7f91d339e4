"""``mla-kg validate``: exit 0 on the bundled data, 1 naming node and path, 2 on unreadable input.

The invalid SHACL fixtures (``tests/shapes/invalid/*.ttl``) state the focus node and path the
report must name in their header (``# expect-focus: <iri>``, ``# expect-path: <iri>`` or
``^<iri>`` for an inverse path). Each is validated the way it is written, as a self-contained
document (``--standalone``: with the ontology and feature scheme, without the bundled data), in
process through typer's CliRunner to keep the run short; the bundled data and the load errors
go through a real ``mla-kg`` process.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mla_kg.cli import app
from mla_kg.namespaces import compact

INVALID = sorted((Path(__file__).resolve().parent / "shapes" / "invalid").glob("*.ttl"))
EXPECT = re.compile(r"^# expect-(focus|path): (\^?)<([^>]+)>\s*$", re.MULTILINE)

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def expectations(fixture: Path) -> tuple[str, str, bool]:
    """Return the expected focus IRI, path IRI and whether the path is inverse."""
    text = fixture.read_text("utf-8")
    found = {kind: (inverse, iri) for kind, inverse, iri in EXPECT.findall(text)}
    assert {"focus", "path"} <= found.keys(), f"{fixture.name}: expect-focus/path header missing"
    inverse, path = found["path"]
    return found["focus"][1], path, inverse == "^"


def table_path(path: str, inverse: bool) -> str:
    """Return how the table shows a path: the property compacted to prefix:name."""
    short = compact(path)
    local = re.split(r"[#/]", path)[-1]
    assert short.endswith(local), f"compact({path!r}) gave {short!r}"
    return f"^{short}" if inverse else short


def invoke(*args: str) -> tuple[int, str]:
    """Run ``mla-kg ARGS`` in process; return the exit code and the output."""
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_bundled_data_conforms(run_cli: RunCli) -> None:
    done = run_cli("validate", "--format", "json")
    assert done.returncode == 0, f"mla-kg validate failed:\n{done.stdout[-4000:]}\n{done.stderr}"
    report = json.loads(done.stdout)
    assert report["conforms"] is True
    assert report["violations"] == 0
    assert [r for r in report["results"] if r["severity"] == "Violation"] == []


@pytest.mark.parametrize("fixture", INVALID, ids=[f.name for f in INVALID])
def test_invalid_fixture_table_names_focus_and_path(fixture: Path) -> None:
    focus, path, inverse = expectations(fixture)
    code, output = invoke("validate", "--standalone", str(fixture))
    assert code == 1, f"{fixture.name}: exit {code}, expected 1\n{output}"
    shown = table_path(path, inverse)
    # The table is as wide as it needs (no terminal), so each result is one line.
    rows = [line for line in output.splitlines() if focus in line]
    assert any(re.search(rf"[│|]\s*{re.escape(shown)}\s*[│|]", row) for row in rows), (
        f"{fixture.name}: no table row names {focus} with path {shown}:\n{output}"
    )
    assert "does not conform" in output.splitlines()[-1]


@pytest.mark.parametrize("fixture", INVALID, ids=[f.name for f in INVALID])
def test_invalid_fixture_json_names_focus_and_path(fixture: Path) -> None:
    focus, path, inverse = expectations(fixture)
    code, output = invoke("validate", "--standalone", "--format", "json", str(fixture))
    assert code == 1, f"{fixture.name}: exit {code}, expected 1\n{output}"
    report = json.loads(output)
    assert report["conforms"] is False and report["violations"] >= 1
    assert report["files"] == [str(fixture)]
    wanted = f"^<{path}>" if inverse else path
    named = [(r["focus"], r["path"]) for r in report["results"] if r["severity"] == "Violation"]
    assert (focus, wanted) in named, f"{fixture.name}: {named}"
    for result in report["results"]:
        assert result["message"], f"{fixture.name}: a result without a message: {result}"


def test_violations_from_a_check_name_the_check() -> None:
    """A QC check's row reaches the report with its focus, property, value and check name."""
    fixture = Path(__file__).resolve().parent / "checks" / "duplicate-number-violation.ttl"
    code, output = invoke("validate", "--standalone", "--format", "json", str(fixture))
    assert code == 1
    results = json.loads(output)["results"]
    rows = [r for r in results if r["source"] == "check:duplicate-number-violation"]
    assert {(r["focus"], r["path"], r["value"]) for r in rows} == {
        (
            "https://w3id.org/mla-kg/id/instrument/example-mlat/art/2",
            "https://w3id.org/mla-kg/ontology#number",
            "2",
        ),
        (
            "https://w3id.org/mla-kg/id/instrument/example-mlat/art/2-bis",
            "https://w3id.org/mla-kg/ontology#number",
            "2",
        ),
    }


def test_unparseable_file_exits_2_naming_file_and_line(run_cli: RunCli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix mla: <https://w3id.org/mla-kg/ontology#> .\n"
        "\n"
        '<https://w3id.org/mla-kg/id/instrument/x> mla:instrumentId "x" ;\n'
        "    mla:number 1 2 .\n",
        "utf-8",
    )
    done = run_cli("validate", "--standalone", str(broken))
    assert done.returncode == 2, done.stdout + done.stderr
    assert str(broken) in done.stderr and "line 4" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_missing_file_exits_2_naming_it(run_cli: RunCli, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-file.ttl"
    done = run_cli("validate", str(missing))
    assert done.returncode == 2, done.stdout + done.stderr
    assert str(missing) in done.stderr and "no such file" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_standalone_without_files_is_bad_input() -> None:
    code, output = invoke("validate", "--standalone")
    assert code == 2, output
