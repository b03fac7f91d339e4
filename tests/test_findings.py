"""The findings of the seed article, asked of the graph through the public API.

Weyembergh & Wieczorek, "Norm diffusion as a tool to uphold and promote EU values & interests:
a case study on the EU Japan Mutual Legal Assistance Agreement" (the seed) compares the EU-Japan
agreement with the EU-US agreement and the Japan-US treaty, and measures it against the 2000 EU
MLA Convention and its 2001 Protocol, the EU-US extradition agreement, the 1959 Council of
Europe Convention, the UN Model Law and the 1988 UN Drugs Convention. Each test is one finding,
named after it, in the order of the article (section II.A.i channels, II.A.ii discretion to
refuse, II.A.iii evidence techniques, II.B.i death penalty, II.B.ii.b applicable law). Where the
research cannot support a finding (the text was not seen, or only recalled), the test asserts
that honest answer: the cell is ``unknown`` or its citation is marked recalled. No finding is
skipped.
"""

from __future__ import annotations

import pytest

from mla_kg import KnowledgeGraph
from mla_kg.compare import RECALLED_MARK, Cell, Comparison

SEED = "https://w3id.org/mla-kg/id/source/seed"
EU_JP, EU_US, JP_US = "eu-jp-mla", "eu-us-mla", "jp-us-mlat"
CONV_2000, EU_US_EXTRADITION = "eu-mla-conv-2000", "eu-us-extradition"
PROTOCOL_2001, COE_1959 = "eu-mla-prot-2001", "coe-mla-1959"
UN_MODEL_LAW, UN_DRUGS = "un-model-law-mla-2007", "un-drugs-1988"


@pytest.fixture(scope="module")
def seed_comparison(kg: KnowledgeGraph) -> Comparison:
    """Return the three agreements side by side, as the seed compares them."""
    return kg.compare([EU_JP, EU_US, JP_US])


@pytest.fixture(scope="module")
def reference_comparison(kg: KnowledgeGraph) -> Comparison:
    """Return EU-Japan beside the reference instruments the seed measures it against."""
    return kg.compare([EU_JP, CONV_2000, EU_US_EXTRADITION, PROTOCOL_2001, COE_1959])


def _links(kg: KnowledgeGraph, instrument: str) -> dict[tuple[str, str], set[str]]:
    """Return the lineage links touching an instrument: (later, earlier) -> claim pinpoints.

    Provisions are written ``instrument-id Art n``.
    """
    links: dict[tuple[str, str], set[str]] = {}
    for r in kg.run("lineage", instrument=instrument).rows:
        later = f"{r['laterInstrumentId']} {r['laterCitation']}"
        earlier = f"{r['earlierInstrumentId']} {r['earlierCitation']}"
        links.setdefault((later, earlier), set()).add(f"{r['source']} {r['pinpoint']}")
    return links


def _citations(cell: Cell) -> dict[str, str]:
    """Return the cell's provisions as citation -> verification status."""
    return {p.citation: p.verification for p in cell.provisions}


def _claims(kg: KnowledgeGraph, instrument: str, pinpoint: str) -> list[dict[str, str]]:
    """Return the claims about an instrument whose pinpoint contains the text, as strings."""
    rows = kg.run("claims_about", instrument=instrument).rows
    return [
        {k: str(v) for k, v in r.items()} for r in rows if pinpoint in str(r.get("pinpoint", ""))
    ]


def _absent_on_seed(cell: Cell, pinpoint: str = "") -> None:
    """Assert the cell is absent on the seed's authority (scholarly), at the pinpoint if given."""
    assert cell.status == "absent", f"{cell.feature} in {cell.instrument} is {cell.status}"
    evidence = [e for e in cell.evidence() if e["source"] == SEED]
    assert evidence, f"{cell.feature} in {cell.instrument}: no absence cites the seed"
    assert all(e["verification"] == "scholarly" for e in evidence)
    if pinpoint:
        assert any(pinpoint in e["pinpoint"] for e in evidence), [e["pinpoint"] for e in evidence]


# --- II.A.i Channels for the transmission of requests ----------------------------------------


def test_eu_japan_transmits_requests_only_between_central_authorities(
    seed_comparison: Comparison,
) -> None:
    channel = seed_comparison.cell("central-authority-channel", EU_JP)
    assert channel.status == "present"
    assert _citations(channel)["Art 5(1)"] == "scholarly"  # seed fn 71
    _absent_on_seed(seed_comparison.cell("direct-judicial-contact", EU_JP), "II.A.i")
    diplomatic = seed_comparison.cell("diplomatic-channel", EU_JP)
    assert diplomatic.status == "absent" and diplomatic.verification == "official"


