"""``mla-kg verify``: the graph's structure held against the official texts of ``../shared``.

Every shared text verifies clean (exit 0): each difference the research examined is explained in
the fact sheet (``text_differences``) and reported under ``explained``. The tests also check
that the report is right: on each shared text it counts what the graph records; on a doctored
copy (an article removed, a heading changed) it names exactly the doctored subdivisions; an
explanation that matches no difference is a mismatch (``stale-explanation``); typography alone
is never a mismatch; bad input exits 2.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import tools.research_import as generator
from mla_kg import KnowledgeGraph, UnknownInstrument
from mla_kg.texts import read_text
from mla_kg.texts.errors import RecordError
from mla_kg.texts.record import record
from mla_kg.texts.verify import KINDS, graph_body, verify
from tools.research_import.schema import problems

REPO = Path(__file__).resolve().parents[1]

#: instrument -> its text in ../shared/official-texts
TEXTS = {
    "eu-us-mla": "eu-us-mla.nl.md",
    "coe-mla-1959": "coe-mla-1959.en.md",
    "coe-mla-2ap-2001": "coe-mla-2ap-2001.en.md",
    "budapest-2001": "budapest-2001.en.md",
    "untoc-2000": "untoc-2000.en.md",
    "uncac-2003": "uncac-2003.en.md",
    "un-drugs-1988": "un-drugs-1988.en.md",
    "coe-mla-ap-1978": "coe-mla-ap-1978.en.md",
}
RunCli = Callable[..., subprocess.CompletedProcess[str]]


def _count(kg: KnowledgeGraph, instrument: str) -> int:
    body = graph_body(kg, instrument)
    return sum(1 + len(a.paragraphs) + sum(len(p.points) for p in a.paragraphs) for a in body)


@pytest.mark.parametrize("instrument", sorted(TEXTS))
def test_verify_reports_on_each_shared_text(
    instrument: str, kg: KnowledgeGraph, shared_path: Callable[[str], Path]
) -> None:
    text = read_text(shared_path(f"official-texts/{TEXTS[instrument]}"))
    report = verify(kg, instrument, text).to_dict()
    assert report["instrument"] == instrument
    assert report["text"]["format"] == "overheid-md"
    assert report["text"]["articles"] == len(text.articles)
    assert report["checked"] == _count(kg, instrument) - len(report["not_checked"]) > 0
    assert 0 <= report["confirmed"] <= report["checked"]
    for mismatch in report["mismatches"]:
        assert mismatch["kind"] in KINDS
        assert re.match(r"^Art \S+", mismatch["citation"]), mismatch
        assert mismatch["detail"]
    # Every difference is resolved in research/: fixed, or explained there with why.
    assert report["mismatches"] == [], report["mismatches"]
    for explained in report["explained"]:
        assert explained["kind"] in KINDS and len(explained["why"]) >= 20
        assert explained["verification"] == "official" and explained["sources"]
    # An article the text has and the graph does not describe is not covered, not a mismatch.
    covered = {a.number for a in graph_body(kg, instrument)}
    assert report["not_covered"] == [
        f"Art {a.number}" for a in text.articles if a.number not in covered
    ]


def _doctor(original: str) -> str:
    """Remove Artikel 7 and change the heading of Artikel 5 of the EU-US agreement."""
    start = original.index("### Artikel  7")
    end = original.index("### Artikel  8")
    doctored = original[:start] + original[end:]
    heading = "####Gemeenschappelijke onderzoeksteams"
    assert heading in doctored
    return doctored.replace(heading, "####Gemeenschappelijke opsporingsteams", 1)


def _kinds(report: dict) -> set[tuple[str, str]]:
    return {(m["citation"], m["kind"]) for m in report["mismatches"]}


def test_doctored_text_names_exactly_what_was_changed(
    kg: KnowledgeGraph, shared_path: Callable[[str], Path], tmp_path: Path
) -> None:
    source = shared_path("official-texts/eu-us-mla.nl.md")
    copy = tmp_path / "eu-us-mla.nl.md"
    copy.write_text(_doctor(source.read_text(encoding="utf-8")), encoding="utf-8")
    before = verify(kg, "eu-us-mla", read_text(source)).to_dict()
    after = verify(kg, "eu-us-mla", read_text(copy)).to_dict()
    assert _kinds(after) - _kinds(before) == {
        ("Art 7", "missing-in-text"),
        ("Art 5", "heading-differs"),
    }
    assert _kinds(before) <= _kinds(after)
    art7 = next(a for a in graph_body(kg, "eu-us-mla") if a.number == "7")
    lost = 1 + len(art7.paragraphs) + sum(len(p.points) for p in art7.paragraphs)
    assert after["confirmed"] == before["confirmed"] - lost - ("Art 5" not in _failed(before))
    detail = next(m["detail"] for m in after["mismatches"] if m["citation"] == "Art 5")
    assert "opsporingsteams" in detail


def _failed(report: dict) -> set[str]:
    return {m["citation"] for m in report["mismatches"]}


def test_an_explanation_matching_no_difference_is_stale(
    shared_path: Callable[[str], Path], tmp_path: Path
) -> None:
    extra = tmp_path / "explanations.ttl"
    extra.write_text(
        """@prefix mla: <https://w3id.org/mla-kg/ontology#> .
