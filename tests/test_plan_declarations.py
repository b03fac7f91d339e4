"""The request checklist weighs the requested State's reservations and declarations (issue 14 §3).

A declaration in force on the request's date is listed under its basis with its status and
sources; one whose effect restricts (dual criminality, a restricted measure or scope) on the
article the basis records for a measure asked for is flagged as restricting that measure.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys

from mla_kg import KnowledgeGraph
from mla_kg.planning.checklist import request_checklist
from mla_kg.planning.declarations import declarations_for


def _plan(checklist, instrument: str):
    (plan,) = [p for p in checklist.plans if p.basis.instrument == instrument]
    return plan


def test_japans_preservation_reservation_restricts_a_preservation_request(
    kg: KnowledgeGraph,
) -> None:
    checklist = request_checklist(kg, "DE", "JP", ["expedited-data-preservation"], on="2014-06-01")
    budapest = _plan(checklist, "budapest-2001")
    by_provision = {d.provision: d for d in budapest.declarations}
    reservation = by_provision["Art 29(4)"]
    assert reservation.restricts == ["expedited-data-preservation"]
    assert "requiresDualCriminality" in reservation.effects
    assert reservation.verification == "official" and reservation.sources
    assert reservation.start == datetime.date(2012, 11, 1)
    # Japan's other declarations shape the request (authorities, channels) without restricting it.
    others = [d for d in budapest.declarations if d.provision != "Art 29(4)"]
    assert others and all(not d.restricts for d in others)
    assert all(d.state == "JP" and d.sources for d in budapest.declarations)
    text = checklist.to_text()
    assert "Reservations and declarations of JP" in text
    assert "RESTRICTS expedited-data-preservation: JP reservation, Art 29(4)" in text
    (entry,) = [
        d
        for b in json.loads(checklist.to_json())["bases"]
        if b["instrument"] == "budapest-2001"
        for d in b["declarations"]
        if d["provision"] == "Art 29(4)"
    ]
    assert entry["restricts"] == ["expedited-data-preservation"] and entry["sources"]


def test_a_declaration_on_another_article_does_not_restrict(kg: KnowledgeGraph) -> None:
    checklist = request_checklist(kg, "DE", "JP", ["taking-testimony"], on="2014-06-01")
    budapest = _plan(checklist, "budapest-2001")
    assert "Art 29(4)" in {d.provision for d in budapest.declarations}
    assert not any(d.restricts for d in budapest.declarations)
    assert "RESTRICTS" not in checklist.to_text()


def test_a_declaration_counts_only_from_its_date(kg: KnowledgeGraph) -> None:
    provisions = {"expedited-data-preservation": [f"{kg.instrument_iri('budapest-2001')}/art/29"]}
    before = declarations_for(kg, "budapest-2001", "JP", datetime.date(2012, 10, 31), provisions)
    on_day = declarations_for(kg, "budapest-2001", "JP", datetime.date(2012, 11, 1), provisions)
    assert "Art 29(4)" not in {d.provision for d in before}
    assert [d.restricts for d in on_day if d.provision == "Art 29(4)"] == [
        ["expedited-data-preservation"]
    ]


def test_germanys_search_and_seizure_reservation_is_flagged_as_recalled(
    kg: KnowledgeGraph,
) -> None:
    checklist = request_checklist(kg, "FR", "DE", ["search-and-seizure"], on="2020-06-01")
    coe = _plan(checklist, "coe-mla-1959")
    (reservation,) = [d for d in coe.declarations if d.restricts]
    assert reservation.provision.startswith("Art 5(1)")
    assert reservation.restricts == ["search-and-seizure"]
    assert reservation.verification == "recalled"
    assert "RESTRICTS search-and-seizure: DE reservation" in checklist.to_text()
    assert "recalled†" in str(reservation)


def test_every_recorded_declaration_reaches_a_plan_with_status_and_source(
    kg: KnowledgeGraph,
) -> None:
    rows = kg.run("declarations").rows
    # On its first recorded day (or today where none is recorded) each declaration holds.
    days = {
        (str(r["instrumentId"]), str(r["stateCode"]), str(r["declaration"])): (
            datetime.date.fromisoformat(str(r["from"])) if "from" in r else datetime.date.today()
        )
        for r in rows
    }
    assert len({(i, s) for i, s, _ in days}) >= 5, days
    for (instrument, state, iri), day in sorted(days.items()):
        found = {d.iri: d for d in declarations_for(kg, instrument, state, day, {})}
        declaration = found[iri]
        assert declaration.verification in {"official", "scholarly", "recalled"}
        assert declaration.sources, declaration.iri
        assert declaration.summary and declaration.effects
        if declaration.end:  # a withdrawn one no longer counts after its end
            after = declaration.end + datetime.timedelta(days=1)
            later = declarations_for(kg, instrument, state, after, {})
            assert iri not in {d.iri for d in later}


def test_plan_command_prints_the_flag() -> None:
    out = subprocess.run(
        [
            *(sys.executable, "-m", "mla_kg", "plan", "DE", "JP"),
            *("-m", "expedited-data-preservation", "--on", "2014-06-01", "-f", "json"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bases = {b["instrument"]: b for b in json.loads(out)["bases"]}
    restricting = [d for d in bases["budapest-2001"]["declarations"] if d["restricts"]]
    assert [d["provision"] for d in restricting] == ["Art 29(4)"]


def test_check_request_lists_a_restricting_declaration_as_a_risk(kg: KnowledgeGraph) -> None:
    import yaml

    from mla_kg.drafting import RequestDescription, check_request
    from mla_kg.paths import ROOT

    document = yaml.safe_load((ROOT / "docs" / "request-example.yaml").read_text("utf-8"))
    document["requesting"]["state"] = "DE"
    document["date"] = "2014-06-01"
    document["legal_basis"] = "budapest-2001"
    document["measures"] = [{"id": "expedited-data-preservation", "details": "mailbox data"}]
    check = check_request(kg, RequestDescription.from_mapping(document))
    (risk,) = [r for r in check.risks if r.ground.startswith("declaration-JP")]
    assert risk.provision.startswith("Art 29(4)") and "expedited-data-preservation" in risk.why
    assert risk.answered  # the example states the conduct under Japanese law
    del document["offence"]["requested_state_qualification"]
    unanswered = check_request(kg, RequestDescription.from_mapping(document))
    (risk,) = [r for r in unanswered.risks if r.ground.startswith("declaration-JP")]
    assert not risk.answered and not unanswered.complete
    assert "offence.requested_state_qualification" in risk.why