def test_eu_japan_central_authorities_include_prosecutors_and_police_for_some_states(
    kg: KnowledgeGraph,
) -> None:
    # Seed fn 72-75, on the original Annex I: prosecutors' offices for LT, LU, HU, MT and PT;
    # prosecution services for the pre-trial phase in CZ, LV, PL and SK; the State Police of
    # Latvia for the investigation phase; ministries of justice otherwise.
    original: dict[tuple[str, str], str] = {}
    for r in kg.run("transmission_channels", instrument=[EU_JP]).rows:
        if str(r["kind"]) == "central-authority" and "[original]" in str(r.get("citation", "")):
            original[(str(r["state"]), str(r["authority"]))] = str(r.get("phase", ""))

    def prosecutors(phase: str) -> set[str]:
        return {s for (s, name), p in original.items() if "rosecut" in name and p == phase}

    assert prosecutors("") == {"LT", "LU", "HU", "MT", "PT"}
    assert prosecutors("pre-trial") == {"CZ", "LV", "PL", "SK"}
    assert original[("LV", "State Police")] == "investigation"
    ministries = {state for (state, name) in original if "Ministry of Justice" in name}
    assert {"CZ", "DK", "LV", "PL", "SK"} <= ministries


def test_japan_us_gives_a_role_only_to_central_authorities(
    kg: KnowledgeGraph, seed_comparison: Comparison
) -> None:
    channel = seed_comparison.cell("central-authority-channel", JP_US)
    assert channel.status == "present"
    # The seed pins Art 2 (fn 79); how Art 2 is split into paragraphs is only recalled.
    assert kg.outline(JP_US).find("Art 2").verification == "scholarly"
    assert channel.pinpoints() and all(p.recalled for p in channel.pinpoints())
    assert all(p.citation.startswith("Art 2") for p in channel.pinpoints())
    assert [a.verification for a in channel.presences] == ["official"]
    _absent_on_seed(seed_comparison.cell("direct-judicial-contact", JP_US))


def test_eu_us_allows_transmission_outside_the_central_authority_channel(
    kg: KnowledgeGraph, seed_comparison: Comparison
) -> None:
    direct = seed_comparison.cell("direct-judicial-contact", EU_US)
    assert direct.status == "present"
    # Art 4(3): bank-information requests between designated investigating or prosecuting
    # authorities; Art 5(3): direct contacts within a joint investigation team. Both read in the
    # authentic Dutch text (official record BWBV0004049).
    pinpoints = {p.citation: p.recalled for p in direct.pinpoints()}
    assert pinpoints == {"Art 4(3)": False, "Art 5(3)": False}
    assert _citations(direct)["Art 4(3)"] == "official"
    # The seed's pinpoint (fn 78, Art 4(3)(a)) stays visible with the research's check of it.
    rows = kg.run("claims_about", instrument=EU_US).rows
    claims = [r for r in rows if "fn 78" in str(r["pinpoint"])]
    assert claims and str(claims[0]["check"]).startswith("Partly accurate")


def test_2000_convention_privileges_direct_contacts_between_judicial_authorities(
    kg: KnowledgeGraph, reference_comparison: Comparison
) -> None:
    # Seed fn 77 (citing "Art. 6, 2002 EU MLA Convention"): direct contacts are the rule.
    direct = reference_comparison.cell("direct-judicial-contact", CONV_2000)
    assert _citations(direct)["Art 6(1)"] == "official"
    assert not direct.recalled
    # Central authorities remain for some cases only: Art 6(8) (official; custody transfers and
    # criminal records), Art 6(2) only recalled, and marked so.
    central = {
        p.citation: p.recalled
        for p in reference_comparison.cell("central-authority-channel", CONV_2000).pinpoints()
    }
    assert central == {"Art 6(2)": True, "Art 6(8)": False}
    # The seed's "diplomatic channels as the exception" has no provision in the research.
    assert reference_comparison.cell("diplomatic-channel", CONV_2000).status == "unknown"
    claims = _claims(kg, CONV_2000, "fn 77")
    assert len(claims) == 1 and claims[0]["citation"] == "Art 6" and claims[0]["source"] == SEED


# --- II.A.ii Wide, yet not unlimited, discretion to refuse ------------------------------------


def test_eu_japan_obliges_the_requested_state_to_assist(seed_comparison: Comparison) -> None:
    cell = seed_comparison.cell("obligation-to-assist", EU_JP)
    assert _citations(cell) == {"Art 1(1)": "scholarly"}  # seed fn 80 ("shall ... provide")


def test_eu_japan_obligation_is_worded_like_the_2000_convention(
    kg: KnowledgeGraph, reference_comparison: Comparison
) -> None:
    # Seed fn 82: Art 3 of the 2000 Convention also says "shall". The paragraph is scholarly,
    # but the research only recalls Art 3 itself, so the citation is marked recalled.
    cell = reference_comparison.cell("obligation-to-assist", CONV_2000)
    assert _citations(cell) == {"Art 3(1)": "scholarly"}
    assert cell.recalled and cell.text() == "Art 3(1)" + RECALLED_MARK
    assert reference_comparison.cell("obligation-to-assist", EU_JP).status == "present"
    assert [c["source"] for c in _claims(kg, CONV_2000, "fn 82")] == [SEED]


