"""``mla-kg serve`` refuses bad input before it starts: invalid data, broken named graphs."""

from __future__ import annotations

from pathlib import Path

import pytest

INVALID = """@prefix mla: <https://w3id.org/mla-kg/ontology#> .
<https://w3id.org/mla-kg/id/instrument/eu-jp-mla/art/999> a mla:Article, mla:Subdivision .
"""


@pytest.mark.slow
def test_data_file_with_violations_is_refused_with_the_report(run_cli, tmp_path: Path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(INVALID, encoding="utf-8")
    result = run_cli("serve", "--port", "9", "--data", str(bad), timeout=900)
    assert result.returncode == 1, result.stderr
    assert "does not conform" in result.stderr
    assert "eu-jp-mla/art/999" in result.stderr
    assert "Violation" in result.stderr
    assert "Uvicorn running" not in result.stderr + result.stdout


def test_graph_option_needs_iri_and_file(run_cli, tmp_path: Path):
    result = run_cli("serve", "--graph", "not-an-iri")
    assert result.returncode == 2
    assert "IRI=FILE" in result.stderr


def test_broken_named_graph_file_stops_the_start(run_cli, tmp_path: Path):
    broken = tmp_path / "broken.nt"
    broken.write_text("<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
    result = run_cli("serve", "--port", "9", "--graph", f"http://example.org/g={broken}")
    assert result.returncode == 2
    assert "broken.nt" in result.stderr
    assert "Traceback" not in result.stderr
