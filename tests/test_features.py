"""ontology/features.ttl says exactly what research/features.yaml says.

Every feature id, label, group (a top concept, the feature ``skos:broader`` it), ``marks``
and ``polarity`` is compared in both directions, and the scheme may hold nothing else. The
comparison itself is tested on altered copies, so it is known to catch a drift.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, SKOS

from mla_kg.namespaces import FEAT, FEATURE_GROUP, FEATURE_SCHEME, MLA
from mla_kg.paths import FEATURES_FILE

RESEARCH_DIR = Path(__file__).resolve().parents[1] / "research"

REPO = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = REPO / "scripts" / "build_features.py"

Features = dict[str, dict[str, dict[str, str]]]


@pytest.fixture(scope="module")
def features_yaml() -> Features:
    """Return the ``groups`` mapping of research/features.yaml."""
    document = yaml.safe_load((RESEARCH_DIR / "features.yaml").read_text(encoding="utf-8"))
    return document["groups"]


@pytest.fixture(scope="module")
def scheme() -> Graph:
    """Return ontology/features.ttl parsed on its own."""
    graph = Graph()
    graph.parse(FEATURES_FILE, format="turtle")
    return graph


def _objects(graph: Graph, subject: URIRef, predicate: URIRef) -> list[Any]:
    """Return every object of ``subject predicate``, sorted (a list, so duplicates show)."""
    return sorted(graph.objects(subject, predicate), key=str)


def differences(groups: Features, graph: Graph) -> list[str]:
    """Return every way ``graph`` differs from the YAML groups; empty when they agree."""
    problems: list[str] = []
    expected_groups = {FEATURE_GROUP[name] for name in groups}
    top = set(graph.objects(FEATURE_SCHEME, SKOS.hasTopConcept))
    top_of = set(graph.subjects(SKOS.topConceptOf, FEATURE_SCHEME))
    if top != expected_groups:
        problems.append(
            f"skos:hasTopConcept {sorted(top)} != YAML groups {sorted(expected_groups)}"
        )
    if top_of != expected_groups:
        problems.append(f"skos:topConceptOf {sorted(top_of)} != YAML groups")
    expected_features: dict[URIRef, tuple[str, str, dict[str, str], int]] = {}
    for group, features in groups.items():
        for order, (feature_id, entry) in enumerate(features.items(), start=1):
            expected_features[FEAT[feature_id]] = (feature_id, group, entry, order)

    # YAML -> Turtle: each feature with its label, group, marks and polarity.
    for iri, (feature_id, group, entry, order) in expected_features.items():
        if (iri, RDF.type, SKOS.Concept) not in graph:
            problems.append(f"{feature_id}: missing from features.ttl")
            continue
        checks = {
            "skos:notation": (_objects(graph, iri, SKOS.notation), [Literal(feature_id)]),
            "skos:prefLabel": (
                _objects(graph, iri, SKOS.prefLabel),
                [Literal(entry["label"], lang="en")],
            ),
            "skos:broader": (_objects(graph, iri, SKOS.broader), [FEATURE_GROUP[group]]),
            "skos:inScheme": (_objects(graph, iri, SKOS.inScheme), [FEATURE_SCHEME]),
            "mla:marks": (
                _objects(graph, iri, MLA.marks),
                [MLA[entry["marks"]]] if "marks" in entry else [],
            ),
            "mla:polarity": (
                _objects(graph, iri, MLA.polarity),
                [Literal(entry["polarity"])] if "polarity" in entry else [],
            ),
            "sh:order": (
                [int(value) for value in _objects(graph, iri, SH.order)],
                [order],
            ),
        }
        for name, (found, wanted) in checks.items():
            if found != wanted:
                problems.append(f"{feature_id}: {name} is {found}, features.yaml says {wanted}")

    # Turtle -> YAML: no concept of the scheme beyond the YAML's groups and features.
    in_scheme = set(graph.subjects(SKOS.inScheme, FEATURE_SCHEME))
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    for extra in sorted((in_scheme | concepts) - expected_groups - set(expected_features)):
        problems.append(f"{extra}: in features.ttl but not in features.yaml")
    for group in expected_groups:
        if (group, SKOS.broader, None) in graph:
            problems.append(f"{group}: a group is a top concept and has no skos:broader")
    return problems


def test_features_ttl_equals_features_yaml(features_yaml: Features, scheme: Graph) -> None:
    problems = differences(features_yaml, scheme)
    assert not problems, "run scripts/build_features.py; differences:\n" + "\n".join(problems)


def test_scheme_has_every_yaml_feature_and_group(features_yaml: Features, scheme: Graph) -> None:
    ids = {feature for features in features_yaml.values() for feature in features}
    notations = {str(value) for value in scheme.objects(None, SKOS.notation)}
    assert notations == ids
    assert len(ids) == sum(len(features) for features in features_yaml.values()), "duplicate id"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda g: g["scope"].pop("definitions"), "definitions: in features.ttl but not"),
        (lambda g: g["final"].update({"new-thing": {"label": "X"}}), "new-thing: missing"),
        (lambda g: g["refusal"]["refusal-bank-secrecy"].update(label="Other"), "prefLabel"),
        (lambda g: g["measures"]["joint-investigation-teams"].pop("marks"), "mla:marks"),
        (lambda g: g["channels"]["diplomatic-channel"].update(polarity="+"), "mla:polarity"),
        (
            lambda g: g["request"].update(
                {"refusal-fiscal-offence": g["refusal"].pop("refusal-fiscal-offence")}
            ),
            "refusal-fiscal-offence: skos:broader",
        ),
        (lambda g: g.update(extra={}), "skos:hasTopConcept"),
    ],
    ids=["feature-removed", "feature-added", "label", "marks", "polarity", "moved", "group-added"],
)
def test_comparison_catches_a_drift(
    features_yaml: Features, scheme: Graph, change: Callable[[Features], object], expected: str
) -> None:
    altered = copy.deepcopy(features_yaml)
    change(altered)
    problems = differences(altered, scheme)
    assert any(expected in problem for problem in problems), problems


def test_comparison_catches_an_extra_concept_in_the_ttl(
    features_yaml: Features, scheme: Graph
) -> None:
    altered = Graph() + scheme
    altered.add((FEAT["not-in-yaml"], RDF.type, SKOS.Concept))
    altered.add((FEAT["scope-criminal-proceedings"], MLA.marks, MLA.improved))
    problems = differences(features_yaml, altered)
    assert any("not-in-yaml: in features.ttl but not" in problem for problem in problems)
    assert any("scope-criminal-proceedings: mla:marks" in problem for problem in problems)


def test_generator_output_is_the_committed_file(import_file: Callable[[Path], ModuleType]) -> None:
    build = import_file(BUILD_SCRIPT)
    text = build.render(build.read_features(RESEARCH_DIR / "features.yaml"))
    assert text == FEATURES_FILE.read_text(encoding="utf-8"), (
        "ontology/features.ttl is stale: run python scripts/build_features.py"
    )


def test_generator_check_mode_fails_on_a_stale_file(
    tmp_path: Path, import_file: Callable[[Path], ModuleType]
) -> None:
    build = import_file(BUILD_SCRIPT)
    source = RESEARCH_DIR / "features.yaml"
    stale = tmp_path / "features.ttl"
    stale.write_text(FEATURES_FILE.read_text(encoding="utf-8").replace("Entry into force", "X"))
    assert build.main(["--source", str(source), "--output", str(stale), "--check"]) == 1
    assert build.main(["--source", str(source), "--output", str(stale)]) == 0
    assert build.main(["--source", str(source), "--output", str(stale), "--check"]) == 0
    assert stale.read_text(encoding="utf-8") == FEATURES_FILE.read_text(encoding="utf-8")
