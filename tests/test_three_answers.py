"""Who is bound, three ways: applies / does not apply / undetermined, on the bundled data.

Issue 14 §1: the finder turns a recorded fact into "does not apply" and a gap in the data into
"undetermined", never into "not a party". These tests walk every State of the graph against every
multilateral instrument on dates either side of each recorded participation change, and hold the
finder's text, Markdown and JSON to the same three groups.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

import pytest

from mla_kg import KnowledgeGraph
from mla_kg.planning.binding import binding
from mla_kg.planning.facts import Facts, Instrument
from mla_kg.planning.legal_basis import legal_bases

MULTILATERAL = ("MultilateralConvention", "Protocol")
FIXED_DATES = [datetime.date(1995, 1, 1), datetime.date(2014, 6, 1), datetime.date(2026, 12, 1)]


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph()


@pytest.fixture(scope="module")
def facts(kg: KnowledgeGraph) -> Facts:
    return Facts(kg)


def _states(kg: KnowledgeGraph) -> list[str]:
    rows = kg.query("SELECT ?code { ?s a mla:State ; mla:isoCode ?code }").rows
    return sorted({str(row["code"]) for row in rows})


def _multilaterals(facts: Facts) -> list[Instrument]:
    return [i for i in facts.instruments.values() if i.kind_class in MULTILATERAL]


def _dates(facts: Facts, instrument: Instrument, state: str) -> Iterator[datetime.date]:
    """Yield the fixed dates, and the day before and the day of each recorded change."""
    yield from FIXED_DATES
    for record in facts.participations.get((instrument.id, state), []):
        for day in (record.start, record.end):
            if day is not None:
                yield day - datetime.timedelta(days=1)
                yield day


def test_the_graph_has_states_and_multilaterals_to_walk(kg: KnowledgeGraph, facts: Facts) -> None:
    assert len(_states(kg)) >= 37  # 27 Member States, GB, JP, US, KR, CN, HK, RU, VN, BR, CA
    assert len(_multilaterals(facts)) >= 9


def test_every_state_and_multilateral_on_every_date_gets_one_honest_answer(
    kg: KnowledgeGraph, facts: Facts
) -> None:
    counts = {"applies": 0, "does not apply": 0, "undetermined": 0}
    for instrument in _multilaterals(facts):
        for state in _states(kg):
            records = facts.participations.get((instrument.id, state), [])
            for on in sorted(set(_dates(facts, instrument, state))):
                found = binding(facts, instrument, state, on)
                where = f"{state} x {instrument.id} on {on}"
                if found.undetermined:
                    counts["undetermined"] += 1
                    # Only a pair the graph records nothing about may be undetermined.
                    assert not records and state not in instrument.parties, where
                    assert state in found.missing and instrument.id in found.missing, where
                    assert not found.bound and not found.reasons, where
                elif found.bound:
                    counts["applies"] += 1
                    assert found.reasons, where
                else:
                    counts["does not apply"] += 1
                    assert found.why_not, where
                    assert found.sources, f"{where}: 'does not apply' without a source"
                # A participation that starts on a recorded day binds from that day, not before.
                for record in records:
                    if record.bound and record.start is not None and len(records) == 1:
                        before = binding(facts, instrument, state, record.start - _DAY)
                        on_day = binding(facts, instrument, state, record.start)
                        if instrument.entry_into_force and record.start >= (
                            instrument.entry_into_force
                        ):
                            assert on_day.bound, f"{where}: not bound on its first day"
                        assert not before.bound, f"{where}: bound before its first day"
    print("answers over every State x multilateral x date:", counts)
    assert all(counts.values()), counts


_DAY = datetime.timedelta(days=1)


def test_budapest_from_germany_to_japan_in_2014_rests_on_both_dates_and_sources(
    kg: KnowledgeGraph,
) -> None:
    found = legal_bases(kg, "DE", "JP", on="2014-06-01")
    budapest = next(b for b in found.bases if b.instrument == "budapest-2001")
    reasons = " ".join(str(reason) for reason in budapest.reasons)
    assert "2012-11-01" in reasons and "2009-07-01" in reasons
    assert "[source:" in reasons
    # Before Japan's first day the Convention does not apply, on a recorded date.
    earlier = legal_bases(kg, "DE", "JP", on="2012-10-31")
    assert "budapest-2001" not in [b.instrument for b in earlier.bases]
    excluded = {item.instrument: item for item in earlier.excluded}
    assert "budapest-2001" in excluded and excluded["budapest-2001"].sources


def test_no_exclusion_without_a_recorded_reason_and_its_source(kg: KnowledgeGraph) -> None:
    for requesting in _states(kg):
        if requesting == "JP":
            continue
        for on in ("2005-01-01", "2019-06-01", "2026-12-01"):
            found = legal_bases(kg, requesting, "JP", on=on)
            for item in found.excluded:
                assert item.why, (requesting, on, item)
                assert item.sources, f"{requesting}→JP {on}: {item.instrument} without a source"
                assert "no participation" not in item.why  # the old "not a party" from a gap


def test_a_state_with_no_record_is_undetermined_in_every_format(
    kg: KnowledgeGraph, facts: Facts
) -> None:
    # Find a pair the graph records nothing about: the finder must say so, in every output.
    states = _states(kg)
    pair = next(
        (state, instrument)
        for instrument in _multilaterals(facts)
        for state in states
        if state not in ("JP",)
        and not facts.participations.get((instrument.id, state))
        and state not in instrument.parties
    )
    state, instrument = pair
    found = legal_bases(kg, state, "JP", on="2026-12-01")
    assert instrument.id in [item.instrument for item in found.undetermined]
    assert instrument.id not in [item.instrument for item in found.excluded]
    data = json.loads(found.to_json())
    assert instrument.id in [item["instrument"] for item in data["undetermined"]]
    text = found.to_text()
    assert "Undetermined (not recorded either way):" in text
    assert f"no record of whether {state} is bound by {instrument.id}" in text
    markdown = found.to_markdown()
    assert "### Undetermined (not recorded either way)" in markdown


def test_a_signed_treaty_with_no_entry_into_force_is_undetermined(kg: KnowledgeGraph) -> None:
    found = legal_bases(kg, "BR", "JP", on="2026-12-01")
    assert "jp-br-mlat" not in [b.instrument for b in found.bases]
    gap = next(item for item in found.undetermined if item.instrument == "jp-br-mlat")
    assert "no entry into force is recorded" in gap.missing
