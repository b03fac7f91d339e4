"""SHACL shapes: each valid fixture conforms, each invalid one fails for its stated reason only.

Fixtures follow pySHACL's test cases: one small Turtle file per case. An invalid fixture states
what the report must name, in its header::

    # expect-focus: <https://w3id.org/mla-kg/id/instrument/example-mlat/art/1>
    # expect-path: <https://w3id.org/mla-kg/ontology#number>

(``# expect-path: ^<iri>`` for an inverse path). A fixture is named ``<Shape>-<what>.ttl`` after
the node shape that must report it. Fixtures are validated as the data is: fixture + ontology +
feature scheme as data graph, ``ontology/shapes.ttl`` as shapes graph, no inference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, SH
from rdflib.term import Node

from mla_kg.paths import FEATURES_FILE, ONTOLOGY_DIR, SHAPES_FILE

FIXTURES = Path(__file__).resolve().parent / "shapes"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
MLA = "https://w3id.org/mla-kg/ontology#"
QB = "http://purl.org/linked-data/cube#"
#: Classes of the W3C RDF Data Cube vocabulary that shapes may target besides mla.ttl's.
DATA_CUBE_CLASSES = {URIRef(QB + "DataSet"), URIRef(QB + "Observation")}
EXPECT = re.compile(r"^# expect-(focus|path): (\^?)<([^>]+)>\s*$", re.MULTILINE)


@cache
def shapes_graph() -> Graph:
    """Return ``ontology/shapes.ttl``."""
    return Graph().parse(SHAPES_FILE)


@cache
def ontology_graph() -> Graph:
    """Return ``ontology/mla.ttl``."""
    return Graph().parse(ONTOLOGY_DIR / "mla.ttl")


@cache
def background() -> Graph:
    """Return ontology + feature scheme: what every fixture is validated together with."""
    graph = Graph()
    graph += ontology_graph()
    graph.parse(FEATURES_FILE)
    return graph


@dataclass(frozen=True)
class Result:
    """One validation result of a report, reduced to what the tests compare."""

    focus: Node
    path: str  # "<iri>" or "^<iri>", "" when the result has no path
    shape: Node
    message: str


def _path_text(report: Graph, path: Node | None) -> str:
    if path is None:
        return ""
    if isinstance(path, BNode):
        inverse = report.value(path, SH.inversePath)
        return f"^<{inverse}>" if inverse is not None else f"complex path {path}"
    return f"<{path}>"


def run_shacl(fixture: Path) -> tuple[bool, list[Result]]:
    """Validate one fixture with the project shapes; return conformance and the results."""
    data = Graph()
    data += background()
    data.parse(fixture, format="turtle")
    conforms, report, _ = validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=False, allow_warnings=False
    )
    results = [
        Result(
            focus=report.value(node, SH.focusNode),
            path=_path_text(report, report.value(node, SH.resultPath)),
            shape=report.value(node, SH.sourceShape),
            message=str(report.value(node, SH.resultMessage) or ""),
        )
        # Only the report's own results: pyshacl also types the sh:detail of sh:node failures as
        # results, and those name the nested value (e.g. the feature), not the focus node.
        for node in report.objects(report.value(None, RDF.type, SH.ValidationReport), SH.result)
    ]
    return bool(conforms), results


def expectations(fixture: Path) -> tuple[URIRef, str]:
    """Return the expected focus node and path declared in an invalid fixture's header."""
    text = fixture.read_text("utf-8")
    found = {kind: (inverse, iri) for kind, inverse, iri in EXPECT.findall(text)}
    missing = "/".join(sorted({"focus", "path"} - found.keys()))
    assert not missing, f"{fixture.name}: add the header line(s) '# expect-{missing}: <iri>'"
    _, focus = found["focus"]
    inverse, path = found["path"]
    return URIRef(focus), f"{inverse}<{path}>"


def fixture_shape(fixture: Path) -> URIRef:
    """Return the node shape a fixture is named after (``ArticleShape-...`` -> mla:ArticleShape)."""
    return URIRef(MLA + fixture.stem.split("-", 1)[0])


def node_shapes() -> list[URIRef]:
    """Return the named node shapes of ``ontology/shapes.ttl``."""
    graph = shapes_graph()
    return sorted(s for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))


def shape_members(shape: URIRef) -> set[Node]:
    """Return a node shape and its property shapes: what may appear as a result's source shape."""
    return {shape, *shapes_graph().objects(shape, SH.property)}


def describe(results: list[Result]) -> str:
    return "\n".join(f"  focus {r.focus} path {r.path or '-'}: {r.message}" for r in results)


