"""Facts the seed article (Weyembergh & Wieczorek) pins, asked of the bundled graph with SPARQL.

Each test asks for the provision (or attestation) by instrument, citation and feature, and checks
its verification status and that it cites the seed (or the official source the fact sheet gives).
Every test runs on both embedded engines (pyoxigraph and rdflib) through the ``any_kg`` fixture.
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from mla_kg import KnowledgeGraph

MLA = "https://w3id.org/mla-kg/ontology#"
FEAT = "https://w3id.org/mla-kg/feature/"
SOURCE = "https://w3id.org/mla-kg/id/source/"
SEED = URIRef(SOURCE + "seed")

PROVISION = """
SELECT * WHERE {
  ?node mla:inInstrument ?instrument ;
        mla:citation ?citation ;
        mla:hasFeature ?feature ;
        mla:verification ?status ;
        mla:source ?source .
}
"""

PROVISION_IN_ARTICLE = """
SELECT * WHERE {
  ?article mla:inInstrument ?instrument ;
           a mla:Article ;
           mla:citation ?article_citation .
  ?node eli:is_part_of ?article ;
        mla:citation ?citation ;
        mla:hasFeature ?feature ;
        mla:verification ?status ;
        mla:source ?source .
}
"""

ATTESTATION = """
SELECT * WHERE {
  ?node a ?kind ;
        mla:instrument ?instrument ;
        mla:feature ?feature ;
        mla:verification ?status ;
        mla:source ?source .
}
"""


def _provision(
    kg: KnowledgeGraph,
    instrument: str,
    citation: str,
    feature: str,
    status: str,
    source: URIRef = SEED,
) -> None:
    rows = kg.query(
        PROVISION,
        {
            "instrument": kg.instrument_iri(instrument),
            "citation": Literal(citation),
            "feature": URIRef(FEAT + feature),
            "source": source,
        },
    ).rows
    assert len(rows) == 1, (
        f"{instrument} {citation}: expected one provision carrying feat:{feature} citing {source}, "
        f"found {len(rows)}"
    )
    assert rows[0]["status"] == URIRef(MLA + status), (
        f"{instrument} {citation} is {rows[0]['status']}, the fact sheet says {status}"
    )


def _attestation(
    kg: KnowledgeGraph, instrument: str, kind: str, feature: str, status: str, source: URIRef
) -> None:
    rows = kg.query(
        ATTESTATION,
        {
            "kind": URIRef(MLA + kind),
            "instrument": kg.instrument_iri(instrument),
            "feature": URIRef(FEAT + feature),
            "source": source,
        },
    ).rows
    assert len(rows) == 1, f"{instrument}: expected one {kind} of feat:{feature} citing {source}"
    assert rows[0]["status"] == URIRef(MLA + status), (
        f"{instrument} {kind} of {feature} is {rows[0]['status']}, the fact sheet says {status}"
    )


def test_eu_japan_art_1_1_obligation_to_assist(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _provision(kg, "eu-jp-mla", "Art 1(1)", "obligation-to-assist", "scholarly")


def test_eu_japan_art_5_1_central_authority_channel(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _provision(kg, "eu-jp-mla", "Art 5(1)", "central-authority-channel", "scholarly")


def test_eu_japan_art_8_4_g_manner_of_execution(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _provision(kg, "eu-jp-mla", "Art 8(4)(g)", "manner-of-execution-indicated", "scholarly")


def test_eu_japan_art_8_5_a_manner_of_execution(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _provision(kg, "eu-jp-mla", "Art 8(5)(a)", "manner-of-execution-indicated", "scholarly")


def test_eu_japan_art_10_2_forum_limited_by_requested_state_law(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _provision(kg, "eu-jp-mla", "Art 10(2)", "forum-limit-contrary-to-law", "scholarly")
    _provision(kg, "eu-jp-mla", "Art 10(2)", "manner-of-execution-indicated", "scholarly")


def test_eu_japan_art_11_1_b_death_penalty_in_abstracto(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _provision(kg, "eu-jp-mla", "Art 11(1)(b)", "refusal-death-penalty-abstract", "scholarly")


def test_eu_japan_art_11_2_double_criminality_for_coercive_measures(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _provision(kg, "eu-jp-mla", "Art 11(2)", "refusal-double-criminality-coercive", "scholarly")


def test_eu_japan_art_11_3_bank_secrecy_excluded(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _provision(kg, "eu-jp-mla", "Art 11(3)", "bank-secrecy-excluded", "scholarly")


def test_eu_japan_art_16_videoconference_hearing(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    rows = kg.query(
        PROVISION_IN_ARTICLE,
        {
            "instrument": kg.instrument_iri("eu-jp-mla"),
            "article_citation": Literal("Art 16"),
            "feature": URIRef(FEAT + "videoconference-hearing"),
            "source": SEED,
        },
    ).rows
    assert len(rows) == 1, (
        f"expected one paragraph of EU-Japan Art 16 on videoconference, found {rows}"
    )
    assert str(rows[0]["citation"]).startswith("Art 16"), rows[0]["citation"]
    assert rows[0]["status"] == URIRef(MLA + "scholarly")


def test_eu_japan_annex_iv_portugal_life_imprisonment(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _provision(kg, "eu-jp-mla", "Annex IV (PT)", "refusal-life-imprisonment", "scholarly")


def test_eu_japan_annex_iv_hungary_double_criminality_for_all_measures(
    any_kg: KnowledgeGraph,
) -> None:
    kg = any_kg
    _provision(kg, "eu-jp-mla", "Annex IV (HU)", "refusal-double-criminality-general", "scholarly")


def test_eu_japan_annex_iv_austria_double_criminality_for_all_measures(
    any_kg: KnowledgeGraph,
) -> None:
    kg = any_kg
    _provision(kg, "eu-jp-mla", "Annex IV (AT)", "refusal-double-criminality-general", "scholarly")


def test_eu_japan_has_no_joint_investigation_teams(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _attestation(kg, "eu-jp-mla", "Absence", "joint-investigation-teams", "scholarly", SEED)


def test_eu_japan_has_no_deadlines(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _attestation(kg, "eu-jp-mla", "Absence", "deadlines", "scholarly", SEED)


def test_eu_us_art_5_joint_investigation_teams(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    # The seed (fn 100/102) stays a source; the paragraph was read in the authentic Dutch text.
    _provision(kg, "eu-us-mla", "Art 5(1)", "joint-investigation-teams", "official")


def test_eu_us_art_6_videoconference_hearing(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    # The seed (fn 98) stays a source; the paragraph was read in the authentic Dutch text.
    _provision(kg, "eu-us-mla", "Art 6(1)", "videoconference-hearing", "official")


def test_japan_us_central_authority_channel_present(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    white_paper_2005 = URIRef(SOURCE + "jp-us-mlat-s8")
    _attestation(
        kg, "jp-us-mlat", "Presence", "central-authority-channel", "official", white_paper_2005
    )


def test_japan_us_direct_judicial_contact_absent(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _attestation(kg, "jp-us-mlat", "Absence", "direct-judicial-contact", "scholarly", SEED)


def test_japan_us_has_no_videoconference_clause(any_kg: KnowledgeGraph) -> None:
    kg = any_kg
    _attestation(kg, "jp-us-mlat", "Absence", "videoconference-hearing", "scholarly", SEED)


CONTRADICTION = """
SELECT * WHERE {
  ?claim a mla:CommentaryClaim ;
         mla:source ?source ;
         mla:verification ?status ;
         mla:contradicts ?target .
}
"""


def test_seed_on_japan_us_bank_secrecy_is_shown_against_the_recalled_absence(
    any_kg: KnowledgeGraph,
) -> None:
    kg = any_kg
    absence = URIRef(str(kg.instrument_iri("jp-us-mlat")) + "/absence/refusal-bank-secrecy")
    rows = kg.query(CONTRADICTION, {"source": SEED, "target": absence}).rows
    claims = {str(row["claim"]) for row in rows}
    assert str(kg.instrument_iri("jp-us-mlat")) + "/claim/7" in claims, claims
    assert all(row["status"] == URIRef(MLA + "scholarly") for row in rows)
    status = kg.query("SELECT ?a ?s WHERE { ?a mla:verification ?s }", {"a": absence}).rows
    assert [row["s"] for row in status] == [URIRef(MLA + "recalled")], (
        "the text-side reading stays recalled"
    )


def test_seed_pin_of_eu_us_bank_secrecy_to_art_5_is_shown_against_art_4_5(
    any_kg: KnowledgeGraph,
) -> None:
    kg = any_kg
    eu_us = str(kg.instrument_iri("eu-us-mla"))
    rows = kg.query(CONTRADICTION, {"source": SEED, "target": URIRef(eu_us + "/art/4/para/5")}).rows
    claims = {str(row["claim"]) for row in rows}
    assert eu_us + "/claim/4" in claims, claims
    about = kg.query(
        "SELECT ?c ?a WHERE { ?c mla:about ?a }", {"c": URIRef(eu_us + "/claim/4")}
    ).column("a")
    assert about == [URIRef(eu_us + "/art/5")], "the claim stays attached where the seed pins it"
    _provision(
        kg,
        "eu-us-mla",
        "Art 4(5)",
        "bank-secrecy-excluded",
        "official",
        URIRef(SOURCE + "eu-us-mla-s-nl"),
    )


# --- Errors once in the data (issue 13, section 5), checked so they do not come back ----------


def test_seed_record_names_its_journal_year_and_pages(any_kg: KnowledgeGraph) -> None:
    rows = any_kg.query(
        """SELECT ?seed ?journal ?date ?citation ?doi WHERE {
             ?seed dct:isPartOf ?j ; dct:date ?date ; dct:bibliographicCitation ?citation ;
                   dct:identifier ?doi .
             ?j dct:title ?journal .
           }""",
        {"seed": SEED},
    ).rows
    assert len(rows) == 1, rows
    row = {k: str(v) for k, v in rows[0].items()}
    assert row["journal"] == "New Journal of European Criminal Law"
    assert row["date"] == "2020"
    assert "11(4)" in row["citation"] and "439-466" in row["citation"]
    assert row["doi"] == "doi:10.1177/2032284420938140"


def test_japanese_treaty_number_of_eu_japan_is_recalled_everywhere(any_kg: KnowledgeGraph) -> None:
    # Only a non-official copy of a prefectural police circular shows "Treaty No. 13 of 2010":
    # the identifier and every note restating it must say recalled, none official.
    identifier = URIRef(str(any_kg.instrument_iri("eu-jp-mla")) + "/identifier/jp-treaty-number")
    status = any_kg.query("SELECT ?i ?s WHERE { ?i mla:verification ?s }", {"i": identifier}).rows
    assert [row["s"] for row in status] == [URIRef(MLA + "recalled")]
    mentions = [
        str(row["o"])
        for row in any_kg.query(
            'SELECT ?o WHERE { ?x ?p ?o FILTER(CONTAINS(STR(?o), "Treaty No. 13 of 2010")) }'
        ).rows
    ]
    notes = [text for text in mentions if "[" in text]
    assert notes and all("[recalled" in text for text in notes), notes


def test_greek_central_authority_in_the_2022_annex_is_one_ministry(any_kg: KnowledgeGraph) -> None:
    entry = URIRef(str(any_kg.instrument_iri("eu-jp-mla")) + "/annex/I/entry/v3-GR")
    labels = any_kg.query(
        "SELECT ?entry ?label WHERE { ?a mla:listedIn ?entry ; rdfs:label ?label }",
        {"entry": entry},
    ).column("label")
    greek_ministry = "Ministry of Justice, Transparency and Human Rights"
    assert [str(label) for label in labels] == [greek_ministry]


def test_eu_japan_official_text_is_the_english_eurlex_page(any_kg: KnowledgeGraph) -> None:
    links = any_kg.query(
        "SELECT ?i ?url WHERE { ?i mla:officialText ?url }",
        {"i": any_kg.instrument_iri("eu-jp-mla")},
    ).column("url")
    assert [str(url) for url in links] == [
        "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:22010A0212(01)"
    ]
    irish = any_kg.query(
        'SELECT ?s WHERE { ?s mla:url ?u FILTER(CONTAINS(STR(?u), "legal-content/GA/")) }'
    ).rows
    assert not irish, irish
