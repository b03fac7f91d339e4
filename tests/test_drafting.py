"""From plan to request: description schema, completeness check and draft, on the real graph."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
import yaml

from mla_kg import KnowledgeGraph
from mla_kg.drafting import (
    RequestDescription,
    RequestDescriptionError,
    build_draft,
    check_request,
    to_docx,
    to_markdown,
)
from mla_kg.drafting.contents import load_contents

RunCli = Callable[..., subprocess.CompletedProcess[str]]
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "request-example.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "drafting"
JP_PT = FIXTURES / "jp-to-pt-life-imprisonment.yaml"
DE_JP = FIXTURES / "de-to-jp-videoconference.yaml"
US_JP = FIXTURES / "us-to-jp.yaml"


def _description(path: Path, **changes: object) -> RequestDescription:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        target = document
        *parents, last = dotted.split("__")
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return RequestDescription.from_mapping(document)


def _docx_headings(data: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    path = tmp_path / "request.docx"
    path.write_bytes(data)
    document = docx.Document(str(path))
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]


# The Belgian request to Japan for bank records (docs/request-example.yaml): complete.


def test_belgian_bank_request_to_japan_is_complete(kg: KnowledgeGraph) -> None:
    check = check_request(kg, RequestDescription.from_file(EXAMPLE))
    assert check.basis_id == "eu-jp-mla"
    assert check.complete, [r.to_dict() for r in check.requirements if r.counts]
    assert check.exit_code == 0
    items = [r.item for r in check.requirements]
    assert items[:4] == ["particulars", "purpose", "assistance-sought", "procedure"]
    by_item = {r.item: r for r in check.requirements}
    # Citation and status from the graph: Art 8(4)(f) is recalled there, Art 8(4)(g) scholarly.
    assert (by_item["purpose"].provision, by_item["purpose"].verification) == (
        "Art 8(4)(f)",
        "recalled",
    )
    assert by_item["procedure"].provision == "Art 8(4)(g)"
    assert by_item["procedure"].verification == "scholarly"
    # The measure is covered, with the point of Art 3(1) that lists it.
    (measure,) = check.measures()
    assert measure["covered"] == "yes" and "Art 3(1)(d)†" in measure["provisions"]
    # Coercive bank enquiry: the double-criminality ground of Art 11(2) is engaged and answered.
    (risk,) = check.risks
    assert risk.ground == "refusal-double-criminality-coercive"
    assert "Art 11(2)" in risk.provision and risk.answered


def test_belgian_request_answers_every_moj_point(kg: KnowledgeGraph) -> None:
    check = check_request(kg, RequestDescription.from_file(EXAMPLE))
    numbers = [r.item for r in check.guidance]
    # Points for treaty requests (1, 2, 3, 6, 7); 4 (multilateral) and 5 (no treaty) do not apply.
    assert numbers == [f"guidance-jp-{n}" for n in ("1", "2", "3", "6", "7")]
    assert all(point.provided for point in check.guidance)
    assert all(point.verification == "official" for point in check.guidance)


def test_moj_point_unanswered_without_the_confirmation(kg: KnowledgeGraph) -> None:
    check = check_request(kg, _description(EXAMPLE, confirmations=[]))
    point = next(p for p in check.guidance if p.item == "guidance-jp-6")
    assert not point.provided and point.missing == ["confirmations[moj-jp-6]"]
    assert not check.complete and check.exit_code == 1


def test_a_court_is_not_what_moj_point_1_asks_for(kg: KnowledgeGraph) -> None:
    check = check_request(kg, _description(EXAMPLE, requesting__authority_kind="ministry"))
    point = next(p for p in check.guidance if p.item == "guidance-jp-1")
    assert not point.provided


def test_json_contract(kg: KnowledgeGraph, run_cli: RunCli) -> None:
    result = run_cli("check-request", str(EXAMPLE), "-f", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"basis", "requirements", "risks", "measures", "complete"}
    assert data["basis"]["id"] == "eu-jp-mla" and data["complete"] is True
    for requirement in data["requirements"]:
        assert set(requirement) == {"item", "provision", "verification", "provided", "missing"}
    purpose = next(r for r in data["requirements"] if r["item"] == "purpose")
    assert purpose == {
        "item": "purpose",
        "provision": "Art 8(4)(f)",
        "verification": "recalled†",
        "provided": True,
        "missing": [],
    }
    for risk in data["risks"]:
        assert {"ground", "provision", "why"} <= set(risk)


# The Japanese request to Portugal: life imprisonment and Portugal's Annex IV entry.


def test_life_imprisonment_raises_portugals_annex_iv_ground(kg: KnowledgeGraph) -> None:
    check = check_request(kg, RequestDescription.from_file(JP_PT))
    assert check.basis_id == "eu-jp-mla"
    life = next(r for r in check.risks if r.ground == "refusal-life-imprisonment")
    assert "Annex IV (PT)" in life.provision
    assert not life.answered and "assurances.life_imprisonment" in life.why
    assert check.complete and check.exit_code == 1  # complete, but an unanswered risk


def test_the_assurance_answers_the_annex_iv_risk(kg: KnowledgeGraph) -> None:
    assured = _description(
        JP_PT,
        assurances={"life_imprisonment": "A life sentence would be reviewable under Japanese law."},
    )
    check = check_request(kg, assured)
    assert all(risk.answered for risk in check.risks)
    assert check.exit_code == 0


def test_life_imprisonment_without_annex_iv_holder_is_no_risk(kg: KnowledgeGraph) -> None:
    # The same offence in a request to Germany: no Annex IV entry of Germany's, so no life ground.
    check = check_request(kg, _description(JP_PT, requested={"state": "DE"}))
    assert "refusal-life-imprisonment" not in [r.ground for r in check.risks]


def test_the_draft_to_portugal_has_the_assurance_section(kg: KnowledgeGraph) -> None:
    draft = build_draft(check_request(kg, RequestDescription.from_file(JP_PT)))
    headings = [s.heading for s in draft.assurances]
    assert "Assurance: Refusal: offence punishable by life imprisonment" in headings
    section = draft.assurances[
        headings.index("Assurance: Refusal: offence punishable by life imprisonment")
    ]
    assert section.incomplete and "Annex IV (PT)" in section.provision
    text = to_markdown(draft)
    assert "[TO COMPLETE: An assurance on life imprisonment" in text


# The German videoconference hearing that does not say why the hearing is necessary.


def test_videoconference_without_necessity_is_incomplete(
    kg: KnowledgeGraph, run_cli: RunCli
) -> None:
    check = check_request(kg, RequestDescription.from_file(DE_JP))
    (gap,) = [r for r in check.requirements if r.counts]
    assert gap.item == "hearing-necessity"
    assert gap.provision == "Art 16 [1]" and gap.verification == "scholarly"
    assert gap.missing == ["measures[videoconference-hearing].necessity"]
    assert not check.complete
    result = run_cli("check-request", str(DE_JP))
    assert result.returncode == 1
    assert "MISSING  Art 16 [1]" in result.stdout
    assert "measures[videoconference-hearing].necessity" in result.stdout


def test_the_necessity_statement_completes_it(kg: KnowledgeGraph) -> None:
    document = yaml.safe_load(DE_JP.read_text(encoding="utf-8"))
    document["measures"][0]["necessity"] = "The witness is the only one who saw the manipulation."
    check = check_request(kg, RequestDescription.from_mapping(document))
    assert check.complete and check.exit_code == 0


# The US request to Japan under the Japan-US treaty: its own content rules.


def test_us_request_to_japan_uses_the_treaty_rules(kg: KnowledgeGraph) -> None:
    check = check_request(kg, RequestDescription.from_file(US_JP))
    assert check.basis_id == "jp-us-mlat"
    provisions = {r.provision for r in check.requirements}
    assert provisions == {"unplaced provision 1"}
    assert all(r.verification == "recalled" for r in check.requirements)
    assert not any(r.provision.startswith("Art 8(4)") for r in check.requirements)
    assert [r.item for r in check.requirements] == [
        "authority",
        "facts",
        "assistance-sought",
        "purpose",
        "language",
    ]
    draft = build_draft(check)
    assert (
        draft.contents[0].heading == "1. The authority making the request (unplaced provision 1†)"
    )
    assert draft.recalled and "† recalled" in to_markdown(draft)


def test_the_basis_option_must_be_usable(kg: KnowledgeGraph) -> None:
    with pytest.raises(
        RequestDescriptionError, match="legal_basis: 'eu-us-mla' is not a usable basis"
    ):
        check_request(kg, RequestDescription.from_file(US_JP), basis="eu-us-mla")


# Descriptions that do not match: exit 2, one line naming the key.


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            {"measures": [{"id": "bank-secrecy"}]},
            ["measures.0.id", "not a known measure", "bank-information"],
        ),
        (
            {"measures": [{"id": "central-authority-channel"}]},
            ["measures.0.id", "known feature of the", "not a measure"],
        ),
        ({"date": "2025-13-01"}, ["date:", "not a date", "YYYY-MM-DD"]),
        ({"date": "1 March 2025"}, ["date:", "not a date"]),
        ({"requested": {"state": "japan"}}, ["requested.state", "not a State code"]),
        (
            {"offence": {"qualification": "fraud"}},
            ["offence.maximum_penalty", "missing", "death_penalty"],
        ),
        ({"urgncy": {"urgent": True}}, ["urgncy", "unknown key"]),
        ({"requested": {"state": "ZZ"}}, ["requested.state", "ZZ"]),
    ],
)
def test_bad_description_exits_2_with_one_line(
    run_cli: RunCli, tmp_path: Path, change: dict[str, object], words: list[str]
) -> None:
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    document.update(change)
    path = tmp_path / "request.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    for command in (
        ["check-request", str(path)],
        ["draft", str(path), "-o", str(tmp_path / "r.md")],
    ):
        result = run_cli(*command)
        assert result.returncode == 2, (result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        for word in words:
            assert word in result.stderr, (word, result.stderr)
    assert not (tmp_path / "r.md").exists()


def test_yaml_that_does_not_parse_exits_2(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("requesting: [unclosed\n", encoding="utf-8")
    result = run_cli("check-request", str(path))
    assert result.returncode == 2 and "not valid YAML at line" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# The draft: DOCX and Markdown.


@pytest.mark.parametrize("fixture", [EXAMPLE, JP_PT, DE_JP, US_JP], ids=lambda p: p.stem)
def test_docx_sections_are_the_requirements_in_order(
    kg: KnowledgeGraph, tmp_path: Path, fixture: Path
) -> None:
    check = check_request(kg, RequestDescription.from_file(fixture))
    headings = _docx_headings(to_docx(build_draft(check)), tmp_path)
    assert headings[0] == ("Title", "Request for mutual legal assistance in criminal matters")
    level_1 = [text for style, text in headings if style == "Heading 1"]
    assert level_1[:3] == ["Addressee", "Legal basis", "Contents of the request"]
    start = [text for _, text in headings].index("Contents of the request") + 1
    sections = []
    for style, text in headings[start:]:
        if style != "Heading 2":
            break
        sections.append(text)
    expected = [
        f"{n}. {r.label} ({r.provision}{'†' if r.verification == 'recalled' else ''})"
        for n, r in enumerate(check.requirements, 1)
    ]
    assert sections == expected
    assert level_1[-1] == "Closing note: sources and verification"


def test_docx_has_a_table_of_measures_and_visible_markers(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    data = to_docx(build_draft(check_request(kg, RequestDescription.from_file(DE_JP))))
    path = tmp_path / "request.docx"
    path.write_bytes(data)
    document = docx.Document(str(path))
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == [
        "Measure",
        "What is sought",
        "Covered",
        "Where",
    ]
    assert table.rows[1].cells[0].text.startswith("videoconference-hearing")
    assert table.rows[1].cells[2].text == "yes"
    markers = [
        run for p in document.paragraphs for run in p.runs if run.text.startswith("[TO COMPLETE:")
    ]
    assert markers and all(run.bold for run in markers)
    assert any("measures[videoconference-hearing].necessity" in run.text for run in markers)


def test_markdown_parses_into_the_same_sections(kg: KnowledgeGraph) -> None:
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py renders the Markdown")
    check = check_request(kg, RequestDescription.from_file(EXAMPLE))
    text = to_markdown(build_draft(check))
    tokens = markdown_it.MarkdownIt().enable("table").parse(text)
    headings = [
        (tokens[i].tag, tokens[i + 1].content)
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
    h3 = [content for tag, content in headings if tag == "h3"]
    assert h3[: len(check.requirements)] == [
        f"{n}. {r.label} ({r.provision}{'†' if r.verification == 'recalled' else ''})"
        for n, r in enumerate(check.requirements, 1)
    ]
    assert any(t.type == "table_open" for t in tokens)
    assert "[TO COMPLETE" not in text


def test_draft_command_writes_both_formats(run_cli: RunCli, tmp_path: Path) -> None:
    for name in ("request.docx", "request.md"):
        result = run_cli("draft", str(JP_PT), "-o", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        assert "incomplete" not in result.stdout and "markers to complete: 2" in result.stdout
    assert docx.Document(str(tmp_path / "request.docx")).paragraphs
    assert (tmp_path / "request.md").read_text(encoding="utf-8").startswith("# Request for")
    bad = run_cli("draft", str(JP_PT), "-o", str(tmp_path / "request.pdf"))
    assert bad.returncode == 2 and ".docx or .md" in bad.stderr


def test_the_draft_cites_and_does_not_copy(kg: KnowledgeGraph) -> None:
    # Every provision cited in a content section is one the graph holds, with its dagger when
    # recalled; the only prose taken from the graph is its own-words summaries.
    check = check_request(kg, RequestDescription.from_file(EXAMPLE))
    draft = build_draft(check)
    closing = "\n".join(draft.closing.bullets)
    for requirement in check.requirements:
        assert requirement.provision in closing
    assert "never reproduces treaty text" in draft.closing.paragraphs[0]


# The mapping file is tied to the graph.


def test_every_mapped_provision_is_in_the_graph(kg: KnowledgeGraph) -> None:
    contents = load_contents()
    for instrument, items in contents.by_instrument.items():
        base = str(kg.instrument_iri(instrument))
        rows = kg.run(
            "request_content_provisions", provision=[f"{base}/{i.provision}" for i in items]
        ).rows
        found = {str(row["provision"])[len(base) + 1 :]: row for row in rows}
        for item in items:
            assert item.provision in found, (
                f"{instrument} {item.provision} ({item.id}) is not in the graph"
            )
            row = found[item.provision]
            measure_feature = any(
                kg.run("provisions_with_feature", feature=m, instrument=[instrument]).rows
                for m in item.when_measures
            )
            assert str(row["hasContents"]) == "yes" or measure_feature, (
                f"{instrument} {item.provision} carries neither request-content-requirements "
                f"nor a measure of {item.when_measures}"
            )


def test_every_mapped_key_is_a_description_key() -> None:
    from mla_kg.drafting import keys

    contents = load_contents()
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    full = RequestDescription.from_mapping(document)
    names = {
        k for items in contents.by_instrument.values() for item in items for k in item.keys
    } | {k for r in contents.risks.values() for k in r.keys}
    for key in names:
        head = key.split("[")[0].split(".")[0]
        assert head == "basis" or head in RequestDescription.model_fields, key
        # Resolving never fails, whatever the description holds.
        keys.value(full, key, "eu-jp-mla")


@pytest.mark.parametrize("written", ["date: 2025-13-01", "date: 2025-02-30", "date: 01.03.2025"])
def test_malformed_unquoted_date_exits_2(run_cli: RunCli, tmp_path: Path, written: str) -> None:
    # Written by hand, not through yaml.safe_dump: YAML itself would read 2025-13-01 as a date.
    text = EXAMPLE.read_text(encoding="utf-8").replace("date: 2025-03-01", written, 1)
    assert written in text
    path = tmp_path / "request.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("check-request", str(path))
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: request description: date: {written.split(': ')[1]!r} is not a date "
        "(expected YYYY-MM-DD, e.g. 2025-03-01)"
    ]


def test_another_usable_basis_brings_its_own_rules(kg: KnowledgeGraph) -> None:
    check = check_request(kg, RequestDescription.from_file(EXAMPLE), basis="untoc-2000")
    assert check.basis_id == "untoc-2000"
    provisions = [r.provision for r in check.requirements if r.item != "language"]
    assert provisions == [f"Art 18(15)({p})" for p in "abcdd" + "ef"]
    assert {r.verification for r in check.requirements} == {"official"}
    # MoJ point 4 (multilateral treaties) replaces point 3 (bilateral treaties and agreements).
    assert "guidance-jp-4" in [p.item for p in check.guidance]
    assert "guidance-jp-3" not in [p.item for p in check.guidance]


def test_reciprocity_needs_the_statement_and_the_assurance(kg: KnowledgeGraph) -> None:
    # Canada is bound with Japan by the multilaterals (Budapest comes first); reciprocity is chosen.
    described = _description(EXAMPLE, requesting__state="CA", legal_basis="jp-act-assistance-1980")
    check = check_request(kg, described)
    assert check.basis_id == "jp-act-assistance-1980"
    (statement,) = check.requirements[:1]
    assert (statement.provision, statement.verification) == ("Art 2(iii)", "recalled")
    assert statement.missing == ["assurances.indispensability"]
    point_5 = next(p for p in check.guidance if p.item == "guidance-jp-5")
    assert point_5.missing == ["assurances.reciprocity"]
    # The Act records nothing on bank information: said as undetermined, never as covered.
    (open_measure,) = [r for r in check.risks if r.ground.startswith("measure-")]
    assert open_measure.ground == "measure-not-recorded" and not open_measure.answered


def test_a_point_the_graph_lacks_is_cited_to_its_paragraph(kg: KnowledgeGraph) -> None:
    from mla_kg.drafting.contents import parse_contents

    # EU-Japan Art 8(4)(a) exists in the treaty, but the graph records only points (f) and (g).
    contents = parse_contents(
        {
            "instruments": {
                "eu-jp-mla": [
                    {
                        "id": "point-a",
                        "provision": "art/8/para/4/point/a",
                        "keys": ["requesting.authority"],
                        "label": "test item",
                    },
                    {
                        "id": "nowhere",
                        "provision": "art/99",
                        "keys": ["purpose"],
                        "label": "test item",
                    },
                ]
            }
        }
    )
    check = check_request(kg, RequestDescription.from_file(EXAMPLE), contents=contents)
    point, nowhere = check.requirements[:2]
    assert point.provision == "Art 8(4)" and point.verification == "scholarly"
    assert "does not record art/8/para/4/point/a; cited to the paragraph" in (point.note or "")
    assert nowhere.provision == "art/99 (not in the graph)" and nowhere.verification == "recalled"


def test_both_engines_give_the_same_check(kg: KnowledgeGraph, rdflib_kg: KnowledgeGraph) -> None:
    description = RequestDescription.from_file(JP_PT)
    assert (
        check_request(rdflib_kg, description).to_dict() == check_request(kg, description).to_dict()
    )
