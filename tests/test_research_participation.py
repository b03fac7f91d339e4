"""Who is bound by each multilateral instrument: research/participation/*.yaml and what it becomes.

The research files are checked by the schema of ``tools/research_import/participation_records.py``
(every file loads; a broken file fails naming file, key and problem); every file lists every State
the issue requires; the converted graph gives the dates the depositaries show (Budapest: Japan
2012-11-01, Germany 2009-07-01, the UK 2011-09-01) and today's finder uses them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from rdflib import URIRef

from mla_kg import KnowledgeGraph
from mla_kg.planning.legal_basis import legal_bases

REPO = Path(__file__).resolve().parents[1]
FOLDER = REPO / "research" / "participation"
FILES = sorted(FOLDER.glob("*.yaml"))
EU = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
#: The States every participation file must list: the Member States, the UK, Japan, the US and
#: the partners of Japan's bilateral MLA treaties.
REQUIRED = {*EU, "GB", "JP", "US", "KR", "CN", "RU", "BR", "VN", "CA"}
INSTRUMENTS = {
    "untoc-2000",
    "uncac-2003",
    "un-drugs-1988",
    "budapest-2001",
    "coe-mla-1959",
    "coe-mla-ap-1978",
    "coe-mla-2ap-2001",
    "eu-mla-conv-2000",
    "eu-mla-prot-2001",
    "eio-directive-2014",
}
MLA = "https://w3id.org/mla-kg/ontology#"
INSTRUMENT = "https://w3id.org/mla-kg/id/instrument/"

PARTICIPATION = """
SELECT ?p ?instrument ?participant ?bound ?from ?status WHERE {
  ?p a mla:Participation ; mla:instrument ?instrument ; mla:participant ?participant ;
     mla:bound ?bound ; mla:verification ?status .
  OPTIONAL { ?p mla:from ?from }
}
"""


@pytest.fixture(scope="module")
def module() -> ModuleType:
    """tools/research_import/participation_records.py, imported."""
    return import_module("tools.research_import.participation_records")


def test_there_is_one_file_per_multilateral_instrument() -> None:
    assert {path.stem for path in FILES} == INSTRUMENTS


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_passes_the_schema_and_lists_every_required_state(
    module: ModuleType, path: Path
) -> None:
    parsed = module.load(path)
    listed = {row.state for row in parsed.states}
    missing = sorted(REQUIRED - listed)
    assert not missing, f"{path.name}: add a row (bound: unknown if need be) for {missing}"


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / f"{data['instrument']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


MINIMAL: dict[str, Any] = {
    "instrument": "example-conv",
    "depositary": "Secretary-General",
    "sources": {"chart": {"url": "https://example.org/chart", "what": "chart", "kind": "official"}},
    "states": [
        {
            "state": "DE",
            "bound": True,
            "consent": "ratification",
            "consent_date": dt.date(2009, 3, 9),
            "in_force": dt.date(2009, 7, 1),
            "status": "official",
            "source": ["chart"],
        }
    ],
}


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (lambda d: d["states"][0].pop("bound"), "states.0", "give bound"),
        (lambda d: d["states"][0].update(bound="maybe"), "states.0.bound", "bool"),
        (lambda d: d["states"][0].pop("consent"), "states.0", "consent_date needs consent"),
        (lambda d: d["states"][0].update(signd=dt.date(2001, 1, 1)), "states.0.signd", "Extra"),
        (
            lambda d: d["states"][0].update(bound="unknown", status=None, source=None),
            "states.0",
            "no consent or entry-into-force date",
        ),
        (lambda d: d["states"].append(dict(d["states"][0])), "states.1.state", "DE twice"),
        (lambda d: d["sources"]["chart"].update(kind="blog"), "sources.chart.kind", "official"),
    ],
)
def test_schema_names_file_key_and_problem(
    module: ModuleType,
    tmp_path: Path,
    change: Callable[[dict[str, Any]], Any],
    key: str,
    problem: str,
) -> None:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    change(data)
    with pytest.raises(module.ParticipationError) as raised:
        module.load(_write(tmp_path, data))
    assert raised.value.file == "example-conv.yaml"
    assert raised.value.key == key
    assert problem in raised.value.problem


@pytest.mark.parametrize(
    "weaken",
    [
        lambda d: d["sources"]["chart"].update(kind="non-official"),
        lambda d: d["states"][0].update(source=["recall"]),
    ],
    ids=["non-official source", "only the researcher's recollection"],
)
def test_an_official_row_needs_an_official_source(
    module: ModuleType, tmp_path: Path, weaken: Callable[[dict[str, Any]], Any]
) -> None:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    weaken(data)
    parsed = module.load(_write(tmp_path, data))
    instrument = URIRef(INSTRUMENT + "example-conv")
    converter = module.Converter(
        parsed, "example-conv.yaml", _graph_with(instrument), _graph(), {"DE": ()}, _graph
    )
    with pytest.raises(module.ParticipationError, match="official needs a source of that kind"):
        converter.convert()


def _graph() -> Any:
    from rdflib import Graph

    return Graph()


def _graph_with(instrument: URIRef) -> Any:
    from rdflib.namespace import RDF

    graph = _graph()
    graph.add((instrument, RDF.type, URIRef(MLA + "Instrument")))
    return graph


def _record(kg: KnowledgeGraph, instrument: str, state: str) -> dict[str, Any]:
    rows = kg.query(
        PARTICIPATION,
        {
            "instrument": URIRef(INSTRUMENT + instrument),
            "participant": URIRef(f"https://w3id.org/mla-kg/id/state/{state}"),
        },
    ).rows
    assert len(rows) == 1, f"{instrument}/{state}: {len(rows)} participation records"
    return rows[0]


@pytest.mark.parametrize(
    ("state", "first_day", "status"),
    [("JP", dt.date(2012, 11, 1), "official"), ("DE", dt.date(2009, 7, 1), "recalled")],
)
def test_budapest_dates_are_recorded(
    kg: KnowledgeGraph, state: str, first_day: dt.date, status: str
) -> None:
    row = _record(kg, "budapest-2001", state)
    assert row["from"].toPython() == first_day
    # Germany's entry-into-force cell was cut off in the chart copy: the day is computed.
    assert row["status"] == URIRef(MLA + status)


def test_the_uk_is_bound_by_budapest_from_2011(kg: KnowledgeGraph) -> None:
    row = _record(kg, "budapest-2001", "GB")
    assert row["bound"].toPython() is True
    assert row["from"].toPython() == dt.date(2011, 9, 1)


def test_every_instrument_state_pair_has_at_most_one_record(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        "SELECT ?i ?s (COUNT(?p) AS ?n) WHERE { ?p a mla:Participation ; mla:instrument ?i ;"
        " mla:participant ?s } GROUP BY ?i ?s HAVING (COUNT(?p) > 1)"
    ).rows
    assert not rows, f"pairs with several participation records: {rows}"


def test_germany_to_japan_in_2014_rests_on_budapest_with_both_dates(kg: KnowledgeGraph) -> None:
    found = legal_bases(kg, "DE", "JP", on="2014-06-01")
    basis = next(b for b in found.bases if b.instrument == "budapest-2001")
    reasons = " ".join(str(r) for r in basis.reasons)
    assert "2012-11-01" in reasons and "2009-07-01" in reasons


def test_budapest_does_not_apply_before_japan_is_bound(kg: KnowledgeGraph) -> None:
    found = legal_bases(kg, "DE", "JP", on="2012-06-01")
    assert "budapest-2001" not in [b.instrument for b in found.bases]
    why = next(e.why for e in found.excluded if e.instrument == "budapest-2001")
    assert "JP not yet bound" in why and "2012-11-01" in why


def test_the_uk_to_japan_in_2019_rests_on_budapest(kg: KnowledgeGraph) -> None:
    found = legal_bases(kg, "GB", "JP", on="2019-06-01")
    assert "budapest-2001" in [b.instrument for b in found.bases]


def test_declarations_carry_provision_effect_and_source(kg: KnowledgeGraph) -> None:
    rows = kg.query(
        "SELECT ?d ?cited ?effect ?status WHERE { ?d a mla:Reservation ;"
        " mla:declaringState <https://w3id.org/mla-kg/id/state/JP> ;"
        " mla:instrument <https://w3id.org/mla-kg/id/instrument/budapest-2001> ;"
        " mla:provisionCited ?cited ; mla:declarationEffect ?effect ; mla:verification ?status }"
    ).rows
    cited = {(str(r["cited"]), str(r["effect"]).rsplit("#", 1)[1]) for r in rows}
    assert ("Art 29(4)", "requiresDualCriminality") in cited
    assert all(r["status"] == URIRef(MLA + "official") for r in rows)


def test_the_1978_protocol_file_converts_once_its_instrument_exists(module: ModuleType) -> None:
    # The instrument record of the 1978 Protocol is added on another branch; until it is merged
    # the converter skips this file. Convert it against a stand-in instrument to check it now.
    from rdflib.namespace import RDF

    path = FOLDER / "coe-mla-ap-1978.yaml"
    parsed = module.load(path)
    instrument = URIRef(INSTRUMENT + "coe-mla-ap-1978")
    states = {row.state: () for row in parsed.states}
    converter = module.Converter(
        parsed, path.name, _graph_with(instrument), _graph(), states, _graph
    )
    graph = converter.convert()
    austria = URIRef(INSTRUMENT + "coe-mla-ap-1978/participation/AT")
    assert (austria, RDF.type, URIRef(MLA + "Participation")) in graph
    assert str(graph.value(austria, URIRef(MLA + "from"))) == "1983-07-31"
    assert converter.counts["unknown"] == 2  # Brazil and Korea
