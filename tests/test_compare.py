"""The comparison matrix, its renderings, differences, outlines and model profiles.

Most tests ask the bundled graph; the status rules (present, absent, unknown, conflict, annex
limits, candidates, recalled marks) are also checked on a small instrument of our own, loaded
next to the bundled data, so every rule is exercised whatever the research says today.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
import yaml
from rdflib import URIRef

from mla_kg import KnowledgeGraph, UnknownFeature, UnknownInstrument
from mla_kg.compare import (
    LEGEND,
    RECALLED_LEGEND,
    RECALLED_MARK,
    REPORT_LEGEND,
    STATUSES,
    Comparison,
    diff,
)
from mla_kg.errors import InvalidParameter

RESEARCH_DIR = Path(__file__).resolve().parents[1] / "research"

THREE = ["eu-jp-mla", "eu-us-mla", "jp-us-mlat"]
GROUP_ORDER = ["scope", "channels", "request", "refusal", "measures", "protection", "final"]

# A made-up instrument whose facts exercise every rule of a cell.
SYNTHETIC = """
@prefix mla: <https://w3id.org/mla-kg/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix feat: <https://w3id.org/mla-kg/feature/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix x: <https://w3id.org/mla-kg/id/instrument/test-synthetic/> .

<https://w3id.org/mla-kg/id/instrument/test-synthetic> a mla:Instrument, mla:BilateralTreaty ;
    mla:instrumentId "test-synthetic" ; dct:title "Synthetic test treaty"@en ;
    mla:verification mla:official .

# Art 1 is recalled, so its paragraph's citation is not verified either.
x:art\\/1 a mla:Article, mla:Subdivision ;
    eli:is_part_of <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:inInstrument <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:citation "Art 1" ; mla:number "1" ; mla:order 1 ; mla:heading "Scope"@en ;
    mla:verification mla:recalled ; mla:source <https://w3id.org/mla-kg/id/source/seed> .
x:art\\/1\\/para\\/1 a mla:Paragraph, mla:Subdivision ;
    eli:is_part_of x:art\\/1 ;
    mla:inInstrument <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:citation "Art 1(1)" ; mla:number "1" ; mla:order 1 ;
    mla:hasFeature feat:taking-testimony ;
    mla:candidateFeature feat:examination ;
    mla:verification mla:official ; mla:source <https://w3id.org/mla-kg/id/source/seed> .
# Art 2 is verified and carries a feature the research also says is absent: a conflict.
x:art\\/2 a mla:Article, mla:Subdivision ;
    eli:is_part_of <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:inInstrument <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:citation "Art 2" ; mla:number "2" ; mla:order 2 ; mla:subject "Grounds for refusal" ;
    mla:hasFeature feat:refusal-political-offence ;
    mla:verification mla:official ; mla:source <https://w3id.org/mla-kg/id/source/seed> .
x:absence\\/refusal-political-offence a mla:Absence ;
    mla:instrument <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:feature feat:refusal-political-offence ; mla:pinpoint "p. 3" ;
    mla:verification mla:scholarly ; mla:source <https://w3id.org/mla-kg/id/source/seed> .
x:absence\\/deadlines a mla:Absence ;
    mla:instrument <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:feature feat:deadlines ; mla:pinpoint "p. 4" ;
    mla:verification mla:recalled ; mla:source <https://w3id.org/mla-kg/id/source/seed> .
# The research attests taking testimony for the whole treaty (official), so the feature is
# verified although its only citation, Art 1(1), is not.
x:presence\\/taking-testimony a mla:Presence ;
    mla:instrument <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:feature feat:taking-testimony ; mla:verification mla:official ;
    mla:source <https://w3id.org/mla-kg/id/source/seed> .
x:presence\\/costs a mla:Presence ;
    mla:instrument <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:feature feat:costs ; mla:verification mla:official ;
    mla:source <https://w3id.org/mla-kg/id/source/seed> .
# Art 3 is verified to provide for service of documents; which paragraph does is only recalled.
x:art\\/3 a mla:Article, mla:Subdivision ;
    eli:is_part_of <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:inInstrument <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:citation "Art 3" ; mla:number "3" ; mla:order 3 ; mla:subject "Measures" ;
    mla:hasFeature feat:service-of-documents ;
    mla:verification mla:official ; mla:source <https://w3id.org/mla-kg/id/source/seed> .
x:art\\/3\\/para\\/2 a mla:Paragraph, mla:Subdivision ;
    eli:is_part_of x:art\\/3 ;
    mla:inInstrument <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:citation "Art 3(2)" ; mla:number "2" ; mla:order 2 ;
    mla:hasFeature feat:service-of-documents ;
    mla:verification mla:recalled ; mla:source <https://w3id.org/mla-kg/id/source/seed> .
x:annex\\/I a mla:Annex, mla:Subdivision ;
    eli:is_part_of <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:inInstrument <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:citation "Annex I" ; mla:number "I" ; mla:order 1 ;
    mla:verification mla:scholarly ; mla:source <https://w3id.org/mla-kg/id/source/seed> .
x:annex\\/I\\/entry\\/PT a mla:AnnexEntry, mla:Subdivision ;
    eli:is_part_of x:annex\\/I ;
    mla:inInstrument <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:citation "Annex I (PT)" ; mla:number "PT" ; mla:order 1 ;
    mla:state <https://w3id.org/mla-kg/id/state/PT> ;
    mla:hasFeature feat:refusal-life-imprisonment ;
    mla:verification mla:scholarly ; mla:source <https://w3id.org/mla-kg/id/source/seed> .
x:claim\\/1 a mla:CommentaryClaim ;
    mla:about <https://w3id.org/mla-kg/id/instrument/test-synthetic> ;
    mla:statement "The treaty has no deadlines clause at all."@en ;
    mla:contradicts x:absence\\/deadlines ; mla:pinpoint "p. 9" ;
    mla:verification mla:scholarly ; mla:source <https://w3id.org/mla-kg/id/source/seed> .