def test_eu_japan_obligation_goes_further_than_the_1959_conventions_undertaking(
    kg: KnowledgeGraph, reference_comparison: Comparison
) -> None:
    # Seed fn 81: the 1959 Convention only "undertakes to afford the widest measure" of assistance.
    assert reference_comparison.cell("obligation-to-assist", EU_JP).status == "present"
    _absent_on_seed(reference_comparison.cell("obligation-to-assist", COE_1959))
    claims = _claims(kg, COE_1959, "fn 81")
    assert len(claims) == 1 and "milder" in claims[0]["statement"]


def test_no_agreement_lets_the_requesting_state_set_deadlines(seed_comparison: Comparison) -> None:
    for instrument in (EU_JP, JP_US):
        _absent_on_seed(seed_comparison.cell("deadlines", instrument))
    # EU-US: the seed's statement was checked against the full authentic Dutch text, so the
    # absence is official and still cites the seed.
    eu_us = seed_comparison.cell("deadlines", EU_US)
    assert eu_us.status == "absent" and eu_us.verification == "official"
    assert SEED in {e["source"] for e in eu_us.evidence()}


def test_deadlines_are_an_improved_cooperation_feature_of_the_2000_convention_art_4_2(
    reference_comparison: Comparison,
) -> None:
    cell = reference_comparison.cell("deadlines", CONV_2000)  # seed fn 83: Art 4(2)
    assert _citations(cell)["Art 4(2)"] == "official"
    assert not next(p for p in cell.provisions if p.citation == "Art 4(2)").recalled
    assert reference_comparison.row("deadlines").marks == "improved"


def test_deadlines_also_appear_outside_eu_law_in_the_un_model_law(kg: KnowledgeGraph) -> None:
    # Seed fn 69: improved cooperation is not only EU law; Art 5(1)(f) of the UN Model Law asks
    # for deadlines. The research places the feature in Art 5(1), on the seed's authority.
    cell = kg.compare([UN_MODEL_LAW], features=["deadlines"]).cell("deadlines", UN_MODEL_LAW)
    assert _citations(cell) == {"Art 5(1)": "scholarly"}
    claims = _claims(kg, UN_MODEL_LAW, "fn 69")
    assert len(claims) == 1 and "Art 5(1)(f)" in claims[0]["statement"]


def test_eu_japan_lists_the_usual_grounds_in_art_11(seed_comparison: Comparison) -> None:
    grounds = {
        "refusal-political-offence": "Art 11(1)(a)",
        "refusal-essential-interests": "Art 11(1)(b)",
        "refusal-ne-bis-in-idem": "Art 11(1)(d)",
        "refusal-double-criminality-coercive": "Art 11(2)",
    }
    for feature, citation in grounds.items():
        cell = seed_comparison.cell(feature, EU_JP)
        assert citation in [p.citation for p in cell.pinpoints()], feature


def test_usual_grounds_also_in_japan_us_but_only_recalled_there(
    kg: KnowledgeGraph, seed_comparison: Comparison
) -> None:
    # Seed fn 86: the usual grounds are found "as well as in" the Japan-US treaty (Art 3(4)).
    # The research recalls political-offence and essential-interests grounds in Art 3(1) only,
    # recalls no ne bis in idem ground, and places double criminality in Art 3(1) only as a
    # candidate (whether the treaty has such a ground is contested: see the next test).
    for feature in ("refusal-political-offence", "refusal-essential-interests"):
        cell = seed_comparison.cell(feature, JP_US)
        assert [p.citation for p in cell.pinpoints()] == ["Art 3(1)"], feature
        assert cell.recalled and cell.text() == "Art 3(1)" + RECALLED_MARK
    ne_bis = seed_comparison.cell("refusal-ne-bis-in-idem", JP_US)
    assert ne_bis.status == "absent" and ne_bis.recalled
    coercive = seed_comparison.cell("refusal-double-criminality-coercive", JP_US)
    assert not coercive.provisions
    assert [p.citation for p in coercive.candidates] == ["Art 3(1)"]
    claims = _claims(kg, JP_US, "fn 86")
    assert len(claims) == 1 and str(claims[0]["source"]) == SEED
    assert "Art. 3(4)" in str(claims[0]["pinpoint"]) and "unverified" in str(claims[0]["check"])


