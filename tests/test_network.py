"""Network views: participation network, norm-lineage graph, Jaccard similarity, exports, CLI.

Rule tests use the fixture world (tests/fixtures/network/, ids "fx-..."); acceptance tests use
the bundled data and check the seed article's lineage claims with their sources and pinpoints.
"""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from mla_kg import KnowledgeGraph, paths
from mla_kg.errors import UnknownInstrument, UnsupportedFormat
from mla_kg.network import (
    draw,
    export,
    feature_sets,
    jaccard,
    lineage_graph,
    participation_graph,
    similar,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "network"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FX = "https://w3id.org/mla-kg/id/instrument/"


@pytest.fixture(scope="module")
def world() -> KnowledgeGraph:
    """Return the ontology, the States and both network fixtures (no bundled data)."""
    return KnowledgeGraph(
        include_bundled=False,
        extra_files=[
            *paths.ontology_files(),
            paths.DATA_DIR / "states.ttl",
            FIXTURES / "bound.ttl",
            FIXTURES / "lineage.ttl",
        ],
    )


# --- lineage -------------------------------------------------------------------------------------


def test_lineage_edges_carry_their_claims(world: KnowledgeGraph) -> None:
    graph = lineage_graph(world)
    assert set(graph.edges) == {
        (f"{FX}fx-later/art/16", f"{FX}fx-model-conv/art/10"),
        (f"{FX}fx-later/art/11", f"{FX}fx-model-conv/art/13"),
    }
    video = graph.edges[f"{FX}fx-later/art/16", f"{FX}fx-model-conv/art/10"]
    assert video["claims"] == 1
    assert video["source"] == "fx-lineage-seed" and video["pinpoint"] == "fn 96"
    assert video["verification"] == "scholarly"
    assert video["statement"].startswith("Art 16 follows Art 10")
    death = graph.edges[f"{FX}fx-later/art/11", f"{FX}fx-model-conv/art/13"]
    assert death["verification"] == "recalled"
    assert graph.nodes[f"{FX}fx-later/art/16"]["label"] == "fx-later Art 16"
    assert graph.nodes[f"{FX}fx-later/art/16"]["heading"] == "Videoconference"


@pytest.mark.parametrize("format", ["graphml", "gexf", "json"])
def test_lineage_exports_read_back_with_their_attributes(
    world: KnowledgeGraph, format: str
) -> None:
    data = export(lineage_graph(world), format)
    if format == "graphml":
        back = nx.read_graphml(io.BytesIO(data))
    elif format == "gexf":
        back = nx.read_gexf(io.BytesIO(data))
    else:
        back = nx.node_link_graph(json.loads(data), edges="edges")
    assert back.number_of_edges() == 2
    pinpoints = {attrs["pinpoint"] for _, _, attrs in back.edges(data=True)}
    assert pinpoints == {"fn 96", "fn 120"}


def test_export_refuses_an_unknown_format(world: KnowledgeGraph) -> None:
    with pytest.raises(UnsupportedFormat, match="graphml"):
        export(lineage_graph(world), "dot")


def test_lineage_png_is_drawn(world: KnowledgeGraph, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
    path = draw(lineage_graph(world), tmp_path / "lineage.png", "lineage")
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert path.stat().st_size > 10_000


# --- participation -------------------------------------------------------------------------------


def test_participation_network_has_records_parties_and_memberships(world: KnowledgeGraph) -> None:
    graph = participation_graph(world)
    edges = {(u, v, d["relation"]): d for u, v, d in graph.edges(data=True)}
    denmark = edges[("state:DK", "instrument:fx-eu-jp", "participation")]
    assert denmark["bound"] is False and denmark["mode"] == "optOut"
    croatia = edges[("state:HR", "instrument:fx-eu-jp", "participation")]
    assert croatia["from"] == "2013-07-01" and croatia["mode"] == "accession"
    korea = edges[("state:KR", "instrument:fx-jp-kr", "party")]
    assert korea["from"] == "2007-01-26" and korea["bound"] is True
    uk = edges[("state:GB", "org:EU", "membership")]
    assert (uk["until"], uk["bound_until"]) == ("2020-01-31", "2020-12-31")
    assert graph.nodes["org:EU"]["kind"] == "organisation"
    assert graph.nodes["instrument:fx-multi"]["instrument_kind"] == "MultilateralConvention"
    back = nx.read_graphml(io.BytesIO(export(graph, "graphml")))
    assert back.number_of_edges() == graph.number_of_edges()


def test_participation_png_is_drawn(world: KnowledgeGraph, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
    path = draw(participation_graph(world), tmp_path / "participation.png", "participation")
    assert path.read_bytes()[:8] == PNG_SIGNATURE


# --- similarity ----------------------------------------------------------------------------------


def test_jaccard_of_feature_sets(world: KnowledgeGraph) -> None:
    sets = feature_sets(world)
    assert sets["fx-later"] == {"videoconference-hearing", "refusal-death-penalty-abstract"}
    assert sets["fx-model-conv"] == {"videoconference-hearing", "refusal-death-penalty-concrete"}
    ranked = similar(world, "fx-later")
    only = ranked[0]
    assert only.other == "fx-model-conv"
    # The fixture act shares no feature with fx-later: similarity 0, ranked last.
    assert [(s.other, s.score) for s in ranked[1:]] == [("fx-jp-act", 0.0)]
    assert only.score == pytest.approx(1 / 3)
    assert only.shared == ("videoconference-hearing",)
    assert only.only_instrument == ("refusal-death-penalty-abstract",)
    assert jaccard(set(), set()) == 0.0


def test_similar_on_the_bundled_data_is_ranked_and_consistent(kg: KnowledgeGraph) -> None:
    ranked = similar(kg, "eu-jp-mla")
    others = [s.other for s in ranked]
    assert {"eu-us-mla", "jp-us-mlat"} <= set(others)
    scores = [s.score for s in ranked]
    assert scores == sorted(scores, reverse=True)
    sets = feature_sets(kg)
    for s in ranked:
        assert s.score == pytest.approx(jaccard(sets["eu-jp-mla"], sets[s.other]))
        assert len(s.shared) + len(s.only_instrument) == len(sets["eu-jp-mla"])


def test_similar_unknown_instrument_lists_the_ids(kg: KnowledgeGraph) -> None:
    with pytest.raises(UnknownInstrument, match="eu-jp-mla"):
        similar(kg, "no-such-treaty")


# --- acceptance: the seed article's lineage claims in the bundled data ---------------------------


# The lineage links the seed article states (issue 5, section 5): later provision of the EU-Japan
# Agreement -> its model, with the pinpoint the research gives for the claim where it names one.
SEED_LINEAGE = [
    ("eu-jp-mla", "Art 16", "eu-mla-conv-2000", "Art 10", "fn 96"),
    ("eu-jp-mla", "Art 11(1)(b)", "eu-us-extradition", "Art 13", "fn 120"),
    ("eu-jp-mla", "Art 11(3)", "eu-mla-prot-2001", "Art 7", "fn 90-92"),
]


@pytest.mark.parametrize(("later", "later_at", "model", "model_at", "pinpoint"), SEED_LINEAGE)
def test_seed_lineage_claims_are_in_the_lineage_graph_with_sources(
    kg: KnowledgeGraph, later: str, later_at: str, model: str, model_at: str, pinpoint: str
) -> None:
    graph = lineage_graph(kg)
    edges = [
        data
        for u, v, data in graph.edges(data=True)
        if graph.nodes[u]["label"] == f"{later} {later_at}"
        and graph.nodes[v]["label"] == f"{model} {model_at}"
    ]
    assert len(edges) == 1, f"no lineage edge {later} {later_at} -> {model} {model_at}"
    (edge,) = edges
    assert edge["claims"] >= 1
    assert any("seed" in sources.split(", ") for sources in edge["source"].split(" | "))
    assert pinpoint in edge["pinpoint"]
    assert edge["verification"] == "scholarly"


def test_every_bundled_lineage_link_is_carried_by_a_sourced_claim(kg: KnowledgeGraph) -> None:
    graph = lineage_graph(kg)
    assert graph.number_of_edges() >= len(SEED_LINEAGE)
    for u, v, data in graph.edges(data=True):
        assert data["claims"] >= 1, f"{u} -> {v} has no claim"
        assert all(part for part in data["source"].split(" | ")), (
            f"{u} -> {v}: claim without source"
        )
        assert all(part for part in data["pinpoint"].split(" | ")), f"{u} -> {v}: no pinpoint"


def test_bundled_participation_network_shows_denmark_outside(kg: KnowledgeGraph) -> None:
    graph = participation_graph(kg)
    denmark = [
        d
        for u, v, d in graph.edges(data=True)
        if (u, v) == ("state:DK", "instrument:eu-jp-mla") and d["relation"] == "participation"
    ]
    assert denmark and denmark[0]["bound"] is False


# --- CLI -----------------------------------------------------------------------------------------


def test_bundled_participation_network_gives_three_answers(kg: KnowledgeGraph) -> None:
    """Every State meets every multilateral instrument once: bound, not bound or undetermined."""
    from mla_kg.network.views import MULTILATERAL_KINDS

    graph = participation_graph(kg)
    multilaterals = [
        n
        for n, d in graph.nodes(data=True)
        if d["kind"] == "instrument" and d["instrument_kind"] in MULTILATERAL_KINDS
    ]
    states = [n for n, d in graph.nodes(data=True) if d["kind"] == "state"]
    answers: dict[str, int] = {}
    for state in states:
        for instrument in multilaterals:
            edges = list(graph.get_edge_data(state, instrument, default={}).values())
            assert len({e["answer"] for e in edges}) == 1, (state, instrument, edges)
            answers[edges[0]["answer"]] = answers.get(edges[0]["answer"], 0) + 1
    assert set(answers) == {"bound", "not bound", "undetermined"}, answers
    # Korea and the Budapest Convention: nothing recorded, so undetermined, never "not bound".
    (korea,) = graph.get_edge_data("state:KR", "instrument:budapest-2001").values()
    assert korea["relation"] == "undetermined" and "bound" not in korea
    assert "no record of whether KR is bound by budapest-2001" in korea["missing"]
    back = nx.read_graphml(io.BytesIO(export(graph, "graphml")))
    assert back.number_of_edges() == graph.number_of_edges()


def test_cli_network_formats(
    run_cli: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    graphml = run_cli("network", "participation", "--format", "graphml")
    assert graphml.returncode == 0, graphml.stderr
    assert nx.read_graphml(io.BytesIO(graphml.stdout.encode("utf-8"))).number_of_nodes() > 30
    as_json = run_cli("network", "lineage", "--format", "json")
    assert as_json.returncode == 0 and "edges" in json.loads(as_json.stdout)
    gexf = run_cli("network", "lineage", "--format", "gexf", "-o", tmp_path / "l.gexf")
    assert gexf.returncode == 0 and (tmp_path / "l.gexf").read_text().startswith("<?xml")
    no_file = run_cli("network", "lineage", "--format", "png")
    assert no_file.returncode == 2 and "-o FILE.png" in no_file.stderr
    wrong_view = run_cli("network", "everything")
    assert wrong_view.returncode == 2


def test_cli_network_png(
    run_cli: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
    png = run_cli("network", "lineage", "--format", "png", "-o", tmp_path / "lineage.png")
    assert png.returncode == 0, png.stderr
    assert (tmp_path / "lineage.png").read_bytes()[:8] == PNG_SIGNATURE


def test_cli_similar(run_cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    table = run_cli("similar", "eu-jp-mla")
    assert table.returncode == 0 and "eu-us-mla" in table.stdout
    as_json = json.loads(run_cli("similar", "eu-jp-mla", "--format", "json").stdout)
    assert as_json[0]["jaccard"] >= as_json[-1]["jaccard"]
    unknown = run_cli("similar", "no-such-treaty")
    assert unknown.returncode == 2 and "unknown instrument" in unknown.stderr