<https://w3id.org/mla-kg/id/instrument/eu-us-mla/text-difference/art-5-heading-differs>
    a mla:TextDifference ;
    mla:instrument <https://w3id.org/mla-kg/id/instrument/eu-us-mla> ;
    mla:citation "Art 5" ; mla:differenceKind "heading-differs" ;
    mla:note "An explanation written for a heading the text prints differently."@en ;
    mla:source <https://w3id.org/mla-kg/id/source/eu-us-mla-s-nl> ;
    mla:verification mla:official .
""",
        encoding="utf-8",
    )
    explained_kg = KnowledgeGraph(extra_files=[extra])
    source = shared_path("official-texts/eu-us-mla.nl.md")
    clean = verify(explained_kg, "eu-us-mla", read_text(source)).to_dict()
    assert [(m["citation"], m["kind"]) for m in clean["mismatches"]] == [
        ("Art 5", "stale-explanation")
    ]
    assert "the text shows none" in clean["mismatches"][0]["detail"]
    # On a copy whose Art 5 heading was changed, the same explanation explains the difference.
    copy = tmp_path / "eu-us-mla.nl.md"
    copy.write_text(_doctor(source.read_text(encoding="utf-8")), encoding="utf-8")
    doctored = verify(explained_kg, "eu-us-mla", read_text(copy)).to_dict()
    assert ("Art 5", "heading-differs") not in _kinds(doctored)
    assert [e["citation"] for e in doctored["explained"]] == ["Art 5"]
    assert ("Art 7", "missing-in-text") in _kinds(doctored)  # the unexplained one stays


def test_typography_is_not_a_mismatch(
    kg: KnowledgeGraph, shared_path: Callable[[str], Path], tmp_path: Path
) -> None:
    source = shared_path("official-texts/eu-us-mla.nl.md")
    original = source.read_text(encoding="utf-8")
    retyped = original.replace(
        "####Gemeenschappelijke onderzoeksteams", "####GEMEENSCHAPPELIJKE  onderzoeksteams."
    )
    assert retyped != original
    copy = tmp_path / "eu-us-mla.nl.md"
    copy.write_text(retyped, encoding="utf-8")
    assert _kinds(verify(kg, "eu-us-mla", read_text(copy)).to_dict()) == _kinds(
        verify(kg, "eu-us-mla", read_text(source)).to_dict()
    )


def test_points_counted_differently_are_a_structure_difference(
    kg: KnowledgeGraph, shared_path: Callable[[str], Path], tmp_path: Path
) -> None:
    source = shared_path("official-texts/eu-us-mla.nl.md")
    original = source.read_text(encoding="utf-8")
    body = graph_body(kg, "eu-us-mla")
    # A paragraph of the graph with points that the text also has: drop its last point.
    para = next(
        p for a in body if a.number == "3" for p in a.paragraphs if p.number == "2" and p.points
    )
    start = original.index("### Artikel  3")
    section = original[start : original.index("### Artikel  4")]
    last = para.points[-1][0]
    marker = f"\n{last}. "
    assert marker in section.split("\n2. ", 1)[1]
    head, tail = section.split("\n2. ", 1)
    doctored_section = head + "\n2. " + tail.replace(marker, "\n", 1)
    copy = tmp_path / "eu-us-mla.nl.md"
    copy.write_text(original.replace(section, doctored_section), encoding="utf-8")
    report = verify(kg, "eu-us-mla", read_text(copy)).to_dict()
    new = _kinds(report) - _kinds(verify(kg, "eu-us-mla", read_text(source)).to_dict())
    assert new == {("Art 3(2)", "structure-differs")}


def test_unknown_instrument_is_a_typed_error(
    kg: KnowledgeGraph, shared_path: Callable[[str], Path]
) -> None:
    text = read_text(shared_path("official-texts/eu-us-mla.nl.md"))
    with pytest.raises(UnknownInstrument):
        verify(kg, "no-such-treaty", text)


def test_cli_json_contract_and_exit_codes(
    run_cli: RunCli, shared_path: Callable[[str], Path], tmp_path: Path
) -> None:
    source = shared_path("official-texts/eu-us-mla.nl.md")
    copy = tmp_path / "eu-us-mla.nl.md"
    copy.write_text(_doctor(source.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("verify", "eu-us-mla", "--text", copy, "--format", "overheid-md", "-f", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert set(report) >= {"instrument", "text", "checked", "confirmed", "mismatches"}
    assert set(report["text"]) >= {"path", "format", "language", "articles", "subdivisions"}
    assert report["text"]["language"] == "nl" and report["text"]["articles"] == 17
    assert ("Art 7", "missing-in-text") in _kinds(report)
    unknown = run_cli("verify", "no-such-treaty", "--text", source)
    assert unknown.returncode == 2 and "unknown instrument" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_cli_table_names_the_mismatches(
    run_cli: RunCli, shared_path: Callable[[str], Path], tmp_path: Path
) -> None:
    source = shared_path("official-texts/eu-us-mla.nl.md")
    copy = tmp_path / "eu-us-mla.nl.md"
    copy.write_text(_doctor(source.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("verify", "eu-us-mla", "--text", copy)
    assert result.returncode == 1
    assert "Art 7" in result.stdout and "missing-in-text" in result.stdout
    assert "subdivisions of the graph confirmed" in result.stdout


# --- verify --write ---------------------------------------------------------------------------

RECORD_KEY = "nl_record_test"


def _research_copy(tmp_path: Path, instrument: str) -> Path:
    """Copy research/ to tmp_path with an official-record source added to one sheet."""
    research = tmp_path / "research"
    shutil.copytree(REPO / "research", research)
    sheet = research / f"{instrument}.yaml"
    text = sheet.read_text(encoding="utf-8")
    match = re.search(r"^sources:\n( +)", text, re.MULTILINE)
    assert match is not None
    entry = f'{match.group(1)}{RECORD_KEY}: {{url: "https://wetten.overheid.nl/x", what: "t"}}\n'
    sheet.write_text(text[: match.start(1)] + entry + text[match.start(1) :], encoding="utf-8")
    return research


def _downgraded_sheet(research: Path) -> dict:
    """Mark every article and Dutch heading of the EU-US sheet recalled; drop Art 1's heading.

    So that the test has something to record whatever the state of the data.
    """
    path = research / "eu-us-mla.yaml"
    sheet = yaml.safe_load(path.read_text(encoding="utf-8"))
    for article in sheet["articles"]:
        article["status"] = "recalled"
        if "heading_nl" in article:
            article["heading_nl_status"] = "recalled"
    del sheet["articles"][0]["heading_nl"]
    sheet["articles"][0].pop("heading_nl_status", None)
    path.write_text(yaml.safe_dump(sheet, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return sheet


def test_write_records_only_what_the_text_confirms(
    kg: KnowledgeGraph, shared_path: Callable[[str], Path], tmp_path: Path
) -> None:
    research = _research_copy(tmp_path, "eu-us-mla")
    before = _downgraded_sheet(research)
    source = shared_path("official-texts/eu-us-mla.nl.md")
    doctored = tmp_path / "eu-us-mla.nl.md"
    doctored.write_text(_doctor(source.read_text(encoding="utf-8")), encoding="utf-8")
    text = read_text(doctored)
    report = verify(kg, "eu-us-mla", text)
    lines = record(report, RECORD_KEY, research)
    said = "\n".join(lines)
    after = yaml.safe_load((research / "eu-us-mla.yaml").read_text(encoding="utf-8"))
    assert lines[-1] == "eu-us-mla.yaml: written"
    first = after["articles"][0]
    assert first["heading_nl"] == text.article("1").heading  # type: ignore[union-attr]
    assert first["heading_nl_status"] == "official"
    for old, new in zip(before["articles"], after["articles"], strict=True):
        citation = f"Art {old['number']}"
        # Paragraphs (and their summaries and points) are never touched.
        assert old.get("paragraphs") == new.get("paragraphs")
        changed = {k for k in set(old) | set(new) if old.get(k) != new.get(k)}
        if old["number"] in ("5", "7"):  # heading changed, article removed: nothing recorded
            assert not changed, citation
            continue
        assert RECORD_KEY in new["source"], citation
        assert new["heading_nl_status"] == "official", citation
        for key in changed - {"source"}:
            assert f"{citation}: {key}" in said, (citation, key)
        upgraded = new["status"] == "official"
        assert upgraded == (
            not _has_mismatches(report.to_dict(), citation) and not old.get("subject")
        )
        if upgraded and "heading" in old and not {"heading_status", "heading_en_status"} & set(old):
            assert new["heading_status"] == "recalled"  # the English heading keeps its status
    # The result is still a sheet the schema and the generator accept.
    assert problems("eu-us-mla.yaml", after, None) == []
    generator.convert(research, ["eu-us-mla"], research / "curation.yaml")


def _has_mismatches(report: dict, citation: str) -> bool:
    return any(
        m["citation"] == citation or m["citation"].startswith(citation + "(")
        for m in report["mismatches"]
    )


def test_write_needs_a_known_source(
    kg: KnowledgeGraph, shared_path: Callable[[str], Path], tmp_path: Path
) -> None:
    research = _research_copy(tmp_path, "eu-us-mla")
    original = (research / "eu-us-mla.yaml").read_bytes()
    report = verify(kg, "eu-us-mla", read_text(shared_path("official-texts/eu-us-mla.nl.md")))
    with pytest.raises(RecordError, match="no source 'no-such-key'"):
        record(report, "no-such-key", research)
    assert (research / "eu-us-mla.yaml").read_bytes() == original


# --- the EUR-Lex formats, against a curated structure written for the test ---------------------

REG = "official-texts/eurlex-formats/reg-2024-903/"
TEST_INSTRUMENT = "test-reg-2024-903"


def _test_instrument_turtle() -> str:
    """Return a curated structure of Reg 2024/903 Arts 1-3 (Art 3's heading wrong), an Art 24."""
    base = f"https://w3id.org/mla-kg/id/instrument/{TEST_INSTRUMENT}"
    out = [
        "@prefix mla: <https://w3id.org/mla-kg/ontology#> .",
        "@prefix eli: <http://data.europa.eu/eli/ontology#> .",
        f"<{base}> a mla:Instrument ; mla:instrumentId {json.dumps(TEST_INSTRUMENT)} .",
    ]
    articles = {
        "1": ("Subject matter and scope", ["1", "2", "3", "4", "5"]),
        "2": ("Definitions", []),
        "3": ("Interoperability reports", ["1", "2"]),
        "24": ("Entry into force", []),
    }
    for order, (number, (heading, paragraphs)) in enumerate(articles.items(), start=1):
        art = f"{base}/art/{number}"
        out.append(
            f"<{art}> a mla:Article ; mla:inInstrument <{base}> ; eli:is_part_of <{base}> ; "
            f'mla:verification mla:recalled ; mla:order {order} ; mla:number "{number}" ; '
            f'mla:citation "Art {number}" ; mla:heading "{heading}"@en .'
        )
        for p_order, para in enumerate(paragraphs, start=1):
            out.append(
                f"<{art}/para/{para}> a mla:Paragraph ; mla:inInstrument <{base}> ; "
                f"eli:is_part_of <{art}> ; mla:verification mla:recalled ; mla:order {p_order} ; "
                f'mla:number "{para}" ; mla:citation "Art {number}({para})" .'
            )
    return "\n".join(out) + "\n"


def test_formex_and_html_verify_alike(shared_path: Callable[[str], Path], tmp_path: Path) -> None:
    curated = tmp_path / "test-instrument.ttl"
    curated.write_text(_test_instrument_turtle(), encoding="utf-8")
    graph = KnowledgeGraph(extra_files=[curated])
    reports = [
        verify(graph, TEST_INSTRUMENT, read_text(shared_path(REG + name))).to_dict()
        for name in ("L_202400903EN.000101.fmx.xml", "DOC_1.html")
    ]
    formex, page = reports
    assert (formex["text"]["format"], page["text"]["format"]) == ("formex", "eurlex-html")
    assert formex["mismatches"] == page["mismatches"]
    assert formex["checked"] == page["checked"] == 4 + 5 + 2
    assert _kinds(formex) == {
        ("Art 3", "heading-differs"),
        ("Art 3(3)", "missing-in-graph"),
        ("Art 3(4)", "missing-in-graph"),
        ("Art 3(5)", "missing-in-graph"),
        ("Art 24", "missing-in-text"),
    }
    assert formex["confirmed"] == 4 + 5 + 2 - 2  # Art 3 (heading) and Art 24 (absent)
    assert len(formex["not_covered"]) == 23 - 3


def test_paragraphs_of_amending_articles_are_not_checked(
    kg: KnowledgeGraph, shared_path: Callable[[str], Path]
) -> None:
    text = read_text(shared_path("official-texts/coe-mla-2ap-2001.en.md"))
    report = verify(kg, "coe-mla-2ap-2001", text).to_dict()
    amending = {f"Art {a.number}" for a in text.articles if a.printed_elsewhere}
    skipped = {row["citation"] for row in report["not_checked"]}
    body = {a.citation: a for a in graph_body(kg, "coe-mla-2ap-2001")}
    expected = {
        c
        for art in amending & set(body)
        for p in body[art].paragraphs
        for c in [p.citation, *(point for _, point in p.points)]
    }
    assert skipped == expected
    assert not {m["citation"] for m in report["mismatches"]} & skipped
    assert report["checked"] == _count(kg, "coe-mla-2ap-2001") - len(skipped)


def test_cli_write_without_source_is_bad_input(
    run_cli: RunCli, shared_path: Callable[[str], Path]
) -> None:
    source = shared_path("official-texts/eu-us-mla.nl.md")
    before = (REPO / "research" / "eu-us-mla.yaml").read_bytes()
    result = run_cli("verify", "eu-us-mla", "--text", source, "--write")
    assert result.returncode == 2, result.stderr
    assert "--source" in result.stderr and "Traceback" not in result.stderr
    assert (REPO / "research" / "eu-us-mla.yaml").read_bytes() == before


def test_cli_write_with_an_unknown_source_writes_nothing(
    run_cli: RunCli, shared_path: Callable[[str], Path]
) -> None:
    source = shared_path("official-texts/eu-us-mla.nl.md")
    before = (REPO / "research" / "eu-us-mla.yaml").read_bytes()
    result = run_cli("verify", "eu-us-mla", "--text", source, "--write", "--source", "no-such")
    assert result.returncode == 2, result.stderr
    assert "nothing written" in result.stderr and "no source 'no-such'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (REPO / "research" / "eu-us-mla.yaml").read_bytes() == before