def test_japan_us_dual_criminality_is_contested_not_asserted(
    kg: KnowledgeGraph, seed_comparison: Comparison
) -> None:
    # Issue 13: the data used to say a dual-criminality ground exists. Without the treaty text
    # it is contested: a 2009 ministerial answer (seen in a reproduction) limits refusal for
    # lack of dual criminality to compulsory measures; a member's 2004 committee statement says
    # the treaty does not require dual criminality. Nothing about it may be above recalled, and
    # the comparison must show the conflict with both sides and their sources.
    coercive = seed_comparison.cell("refusal-double-criminality-coercive", JP_US)
    assert coercive.status == "present" and coercive.recalled
    assert coercive.verification == "recalled"
    assert coercive.conflict
    (claim,) = coercive.claims
    assert "does not make dual criminality a condition" in claim.statement
    assert claim.verification == "recalled"
    assert "21 Apr 2004" in claim.pinpoint
    note = next(text for _, _, c, text in seed_comparison.notes() if c is coercive)
    assert "presence" in note and "contradicted by claim" in note
    general = seed_comparison.cell("refusal-double-criminality-general", JP_US)
    assert general.status == "absent" and general.recalled
    # The three statements are claims with their sources: the member's website (recalled), the
    # 2005 White Paper (official, and it does not name dual criminality), the 2009 answer
    # (recalled, a reproduction of the minutes).
    base = "https://w3id.org/mla-kg/id/source/jp-us-mlat-"
    expected = {
        "21 Apr 2004": (base + "s16", "recalled"),
        "White Paper on Crime 2005": (base + "s8", "official"),
        "10 Jun 2009": (base + "s18", "recalled"),
    }
    for pinpoint, (source, verification) in expected.items():
        claims = _claims(kg, JP_US, pinpoint)
        assert len(claims) == 1, pinpoint
        assert claims[0]["source"] == source and claims[0]["verification"].endswith(verification)
    (white_paper,) = _claims(kg, JP_US, "White Paper on Crime 2005")
    assert "does not name dual criminality" in white_paper["check"]
    assert "contradicts" not in white_paper  # consistent with either reading, contradicts neither


def test_fiscal_and_military_offence_grounds_are_traditional_found_in_the_1959_convention(
    kg: KnowledgeGraph, reference_comparison: Comparison
) -> None:
    # Seed fn 89 cites Art 2 of the 1959 Convention. The official text places the fiscal ground
    # in Art 2(a) and the military-offence exclusion in Art 1(2); both are read in the official
    # record (BWBV0001009), so neither citation carries the recalled mark.
    for feature, citation in (
        ("refusal-fiscal-offence", "Art 2(a)"),
        ("refusal-military-offence", "Art 1(2)"),
    ):
        cell = reference_comparison.cell(feature, COE_1959)
        assert [p.citation for p in cell.pinpoints()] == [citation], feature
        assert not cell.recalled and cell.text() == citation
        assert [p.verification for p in cell.pinpoints()] == ["official"], feature
        assert reference_comparison.row(feature).marks == "traditional"
        _absent_on_seed(reference_comparison.cell(feature, EU_JP), "fn 89")
    # Two fact sheets (EU-Japan and the 1959 Convention) each record the seed's claim.
    sources = [c["source"] for c in _claims(kg, COE_1959, "fn 89")]
    assert sources and set(sources) == {SEED}


def test_eu_japan_bars_bank_secrecy_as_a_ground_for_refusal(seed_comparison: Comparison) -> None:
    barred = seed_comparison.cell("bank-secrecy-excluded", EU_JP)
    assert _citations(barred) == {"Art 11(3)": "scholarly"}  # seed fn 90
    assert not barred.pinpoints()[0].recalled
    _absent_on_seed(seed_comparison.cell("refusal-bank-secrecy", EU_JP), "fn 90")


def test_eu_japan_has_no_fiscal_or_military_offence_ground(seed_comparison: Comparison) -> None:
    _absent_on_seed(seed_comparison.cell("refusal-fiscal-offence", EU_JP), "fn 89")
    _absent_on_seed(seed_comparison.cell("refusal-military-offence", EU_JP), "fn 89")


def test_eu_japan_double_criminality_only_for_coercive_measures_but_general_for_hungary_and_austria(
    seed_comparison: Comparison,
) -> None:
    coercive = seed_comparison.cell("refusal-double-criminality-coercive", EU_JP)
    assert _citations(coercive) == {"Art 11(2)": "scholarly"}  # seed fn 88
    general = seed_comparison.cell("refusal-double-criminality-general", EU_JP)
    assert general.status == "present"
    assert general.limited_to == ["AT", "HU"]  # Annex IV, seed fn 88
    assert {"Annex IV (AT)", "Annex IV (HU)"} <= set(_citations(general))
    assert "Annex IV (AT, HU only)" in general.text()


