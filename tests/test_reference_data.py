"""Every fact sheet of research/ is in the graph, section by section, as the sheet says.

Two kinds of checks. Against the bundled data (``data/*.ttl``): each article, paragraph and
described point a sheet lists exists under the IRI the house rules give it and carries exactly the
sheet's verification status. Against a fresh run of the converter: every top-level section of
every sheet is consumed (nothing dropped silently), and the sections the model has no dedicated
terms for (``clause_check``, ``japan``, ``sentences``, ``channels``, ``open_questions``) land where
data/README.md says they do. The sheets are read from the repository's research/ folder.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

import tools.research_import as research_import
from mla_kg.paths import data_files

RESEARCH_DIR = Path(__file__).resolve().parents[1] / "research"

REPO = Path(__file__).resolve().parents[1]
MLA = Namespace("https://w3id.org/mla-kg/ontology#")
INSTRUMENT = "https://w3id.org/mla-kg/id/instrument/"
STATE = "https://w3id.org/mla-kg/id/state/"
#: Files of research/ that are not instrument fact sheets.
NOT_INSTRUMENT_SHEETS = {"features.yaml", "membership.yaml", "curation.yaml"}

DATA = Graph()
for _path in data_files():
    DATA.parse(_path, format="turtle")


def _converter() -> ModuleType:
    return research_import


@pytest.fixture(scope="module")
def research() -> Path:
    """Return the research folder of ../shared."""
    return RESEARCH_DIR


@pytest.fixture(scope="module")
def sheets(research: Path) -> dict[str, dict[str, Any]]:
    """Return every instrument fact sheet, by instrument id."""
    out = {}
    for path in sorted(research.glob("*.yaml")):
        if path.name not in NOT_INSTRUMENT_SHEETS:
            out[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return out


@pytest.fixture(scope="module")
def fresh(research: Path) -> tuple[ModuleType, dict[str, Graph]]:
    """Return the converter module and a fresh in-memory conversion of all sheets."""
    module = _converter()
    outputs, _ = module.convert(research, module.DEFAULT_INSTRUMENTS)
    graphs = {name: Graph().parse(data=text, format="turtle") for name, text in outputs.items()}
    return module, graphs


def _status(value: str) -> URIRef:
    return MLA[value]


def _paragraph_iri(article: str, para: dict[str, Any], order: int, module: ModuleType) -> str:
    raw = para.get("number")
    if raw is None or para.get("unnumbered"):
        editorial = str(raw).strip() if para.get("unnumbered") and raw is not None else str(order)
        return f"{article}/para/u{module.slug(editorial)}"
    return f"{article}/para/{module.slug(str(raw).strip())}"


def _expected_subdivisions(
    instrument: str, sheet: dict[str, Any], module: ModuleType
) -> list[tuple[str, str]]:
    """Return (IRI, status) of every article, paragraph and described point a sheet lists."""
    out = []
    for art in sheet.get("articles") or []:
        article = f"{INSTRUMENT}{instrument}/art/{module.slug(str(art['number']).strip())}"
        out.append((article, art["status"]))
        for order, para in enumerate(art.get("paragraphs") or [], start=1):
            paragraph = _paragraph_iri(article, para, order, module)
            out.append((paragraph, para["status"]))
            for detail in para.get("points_detail") or []:
                out.append((f"{paragraph}/point/{detail['point']}", detail["status"]))
    return out


def test_every_instrument_sheet_is_converted_by_default(
    sheets: dict[str, dict[str, Any]],
) -> None:
    module = _converter()
    assert set(module.DEFAULT_INSTRUMENTS) == set(sheets), (
        "DEFAULT_INSTRUMENTS (tools/research_import/instruments.py) must list every fact sheet; "
        f"missing {sorted(set(sheets) - set(module.DEFAULT_INSTRUMENTS))}"
    )


def test_every_article_and_paragraph_is_in_the_graph_with_the_sheet_status(
    sheets: dict[str, dict[str, Any]],
) -> None:
    module = _converter()
    problems = []
    checked = 0
    for instrument, sheet in sheets.items():
        for iri, status in _expected_subdivisions(instrument, sheet, module):
            node = URIRef(iri)
            if (node, RDF.type, MLA.Subdivision) not in DATA:
                problems.append(f"{iri} is missing")
                continue
            recorded = set(DATA.objects(node, MLA.verification))
            if recorded != {_status(status)}:
                problems.append(f"{iri}: sheet says {status}, graph has {sorted(recorded)}")
            checked += 1
    assert not problems, "\n".join(problems[:20])
    assert checked >= 400, f"only {checked} subdivisions checked: are the sheets all there?"


@pytest.mark.parametrize(
    ("instrument", "citation", "status"),
    [
        ("eu-us-extradition", "Art 13 [1]", "scholarly"),
        ("eu-us-extradition", "Art 13", "official"),
        ("eu-mla-conv-2000", "Art 4(1)", "official"),
        ("eu-mla-conv-2000", "Art 10(1)", "scholarly"),
        ("eu-mla-conv-2000", "Art 13(1)", "scholarly"),
        ("eu-mla-prot-2001", "Art 7(1)", "official"),
    ],
)
def test_provisions_the_comparison_relies_on(instrument: str, citation: str, status: str) -> None:
    nodes = [
        n
        for n in DATA.subjects(MLA.citation, Literal(citation))
        if (n, MLA.inInstrument, URIRef(INSTRUMENT + instrument)) in DATA
    ]
    assert len(nodes) == 1, f"{instrument} {citation}: {len(nodes)} nodes"
    assert DATA.value(nodes[0], MLA.verification) == _status(status)


def test_every_section_of_every_sheet_is_consumed(
    research: Path, sheets: dict[str, dict[str, Any]]
) -> None:
    module = _converter()
    features = module.read_features(research)
    curation = yaml.safe_load(module.CURATION_FILE.read_text(encoding="utf-8"))
    for instrument in sheets:
        sheet = module.Sheet(
            research / f"{instrument}.yaml", features, curation, module.new_graph()
        )
        sheet.convert()  # raises ResearchError on any key no converter handled
        left = set(sheet.root.data) - sheet.root.used
        assert not left, f"{instrument}.yaml: sections not consumed: {sorted(left)}"


def test_membership_sheet_is_converted_into_its_own_files(
    fresh: tuple[ModuleType, dict[str, Graph]],
) -> None:
    module, graphs = fresh
    assert f"{module.MEMBERSHIP_ID}.ttl" in graphs
    assert f"{module.JP_ACT_ID}.ttl" in graphs
    act = URIRef(INSTRUMENT + module.JP_ACT_ID)
    assert (act, RDF.type, MLA.DomesticLaw) in graphs[f"{module.JP_ACT_ID}.ttl"]


def test_japan_act_reciprocity_provision(research: Path) -> None:
    sheet = yaml.safe_load((research / "membership.yaml").read_text(encoding="utf-8"))
    items = sheet["japan_domestic_basis"]["channel_and_procedure"]
    art4 = next(i for i in items if i["provision"] == "Art 4")
    node = URIRef(INSTRUMENT + "jp-act-assistance-1980/art/4")
    assert DATA.value(node, MLA.verification) == _status(art4["status"])
    assert Literal("reciprocity-guarantee") in set(DATA.objects(node, MLA.proposedFeature))
    assert (
        URIRef(INSTRUMENT + "jp-act-assistance-1980"),
        MLA.party,
        URIRef(STATE + "JP"),
    ) in DATA


def test_clause_checks_become_attestations_or_notes(sheets: dict[str, dict[str, Any]]) -> None:
    module = _converter()
    seen = 0
    for instrument, sheet in sheets.items():
        iri = URIRef(INSTRUMENT + instrument)
        for key, check in (sheet.get("clause_check") or {}).items():
            seen += 1
            fid = module.CLAUSE_CHECK_FEATURES[key]
            if check["present"] is True or check["present"] is False:
                segment = "presence" if check["present"] else "absence"
                node = URIRef(f"{iri}/{segment}/{fid}")
                assert DATA.value(node, MLA.verification) == _status(check["status"]), node
            else:
                label = key.replace("_", " ")
                notes = [str(n) for n in DATA.objects(iri, MLA.note)]
                assert any(n.startswith(f"Clause check, {label}") for n in notes), (
                    f"{instrument}: clause check {key} is neither attested nor noted"
                )
    assert seen >= 12


def test_japan_sections_become_japan_participation(sheets: dict[str, dict[str, Any]]) -> None:
    seen = 0
    for instrument, sheet in sheets.items():
        japan = sheet.get("japan")
        if japan is None:
            continue
        seen += 1
        node = URIRef(f"{INSTRUMENT}{instrument}/participation/JP")
        eif = japan["entry_into_force_for_japan"]
        assert DATA.value(node, MLA["from"]).toPython() == eif["date"], node
        assert DATA.value(node, MLA.verification) == _status(eif["status"]), node
        assert DATA.value(node, MLA.bound) == Literal(True)
        for reservation in japan.get("reservations_declarations") or []:
            texts = [str(r) for r in DATA.objects(node, MLA.reservation)]
            assert any(t.startswith(reservation["provision"]) for t in texts), reservation
    assert seen == 4


def test_sentences_are_kept_on_their_paragraph(sheets: dict[str, dict[str, Any]]) -> None:
    module = _converter()
    seen = 0
    for instrument, sheet in sheets.items():
        for art in sheet.get("articles") or []:
            article = f"{INSTRUMENT}{instrument}/art/{module.slug(str(art['number']))}"
            for order, para in enumerate(art.get("paragraphs") or [], start=1):
                node = URIRef(_paragraph_iri(article, para, order, module))
                notes = [str(n) for n in DATA.objects(node, MLA.note)]
                for sentence in para.get("sentences") or []:
                    seen += 1
                    prefix = f"Sentence {sentence['n']} ({sentence['status']}"
                    assert any(n.startswith(prefix) for n in notes), (node, sentence["n"])
    assert seen == 3


def test_channels_become_presences(sheets: dict[str, dict[str, Any]]) -> None:
    for instrument, sheet in sheets.items():
        channels = sheet.get("channels")
        if channels is None:
            continue
        for fid in channels["features"]:
            node = URIRef(f"{INSTRUMENT}{instrument}/presence/{fid}")
            assert (node, RDF.type, MLA.Presence) in DATA, node
            assert DATA.value(node, MLA.verification) is not None


def test_open_questions_are_kept(sheets: dict[str, dict[str, Any]]) -> None:
    for instrument, sheet in sheets.items():
        notes = {str(n) for n in DATA.objects(URIRef(INSTRUMENT + instrument), MLA.note)}
        for question in sheet.get("open_questions") or []:
            assert f"Open question: {' '.join(question.split())}" in notes, (instrument, question)


def test_lineage_links_are_carried_by_sourced_claims() -> None:
    expected = {
        ("eu-jp-mla/art/16", "eu-mla-conv-2000/art/10"),
        ("eu-jp-mla/art/11/para/1/point/b", "eu-us-extradition/art/13"),
        ("eu-jp-mla/art/11/para/3", "eu-mla-prot-2001/art/7"),
    }
    links = {
        (str(s)[len(INSTRUMENT) :], str(o)[len(INSTRUMENT) :])
        for s, o in DATA.subject_objects(MLA.modelledOn)
    }
    assert expected <= links, f"missing lineage: {sorted(expected - links)}"
    for later, earlier in links:
        claims = set(DATA.subjects(MLA.lineageFrom, URIRef(INSTRUMENT + later))) & set(
            DATA.subjects(MLA.lineageTo, URIRef(INSTRUMENT + earlier))
        )
        assert claims, f"{later} -> {earlier} has no claim"
        for claim in claims:
            assert DATA.value(claim, MLA.pinpoint) is not None, claim
            assert DATA.value(claim, MLA.source) is not None, claim
