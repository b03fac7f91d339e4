"""The request checklist on realistic requests, checked against what the bundled data records.

Each expectation is read from the graph through the comparison layer's own named queries
(provisions_with_feature, checklist_authorities), so the tests check that the checklist reports
what the data says, with the data's statuses, rather than a list typed into the test.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from mla_kg import KnowledgeGraph, paths
from mla_kg.checklist import BasisPlan, Offence, RequestChecklist, request_checklist
from mla_kg.errors import UnknownFeature

ON = "2024-06-01"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "network"


def _plan(checklist: RequestChecklist, instrument: str) -> BasisPlan:
    for plan in checklist.plans:
        if plan.basis.instrument == instrument:
            return plan
    raise AssertionError(
        f"no plan for {instrument}: {[p.basis.instrument for p in checklist.plans]}"
    )


def _citations(kg: KnowledgeGraph, feature: str, instrument: str, state: str) -> set[str]:
    """Return the citations the data gives for a feature (general ones and the State's own)."""
    rows = kg.run("provisions_with_feature", feature=feature, instrument=[instrument]).rows
    return {
        str(row["citation"])
        for row in rows
        if "citation" in row and ("state" not in row or str(row["state"]) == state)
    }


@pytest.fixture(scope="module")
def belgian_bank_request(kg: KnowledgeGraph) -> RequestChecklist:
    """Belgium asks Japan for bank records; the offence is not punishable by death."""
    return request_checklist(
        kg,
        "BE",
        "JP",
        measures=["bank-information"],
        offence=Offence(punishable_by_death=False, coercive=True),
        on=ON,
    )


@pytest.fixture(scope="module")
def german_videoconference(kg: KnowledgeGraph) -> RequestChecklist:
    """Germany asks Japan to hear a witness by videoconference; nothing said of the penalty."""
    return request_checklist(kg, "DE", "JP", measures=["videoconference-hearing"], on=ON)


@pytest.fixture(scope="module")
def japanese_request_to_portugal(kg: KnowledgeGraph) -> RequestChecklist:
    """Japan asks Portugal for testimony about an offence punishable by life imprisonment."""
    return request_checklist(
        kg,
        "JP",
        "PT",
        measures=["taking-testimony"],
        offence=Offence(punishable_by_death=False, punishable_by_life_imprisonment=True),
        on=ON,
    )


def test_bank_records_request_goes_to_japans_central_authorities(
    kg: KnowledgeGraph, belgian_bank_request: RequestChecklist
) -> None:
    plan = _plan(belgian_bank_request, "eu-jp-mla")
    expected = {
        str(row["label"])
        for row in kg.run("checklist_authorities", instrument="eu-jp-mla", state="JP").rows
        if str(row["role"]).endswith("#CentralAuthority")
    }
    assert expected, "the data names Japan's central authorities under the EU-Japan Agreement"
    assert {a.label for a in plan.authorities} == expected
    assert all(a.role == "CentralAuthority" for a in plan.authorities)
    assert any(a.listed_in and "Annex I (JP)" in a.listed_in for a in plan.authorities)


def test_bank_records_are_covered_by_the_provisions_the_data_gives(
    kg: KnowledgeGraph, belgian_bank_request: RequestChecklist
) -> None:
    plan = _plan(belgian_bank_request, "eu-jp-mla")
    (cover,) = plan.measures
    assert cover.measure == "bank-information" and cover.covered == "yes"
    cited = {c.citation for c in cover.provisions if c.citation}
    assert cited == _citations(kg, "bank-information", "eu-jp-mla", "JP")
    # A citation the research only recalls is marked as such.
    recalled = [c for c in cover.provisions if c.status == "recalled"]
    assert recalled, "the data has recalled citations for bank information (e.g. Art 18 [1])"
    assert all("[recalled†;" in str(c) for c in recalled)


def test_bank_records_request_weighs_only_the_grounds_that_fit(
    belgian_bank_request: RequestChecklist,
) -> None:
    plan = _plan(belgian_bank_request, "eu-jp-mla")
    grounds = {g.ground: g for g in plan.grounds}
    assert grounds["refusal-death-penalty-abstract"].engaged == "not engaged"
    assert grounds["refusal-double-criminality-coercive"].engaged == "applies"
    # Annex IV gives general double criminality to AT and HU and life imprisonment to PT only.
    assert grounds["refusal-double-criminality-general"].engaged == "not engaged"
    assert "AT, HU" in grounds["refusal-double-criminality-general"].why
    assert grounds["refusal-life-imprisonment"].engaged == "not engaged"
    for ground in grounds.values():
        assert all(c.state in (None, "BE", "JP") for c in ground.provisions)


def test_requests_to_japan_carry_the_ministry_guidance_for_treaty_requests(
    belgian_bank_request: RequestChecklist,
) -> None:
    plan = _plan(belgian_bank_request, "eu-jp-mla")
    assert plan.guidance, "the MoJ items apply to requests to Japan"
    assert {item.applies_to for item in plan.guidance} <= {"any", "treaty"}
    assert any("+81-3-3592-7049" in item.text for item in plan.guidance)
    assert all(item.sources == ["seed-moj"] for item in plan.guidance)
    assert all(item.verification == "official" for item in plan.guidance)


def test_language_section_says_what_is_not_recorded(
    kg: KnowledgeGraph, belgian_bank_request: RequestChecklist
) -> None:
    plan = _plan(belgian_bank_request, "eu-jp-mla")
    recorded = kg.run("checklist_languages", instrument="eu-jp-mla", state="JP").rows
    assert len(plan.languages) == len({str(r["language"]) for r in recorded})
    if not recorded:
        assert "no accepted language of JP recorded" in belgian_bank_request.to_text()
    assert {c.citation for c in plan.language_rules if c.citation} == _citations(
        kg, "language-requirement", "eu-jp-mla", "JP"
    )


def test_videoconference_hearing_is_covered_and_formalities_may_be_asked(
    kg: KnowledgeGraph, german_videoconference: RequestChecklist
) -> None:
    plan = _plan(german_videoconference, "eu-jp-mla")
    (cover,) = plan.measures
    assert cover.covered == "yes"
    assert {c.citation for c in cover.provisions if c.citation} == _citations(
        kg, "videoconference-hearing", "eu-jp-mla", "JP"
    )
    assert plan.own_formalities == "yes"
    assert {
        c.citation for c in plan.formalities["manner-of-execution-indicated"] if c.citation
    } == (_citations(kg, "manner-of-execution-indicated", "eu-jp-mla", "JP"))
    limits = plan.formality_limits()
    assert limits and all(c.feature == "forum-limit-contrary-to-law" for c in limits)
    # The data records the stricter fundamental-principles limit as absent: it is not a limit.
    assert any(c.kind == "absence" for c in plan.formalities["forum-limit-fundamental-principles"])
    text = german_videoconference.to_text()
    assert "may ask for its own formalities: yes" in text
    assert "any contrary law of the requested State" in text


def test_penalty_not_stated_leaves_the_death_penalty_ground_open(
    german_videoconference: RequestChecklist,
) -> None:
    plan = _plan(german_videoconference, "eu-jp-mla")
    death = next(g for g in plan.grounds if g.ground == "refusal-death-penalty-abstract")
    assert death.engaged == "could apply"
    assert "not stated" in death.why


def test_portugal_may_refuse_for_life_imprisonment_under_annex_iv(
    japanese_request_to_portugal: RequestChecklist,
) -> None:
    plan = _plan(japanese_request_to_portugal, "eu-jp-mla")
    life = next(g for g in plan.grounds if g.ground == "refusal-life-imprisonment")
    assert life.engaged == "applies"
    assert "PT holds" in life.why
    entry = next(c for c in life.provisions if c.state == "PT")
    assert entry.citation == "Annex IV (PT)" and entry.verification == "scholarly"
    assert "seed" in entry.sources
    assert not plan.guidance, "the Japanese MoJ items are for requests to Japan only"


def test_request_to_portugal_goes_to_portugals_authority(
    kg: KnowledgeGraph, japanese_request_to_portugal: RequestChecklist
) -> None:
    plan = _plan(japanese_request_to_portugal, "eu-jp-mla")
    rows = kg.run("checklist_authorities", instrument="eu-jp-mla", state="PT").rows
    assert {a.label for a in plan.authorities} == {
        str(r["label"]) for r in rows if str(r["role"]).endswith("#CentralAuthority")
    }
    assert plan.authorities, "the data lists Portugal's central authority in Annex I"


def test_hungary_holds_general_double_criminality(kg: KnowledgeGraph) -> None:
    checklist = request_checklist(kg, "JP", "HU", measures=["examination"], on=ON)
    plan = _plan(checklist, "eu-jp-mla")
    ground = next(g for g in plan.grounds if g.ground == "refusal-double-criminality-general")
    assert ground.engaged == "could apply"
    assert any(c.state == "HU" and c.citation == "Annex IV (HU)" for c in ground.provisions)


def test_unknown_measure_lists_the_measures(kg: KnowledgeGraph) -> None:
    with pytest.raises(UnknownFeature) as caught:
        request_checklist(kg, "BE", "JP", measures=["bank-secrecy-excluded"], on=ON)
    assert "bank-information" in str(caught.value)
    assert "videoconference-hearing" in str(caught.value)


def test_checklist_json_has_every_section(belgian_bank_request: RequestChecklist) -> None:
    data = json.loads(belgian_bank_request.to_json())
    assert data["requesting"] == "BE" and data["requested"] == "JP" and data["on"] == ON
    assert data["offence"]["punishable_by_death"] is False
    basis = data["bases"][0]
    for key in (
        "instrument",
        "kind",
        "reasons",
        "verification",
        "authorities",
        "languages",
        "measures",
        "grounds_for_refusal",
        "own_formalities",
        "guidance",
    ):
        assert key in basis, key
    assert basis["measures"][0]["covered"] == "yes"


def test_cli_plan_formats_and_exit_codes(
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    args = ["plan", "BE", "JP", "--measure", "videoconference-hearing", "--measure"]
    args += ["bank-information", "--no-punishable-by-death", "--coercive", "--on", ON]
    text = run_cli(*args)
    assert text.returncode == 0, text.stderr
    assert "Where the request goes" in text.stdout and "†" in text.stdout
    markdown = run_cli(*args, "--format", "md")
    assert markdown.returncode == 0 and markdown.stdout.startswith("# Request checklist")
    as_json = run_cli(*args, "--format", "json")
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout)["measures"] == ["videoconference-hearing", "bank-information"]
    wrong = run_cli("plan", "BE", "JP", "--measure", "teleportation", "--on", ON)
    assert wrong.returncode == 2 and "unknown feature 'teleportation'" in wrong.stderr
    nothing = run_cli("plan", "US", "BE", "--on", "1900-01-01")
    assert nothing.returncode == 1


def test_reciprocity_checklist_lists_the_domestic_conditions_and_non_treaty_guidance() -> None:
    world = KnowledgeGraph(
        include_bundled=False,
        extra_files=[
            *paths.ontology_files(),
            paths.DATA_DIR / "states.ttl",
            paths.DATA_DIR / "sources.ttl",
            paths.DATA_DIR / "moj-checklist.ttl",
            FIXTURES / "bound.ttl",
        ],
    )
    checklist = request_checklist(
        world, "DK", "JP", measures=["bank-information"], offence=Offence(), on="2018-01-01"
    )
    (plan,) = checklist.plans  # Denmark opted out of the fixture EU agreement
    assert plan.basis.instrument == "fx-jp-act" and plan.basis.kind == "reciprocity"
    assert [c.citation for c in plan.channels] == ["Art 3(1)"]
    assert [c.citation for c in plan.conditions] == ["Art 4"]
    ground = next(g for g in plan.grounds if g.ground == "refusal-double-criminality-general")
    assert [c.citation for c in ground.provisions] == ["Art 2(ii)"]
    assert plan.measures[0].covered == "not recorded"
    applies = {item.applies_to for item in plan.guidance}
    assert "non-treaty" in applies and "treaty" not in applies
    assert "no authority of JP recorded under fx-jp-act" in checklist.to_text()