def test_eu_us_bars_bank_secrecy_in_art_4_5_not_art_5_as_the_seed_cites(
    seed_comparison: Comparison,
) -> None:
    cell = seed_comparison.cell("bank-secrecy-excluded", EU_US)
    assert [p.citation for p in cell.pinpoints()] == ["Art 4(5)"]
    # Read in the authentic Dutch text (official record): official, so no dagger.
    assert not cell.pinpoints()[0].recalled
    assert cell.text().startswith("Art 4(5)")
    assert not cell.text().startswith("Art 4(5)" + RECALLED_MARK)
    # The seed's claim (fn 92, citing Art 5) stays visible against the provision.
    assert any("fn 92 (cites Art. 5)" in claim.pinpoint for claim in cell.claims)


def test_bank_secrecy_exclusion_comes_from_the_2001_protocol_not_the_2000_convention(
    kg: KnowledgeGraph, reference_comparison: Comparison
) -> None:
    # Seed fn 90-91: EU-Japan Art 11(3) reproduces the 2001 Protocol's exclusion (Arts 7-8); the
    # research places it in Art 7(1) (official; Art 8 excludes the fiscal-offence ground). The
    # Convention itself verifiably lacks it, on the seed's authority.
    protocol = reference_comparison.cell("bank-secrecy-excluded", PROTOCOL_2001)
    assert _citations(protocol) == {"Art 7(1)": "official"} and not protocol.recalled
    assert kg.outline(PROTOCOL_2001).find("Art 7").heading == "Banking secrecy"
    assert (
        _citations(reference_comparison.cell("fiscal-offence-excluded", PROTOCOL_2001))["Art 8(1)"]
        == "official"
    )
    convention = reference_comparison.cell("bank-secrecy-excluded", CONV_2000)
    _absent_on_seed(convention)
    assert "2001 Protocol" in convention.absences[0].note
    # The lineage of EU-Japan Art 11(3), carried by the seed's claim (fn 90-92): the Protocol.
    # (The EU-US Agreement "similarly" bars bank secrecy; the seed does not call it a model.)
    links = {k: v for k, v in _links(kg, EU_JP).items() if k[0] == "eu-jp-mla Art 11(3)"}
    # Carried by the seed's claim twice: as the EU-Japan and the 2001 Protocol sheets cite it.
    assert links == {
        ("eu-jp-mla Art 11(3)", "eu-mla-prot-2001 Art 7"): {
            f"{SEED} section II.A.ii, fn 90-92",
            f"{SEED} sec II.A.ii, fn 90-91",
        }
    }


def test_japan_us_bank_secrecy_shown_as_text_against_the_seeds_claim(
    seed_comparison: Comparison,
) -> None:
    # The seed says the Japan-US treaty includes a bank-secrecy ground; the research recalls no
    # such provision. Both must be visible: the recalled absence and the seed's claim.
    cell = seed_comparison.cell("refusal-bank-secrecy", JP_US)
    assert cell.status == "absent" and cell.recalled
    assert cell.text().startswith("absent" + RECALLED_MARK)
    assert cell.conflict
    seed_claims = [c for c in cell.claims if SEED in c.sources]
    assert any("includes bank secrecy as a ground for refusal" in c.statement for c in seed_claims)
    assert all(c.verification == "scholarly" for c in seed_claims)
    note = next(text for _, _, c, text in seed_comparison.notes() if c is cell)
    assert "absence" in note and "contradicted by claim" in note


# --- II.A.iii Evidence acquisition techniques ---------------------------------------------------


def test_videoconference_in_eu_japan_and_eu_us_but_not_japan_us(
    seed_comparison: Comparison,
) -> None:
    eu_japan = seed_comparison.cell("videoconference-hearing", EU_JP)
    assert _citations(eu_japan)["Art 16 [1]"] == "scholarly"  # seed: Art 16
    eu_us = seed_comparison.cell("videoconference-hearing", EU_US)
    # seed fn 98: Art 6; the paragraph was read in the authentic Dutch text, the seed stays a source
    assert _citations(eu_us)["Art 6(1)"] == "official"
    assert SEED in next(p for p in eu_us.provisions if p.citation == "Art 6(1)").sources
    _absent_on_seed(seed_comparison.cell("videoconference-hearing", JP_US))


def test_videoconference_was_introduced_by_the_2000_convention_art_10(
    kg: KnowledgeGraph, reference_comparison: Comparison
) -> None:
    # Seed fn 96: Art 10 of the 2000 Convention introduced the hearing by videoconference and
    # is the model of EU-Japan Art 16.
    cell = reference_comparison.cell("videoconference-hearing", CONV_2000)
    assert _citations(cell)["Art 10(1)"] == "scholarly"
    assert reference_comparison.row("videoconference-hearing").marks == "improved"
    claims = _claims(kg, CONV_2000, "fn 96")
    assert len(claims) == 1 and claims[0]["citation"] == "Art 10"
    assert "model for EU-Japan Art 16" in claims[0]["statement"]
    # The claim carries the lineage link between the two provisions.
    assert _links(kg, CONV_2000) == {
        ("eu-jp-mla Art 16", "eu-mla-conv-2000 Art 10"): {f"{SEED} sec II.A.iii, fn 96"}
    }
    # Older, traditional instruments lack it: the 1959 Convention, on the seed's authority.
    _absent_on_seed(reference_comparison.cell("videoconference-hearing", COE_1959))


