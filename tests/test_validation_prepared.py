"""The shapes as pySHACL is given them (mla_kg.validate._own_targets) report what the file says.

Property shapes carry their node shapes' targets themselves, so pySHACL validates each once for
all focus nodes instead of once per focus node; every result must stay the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import SH

from mla_kg import paths
from mla_kg import validate as validation
from mla_kg.graph.files import read_graph

FIXTURES = sorted((Path(__file__).parent / "shapes").rglob("*.ttl"))


def test_property_shapes_get_their_own_targets() -> None:
    shapes = validation._shapes_graph(paths.SHAPES_FILE)
    prepared = validation._own_targets(shapes)
    linked = set(shapes.subject_objects(SH.property))
    kept = set(prepared.subject_objects(SH.property))
    assert len(kept) < len(linked) / 10, "most property shapes should carry their own targets"
    # Only the shapes used inside others (through sh:node) keep their property shapes nested.
    nested = validation._nested_shapes(shapes)
    assert {owner for owner, _ in kept} <= nested
    for owner, property_shape in linked - kept:
        for predicate in validation._TARGETS:
            for target in shapes.objects(owner, predicate):
                assert (property_shape, predicate, target) in prepared
    # The graph read from the file (also used to name anonymous shapes) is left as it was.
    fresh = read_graph(paths.SHAPES_FILE)
    assert len(linked) == len(set(fresh.subject_objects(SH.property))) and len(shapes) == len(fresh)


def test_the_prepared_shapes_report_what_the_shapes_as_written_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prepared = {f: validation.validate([f], include_data=False).to_dict() for f in FIXTURES}
    monkeypatch.setattr(validation, "_own_targets", lambda shapes: shapes)
    as_written = {f: validation.validate([f], include_data=False).to_dict() for f in FIXTURES}
    assert sum(len(report["results"]) for report in as_written.values()) > len(FIXTURES) / 2
    for fixture in FIXTURES:
        assert prepared[fixture] == as_written[fixture], fixture.name


@pytest.mark.parametrize(
    "name", ["ArticleShape-feature-not-in-features-yaml.ttl", "SourceShape-without-kind.ttl"]
)
def test_with_the_bundled_data_too(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    fixture = Path(__file__).parent / "shapes" / "invalid" / name
    prepared = validation.validate([fixture]).to_dict()
    monkeypatch.setattr(validation, "_own_targets", lambda shapes: shapes)
    as_written = validation.validate([fixture]).to_dict()
    assert prepared["results"] and prepared == as_written