"""


@pytest.fixture(scope="module")
def synthetic_kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """Return the bundled graph with the synthetic instrument loaded next to it."""
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.ttl"
    path.write_text(SYNTHETIC, encoding="utf-8")
    return KnowledgeGraph(extra_files=[path])


@pytest.fixture(scope="module")
def synthetic(synthetic_kg: KnowledgeGraph) -> Comparison:
    """Return the comparison of the synthetic instrument with EU-Japan."""
    return synthetic_kg.compare(["test-synthetic", "eu-jp-mla"])


@pytest.fixture(scope="module")
def three(kg: KnowledgeGraph) -> Comparison:
    """Return the comparison of the three agreements the seed article compares."""
    return kg.compare(THREE)


# --- status rules ----------------------------------------------------------------------------


def test_provision_makes_a_cell_present_with_its_citation(synthetic: Comparison) -> None:
    cell = synthetic.cell("taking-testimony", "test-synthetic")
    assert cell.status == "present"
    assert [(p.citation, p.verification) for p in cell.provisions] == [("Art 1(1)", "official")]


def test_citation_under_a_recalled_article_is_marked_recalled(synthetic: Comparison) -> None:
    provision = synthetic.cell("taking-testimony", "test-synthetic").provisions[0]
    assert provision.verification == "official"
    assert provision.citation_recalled, "Art 1 is recalled, so 'Art 1(1)' is not verified"
    assert provision.marked_citation == "Art 1(1)" + RECALLED_MARK


def test_recalled_citations_name_the_attestation_that_verifies_the_feature(
    synthetic: Comparison,
) -> None:
    cell = synthetic.cell("taking-testimony", "test-synthetic")
    assert all(p.recalled for p in cell.provisions) and not cell.recalled
    assert cell.text() == f"Art 1(1){RECALLED_MARK}; present (seed)"


def test_verified_article_is_cited_next_to_its_recalled_paragraph(synthetic: Comparison) -> None:
    cell = synthetic.cell("service-of-documents", "test-synthetic")
    assert [p.citation for p in cell.pinpoints()] == ["Art 3", "Art 3(2)"]
    assert cell.text() == f"Art 3; Art 3(2){RECALLED_MARK}" and not cell.recalled


def test_verified_point_makes_its_paragraph_redundant_as_a_pinpoint(three: Comparison) -> None:
    # EU-Japan Art 11(1) and Art 11(1)(b) both carry the death-penalty ground; both scholarly.
    cell = three.cell("refusal-death-penalty-abstract", "eu-jp-mla")
    assert {"Art 11(1)", "Art 11(1)(b)"} <= {p.citation for p in cell.provisions}
    assert [p.citation for p in cell.pinpoints()] == ["Art 11(1)(b)"]


def test_presence_only_cell_carries_the_attestation(synthetic: Comparison) -> None:
    cell = synthetic.cell("costs", "test-synthetic")
    assert cell.status == "present"
    assert cell.provisions == []
    assert [(e["kind"], e["verification"]) for e in cell.evidence()] == [("presence", "official")]
    assert cell.text() == "present (seed)"


def test_absence_gives_absent_with_evidence(synthetic: Comparison) -> None:
    cell = synthetic.cell("deadlines", "test-synthetic")
    assert cell.status == "absent"
    assert [(e["source"].rsplit("/", 1)[1], e["pinpoint"]) for e in cell.evidence()] == [
        ("seed", "p. 4")
    ]
    assert cell.recalled, "the only evidence is recalled"
    assert cell.text().startswith("absent" + RECALLED_MARK)


def test_provision_and_absence_together_are_present_and_flagged(synthetic: Comparison) -> None:
    cell = synthetic.cell("refusal-political-offence", "test-synthetic")
    assert cell.status == "present"
    assert cell.conflict
    note = next(text for _, _, c, text in synthetic.notes() if c is cell)
    # The seed is named by its authors and year (its key, seed, is in the legend's Sources).
    assert "Art 2" in note and "absence: Weyembergh & Wieczorek 2020 p. 3 (scholarly)" in note


def test_contradicting_claim_is_shown_with_the_fact(synthetic: Comparison) -> None:
    cell = synthetic.cell("deadlines", "test-synthetic")
    assert cell.conflict
    assert [c.statement for c in cell.claims] == ["The treaty has no deadlines clause at all."]
    assert "[" in cell.text(note=1)
    assert any("no deadlines clause" in text for _, _, _, text in synthetic.notes())


def test_reports_without_notes_flag_conflicts_in_place(synthetic_kg: KnowledgeGraph) -> None:
    difference = synthetic_kg.diff("test-synthetic", "eu-jp-mla")
    entry = next(e for e in difference.entries if e.row.id == "refusal-political-offence")
    assert entry.category == "differing"
    assert "test-synthetic: conflicting research" in entry.reasons()
    text = difference.to_markdown()
    assert "Art 2 [conflict]" in text and REPORT_LEGEND[-1] in text
    assert "[n]" not in text, "a difference has no notes to point to"
    profile = synthetic_kg.model_profile("test-synthetic").to_text()
    # Deadlines: a recalled absence that a commentary claim contradicts.
    assert f"absent{RECALLED_MARK} (Weyembergh & Wieczorek 2020) [conflict]" in profile
    assert REPORT_LEGEND[-1] in profile
    # The legend's Sources name the seed once, with its citation, address and key.
    sources = profile[profile.index("\nSources:\n") :]
    assert sources.count("Weyembergh & Wieczorek 2020:") == 1
    assert "New Journal of European Criminal Law 11(4) (2020) 439-466" in sources
    assert "key seed (every fact sheet)" in sources


def test_nothing_recorded_is_unknown(synthetic: Comparison) -> None:
    cell = synthetic.cell("telephone-conference", "test-synthetic")
    assert (cell.status, cell.provisions, cell.attestations) == ("unknown", [], [])
    assert cell.text() == "—"


def test_candidate_feature_is_not_counted_but_shown(synthetic: Comparison) -> None:
    cell = synthetic.cell("examination", "test-synthetic")
    assert cell.status == "unknown"
    assert [p.citation for p in cell.candidates] == ["Art 1(1)"]
    assert cell.text() == f"— (cf. Art 1(1){RECALLED_MARK})"


def test_annex_entry_is_present_but_limited_to_its_state(synthetic: Comparison) -> None:
    cell = synthetic.cell("refusal-life-imprisonment", "test-synthetic")
    assert cell.status == "present"
    assert cell.limited_to == ["PT"]
    assert cell.text() == "Annex I (PT only)"


# --- the matrix on the bundled graph -----------------------------------------------------------


def test_one_row_per_feature_in_the_scheme_order(kg: KnowledgeGraph, three: Comparison) -> None:
    assert sorted(row.id for row in three) == kg.features()
    assert [group for group, _, _ in three.groups()] == GROUP_ORDER


def test_rows_follow_features_yaml(three: Comparison) -> None:
    document = yaml.safe_load((RESEARCH_DIR / "features.yaml").read_text(encoding="utf-8"))
    expected = [feature for group in document["groups"].values() for feature in group]
    assert [row.id for row in three] == expected


def test_every_cell_has_a_status(three: Comparison) -> None:
    for row in three:
        assert list(row.cells) == THREE
        for cell in row.cells.values():
            assert cell.status in STATUSES
            if cell.status == "present":
                assert cell.provisions or cell.presences
            if cell.status == "absent":
                assert cell.absences and not cell.provisions and not cell.presences


def test_cell_matches_the_graph(kg: KnowledgeGraph, three: Comparison) -> None:
    # Recount what the matrix says from the raw triples, so the query is checked independently.
    has = {
        (str(r["f"]).rsplit("/", 1)[1], str(r["i"]).rsplit("/", 1)[1])
        for r in kg.query(
            "SELECT ?f ?i WHERE { { ?p mla:inInstrument ?i ; mla:hasFeature ?f } UNION "
            "{ ?x a mla:Presence ; mla:instrument ?i ; mla:feature ?f } }"
        ).rows
    }
    lacks = {
        (str(r["f"]).rsplit("/", 1)[1], str(r["i"]).rsplit("/", 1)[1])
        for r in kg.query(
            "SELECT ?f ?i WHERE { ?x a mla:Absence ; mla:instrument ?i ; mla:feature ?f }"
        ).rows
    }
    for row in three:
        for instrument, cell in row.cells.items():
            key = (row.id, instrument)
            expected = "present" if key in has else "absent" if key in lacks else "unknown"
            assert cell.status == expected, f"{row.id} in {instrument}"


def test_features_and_groups_narrow_the_matrix(kg: KnowledgeGraph) -> None:
    by_feature = kg.compare(THREE, features=["videoconference-hearing", "deadlines"])
    assert [row.id for row in by_feature] == ["deadlines", "videoconference-hearing"]
    by_group = kg.compare(THREE, groups=["channels"])
    assert {row.group for row in by_group} == {"channels"}
    assert len(by_group) == 5


def test_features_and_groups_together_intersect(kg: KnowledgeGraph) -> None:
    features = ["videoconference-hearing", "deadlines", "refusal-political-offence"]
    both = kg.compare(THREE, features=features, groups=["measures", "refusal"])
    assert [row.id for row in both] == ["refusal-political-offence", "videoconference-hearing"]
    # A group of the scheme none of the named features belongs to is not an error: no rows.
    assert len(kg.compare(THREE, features=["deadlines"], groups=["refusal"])) == 0
    with pytest.raises(InvalidParameter, match="refusal"):
        kg.compare(THREE, features=["deadlines"], groups=["refusals"])


def test_unknown_instrument_lists_the_known_ids(kg: KnowledgeGraph) -> None:
    with pytest.raises(UnknownInstrument) as error:
        kg.compare(["eu-jp-mla", "eu-xx-mla"])
    assert "eu-xx-mla" in str(error.value)
    assert all(known in str(error.value) for known in THREE)


def test_unknown_feature_and_group_are_refused(kg: KnowledgeGraph) -> None:
    with pytest.raises(UnknownFeature):
        kg.compare(THREE, features=["teleportation"])
    with pytest.raises(InvalidParameter, match="refusal"):
        kg.compare(THREE, groups=["refusals"])


# --- renderings --------------------------------------------------------------------------------


# The JSON contract of ``compare --format json`` (issue 3), and the extra keys the API documents
# (Comparison.to_json). Any other key, a missing key or a wrong type fails: other tools read this.
CONTRACT_KEYS = {
    "top": {"instruments", "features"},
    "feature": {"id", "label", "group", "cells"},
    "cell": {"status", "provisions", "evidence"},
    "provision": {"iri", "citation", "verification"},
    "evidence": {"source", "pinpoint"},
}
EXTRA_KEYS = {
    "top": {"legend", "official_texts", "sources"},
    "feature": {"group_label", "marks", "polarity", "iri"},
    "cell": {"recalled", "conflict", "limited_to", "candidates", "claims"},
    "provision": {"recalled", "state", "sources"},
    "evidence": {"kind", "verification", "recalled", "attestation", "note"},
}
CLAIM_KEYS = {"iri", "statement", "verification", "sources", "pinpoint", "check", "contradicts"}
SOURCE_KEYS = {"name", "short_name", "key", "sheet", "title", "url", "urls", "kind", "citation"}


def _keys(kind: str, value: object) -> dict[str, object]:
    """Assert a JSON object has exactly the contract keys plus documented extras; return it."""
    assert isinstance(value, dict), f"{kind}: {value!r} is not an object"
    keys = set(value)
    missing = CONTRACT_KEYS[kind] - keys
    assert not missing, f"{kind} lacks contract keys {missing}"
    undeclared = keys - CONTRACT_KEYS[kind] - EXTRA_KEYS[kind]
    assert not undeclared, f"{kind} has undeclared keys {undeclared}"
    return value


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _check_provision(provision: object) -> None:
    p = _keys("provision", provision)
    assert all(isinstance(p[k], str) and p[k] for k in ("iri", "citation", "verification"))
    assert str(p["iri"]).startswith("https://w3id.org/mla-kg/id/instrument/")
    assert p["verification"] in ("official", "scholarly", "recalled")
    assert isinstance(p["recalled"], bool)
    assert p["verification"] != "recalled" or p["recalled"], "a recalled provision is unmarked"
    assert p["state"] is None or (isinstance(p["state"], str) and len(p["state"]) == 2)
    assert _strings(p["sources"]) and p["sources"], "every provision has a source"


def validate_comparison_json(data: object, instruments: list[str]) -> None:
    """Validate ``compare --format json`` output strictly against the contract."""
    top = _keys("top", data)
    assert top["instruments"] == instruments
    assert _strings(top["legend"]) and RECALLED_LEGEND in top["legend"]
    assert isinstance(top["features"], list)
    for feature_value in top["features"]:
        feature = _keys("feature", feature_value)
        for key in ("id", "label", "group", "group_label", "iri"):
            assert isinstance(feature[key], str) and feature[key], key
        assert feature["marks"] in (None, "improved", "traditional", "mutual-recognition")
        assert feature["polarity"] in (None, "+", "-")
        assert isinstance(feature["cells"], dict) and list(feature["cells"]) == instruments
        for cell_value in feature["cells"].values():
            cell = _keys("cell", cell_value)
            assert cell["status"] in STATUSES
            assert isinstance(cell["provisions"], list) and isinstance(cell["evidence"], list)
            for provision in cell["provisions"] + cell["candidates"]:
                _check_provision(provision)
            for evidence_value in cell["evidence"]:
                evidence = _keys("evidence", evidence_value)
                assert isinstance(evidence["source"], str) and evidence["source"]
                assert isinstance(evidence["pinpoint"], str)
                assert evidence["kind"] in ("absence", "presence")
                assert evidence["verification"] in ("official", "scholarly", "recalled")
                assert evidence["recalled"] is (evidence["verification"] == "recalled")
                assert isinstance(evidence["attestation"], str)
                assert isinstance(evidence["note"], str)
            for key in ("recalled", "conflict"):
                assert isinstance(cell[key], bool)
            assert _strings(cell["limited_to"])
            for claim in cell["claims"]:
                assert isinstance(claim, dict) and set(claim) == CLAIM_KEYS
            # The status follows from the facts listed, as the contract defines it.
            kinds = {e["kind"] for e in cell["evidence"]}
            if cell["status"] == "present":
                assert cell["provisions"] or "presence" in kinds
            elif cell["status"] == "absent":
                assert not cell["provisions"] and kinds == {"absence"}
            else:
                assert not cell["provisions"] and not cell["evidence"]
    # Every source the JSON names is described once, under its IRI, with the name tables show.
    cited = {
        source
        for feature in top["features"]
        for cell in feature["cells"].values()
        for source in [e["source"] for e in cell["evidence"]]
        + [s for c in cell["claims"] for s in c["sources"]]
        + [s for p in cell["provisions"] + cell["candidates"] for s in p["sources"]]
    }
    sources = top["sources"]
    assert isinstance(sources, dict) and set(sources) == cited
    for source in sources.values():
        assert isinstance(source, dict) and set(source) == SOURCE_KEYS
        assert source["name"] and source["key"] and source["kind"]
    names = [source["name"] for source in sources.values()]
    urls = {source["name"]: source["urls"] for source in sources.values()}
    assert all(urls[s["name"]] == s["urls"] for s in sources.values()), "one name, one document"
    assert len(set(names)) == len(urls)


def test_json_follows_the_contract(three: Comparison) -> None:
    data = json.loads(three.to_json())
    validate_comparison_json(data, THREE)
    assert len(data["features"]) == len(three)
    statuses = {c["status"] for f in data["features"] for c in f["cells"].values()}
    assert statuses == set(STATUSES), "the bundled data exercises all three statuses"


def test_json_validator_rejects_broken_shapes(three: Comparison) -> None:
    # The validator itself must fail on a missing contract key, an undeclared key, a bad status.
    def broken(change: Callable[[dict], None]) -> dict:
        data = json.loads(three.to_json())
        change(data)
        return data

    def cell(data: dict) -> dict:
        return data["features"][0]["cells"][THREE[0]]

    cases = [
        lambda d: d.pop("instruments"),
        lambda d: d["features"][0].pop("group"),
        lambda d: d["features"][0].update(extra=1),
        lambda d: cell(d).update(status="maybe"),
        lambda d: cell(d).pop("evidence"),
        lambda d: cell(d)["provisions"].append({"iri": "x", "citation": "Art 1"}),
    ]
    for change in cases:
        with pytest.raises(AssertionError):
            validate_comparison_json(broken(change), THREE)


def test_json_marks_recalled_provisions(three: Comparison) -> None:
    data = json.loads(three.to_json())
    recalled, verified = _recalled_and_verified(three)
    provisions = {
        (f["id"], p["citation"]): p
        for f in data["features"]
        for p in f["cells"]["eu-jp-mla"]["provisions"]
    }
    assert provisions[("videoconference-hearing", recalled)]["recalled"] is True
    assert provisions[("bank-secrecy-excluded", verified)]["recalled"] is False
    # A recalled absence is marked in its evidence too (Japan-US bank secrecy, per the research).
    bank = next(f for f in data["features"] if f["id"] == "refusal-bank-secrecy")
    evidence = bank["cells"]["jp-us-mlat"]["evidence"]
    assert evidence and all(e["recalled"] for e in evidence)
    assert bank["cells"]["jp-us-mlat"]["recalled"] is True


def test_json_absence_evidence(three: Comparison) -> None:
    data = json.loads(three.to_json())
    jit = next(f for f in data["features"] if f["id"] == "joint-investigation-teams")
    cell = jit["cells"]["eu-jp-mla"]
    assert cell["status"] == "absent"
    assert {
        "source": "https://w3id.org/mla-kg/id/source/seed",
        "pinpoint": "section II.A.iii, fn 100-109",
    }.items() <= cell["evidence"][0].items()


def _recalled_and_verified(three: Comparison) -> tuple[str, str]:
    """Return a recalled and a verified citation of the bundled EU-Japan column."""
    videoconference = three.cell("videoconference-hearing", "eu-jp-mla")
    recalled = next(p for p in videoconference.pinpoints() if p.recalled).citation
    verified = three.cell("bank-secrecy-excluded", "eu-jp-mla").pinpoints()[0]
    assert not verified.recalled
    return recalled, verified.citation


def test_every_rendering_marks_recalled_citations(three: Comparison) -> None:
    recalled, verified = _recalled_and_verified(three)
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=200, no_color=True).print(three.to_rich())
    renderings = {
        "table": buffer.getvalue(),
        "markdown": three.to_markdown(),
        "html": three.to_html(),
        "notebook": three._repr_html_(),
        "csv": three.to_csv(),
    }
    for name, text in renderings.items():
        # HTML links the citation to its provision, then colours the mark.
        marked = (recalled + RECALLED_MARK, recalled + "<span", recalled + "</a><span")
        assert any(form in text for form in marked), name
        assert verified + RECALLED_MARK not in text, name
        assert verified + "</a><span" not in text, name
        assert RECALLED_LEGEND in text, name
    latex = three.to_latex()
    assert recalled + r"\textdagger{}" in latex
    assert r"\textdagger{} recalled: not verified against the official text" in latex


def test_csv_has_one_row_per_cell_with_status(three: Comparison) -> None:
    rows = list(csv.DictReader(io.StringIO(three.to_csv())))
    assert len(rows) == len(three) * len(THREE)
    key = ("bank-secrecy-excluded", "eu-jp-mla")
    row = next(r for r in rows if (r["feature"], r["instrument"]) == key)
    assert (row["status"], row["citations"], row["recalled"]) == ("present", "Art 11(3)", "no")


def test_csv_rows_with_a_mark_carry_the_legend(three: Comparison) -> None:
    rows = list(csv.DictReader(io.StringIO(three.to_csv())))
    marked = [r for r in rows if any(RECALLED_MARK in v for k, v in r.items() if k != "legend")]
    assert marked, "the bundled data has recalled citations"
    assert all(r["legend"] == RECALLED_LEGEND for r in marked)
    assert all(r["legend"] == "" for r in rows if r not in marked)


def test_html_is_a_standalone_page(three: Comparison) -> None:
    page = three.to_html()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<style>" in page
    assert "<link" not in page and "<script" not in page and "src=" not in page


def test_markdown_has_one_table_per_group(three: Comparison) -> None:
    text = three.to_markdown()
    assert text.count("| feature | eu-jp-mla | eu-us-mla | jp-us-mlat |") == len(GROUP_ORDER)
    assert all(f"- {entry}" in text for entry in LEGEND)


def test_latex_escapes_special_characters(three: Comparison) -> None:
    latex = three.to_latex()
    assert "\\begin{longtable}" in latex and "\\end{longtable}" in latex
    assert "'shall provide'" in latex
    for line in latex.splitlines():
        if "&" in line:
            assert "§" not in line and "_" not in line.replace("\\_", "")


# --- diff, outline, profile ----------------------------------------------------------------


def test_diff_sorts_features_into_only_a_only_b_and_both(kg: KnowledgeGraph) -> None:
    difference = kg.diff("eu-us-mla", "eu-jp-mla")
    only_a = {e.row.id for e in difference.only_a}
    only_b = {e.row.id for e in difference.only_b}
    both = {e.row.id for e in difference.both + difference.differing}
    assert "joint-investigation-teams" in only_a
    assert "refusal-death-penalty-abstract" in only_b
    assert "videoconference-hearing" in both
    assert not (only_a & only_b) and not (only_a & both) and not (only_b & both)


def test_diff_agrees_with_the_diff_instruments_query(kg: KnowledgeGraph) -> None:
    difference = kg.diff("eu-jp-mla", "eu-us-mla")
    rows = kg.run("diff_instruments", a="eu-jp-mla", b="eu-us-mla").rows
    by_feature = {str(r["featureId"]): (str(r["statusA"]), str(r["statusB"])) for r in rows}
    for entry in difference.entries:
        assert by_feature[entry.row.id] == (entry.a.status, entry.b.status), entry.row.id
    category = {str(r["featureId"]): str(r["difference"]) for r in rows}
    assert {e.row.id for e in difference.only_a} == {
        feature
        for feature, difference_ in category.items()
        if difference_ in ("only a", "b unknown") and by_feature[feature][0] == "present"
    }


def test_diff_narrowed_to_a_group_keeps_the_same_verdicts(kg: KnowledgeGraph) -> None:
    full = {e.row.id: e.category for e in kg.diff("eu-jp-mla", "eu-us-mla").entries}
    measures = diff(kg, "eu-jp-mla", "eu-us-mla", groups=["measures"])
    assert measures.entries and {e.row.group for e in measures.entries} == {"measures"}
    in_group = {
        str(r["f"]).rsplit("/", 1)[1]
        for r in kg.query(
            "SELECT ?f WHERE { ?f skos:broader <https://w3id.org/mla-kg/feature/group/measures> }"
        ).rows
    }
    assert {e.row.id: e.category for e in measures.entries} == {
        feature: category for feature, category in full.items() if feature in in_group
    }
    one = diff(kg, "eu-jp-mla", "eu-us-mla", features=["joint-investigation-teams"])
    assert [(e.row.id, e.category) for e in one.entries] == [
        ("joint-investigation-teams", "only_b")
    ]


def test_diff_explains_differing_provisions(kg: KnowledgeGraph) -> None:
    difference = kg.diff("eu-jp-mla", "jp-us-mlat")
    reasons = {e.row.id: e.reasons() for e in difference.differing}
    assert "jp-us-mlat: only recalled" in reasons["refusal-political-offence"]


def test_outline_lists_articles_in_order_with_their_parts(kg: KnowledgeGraph) -> None:
    structure = kg.outline("eu-jp-mla")
    articles = [node for node in structure.parts if node.type == "Article"]
    numbers = [int(node.number) for node in articles]
    assert numbers == sorted(numbers) and numbers[0] == 1
    article_11 = structure.find("Art 11")
    assert article_11.heading == "Grounds for refusal of assistance"
    paragraph = structure.find("Art 11(1)")
    assert [child.citation for child in paragraph.children][:2] == ["Art 11(1)(a)", "Art 11(1)(b)"]
    assert paragraph in article_11.children
    annexes = [node.citation for node in structure.parts if node.type == "Annex"]
    assert annexes == ["Annex I", "Annex II", "Annex III", "Annex IV"]


def test_outline_marks_recalled_numbers(kg: KnowledgeGraph) -> None:
    structure = kg.outline("eu-jp-mla")
    definitions = structure.find("Art 2")
    assert definitions.verification == "recalled"
    assert definitions.line().startswith("Art 2" + RECALLED_MARK)
    text = structure.to_text()
    assert RECALLED_LEGEND in text
    assert "Art 11  “Grounds for refusal of assistance”" in text


def test_outline_carries_each_subdivisions_features_and_candidates(kg: KnowledgeGraph) -> None:
    structure = kg.outline("eu-jp-mla")
    rows = kg.query(
        """PREFIX mla: <https://w3id.org/mla-kg/ontology#>
        SELECT ?i ?s ?r ?f WHERE {
          ?s mla:inInstrument ?i ; ?r ?f . FILTER(?r IN (mla:hasFeature, mla:candidateFeature))
        }""",
        {"i": kg.instrument_iri("eu-jp-mla")},
    ).rows
    expected: dict[str, set[tuple[str, bool]]] = {}
    for r in rows:
        expected.setdefault(str(r["s"]), set()).add(
            (str(r["f"]), str(r["r"]).endswith("candidateFeature"))
        )
    shown = {
        node.iri: {(f.iri, f.candidate) for f in node.features}
        for _, node in structure.walk()
        if node.features
    }
    assert shown == expected
    assert any(candidate for pairs in shown.values() for _, candidate in pairs)  # both kinds met
    for _, node in structure.walk():
        kinds = [(f.candidate, f.label) for f in node.features]
        assert kinds == sorted(kinds)  # annotated first, each kind by label
    point = structure.find("Art 11(1)(b)")
    labels = {f.id: f.label for f in point.features}
    assert labels["refusal-death-penalty-abstract"].startswith(
        "Refusal: offence punishable by death"
    )
    as_data = structure.to_dict()["parts"]
    assert any(part["features"] for part in as_data) or any(
        child["features"] for part in as_data for child in part["children"]
    )


def test_outline_locates_a_subdivision_and_the_parts_above_it(kg: KnowledgeGraph) -> None:
    structure = kg.outline("eu-jp-mla")
    point = structure.find("Art 11(1)(b)")
    above, found = structure.locate(point.iri)
    assert found is point
    assert [node.citation for node in above] == ["Art 11", "Art 11(1)"]
    assert point.anchor == "art-11-para-1-point-b"
    assert structure.locate(structure.find("Art 11").iri)[0] == []
    with pytest.raises(KeyError, match="no subdivision"):
        structure.locate(str(kg.instrument_iri("eu-jp-mla")) + "/art/999")


def test_a_group_filter_keeps_the_groups_it_chose_from(kg: KnowledgeGraph) -> None:
    full = kg.compare(["eu-jp-mla", "eu-us-mla"])
    refusal = kg.compare(["eu-jp-mla", "eu-us-mla"], groups=["refusal"])
    every = [(group, label) for group, label, _ in full.groups()]
    assert full.all_groups == every and len(every) > 1
    assert refusal.all_groups == every  # the choices, not only the group shown
    assert {row.group for row in refusal} == {"refusal"}
    assert "all_groups" not in refusal.to_dict()  # not part of the JSON contract


def test_model_profile_score_is_the_share_of_improved_markers(kg: KnowledgeGraph) -> None:
    profile = kg.model_profile("eu-jp-mla")
    models = {
        str(r["f"]).rsplit("/", 1)[1]: str(r["m"]).rsplit("#", 1)[1]
        for r in kg.query("SELECT ?f ?m WHERE { ?f mla:marks ?m }").rows
    }
    assert profile.markers
    for marker in profile.markers:
        assert marker.model == models[marker.feature]
        assert marker.cell.status == "present"
    improved = sum(m.model == "improved" for m in profile.markers)
    traditional = sum(m.model == "traditional" for m in profile.markers)
    assert profile.score == pytest.approx(improved / (improved + traditional))
    markers = {m.feature for m in profile.markers}
    assert {"videoconference-hearing", "bank-secrecy-excluded"} <= markers  # improved
    assert "central-authority-channel" in markers  # traditional
    assert {m.feature for m in profile.absent_markers} >= {"joint-investigation-teams", "deadlines"}
    assert "improved-cooperation score" in profile.to_text()


# --- the command line ----------------------------------------------------------------------


def _ok(result: CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("instrument", [*THREE, "eu-mla-conv-2000", "eu-us-extradition"])
def test_model_profile_agrees_with_the_model_profile_query(
    kg: KnowledgeGraph, instrument: str
) -> None:
    rows = kg.run("model_profile", instrument=[instrument]).rows
    kinds: dict[str, set[str]] = {}
    for r in rows:
        kinds.setdefault(str(r["featureId"]), set()).add(str(r["kind"]))
    present = {f for f, k in kinds.items() if k & {"provision", "presence"}}
    absent = {f for f, k in kinds.items() if k == {"absence"}}
    profile = kg.model_profile(instrument)
    assert {m.feature for m in profile.markers} == present
    assert {m.feature for m in profile.absent_markers} == absent


def test_cli_compare_prints_the_matrix(run_cli: Callable[..., CompletedProcess[str]]) -> None:
    out = _ok(run_cli("compare", *THREE))
    for label in ("GROUNDS FOR REFUSAL", "MEASURES OF ASSISTANCE", "Art 11(1)(b)", "Art 11(3)"):
        assert label in out
    assert RECALLED_LEGEND in out


def test_cli_compare_json_is_the_api_json(
    run_cli: Callable[..., CompletedProcess[str]], three: Comparison
) -> None:
    out = _ok(run_cli("compare", *THREE, "--format", "json"))
    assert json.loads(out) == json.loads(three.to_json())


def test_cli_compare_group_and_output_file(
    run_cli: Callable[..., CompletedProcess[str]], tmp_path: Path
) -> None:
    target = tmp_path / "refusal.html"
    _ok(run_cli("compare", *THREE, "--group", "refusal", "--format", "html", "-o", target))
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Grounds for refusal" in page and "Measures of assistance" not in page


def test_cli_compare_unknown_id_exits_2(run_cli: Callable[..., CompletedProcess[str]]) -> None:
    result = run_cli("compare", "eu-jp-mla", "eu-xx-mla")
    assert result.returncode == 2
    assert "unknown instrument 'eu-xx-mla'" in result.stderr
    assert all(known in result.stderr for known in THREE)
    assert not result.stdout


def test_cli_compare_unknown_feature_and_group_exit_2(
    run_cli: Callable[..., CompletedProcess[str]],
) -> None:
    feature = run_cli("compare", *THREE, "--feature", "teleportation")
    assert feature.returncode == 2
    assert "unknown feature 'teleportation'" in feature.stderr
    known = ("videoconference-hearing", "joint-investigation-teams")
    assert all(f in feature.stderr for f in known)
    group = run_cli("compare", *THREE, "--group", "refusals")
    assert group.returncode == 2
    assert all(g in group.stderr for g in GROUP_ORDER)


def test_cli_compare_repeated_feature_and_group(
    run_cli: Callable[..., CompletedProcess[str]], three: Comparison
) -> None:
    features = _ok(
        run_cli(
            "compare", *THREE, "--feature", "videoconference-hearing",
            "--feature", "joint-investigation-teams", "--format", "json",
        )
    )  # fmt: skip
    data = json.loads(features)
    validate_comparison_json(data, THREE)
    ids = [f["id"] for f in data["features"]]
    assert ids == ["videoconference-hearing", "joint-investigation-teams"]
    assert data["features"][1] == three.row("joint-investigation-teams").to_dict()
    groups = json.loads(
        _ok(run_cli("compare", *THREE, "-g", "channels", "--group", "refusal", "-f", "json"))
    )
    assert {f["group"] for f in groups["features"]} == {"channels", "refusal"}
    assert len(groups["features"]) == sum(row.group in ("channels", "refusal") for row in three)
    none = run_cli("compare", *THREE, "--feature", "deadlines", "--group", "refusal")
    assert none.returncode == 1 and "no feature" in none.stderr


@pytest.mark.parametrize(
    ("fmt", "start", "dagger"),
    [
        ("csv", "group,feature,label,instrument,status,", RECALLED_MARK),
        ("md", "### Scope and obligation to assist", RECALLED_MARK),
        ("latex", "% Requires \\usepackage{longtable}", "\\textdagger{}"),
        ("table", "", RECALLED_MARK),
        ("json", "{", RECALLED_LEGEND),
    ],
)
def test_cli_compare_writes_each_format_to_a_file(
    run_cli: Callable[..., CompletedProcess[str]],
    tmp_path: Path,
    three: Comparison,
    fmt: str,
    start: str,
    dagger: str,
) -> None:
    target = tmp_path / f"comparison.{fmt}"
    result = run_cli("compare", *THREE, "--format", fmt, "--output", target)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and f"wrote {target}" in result.stderr
    text = target.read_text(encoding="utf-8")
    assert text.startswith(start) and dagger in text
    assert "\x1b[" not in text, "no terminal colour codes in a file"
    expected = {"csv": three.to_csv, "md": three.to_markdown, "latex": three.to_latex}
    if fmt in expected:
        assert text == expected[fmt]()
    if fmt == "json":
        validate_comparison_json(json.loads(text), THREE)
    if fmt == "table":
        assert "GROUNDS FOR REFUSAL" in text and RECALLED_LEGEND in text


def test_cli_diff_formats_and_unknown_id(
    run_cli: Callable[..., CompletedProcess[str]], kg: KnowledgeGraph, tmp_path: Path
) -> None:
    difference = kg.diff("eu-us-mla", "eu-jp-mla")
    table = _ok(run_cli("diff", "eu-us-mla", "eu-jp-mla"))
    assert "Only in eu-us-mla" in table and "Only in eu-jp-mla" in table
    assert "Joint investigation teams" in table and RECALLED_LEGEND in table
    assert json.loads(_ok(run_cli("diff", "eu-us-mla", "eu-jp-mla", "-f", "json"))) == (
        json.loads(difference.to_json())
    )
    target = tmp_path / "diff.md"
    _ok(run_cli("diff", "eu-us-mla", "eu-jp-mla", "--format", "md", "-o", target))
    assert target.read_text(encoding="utf-8") == difference.to_markdown()
    assert RECALLED_MARK in difference.to_markdown() and RECALLED_LEGEND in difference.to_markdown()
    measures = json.loads(
        _ok(run_cli("diff", "eu-us-mla", "eu-jp-mla", "-g", "measures", "-f", "json"))
    )
    assert measures == json.loads(diff(kg, "eu-us-mla", "eu-jp-mla", groups=["measures"]).to_json())
    assert [e["feature"] for e in measures["only_a"]][:1] == ["joint-investigation-teams"]
    unknown = run_cli("diff", "eu-us-mla", "eu-jp-mlaa")
    assert unknown.returncode == 2 and "unknown instrument 'eu-jp-mlaa'" in unknown.stderr
    assert all(known in unknown.stderr for known in THREE)


def test_cli_outline_and_profile(
    run_cli: Callable[..., CompletedProcess[str]], kg: KnowledgeGraph, tmp_path: Path
) -> None:
    text = _ok(run_cli("outline", "eu-jp-mla"))
    assert "Art 11  “Grounds for refusal of assistance”" in text
    assert "Art 2" + RECALLED_MARK in text and RECALLED_LEGEND in text
    outline_json = json.loads(_ok(run_cli("outline", "eu-jp-mla", "--format", "json")))
    assert outline_json == kg.outline("eu-jp-mla").to_dict()
    target = tmp_path / "outline.md"
    _ok(run_cli("outline", "jp-us-mlat", "-f", "md", "-o", target))
    assert target.read_text(encoding="utf-8") == kg.outline("jp-us-mlat").to_markdown()
    profile = kg.model_profile("eu-jp-mla")
    assert _ok(run_cli("profile", "eu-jp-mla")) == profile.to_text()
    assert RECALLED_LEGEND in profile.to_text()
    profile_json = json.loads(_ok(run_cli("profile", "eu-jp-mla", "--format", "json")))
    assert profile_json == json.loads(profile.to_json())
    assert profile_json["instrument"] == "eu-jp-mla" and 0 < profile_json["score"] < 1
    for command in ("outline", "profile"):
        unknown = run_cli(command, "nowhere")
        assert unknown.returncode == 2 and "known instrument ids: " in unknown.stderr


def test_provision_iris_are_subdivisions(kg: KnowledgeGraph, three: Comparison) -> None:
    for row in three:
        for cell in row.cells.values():
            for provision in cell.provisions:
                assert kg.query(
                    "ASK { ?p a mla:Subdivision ; mla:citation ?c }", {"p": URIRef(provision.iri)}
                ).ask


def test_a_comparison_sees_data_loaded_after_an_earlier_comparison(tmp_path: Path) -> None:
    # Instruments' rows are kept between comparisons; loading data must drop them.
    kg = KnowledgeGraph()
    before = kg.compare(["eu-jp-mla", "eu-us-mla"], groups=["measures"])
    assert before.cell("joint-investigation-teams", "eu-jp-mla").status == "absent"
    extra = tmp_path / "jit.ttl"
    extra.write_text(
        """@prefix mla: <https://w3id.org/mla-kg/ontology#> .