def test_joint_investigation_teams_in_eu_us_not_in_eu_japan_or_japan_us(
    seed_comparison: Comparison,
) -> None:
    # seed fn 100, 102: Art 5; read in the authentic Dutch text, the seed stays a source
    jits = seed_comparison.cell("joint-investigation-teams", EU_US)
    assert _citations(jits)["Art 5(1)"] == "official"
    assert SEED in next(p for p in jits.provisions if p.citation == "Art 5(1)").sources
    _absent_on_seed(seed_comparison.cell("joint-investigation-teams", EU_JP), "fn 100-109")
    _absent_on_seed(seed_comparison.cell("joint-investigation-teams", JP_US))


def test_japan_ratified_a_jit_basis_only_where_not_contrary_to_domestic_law(
    kg: KnowledgeGraph,
) -> None:
    # Seed fn 105-106: the 1988 UN Drugs Convention, ratified by Japan in 1992, has a legal basis
    # for joint teams (Art 9(1)(c)), but only to the extent domestic law allows.
    cell = kg.compare([UN_DRUGS, EU_JP], features=["joint-investigation-teams"]).cell(
        "joint-investigation-teams", UN_DRUGS
    )
    assert _citations(cell) == {"Art 9(1)(c)": "official"} and not cell.recalled
    claims = _claims(kg, UN_DRUGS, "fn 105-106")
    assert len(claims) == 1 and "not contrary to domestic law" in claims[0]["statement"]


def test_eu_japan_lacks_interception_and_controlled_deliveries(
    seed_comparison: Comparison,
) -> None:
    _absent_on_seed(seed_comparison.cell("interception-telecommunications", EU_JP), "fn 99")
    _absent_on_seed(seed_comparison.cell("controlled-delivery", EU_JP), "fn 99")


def test_interception_controlled_delivery_and_jits_are_in_the_2000_convention(
    reference_comparison: Comparison,
) -> None:
    # Seed fn 99-100: these modern forms of assistance of the 2000 Convention are missing from
    # EU-Japan. JITs: Art 13 (scholarly); controlled deliveries: Art 12 (official; the research
    # notes it sits in Title II, not Title III as the seed says); interception: Arts 17-22,
    # every one only recalled, and marked so.
    assert (
        _citations(reference_comparison.cell("joint-investigation-teams", CONV_2000))["Art 13(1)"]
        == "scholarly"
    )
    assert (
        _citations(reference_comparison.cell("controlled-delivery", CONV_2000))["Art 12(1)"]
        == "official"
    )
    interception = reference_comparison.cell("interception-telecommunications", CONV_2000)
    assert interception.status == "present" and interception.recalled
    assert {p.citation.split("(")[0] for p in interception.pinpoints()} == {
        f"Art {n}" for n in range(17, 23)
    }
    for feature in ("joint-investigation-teams", "controlled-delivery"):
        _absent_on_seed(reference_comparison.cell(feature, EU_JP))


def test_eu_japan_exports_the_improved_model_only_partially(kg: KnowledgeGraph) -> None:
    profile = kg.model_profile(EU_JP)
    assert profile.score is not None and 0 < profile.score < 1
    present = {m.feature: m.model for m in profile.markers}
    assert present["videoconference-hearing"] == "improved"
    assert present["bank-secrecy-excluded"] == "improved"
    assert present["central-authority-channel"] == "traditional"
    absent = {m.feature for m in profile.absent_markers}
    assert {"joint-investigation-teams", "deadlines", "direct-judicial-contact"} <= absent


def test_eu_japan_sits_between_the_2000_convention_and_japan_us(kg: KnowledgeGraph) -> None:
    # "At least partially" the EU model (II.A.ii-iii): the improved-cooperation share of EU-Japan
    # lies between the EU's own instrument and Japan's earlier treaty with the US, counting all
    # markers and counting only those that rest on more than recalled facts.
    convention, eu_japan, japan_us = (kg.model_profile(i) for i in (CONV_2000, EU_JP, JP_US))
    for score in ("score", "verified_score"):
        values = [getattr(p, score) for p in (convention, eu_japan, japan_us)]
        assert None not in values and values[0] > values[1] > values[2], (score, values)
    # What the Convention has and EU-Japan verifiably lacks: the improved markers of the seed.
    only_convention = {e.row.id for e in kg.diff(CONV_2000, EU_JP).only_a}
    assert {
        "direct-judicial-contact", "deadlines", "joint-investigation-teams",
        "controlled-delivery", "interception-telecommunications",
    } <= only_convention  # fmt: skip


