"""Who is bound by what, and when: EU membership and participation in the instruments.

Asked of the bundled graph with SPARQL on both embedded engines (``any_kg``). Dates and statuses
are compared with the fact sheets where they are at hand (research/) and, for the dates
the issue names, also with the values the sheets give today, so that a changed sheet shows up here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import Literal, URIRef

from mla_kg import KnowledgeGraph

RESEARCH_DIR = Path(__file__).resolve().parents[1] / "research"

MLA = "https://w3id.org/mla-kg/ontology#"
INSTRUMENT = "https://w3id.org/mla-kg/id/instrument/"
STATE = "https://w3id.org/mla-kg/id/state/"
SOURCE = "https://w3id.org/mla-kg/id/source/"
EU_MEMBER_STATES = (
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)

MEMBERSHIP = """
SELECT ?state ?from ?until ?boundUntil ?status WHERE {
  ?m a mla:Membership ;
     mla:member ?state ;
     mla:organisation <https://w3id.org/mla-kg/id/org/EU> ;
     mla:from ?from ;
     mla:verification ?status .
  OPTIONAL { ?m mla:until ?until }
  OPTIONAL { ?m mla:boundUntil ?boundUntil }
}
"""

PARTICIPATION = """
SELECT ?instrument ?participant ?bound ?from ?until ?mode ?status WHERE {
  ?p a mla:Participation ;
     mla:instrument ?instrument ;
     mla:participant ?participant ;
     mla:bound ?bound ;
     mla:verification ?status .
  OPTIONAL { ?p mla:from ?from }
  OPTIONAL { ?p mla:until ?until }
  OPTIONAL { ?p mla:mode ?mode }
}
"""

SOURCES = """
SELECT ?instrument ?participant ?source WHERE {
  ?p a mla:Participation ;
     mla:instrument ?instrument ;
     mla:participant ?participant ;
     mla:source ?source .
}
"""


def _membership(kg: KnowledgeGraph, iso: str) -> dict[str, Any]:
    rows = kg.query(MEMBERSHIP, {"state": URIRef(STATE + iso)}).rows
    assert len(rows) == 1, f"{iso}: {len(rows)} EU memberships"
    return rows[0]


def _participation(kg: KnowledgeGraph, instrument: str, participant: str) -> dict[str, Any]:
    who = (
        URIRef(STATE + participant)
        if participant != "EU"
        else URIRef("https://w3id.org/mla-kg/id/org/EU")
    )
    rows = kg.query(
        PARTICIPATION, {"instrument": URIRef(INSTRUMENT + instrument), "participant": who}
    ).rows
    assert len(rows) == 1, f"{instrument}/{participant}: {len(rows)} participations"
    return rows[0]


def _date(row: dict[str, Any], key: str) -> dt.date | None:
    value = row.get(key)
    return None if value is None else value.toPython()


def _sheet(name: str) -> dict[str, Any]:
    return yaml.safe_load((RESEARCH_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


# --- EU membership ---------------------------------------------------------------------------


def test_every_member_state_and_the_uk_has_an_eu_membership(any_kg: KnowledgeGraph) -> None:
    for iso in [*EU_MEMBER_STATES, "GB"]:
        _membership(any_kg, iso)
    rows = any_kg.query("SELECT ?m WHERE { ?m a mla:Membership }").rows
    assert len(rows) == 28


def test_uk_withdrawal_and_end_of_transition(any_kg: KnowledgeGraph) -> None:
    row = _membership(any_kg, "GB")
    assert _date(row, "from") == dt.date(1973, 1, 1)
    assert _date(row, "until") == dt.date(2020, 1, 31)
    assert _date(row, "boundUntil") == dt.date(2020, 12, 31)
    # One verification per node: the accession day is recalled in the sheet (year official).
    assert row["status"] == URIRef(MLA + "recalled")


def test_uk_dates_are_the_sheet_dates(any_kg: KnowledgeGraph) -> None:
    uk = _sheet("membership")["former_member_states"][0]
    row = _membership(any_kg, "GB")
    assert _date(row, "until") == uk["withdrawal"]["date"]
    assert _date(row, "boundUntil") == uk["transition_period_end"]["date"]
    sources = {
        str(r["s"])
        for r in any_kg.query(
            "SELECT ?s WHERE { <https://w3id.org/mla-kg/id/org/EU/membership/GB> mla:source ?s }"
        ).rows
    }
    assert SOURCE + "membership-s7" in sources, "withdrawal dates rest on CNMV (s7)"


def test_croatia_joins_on_1_july_2013(any_kg: KnowledgeGraph) -> None:
    row = _membership(any_kg, "HR")
    assert _date(row, "from") == dt.date(2013, 7, 1)
    assert "until" not in row
    sheet = {m["state"]: m for m in _sheet("membership")["member_states"]}
    assert row["status"] == URIRef(MLA + sheet["HR"]["date_status"])


# --- the EU-Japan agreement's reach ------------------------------------------------------------


def test_denmark_is_not_bound_by_the_eu_japan_agreement(any_kg: KnowledgeGraph) -> None:
    row = _participation(any_kg, "eu-jp-mla", "DK")
    assert row["bound"] == Literal(False)
    assert row["mode"] == URIRef(MLA + "optOut")
    assert row["status"] == URIRef(MLA + "scholarly")


@pytest.mark.parametrize("iso", ["IE", "GB"])
def test_ireland_and_the_uk_opted_in(any_kg: KnowledgeGraph, iso: str) -> None:
    row = _participation(any_kg, "eu-jp-mla", iso)
    assert row["bound"] == Literal(True)
    assert row["mode"] == URIRef(MLA + "optIn")


def test_uk_bound_by_the_eu_japan_agreement_until_end_of_transition(
    any_kg: KnowledgeGraph,
) -> None:
    row = _participation(any_kg, "eu-jp-mla", "GB")
    assert _date(row, "until") == dt.date(2020, 12, 31)
    assert row["status"] == URIRef(MLA + "recalled")


def test_croatia_bound_by_the_eu_japan_agreement_from_accession(any_kg: KnowledgeGraph) -> None:
    row = _participation(any_kg, "eu-jp-mla", "HR")
    assert row["bound"] == Literal(True)
    assert _date(row, "from") == dt.date(2013, 7, 1)
    assert row["mode"] == URIRef(MLA + "accession")


def test_membership_sheet_confirms_denmark_in_the_2000_convention(any_kg: KnowledgeGraph) -> None:
    row = _participation(any_kg, "eu-mla-conv-2000", "DK")
    assert row["bound"] == Literal(True)
    sources = {
        str(r["source"])
        for r in any_kg.query(
            SOURCES,
            {
                "instrument": URIRef(INSTRUMENT + "eu-mla-conv-2000"),
                "participant": URIRef(STATE + "DK"),
            },
        ).rows
    }
    assert SOURCE + "membership-s15" in sources


# --- Japan and the multilateral conventions ----------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "date", "status"),
    [
        ("budapest-2001", dt.date(2012, 11, 1), "official"),
        ("untoc-2000", dt.date(2017, 8, 10), "official"),
        ("uncac-2003", dt.date(2017, 8, 10), "official"),
        ("un-drugs-1988", dt.date(1992, 9, 10), "recalled"),
    ],
)
def test_japan_bound_by_multilateral_conventions(
    any_kg: KnowledgeGraph, instrument: str, date: dt.date, status: str
) -> None:
    row = _participation(any_kg, instrument, "JP")
    assert row["bound"] == Literal(True)
    assert _date(row, "from") == date
    assert row["status"] == URIRef(MLA + status)
    eif = _sheet(instrument)["japan"]["entry_into_force_for_japan"]
    assert (eif["date"], eif["status"]) == (date, status), "the sheet changed: update this test"


@pytest.mark.parametrize("instrument", ["coe-mla-1959", "coe-mla-2ap-2001"])
def test_japan_is_not_a_party_to_the_council_of_europe_mla_conventions(
    any_kg: KnowledgeGraph, instrument: str
) -> None:
    assert _participation(any_kg, instrument, "JP")["bound"] == Literal(False)


def _research_row(instrument: str, iso: str) -> dict[str, Any]:
    path = RESEARCH_DIR / "participation" / f"{instrument}.yaml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["states"]
    return next(row for row in rows if row["state"] == iso)


def _day(value: Any) -> dt.date | None:
    return value["date"] if isinstance(value, dict) else value


# The research files (research/participation/) replaced the undated 'near-universal' inferences:
# each record now follows its row, and a date appears only where the row gives one.
@pytest.mark.parametrize("instrument", ["untoc-2000", "uncac-2003", "un-drugs-1988"])
@pytest.mark.parametrize("iso", ["US", "GB", "KR", "CN", "RU", "DE", "HR"])
def test_participation_follows_its_research_row_and_invents_no_date(
    any_kg: KnowledgeGraph, instrument: str, iso: str
) -> None:
    research = _research_row(instrument, iso)
    row = _participation(any_kg, instrument, iso)
    assert row["bound"] == Literal(research["bound"])
    assert _date(row, "from") == _day(research.get("in_force")), "mla:from is the row's in_force"
    if research["status"] == "recalled":
        assert row["status"] == URIRef(MLA + "recalled")
    sources = {
        str(r["source"])
        for r in any_kg.query(
            SOURCES,
            {"instrument": URIRef(INSTRUMENT + instrument), "participant": URIRef(STATE + iso)},
        ).rows
    }
    keys = set(research["source"])
    for step in ("signed", "consent_date", "in_force"):
        if isinstance(research.get(step), dict):
            keys |= set(research[step].get("source") or [])
    assert sources == {
        SOURCE
        + (
            f"research-participation-{instrument}"
            if key == "recall"
            else f"participation-{instrument}-{key}"
        )
        for key in keys
    }


UNKNOWN = sorted(
    (path.stem, row["state"])
    for path in (RESEARCH_DIR / "participation").glob("*.yaml")
    for row in yaml.safe_load(path.read_text(encoding="utf-8"))["states"]
    if row.get("bound") == "unknown"
)


@pytest.mark.parametrize(("instrument", "iso"), UNKNOWN, ids=[f"{i}-{s}" for i, s in UNKNOWN])
def test_no_participation_where_the_research_did_not_establish_one(
    any_kg: KnowledgeGraph, instrument: str, iso: str
) -> None:
    rows = any_kg.query(
        PARTICIPATION,
        {"instrument": URIRef(INSTRUMENT + instrument), "participant": URIRef(STATE + iso)},
    ).rows
    assert rows == [], f"{instrument}/{iso} is 'bound: unknown' in the research: no record"


# --- bilateral instruments ---------------------------------------------------------------------

BILATERAL = {
    "jp-us-mlat": ("JP", "US"),
    "jp-kr-mlat": ("JP", "KR"),
    "jp-cn-mlat": ("JP", "CN"),
    "jp-hk-mlaa": ("JP", "HK"),
    "jp-ru-mlat": ("JP", "RU"),
    "eu-us-mla": ("EU", "US"),
    "eu-us-extradition": ("EU", "US"),
}


@pytest.mark.parametrize("instrument", sorted(BILATERAL))
def test_bilateral_parties_bound_from_entry_into_force(
    any_kg: KnowledgeGraph, instrument: str
) -> None:
    eif = _sheet(instrument)["entry_into_force"]
    for party in BILATERAL[instrument]:
        row = _participation(any_kg, instrument, party)
        assert row["bound"] == Literal(True)
        assert _date(row, "from") == eif["date"]
        assert row["status"] == URIRef(MLA + eif["status"])
        assert row["mode"] == URIRef(MLA + "asParty")


@pytest.mark.parametrize(
    ("instrument", "day", "source"),
    [("jp-us-mlat", dt.date(2006, 7, 21), "s15"), ("jp-cn-mlat", dt.date(2008, 11, 23), "s9")],
)
def test_japan_us_and_china_in_force_from_the_mofa_release_of_2009(
    any_kg: KnowledgeGraph, instrument: str, day: dt.date, source: str
) -> None:
    # Issue 13: the MOFA press release of 15 Dec 2009 lists both dates (seen in the stored page);
    # the participations of both parties are official from that day, citing that release.
    for party in BILATERAL[instrument]:
        row = _participation(any_kg, instrument, party)
        assert _date(row, "from") == day
        assert row["status"] == URIRef(MLA + "official")
        sources = {
            str(r["source"])
            for r in any_kg.query(
                SOURCES,
                {
                    "instrument": URIRef(INSTRUMENT + instrument),
                    "participant": URIRef(STATE + party),
                },
            ).rows
        }
        assert sources == {SOURCE + f"{instrument}-{source}"}


def test_japan_korea_treaty_dates(any_kg: KnowledgeGraph) -> None:
    row = _participation(any_kg, "jp-kr-mlat", "KR")
    assert _date(row, "from") == dt.date(2007, 1, 26)
    assert row["status"] == URIRef(MLA + "official")


# --- the EIO Directive and Japan's Act -------------------------------------------------------


def test_eio_directive_binds_neither_denmark_nor_ireland(any_kg: KnowledgeGraph) -> None:
    assert _participation(any_kg, "eio-directive-2014", "DK")["bound"] == Literal(False)
    assert _participation(any_kg, "eio-directive-2014", "IE")["bound"] == Literal(False)
    uk = _participation(any_kg, "eio-directive-2014", "GB")
    assert _date(uk, "until") == dt.date(2020, 12, 31)
    assert uk["status"] == URIRef(MLA + "recalled")
    be = _participation(any_kg, "eio-directive-2014", "BE")
    assert _date(be, "from") == dt.date(2017, 5, 22)


def test_japan_act_binds_japan(any_kg: KnowledgeGraph) -> None:
    row = _participation(any_kg, "jp-act-assistance-1980", "JP")
    assert row["bound"] == Literal(True)
    assert "from" not in row
    assert row["status"] == URIRef(MLA + "official")


def test_the_participation_query_gives_one_row_per_record(any_kg: KnowledgeGraph) -> None:
    result = any_kg.run("participation")
    records = [str(row["participation"]) for row in result.rows]
    assert len(records) == len(set(records)) > 100
    count = any_kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?p a mla:Participation }").rows[0]["n"]
    assert len(records) == int(count)  # type: ignore[call-overload]
    # A record's several sources, notes and reservations are all in its one row.
    gb = next(
        r for r in result.rows if str(r["participation"]).endswith("eu-jp-mla/participation/GB")
    )
    sources = any_kg.query(
        "SELECT ?p ?s WHERE { ?p mla:source ?s }", {"p": gb["participation"]}
    ).rows
    assert sorted(str(gb["source"]).split()) == sorted(str(r["s"]) for r in sources)
    assert len(sources) > 1 and str(gb["note"]).count(" | ") >= 1
    jp = next(
        r for r in result.rows if str(r["participation"]).endswith("budapest-2001/participation/JP")
    )
    assert str(jp["reservation"]).count(" | ") >= 3
