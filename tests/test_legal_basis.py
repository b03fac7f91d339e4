"""The legal-basis finder: which instruments apply between two States on a date, and why not.

Two kinds of test. The rule tests run on a small fixture world (tests/fixtures/network/bound.ttl,
instrument ids "fx-...") where every date is known, so each change of position is tested on the
day before and the day it takes effect. The acceptance tests run on the bundled data and read
every date they assert from the graph itself (never a date typed into the test), so they follow
the research as it is regenerated.
"""

from __future__ import annotations

import datetime
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from mla_kg import KnowledgeGraph, paths
from mla_kg.errors import InvalidParameter, UnknownState
from mla_kg.legal_basis import KINDS, LegalBases, legal_bases, parse_date

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "network"
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def world() -> KnowledgeGraph:
    """Return the ontology, the States and the fixture world of bound.ttl (no bundled data)."""
    return KnowledgeGraph(
        include_bundled=False,
        extra_files=[
            *paths.ontology_files(),
            paths.DATA_DIR / "states.ttl",
            FIXTURES / "bound.ttl",
        ],
    )


def _ids(found: LegalBases) -> list[str]:
    return [basis.instrument for basis in found.bases]


def _why(found: LegalBases, instrument: str) -> str:
    for item in found.excluded:
        if item.instrument == instrument:
            return item.why
    raise AssertionError(f"{instrument} is not excluded: bases {_ids(found)}")


# --- rules, on the fixture world ---------------------------------------------------------------


def test_bilateral_treaty_applies_from_its_entry_into_force(world: KnowledgeGraph) -> None:
    before = legal_bases(world, "KR", "JP", on="2007-01-25")
    assert "fx-jp-kr" not in _ids(before)
    assert "not yet in force" in _why(before, "fx-jp-kr")
    assert "2007-01-26" in _why(before, "fx-jp-kr")
    on_the_day = legal_bases(world, "KR", "JP", on="2007-01-26")
    assert _ids(on_the_day)[0] == "fx-jp-kr"
    assert on_the_day.bases[0].kind == "bilateral"
    assert any("2007-01-26" in str(reason) for reason in on_the_day.bases[0].reasons)


def test_withdrawn_member_stays_bound_through_transition_then_not(world: KnowledgeGraph) -> None:
    # GB: member until 2020-01-31, bound until 2020-12-31 (fixture membership).
    for day in ("2020-01-31", "2020-02-01", "2020-12-31"):
        found = legal_bases(world, "GB", "JP", on=day)
        assert "fx-eu-jp" in _ids(found), day
    during = legal_bases(world, "GB", "JP", on="2020-06-01")
    reasons = " ".join(str(r) for r in during.bases[_ids(during).index("fx-eu-jp")].reasons)
    assert "withdrew 2020-01-31" in reasons and "bound until 2020-12-31" in reasons
    after = legal_bases(world, "GB", "JP", on="2021-01-01")
    assert "fx-eu-jp" not in _ids(after)
    assert "no longer bound" in _why(after, "fx-eu-jp")
    assert "2020-12-31" in _why(after, "fx-eu-jp")


def test_acceding_member_is_bound_from_accession(world: KnowledgeGraph) -> None:
    before = legal_bases(world, "HR", "JP", on="2013-06-30")
    assert "fx-eu-jp" not in _ids(before)
    assert "2013-07-01" in _why(before, "fx-eu-jp")
    assert "fx-eu-jp" in _ids(legal_bases(world, "HR", "JP", on="2013-07-01"))


def test_opted_out_member_is_excluded_with_its_source(world: KnowledgeGraph) -> None:
    found = legal_bases(world, "DK", "JP", on="2018-01-01")
    why = _why(found, "fx-eu-jp")
    assert "not bound" in why and "opting out" in why
    assert "fx-seed" in why and "fn 56" in why and "scholarly" in why