# --- II.B.i Death penalty ---------------------------------------------------------------------


def test_eu_japan_death_penalty_ground_in_abstracto(seed_comparison: Comparison) -> None:
    cell = seed_comparison.cell("refusal-death-penalty-abstract", EU_JP)
    assert [p.citation for p in cell.pinpoints()] == ["Art 11(1)(b)"]  # seed fn 111
    assert cell.verification == "official"  # the ground itself: MOFA and the EP (s10, s4)
    life = seed_comparison.cell("refusal-life-imprisonment", EU_JP)
    assert life.limited_to == ["PT"]  # Annex IV, seed fn 111


def test_eu_us_mla_has_no_death_penalty_ground(seed_comparison: Comparison) -> None:
    for feature in ("refusal-death-penalty-abstract", "refusal-death-penalty-concrete"):
        cell = seed_comparison.cell(feature, EU_US)
        assert cell.status == "absent" and cell.verification == "official"  # HL Paper 153
        assert SEED in {e["source"] for e in cell.evidence()}


def test_eu_us_mla_keeps_only_a_general_public_order_clause(
    kg: KnowledgeGraph, seed_comparison: Comparison
) -> None:
    # Seed fn 129: only a general "public order" clause, with no reference to capital punishment.
    public_order = seed_comparison.cell("refusal-essential-interests", EU_US)
    assert [p.citation for p in public_order.pinpoints()] == ["Art 13 [1]"]
    assert not public_order.recalled, "its placement was read in the authentic Dutch text"
    claims = _claims(kg, EU_US, "fn 128-129")
    assert len(claims) == 1 and str(claims[0]["check"]).startswith("Confirmed")
    assert "general 'public order' clause" in str(claims[0]["statement"])


def test_eu_us_extradition_art_13_death_penalty_in_concreto(
    kg: KnowledgeGraph, reference_comparison: Comparison
) -> None:
    # Seed fn 120, 128: Art 13 lets the requested State make extradition conditional on death
    # not being imposed or carried out; refusal only if the conditions are not accepted.
    concrete = reference_comparison.cell("refusal-death-penalty-concrete", EU_US_EXTRADITION)
    assert _citations(concrete) == {"Art 13 [1]": "scholarly"}
    assert not concrete.recalled
    article = kg.outline(EU_US_EXTRADITION).find("Art 13")
    assert article.verification == "official"  # HL Paper 153 para 30
    assert article.heading == "Capital punishment" and article.heading_verification == "recalled"
    # It has no in-abstracto ground (seed II.B.i.b), and EU-Japan no in-concreto one.
    _absent_on_seed(reference_comparison.cell("refusal-death-penalty-abstract", EU_US_EXTRADITION))
    assert reference_comparison.cell("refusal-death-penalty-concrete", EU_JP).status == "unknown"
    claims = _claims(kg, EU_US_EXTRADITION, "fn 128")
    assert len(claims) == 1 and "in concreto" in claims[0]["statement"]
    assert claims[0]["check"].startswith("Consistent with Art 13")


def test_death_penalty_in_abstracto_for_eu_japan_mla_in_concreto_for_eu_us_extradition(
    kg: KnowledgeGraph,
) -> None:
    # The comparison of II.B.i.b across MLA and extradition instruments, through the named
    # query with its defaults (every instrument of the graph).
    rows = kg.run("death_penalty_clauses").rows
    provisions = {
        (str(r["instrumentId"]), str(r["featureId"]), str(r["citation"]))
        for r in rows
        if str(r["kind"]) == "provision"
    }
    death = {(i, f, c) for i, f, c in provisions if f != "refusal-life-imprisonment"}
    assert {(i, f) for i, f, _ in death} == {
        (EU_JP, "refusal-death-penalty-abstract"),
        (EU_US_EXTRADITION, "refusal-death-penalty-concrete"),
    }
    assert (EU_JP, "refusal-death-penalty-abstract", "Art 11(1)(b)") in death
    assert (EU_US_EXTRADITION, "refusal-death-penalty-concrete", "Art 13 [1]") in death
    approaches = {str(r["featureId"]): str(r["approach"]) for r in rows}
    assert approaches["refusal-death-penalty-abstract"].startswith("in abstracto")
    assert approaches["refusal-death-penalty-concrete"].startswith("in concreto")
    # The instruments the seed compares record an absence of the in-abstracto ground, each with
    # its own status: EU-US MLA official (HL Paper 153), the extradition agreement on the seed's
    # authority, the 2000 Convention and Japan-US only recalled.
    absences = {
        str(r["instrumentId"]): str(r["verification"]).rsplit("#", 1)[1]
        for r in rows
        if str(r["kind"]) == "absence" and str(r["featureId"]) == "refusal-death-penalty-abstract"
    }
    assert EU_JP not in absences
    assert {i: absences.get(i) for i in (EU_US, EU_US_EXTRADITION, CONV_2000, JP_US)} == {
        EU_US: "official",
        EU_US_EXTRADITION: "scholarly",
        CONV_2000: "recalled",
        JP_US: "recalled",
    }