@pytest.mark.parametrize("fixture", VALID, ids=[f.name for f in VALID])
def test_valid_fixture_conforms(fixture: Path) -> None:
    conforms, results = run_shacl(fixture)
    assert conforms, f"{fixture.name} should conform but the report says:\n{describe(results)}"


@pytest.mark.parametrize("fixture", INVALID, ids=[f.name for f in INVALID])
def test_invalid_fixture_fails_for_its_stated_reason(fixture: Path) -> None:
    focus, path = expectations(fixture)
    conforms, results = run_shacl(fixture)
    assert not conforms, f"{fixture.name} should violate the shapes but conforms"
    assert any(r.focus == focus and r.path == path for r in results), (
        f"{fixture.name}: no result for focus {focus} and path {path}; "
        f"the report says:\n{describe(results)}"
    )
    strays = [r for r in results if r.focus != focus]
    assert not strays, (
        f"{fixture.name} must fail for its stated reason only; "
        f"it also violates:\n{describe(strays)}"
    )
    shape = fixture_shape(fixture)
    assert any(r.shape in shape_members(shape) for r in results), (
        f"{fixture.name} is named after {shape}, but no result comes from that shape:\n"
        f"{describe(results)}"
    )


@pytest.mark.parametrize("shape", node_shapes(), ids=lambda s: str(s).removeprefix(MLA))
def test_every_node_shape_has_valid_and_invalid_fixtures(shape: URIRef) -> None:
    name = str(shape).removeprefix(MLA)
    valid = [f.name for f in VALID if f.stem.split("-", 1)[0] == name]
    invalid = [f.name for f in INVALID if f.stem.split("-", 1)[0] == name]
    assert valid, f"add tests/shapes/valid/{name}-<what>.ttl, a small graph that conforms"
    assert invalid, f"add tests/shapes/invalid/{name}-<what-is-wrong>.ttl with expect-focus/path"


@pytest.mark.parametrize(
    "fixture", VALID + INVALID, ids=[f"{f.parent.name}/{f.name}" for f in VALID + INVALID]
)
def test_fixture_is_named_after_a_node_shape(fixture: Path) -> None:
    assert fixture_shape(fixture) in node_shapes(), (
        f"{fixture.name}: name it <Shape>-<what>.ttl after a node shape of ontology/shapes.ttl"
    )


def test_every_node_shape_targets_something() -> None:
    graph = shapes_graph()
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    untargeted = [s for s in node_shapes() if not any(graph.value(s, t) for t in targets)]
    assert not untargeted, f"node shapes without a target validate nothing: {untargeted}"


def test_target_classes_are_classes_of_the_ontology() -> None:
    # Statistics use the W3C Data Cube classes as they are, rather than copies in mla.ttl.
    declared = set(ontology_graph().subjects(RDF.type, OWL.Class)) | DATA_CUBE_CLASSES
    targets = set(shapes_graph().objects(None, SH.targetClass))
    unknown = sorted(targets - declared)
    assert not unknown, f"sh:targetClass names classes mla.ttl does not declare (typo?): {unknown}"


def test_mla_terms_in_shapes_are_declared_in_the_ontology() -> None:
    """Every mla: IRI a shape relies on (paths, classes, values) exists in mla.ttl."""
    graph = shapes_graph()
    used: set[Node] = set()
    for predicate in (
        SH.path,
        SH.inversePath,
        SH["class"],
        SH.hasValue,
        SH.targetClass,
        SH.targetSubjectsOf,
        SH.lessThanOrEquals,
    ):
        used.update(graph.objects(None, predicate))
    for head in graph.objects(None, SH["in"]):
        used.update(Collection(graph, head))
    mla_terms = {t for t in used if isinstance(t, URIRef) and str(t).startswith(MLA)}
    declared = set(ontology_graph().subjects())
    unknown = sorted(mla_terms - declared)
    assert not unknown, f"shapes use mla: terms that ontology/mla.ttl does not declare: {unknown}"


def test_every_property_shape_has_name_and_message() -> None:
    graph = shapes_graph()
    property_shapes = set(graph.subjects(SH.path, None))
    lacking = sorted(
        str(s)
        for s in property_shapes
        if graph.value(s, SH.name) is None or graph.value(s, SH.message) is None
    )
    assert not lacking, f"property shapes need sh:name and an actionable sh:message: {lacking}"


def test_every_sparql_constraint_has_message_and_binds_path() -> None:
    graph = shapes_graph()
    for constraint in set(graph.objects(None, SH.sparql)):
        select = str(graph.value(constraint, SH.select))
        assert graph.value(constraint, SH.message) is not None, f"{constraint}: add an sh:message"
        assert "?path" in select, (
            f"{constraint}: bind ?path so that reports name the property to fix"
        )