def test_multilateral_applies_once_both_are_bound(world: KnowledgeGraph) -> None:
    before = legal_bases(world, "GB", "JP", on="2017-08-09")
    assert "fx-multi" not in _ids(before)
    assert "JP not yet bound" in _why(before, "fx-multi")
    found = legal_bases(world, "GB", "JP", on="2017-08-10")
    assert "fx-multi" in _ids(found)


def test_basis_on_a_recalled_fact_is_recalled_and_marked(world: KnowledgeGraph) -> None:
    found = legal_bases(world, "GB", "JP", on="2021-06-01")
    multi = found.bases[_ids(found).index("fx-multi")]
    assert multi.verification == "recalled"
    assert any(r.verification == "recalled" and "†" in str(r) for r in multi.reasons)
    # GB's ratification date is not in the fixture: the finder says so instead of inventing it.
    assert any("GB's own first day not recorded" in str(r) for r in multi.reasons)
    assert "recalled†" in found.to_text()


def test_membership_that_does_not_decide_is_shown_as_context(world: KnowledgeGraph) -> None:
    # BE's participation record (official) covers 2018; its membership record is recalled
    # but does not fix any date here, so it is context and does not weaken the basis.
    found = legal_bases(world, "BE", "JP", on="2018-01-01")
    basis = found.bases[_ids(found).index("fx-eu-jp")]
    assert basis.verification == "official"
    context = [r for r in basis.reasons if not r.decisive]
    assert [r.verification for r in context] == ["recalled"]
    assert "(context, recalled†)" in str(context[0])


def test_bases_come_bilateral_eu_multilateral_reciprocity(world: KnowledgeGraph) -> None:
    assert [b.kind for b in legal_bases(world, "GB", "JP", on="2020-06-01").bases] == [
        "eu",
        "multilateral",
        "reciprocity",
    ]
    kinds = [b.kind for b in legal_bases(world, "KR", "JP", on="2020-06-01").bases]
    assert kinds == ["bilateral", "reciprocity"]
    assert kinds == sorted(kinds, key=KINDS.index)


def test_domestic_law_is_a_basis_only_for_requests_to_its_state(world: KnowledgeGraph) -> None:
    to_japan = legal_bases(world, "DK", "JP", on="2018-01-01")
    assert _ids(to_japan) == ["fx-jp-act"]
    assert to_japan.bases[0].kind == "reciprocity"
    from_japan = legal_bases(world, "JP", "GB", on="2018-01-01")
    assert "fx-jp-act" not in _ids(from_japan)
    assert "governs requests made to JP" in _why(from_japan, "fx-jp-act")
    before = legal_bases(world, "DK", "JP", on="1980-09-30")
    assert "fx-jp-act" not in _ids(before)


def test_two_members_on_the_same_side_of_an_eu_agreement_get_no_basis(
    world: KnowledgeGraph,
) -> None:
    found = legal_bases(world, "BE", "HR", on="2018-01-01")
    assert "fx-eu-jp" not in _ids(found)
    assert "same side" in _why(found, "fx-eu-jp")


def test_model_law_is_never_a_basis(world: KnowledgeGraph) -> None:
    found = legal_bases(world, "KR", "JP", on="2018-01-01")
    assert "not binding" in _why(found, "fx-model")


def test_json_follows_the_contract(world: KnowledgeGraph) -> None:
    data = json.loads(legal_bases(world, "GB", "JP", on="2020-06-01").to_json())
    assert list(data) == ["requesting", "requested", "on", "bases", "excluded", "undetermined"]
    assert (data["requesting"], data["requested"], data["on"]) == ("GB", "JP", "2020-06-01")
    for basis in data["bases"]:
        assert list(basis) == ["instrument", "kind", "reasons", "verification"]
        assert basis["kind"] in KINDS
        assert basis["reasons"] and all(isinstance(r, str) for r in basis["reasons"])
        assert basis["verification"] in ("official", "scholarly", "recalled")
    for item in data["excluded"]:
        assert list(item) == ["instrument", "why", "sources"] and item["why"]
    for item in data["undetermined"]:
        assert list(item) == ["instrument", "missing"] and item["missing"]