def test_eu_japan_death_penalty_clause_partly_modelled_on_eu_us_extradition(
    kg: KnowledgeGraph,
) -> None:
    # Seed II.B (intro) and II.B.i.b: partially modelled on the extradition clause, but went
    # further. Two claims of the seed carry the link from Art 11(1)(b) to Art 13.
    claims = _claims(kg, EU_US_EXTRADITION, "intro to II.B.i")
    assert len(claims) == 1 and claims[0]["source"] == SEED
    assert "partially modelled" in claims[0]["statement"]
    link = ("eu-jp-mla Art 11(1)(b)", "eu-us-extradition Art 13")
    assert _links(kg, EU_US_EXTRADITION) == {
        link: {
            f"{SEED} section II.B (intro to II.B.i) and II.B.i.b",
            f"{SEED} section II.B.i and II.B.i.b, fn 120, 128",
        }
    }
    assert link in _links(kg, EU_JP)
    # It went further: the EU-US clause is in concreto, the EU-Japan one in abstracto.
    assert (
        kg.compare([EU_JP], features=["refusal-death-penalty-abstract"])
        .cell("refusal-death-penalty-abstract", EU_JP)
        .status
        == "present"
    )


# --- II.B.ii.b Applicable law: forum and locus regit actum ------------------------------------


def test_eu_japan_and_japan_us_follow_the_requesting_states_formalities_unless_contrary_to_law(
    kg: KnowledgeGraph,
) -> None:
    rows = kg.run("manner_of_execution", instrument=[EU_JP, JP_US]).rows
    facts = {
        (str(r["instrumentId"]), str(r["featureId"]), str(r.get("citation", "")), str(r["kind"]))
        for r in rows
    }
    for citation in ("Art 8(4)(g)", "Art 8(5)(a)", "Art 10(2)"):  # seed fn 154-155
        assert (EU_JP, "manner-of-execution-indicated", citation, "provision") in facts
    assert (EU_JP, "forum-limit-contrary-to-law", "Art 10(2)", "provision") in facts
    # Japan-US: the seed gives no article (fn 157 is lost), so the clause stays unplaced.
    japan_us = {f: c for i, f, c, k in facts if i == JP_US and k == "provision"}
    assert japan_us["manner-of-execution-indicated"].startswith("unplaced provision")
    assert japan_us["forum-limit-contrary-to-law"].startswith("unplaced provision")
    comparison = kg.compare([EU_JP], features=["forum-limit-fundamental-principles"])
    _absent_on_seed(comparison.cell("forum-limit-fundamental-principles", EU_JP), "fn 156")


def test_2000_eu_convention_yields_only_to_fundamental_principles(
    kg: KnowledgeGraph, reference_comparison: Comparison
) -> None:
    # Seed fn 156: Art 4(1) lets the requested State depart from indicated formalities only where
    # they conflict with its fundamental principles of law: a narrower derogation than EU-Japan.
    rows = kg.run("manner_of_execution", instrument=[EU_JP, CONV_2000, JP_US]).rows
    facts = {
        (str(r["instrumentId"]), str(r["featureId"]), str(r.get("citation", "")), str(r["kind"]))
        for r in rows
    }
    assert (CONV_2000, "manner-of-execution-indicated", "Art 4(1)", "provision") in facts
    assert (CONV_2000, "forum-limit-fundamental-principles", "Art 4(1)", "provision") in facts
    principles = reference_comparison.cell("forum-limit-fundamental-principles", CONV_2000)
    assert _citations(principles)["Art 4(1)"] == "official"
    assert not next(p for p in principles.provisions if p.citation == "Art 4(1)").recalled
    # The wider derogation ("contrary to the law") is EU-Japan's and Japan-US's, not the
    # Convention's; EU-Japan verifiably lacks the narrower one.
    assert not {f for i, f, _, _ in facts if i == CONV_2000} & {"forum-limit-contrary-to-law"}
    assert reference_comparison.cell("forum-limit-contrary-to-law", CONV_2000).status == "unknown"
    _absent_on_seed(reference_comparison.cell("forum-limit-fundamental-principles", EU_JP))
    claims = _claims(kg, CONV_2000, "fn 156")
    assert len(claims) == 1 and "narrower than EU-Japan" in claims[0]["statement"]
