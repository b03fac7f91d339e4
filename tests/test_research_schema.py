"""Every research/*.yaml file conforms to the schema; the schema refuses what the generator does.

The schema (``tools/research_import/schema.py``) is the reviewable statement of what a fact sheet
may hold; the generator is what actually reads it. The first test holds every file against the
schema; the others change a real sheet in the ways the generator refuses and check that the
schema refuses each change too, naming the same key (and accepts the changes it accepts).
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import tools.research_import as generator
from tools.research_import.schema import check_research, problems

REPO = Path(__file__).resolve().parents[1]
RESEARCH = REPO / "research"
FILES = sorted(p.name for p in RESEARCH.glob("*.yaml"))
SCHEME = yaml.safe_load((RESEARCH / "features.yaml").read_text(encoding="utf-8"))
FEATURES = {fid for group in SCHEME["groups"].values() for fid in group}
#: Sheets the agreement tests change (with articles, paragraphs and features).
SHEETS = ["eu-us-mla", "coe-mla-1959", "eu-jp-mla"]


def _load(name: str) -> Any:
    return yaml.safe_load((RESEARCH / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", FILES)
def test_research_file_conforms_to_the_schema(name: str) -> None:
    found = problems(name, _load(name), FEATURES)
    assert not found, "\n".join(found)


def test_schema_covers_every_research_file() -> None:
    assert len(FILES) >= 20, f"only {len(FILES)} files in research/"
    assert check_research(RESEARCH) == []


def _first_paragraph(sheet: dict[str, Any]) -> dict[str, Any]:
    return next(a["paragraphs"][0] for a in sheet["articles"] if a.get("paragraphs"))


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(sheet: dict[str, Any]) -> None:
        node: Any = sheet
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return change


#: (change, the key both must name, what the message says)
REFUSED: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "unknown article key": (_set(["articles", 0, "surprise"], "x"), "articles[0].surprise", ""),
    "unknown section": (_set(["novel_section"], [1]), "novel_section", ""),
    "unknown status": (_set(["articles", 0, "status"], "likely"), "articles[0].status", "likely"),
    "unknown source": (_set(["articles", 0, "source"], "s-none"), "articles[0].source", "s-none"),
    "missing article number": (
        lambda s: s["articles"][0].pop("number"),
        "articles[0].number",
        "",
    ),
    "unknown feature": (
        lambda s: _first_paragraph(s).update(features=["no-such-feature"]),
        "paragraphs[0].features",
        "no-such-feature",
    ),
    "unknown heading status": (
        _set(["articles", 0, "heading_nl_status"], "maybe"),
        "articles[0].heading_nl_status",
        "maybe",
    ),
}


def _convert(tmp_path: Path, sheet: dict[str, Any]) -> None:
    research = tmp_path / "research"
    research.mkdir()
    shutil.copy(RESEARCH / "features.yaml", research / "features.yaml")
    (research / f"{sheet['id']}.yaml").write_text(
        yaml.safe_dump(sheet, allow_unicode=True), encoding="utf-8"
    )
    generator.convert(research, [sheet["id"]], RESEARCH / "curation.yaml")


@pytest.mark.parametrize("instrument", SHEETS)
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_schema_refuses_what_the_generator_refuses(
    instrument: str, case: str, tmp_path: Path
) -> None:
    change, key, detail = REFUSED[case]
    sheet = copy.deepcopy(_load(f"{instrument}.yaml"))
    change(sheet)
    with pytest.raises(generator.ResearchError) as refused:
        _convert(tmp_path, sheet)
    assert key.split(".")[-1].split("[")[0] in refused.value.key
    found = problems(f"{instrument}.yaml", sheet, FEATURES)
    named = [line for line in found if key in line and detail in line]
    assert named, f"the schema does not name {key} ({detail}); it says: {found}"


ACCEPTED: dict[str, Callable[[dict[str, Any]], None]] = {
    "Dutch heading with its status": lambda s: s["articles"][0].update(
        heading_nl="Toepassingsgebied", heading_nl_status="official"
    ),
    "point detail with status and source": lambda s: _first_paragraph(s).update(
        points=["a"],
        points_detail=[
            {"point": "a", "summary": "Own words.", "status": "recalled", "source": None}
        ],
    ),
    "sources as a list": lambda s: s["articles"][0].update(source=[next(iter(s["sources"]))]),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_schema_accepts_what_the_generator_accepts(case: str, tmp_path: Path) -> None:
    sheet = copy.deepcopy(_load("coe-mla-1959.yaml"))
    ACCEPTED[case](sheet)
    _convert(tmp_path, sheet)  # raises if the generator refuses it
    assert problems("coe-mla-1959.yaml", sheet, FEATURES) == []


def test_the_generator_command_checks_the_schema(tmp_path: Path) -> None:
    research = tmp_path / "research"
    shutil.copytree(RESEARCH, research)
    assert generator.main([str(research), "--check"]) == 0
    sheet = research / "coe-mla-1959.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "novel_section: [1]\n", encoding="utf-8")
    assert generator.main([str(research), "--check"]) == 1


def test_a_source_short_name_is_a_short_non_empty_name() -> None:
    sheet = copy.deepcopy(_load("eu-us-mla.yaml"))
    assert sheet["sources"]["s_hl_15307"]["short_name"] == "HL Paper 153, paras 30-32"
    assert not problems("eu-us-mla.yaml", sheet, FEATURES)
    for bad in ("", "x" * 61):
        sheet["sources"]["s_hl_15307"]["short_name"] = bad
        found = problems("eu-us-mla.yaml", sheet, FEATURES)
        assert any("short_name" in line for line in found), found