def test_unknown_state_names_the_known_codes(world: KnowledgeGraph) -> None:
    with pytest.raises(UnknownState) as caught:
        legal_bases(world, "XX", "JP", on="2020-01-01")
    assert "'XX'" in str(caught.value) and "JP" in str(caught.value)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("bad", ["2024-13-01", "1 June 2024", "", "2024/06/01"])
def test_malformed_date_says_the_expected_form(world: KnowledgeGraph, bad: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        legal_bases(world, "GB", "JP", on=bad)
    assert "YYYY-MM-DD" in str(caught.value)
    assert caught.value.exit_code == 2


def test_same_state_twice_is_refused(world: KnowledgeGraph) -> None:
    with pytest.raises(InvalidParameter, match="other than the requesting State"):
        legal_bases(world, "JP", "jp", on="2020-01-01")


def test_parse_date_accepts_dates_and_iso_text() -> None:
    assert parse_date("2024-06-01") == datetime.date(2024, 6, 1)
    assert parse_date(datetime.date(2024, 6, 1)) == datetime.date(2024, 6, 1)


# --- acceptance, on the bundled data -----------------------------------------------------------


def _participation(kg: KnowledgeGraph, instrument: str, state: str) -> dict[str, object]:
    """Return a State's participation record (dates, status) as the bundled data gives it."""
    rows = [
        row
        for row in kg.run("participation", participant=[state]).rows
        if str(row["instrumentId"]) == instrument
    ]
    assert rows, f"no participation of {state} in {instrument} in the data"
    row = rows[0]
    return {
        "bound": str(row["bound"]) == "true",
        "from": parse_date(str(row["from"])) if "from" in row else None,
        "until": parse_date(str(row["until"])) if "until" in row else None,
        "verification": str(row["verification"]).rsplit("#", 1)[-1],
    }


def _entry_into_force(kg: KnowledgeGraph, instrument: str) -> datetime.date:
    rows = [r for r in kg.run("legal_bases").rows if str(r["instrumentId"]) == instrument]
    assert rows and "entryIntoForce" in rows[0], f"{instrument} has no entry into force"
    return parse_date(str(rows[0]["entryIntoForce"]))


def test_eu_japan_agreement_applies_from_its_entry_into_force(kg: KnowledgeGraph) -> None:
    start = _entry_into_force(kg, "eu-jp-mla")
    assert "eu-jp-mla" not in _ids(legal_bases(kg, "BE", "JP", on=start - DAY))
    found = legal_bases(kg, "BE", "JP", on=start)
    assert "eu-jp-mla" in _ids(found)
    basis = found.bases[_ids(found).index("eu-jp-mla")]
    assert basis.kind == "eu"
    assert any(start.isoformat() in str(reason) for reason in basis.reasons)


def test_united_kingdom_under_the_eu_japan_agreement_follows_the_data(
    kg: KnowledgeGraph,
) -> None:
    record = _participation(kg, "eu-jp-mla", "GB")
    assert record["bound"] and record["until"] is not None
    last = record["until"]
    assert isinstance(last, datetime.date)
    on_last_day = legal_bases(kg, "GB", "JP", on=last)
    assert "eu-jp-mla" in _ids(on_last_day)
    basis = on_last_day.bases[_ids(on_last_day).index("eu-jp-mla")]
    # The data gives the UK's end date as recalled: the basis must say so, not upgrade it.
    assert basis.verification == record["verification"]
    after = legal_bases(kg, "GB", "JP", on=last + DAY)
    assert "eu-jp-mla" not in _ids(after)
    assert last.isoformat() in _why(after, "eu-jp-mla")
    if record["verification"] == "recalled":
        assert "recalled†" in _why(after, "eu-jp-mla")


def test_croatia_under_the_eu_japan_agreement_follows_the_data(kg: KnowledgeGraph) -> None:
    record = _participation(kg, "eu-jp-mla", "HR")
    start = record["from"]
    assert isinstance(start, datetime.date)
    assert "eu-jp-mla" not in _ids(legal_bases(kg, "HR", "JP", on=start - DAY))
    assert "eu-jp-mla" in _ids(legal_bases(kg, "HR", "JP", on=start))


def test_denmark_is_not_bound_by_the_eu_japan_agreement(kg: KnowledgeGraph) -> None:
    record = _participation(kg, "eu-jp-mla", "DK")
    assert record["bound"] is False
    found = legal_bases(kg, "DK", "JP", on="2024-06-01")
    assert "eu-jp-mla" not in _ids(found)
    assert "not bound" in _why(found, "eu-jp-mla")
    assert record["verification"] in _why(found, "eu-jp-mla")


def test_eu_japan_agreement_does_not_link_two_member_states(kg: KnowledgeGraph) -> None:
    found = legal_bases(kg, "BE", "DE", on="2024-06-01")
    assert "eu-jp-mla" not in _ids(found)
    assert "same side" in _why(found, "eu-jp-mla")


def test_cli_basis_formats_and_exit_codes(
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    result = run_cli("basis", "BE", "JP", "--on", "2024-06-01", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["requesting"] == "BE" and "eu-jp-mla" in [b["instrument"] for b in data["bases"]]
    markdown = run_cli("basis", "BE", "JP", "--on", "2024-06-01", "--format", "md")
    assert markdown.returncode == 0 and "**eu-jp-mla**" in markdown.stdout
    table = run_cli("basis", "BE", "JP", "--on", "2024-06-01")
    assert table.returncode == 0 and "Does not apply" in table.stdout
    unknown = run_cli("basis", "XX", "JP", "--on", "2024-06-01")
    assert unknown.returncode == 2 and "unknown State 'XX'" in unknown.stderr
    bad_date = run_cli("basis", "BE", "JP", "--on", "2024-02-30")
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr
    # Before anything in the graph was in force there is no basis at all: exit 1.
    nothing = run_cli("basis", "US", "BE", "--on", "1900-01-01")
    assert nothing.returncode == 1, nothing.stdout
    assert "No usable legal basis" in nothing.stdout


def test_both_engines_find_the_same_bases(kg: KnowledgeGraph, rdflib_kg: KnowledgeGraph) -> None:
    for requesting, requested, day in (("GB", "JP", "2019-06-01"), ("JP", "PT", "2024-06-01")):
        assert (
            legal_bases(kg, requesting, requested, on=day).to_json()
            == legal_bases(rdflib_kg, requesting, requested, on=day).to_json()
        )


JAPAN_BILATERALS = [
    "jp-kr-mlat",
    "jp-cn-mlat",
    "jp-hk-mlaa",
    "jp-ru-mlat",
    "jp-us-mlat",
    "jp-vn-mlat",
]


def _partners(kg: KnowledgeGraph, instrument: str) -> list[str]:
    rows = kg.run("participation").rows
    return sorted(
        {str(r["participantCode"]) for r in rows if str(r["instrumentId"]) == instrument} - {"JP"}
    )


@pytest.mark.parametrize("instrument", JAPAN_BILATERALS)
def test_japans_bilaterals_apply_from_the_day_the_data_gives(
    kg: KnowledgeGraph, instrument: str
) -> None:
    (partner,) = _partners(kg, instrument)
    record = _participation(kg, instrument, partner)
    start = record["from"]
    assert isinstance(start, datetime.date), f"{instrument}: no first day in the data"
    before = legal_bases(kg, partner, "JP", on=start - DAY)
    assert instrument not in _ids(before)
    assert start.isoformat() in _why(before, instrument)
    found = legal_bases(kg, partner, "JP", on=start)
    assert _ids(found)[0] == instrument and found.bases[0].kind == "bilateral"
    # Both directions: the treaty serves Japan's requests to the partner as well.
    assert instrument in _ids(legal_bases(kg, "JP", partner, on=start))
    assert found.bases[0].verification == record["verification"]


@pytest.mark.parametrize(
    ("instrument", "year"), [("budapest-2001", 2012), ("untoc-2000", 2017), ("uncac-2003", 2017)]
)
def test_japan_bound_by_multilateral_conventions_from_the_data(
    kg: KnowledgeGraph, instrument: str, year: int
) -> None:
    japan = _participation(kg, instrument, "JP")
    start = japan["from"]
    assert isinstance(start, datetime.date) and start.year == year
    partner = "US"
    us = _participation(kg, instrument, partner)
    assert us["bound"] and (us["from"] is None or us["from"] < start)
    before = legal_bases(kg, partner, "JP", on=start - DAY)
    assert instrument not in _ids(before)
    assert f"JP not yet bound on {(start - DAY).isoformat()}" in _why(before, instrument)
    found = legal_bases(kg, partner, "JP", on=start)
    basis = found.bases[_ids(found).index(instrument)]
    assert basis.kind == "multilateral"
    assert any(f"from {start.isoformat()}" in str(r) for r in basis.reasons)
    # The US's own ratification date is not in the research: the basis cannot be surer.
    if us["verification"] == "recalled":
        assert basis.verification == "recalled"


def test_uk_stays_on_the_eu_side_through_the_transition(kg: KnowledgeGraph) -> None:
    rows = [r for r in kg.run("memberships", member=["GB"]).rows if "until" in r]
    assert rows, "the data records the UK's withdrawal"
    withdrawal = parse_date(str(rows[0]["until"]))
    transition_end = parse_date(str(rows[0]["boundUntil"]))
    assert withdrawal < transition_end
    for day in (withdrawal, withdrawal + DAY, transition_end):
        found = legal_bases(kg, "GB", "JP", on=day)
        assert "eu-jp-mla" in _ids(found), day
    during = legal_bases(kg, "GB", "JP", on=withdrawal + DAY)
    reasons = " ".join(map(str, during.bases[_ids(during).index("eu-jp-mla")].reasons))
    assert f"withdrew {withdrawal.isoformat()}" in reasons
    assert f"bound until {transition_end.isoformat()}" in reasons
    after = legal_bases(kg, "GB", "JP", on=transition_end + DAY)
    assert "eu-jp-mla" not in _ids(after)
    # The UK also leaves the EU-US agreement, which bound it through membership only.
    assert "eu-us-mla" in _ids(legal_bases(kg, "GB", "US", on=transition_end))
    assert "eu-us-mla" not in _ids(legal_bases(kg, "GB", "US", on=transition_end + DAY))


def test_requests_to_japan_can_always_rest_on_its_1980_act(kg: KnowledgeGraph) -> None:
    found = legal_bases(kg, "DK", "JP", on="2024-06-01")
    assert _ids(found)[-1] == "jp-act-assistance-1980"
    assert found.bases[-1].kind == "reciprocity"
    from_japan = legal_bases(kg, "JP", "DK", on="2024-06-01")
    assert "jp-act-assistance-1980" not in _ids(from_japan)


def test_the_1980_act_is_no_basis_before_its_promulgation(kg: KnowledgeGraph) -> None:
    before = legal_bases(kg, "GB", "JP", on="1980-05-28")
    after = legal_bases(kg, "GB", "JP", on="1980-05-29")
    assert "jp-act-assistance-1980" not in [basis.instrument for basis in before.bases]
    why = next(e.why for e in before.excluded if e.instrument == "jp-act-assistance-1980")
    assert "1980-05-29" in why
    assert "jp-act-assistance-1980" in [basis.instrument for basis in after.bases]


def test_an_exclusion_says_a_reason_shared_by_both_states_once(kg: KnowledgeGraph) -> None:
    found = legal_bases(kg, "GB", "JP", on="1975-01-01")
    why = next(e.why for e in found.excluded if e.instrument == "eu-jp-mla")
    assert why.count("did not exist yet") == 1, why