<https://w3id.org/mla-kg/id/instrument/eu-jp-mla/unplaced/99>
    mla:inInstrument <https://w3id.org/mla-kg/id/instrument/eu-jp-mla> ;
    mla:hasFeature <https://w3id.org/mla-kg/feature/joint-investigation-teams> ;
    mla:citation "unplaced provision 99" ;
    mla:verification mla:recalled .
""",
        encoding="utf-8",
    )
    kg.load([extra])
    after = kg.compare(["eu-jp-mla", "eu-us-mla"], groups=["measures"])
    cell = after.cell("joint-investigation-teams", "eu-jp-mla")
    assert [p.citation for p in cell.provisions] == ["unplaced provision 99"]
    # The other instrument is unchanged.
    assert (
        after.cell("joint-investigation-teams", "eu-us-mla").to_dict()
        == before.cell("joint-investigation-teams", "eu-us-mla").to_dict()
    )


def test_kept_rows_give_what_a_fresh_graph_gives(kg: KnowledgeGraph) -> None:
    # Compare one set, then overlapping and filtered sets: each equals a first comparison.
    instruments = ["jp-us-mlat", "eu-jp-mla", "coe-mla-1959"]
    kg.compare(["eu-jp-mla", "eu-us-mla"])
    warm = kg.compare(instruments, features=["videoconference-hearing", "bank-secrecy-excluded"])
    fresh = KnowledgeGraph().compare(
        instruments, features=["videoconference-hearing", "bank-secrecy-excluded"]
    )
    assert warm.to_dict() == fresh.to_dict()
    assert kg.compare(instruments).to_json() == KnowledgeGraph().compare(instruments).to_json()


def test_changing_a_comparison_leaves_the_next_one_alone() -> None:
    # Cells are kept between comparisons; a caller editing the one it got must not edit them.
    kg = KnowledgeGraph()
    first = kg.compare(["eu-jp-mla"], features=["bank-secrecy-excluded"])
    cell = first.cell("bank-secrecy-excluded", "eu-jp-mla")
    assert cell.provisions
    cell.provisions.clear()
    cell.attestations.append(cell.attestations[0] if cell.attestations else None)  # type: ignore[arg-type]
    again = kg.compare(["eu-jp-mla"], features=["bank-secrecy-excluded"])
    assert (
        again.to_dict()
        == KnowledgeGraph().compare(["eu-jp-mla"], features=["bank-secrecy-excluded"]).to_dict()
    )
    assert again.cell("bank-secrecy-excluded", "eu-jp-mla").provisions


def test_sources_of_one_table_have_one_name_each() -> None:
    from mla_kg.compare.sources import Source, distinct, legend_entries

    base = "https://w3id.org/mla-kg/id/source/"
    chapter = "https://www.taylorfrancis.com/chapters/edit/10.4324/9781003284710-2"
    sources = {
        # One book chapter cited by two sheets: one name, one legend line with both keys.
        base + "jp-cn-mlat-s8": Source(
            base + "jp-cn-mlat-s8", "s8", "jp-cn-mlat", "Matsuzawa", urls=(chapter,)
        ),
        base + "jp-kr-mlat-s7": Source(
            base + "jp-kr-mlat-s7", "s7", "jp-kr-mlat", "Matsuzawa", urls=(chapter,)
        ),
        # Two documents that share a name are told apart by sheet and key.
        base + "a-s1": Source(base + "a-s1", "s1", "a", "MOFA", urls=("https://www.mofa.go.jp/1",)),
        base + "b-s2": Source(base + "b-s2", "s2", "b", "MOFA", urls=("https://www.mofa.go.jp/2",)),
    }
    named = distinct(sources)
    assert named[base + "jp-cn-mlat-s8"].name == named[base + "jp-kr-mlat-s7"].name == "Matsuzawa"
    assert {named[base + "a-s1"].name, named[base + "b-s2"].name} == {"MOFA (a s1)", "MOFA (b s2)"}
    entries = legend_entries(named)
    assert [e.name for e in entries] == ["Matsuzawa", "MOFA (a s1)", "MOFA (b s2)"]
    assert entries[0].text() == (
        f"Matsuzawa: {chapter}; key s8 in research/jp-cn-mlat.yaml; "
        "key s7 in research/jp-kr-mlat.yaml"
    )
    # The JSON keeps the graph's name, so a rebuilt comparison tells names apart as the CLI does.
    rebuilt = Source.from_dict(base + "a-s1", named[base + "a-s1"].to_dict())
    assert (rebuilt.short_name, rebuilt.name) == ("MOFA", "MOFA")
