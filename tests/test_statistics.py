"""Cooperation statistics: the seed article's figures as Data Cube observations, and the CLI.

Each figure is checked against the seed text itself: a pattern finds the sentence that states
it and captures the number, and the graph must hold exactly that number with a pinpoint naming
the section and footnote where the sentence stands. Every observation in the graph must be
covered here, so no figure enters the data unchecked.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mla_kg import KnowledgeGraph
from mla_kg.cli import app
from mla_kg.stats import CooperationFigure, cooperation_statistics

SEED = "seeds/weyembergh-wieczorek-eu-japan-mla.txt"
SEED_IRI = "https://w3id.org/mla-kg/id/source/seed"
WORDS = {"five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
#: Section headings of the seed, in order, as (pinpoint prefix, heading that opens it).
SECTIONS = {
    "section I,": ("I. THE CHALLENGING CONTEXT", "II. THE CONTENT OF THE EU-JAPAN"),
    "section III.A,": ("A. Upholding the EU interest in security", "B. The ease in upholding"),
}


@dataclass(frozen=True)
class Statement:
    """A sentence of the seed that states figures, and what each captured group is."""

    pattern: str
    #: One (period, requesting, requested) key per capturing group.
    keys: tuple[tuple[str, str | None, str | None], ...]
    months: bool = False
    approximate: bool = False


STATEMENTS = [
    Statement(
        r"From 1999 to 2009, Japan only issued (\d+) requests for mutual legal assistance "
        r"to all EU MSs",
        (("1999-2009", "JP", "EU"),),
    ),
    Statement(
        r"In the same time span, EU MSs issued (\d+) requests to Japan",
        (("1999-2009", "EU", "JP"),),
    ),
    Statement(
        r"came from the UK and Poland, which issued (\d+) requests each",
        (("1999-2009", "GB", "JP"), ("1999-2009", "PL", "JP")),
    ),
    Statement(
        r"from the Netherlands, Germany and France, which issued (\d+) requests each",
        (("1999-2009", "NL", "JP"), ("1999-2009", "DE", "JP"), ("1999-2009", "FR", "JP")),
    ),
    Statement(
        r"the US or South Korea respectively issued (\d+) and (\d+) requests to Japan",
        (("1999-2009", "US", "JP"), ("1999-2009", "KR", "JP")),
    ),
    Statement(
        r"\(2010-2016\), there have been (\d+) incoming requests \(from the EU to Japan\)",
        (("2010-2016", "EU", "JP"),),
    ),
    Statement(r"and (\d+) outgoing cases \(from Japan to EU MSs\)", (("2010-2016", "JP", "EU"),)),
    Statement(r"Spain comes first with (\d+) requests", (("2010-2016", "ES", "JP"),)),
    Statement(
        r"followed by France and Poland with (\d+) requests each",
        (("2010-2016", "FR", "JP"), ("2010-2016", "PL", "JP")),
    ),
    Statement(
        r"then the Netherlands and Bulgaria with (\d+) requests each",
        (("2010-2016", "NL", "JP"), ("2010-2016", "BG", "JP")),
    ),
    Statement(
        r"after the entry into force of the Agreement, the time for complying with a request "
        r"has been (\w+) months on the Japanese side",
        (("after entry into force of the EU-Japan Agreement", None, "JP"),),
        months=True,
    ),
    Statement(
        r"slightly shorter on the EU MSs. side, namely roughly (\w+) or (\w+) months",
        (("after entry into force of the EU-Japan Agreement", None, "EU"),),
        months=True,
        approximate=True,
    ),
]


@pytest.fixture(scope="module")
def seed_text(shared_path: Callable[[str], Path]) -> str:
    """Return the seed article with its line breaks and runs of blanks collapsed."""
    return re.sub(r"\s+", " ", shared_path(SEED).read_text("utf-8"))


@pytest.fixture(scope="module")
def figures(kg: KnowledgeGraph) -> dict[tuple[str, str | None, str | None], CooperationFigure]:
    """Return the bundled figures by (period, requesting, requested)."""
    found = cooperation_statistics(kg)
    by_key = {figure.key: figure for figure in found}
    assert len(by_key) == len(found), "two observations share a period and parties"
    return by_key


def _number(text: str) -> int:
    return int(text) if text.isdigit() else WORDS[text.lower()]


def test_every_observation_is_checked_against_the_seed(figures: dict) -> None:
    covered = {key for statement in STATEMENTS for key in statement.keys}
    assert set(figures) == covered, (
        f"observations not checked here: {sorted(map(str, set(figures) - covered))}; "
        f"statements without an observation: {sorted(map(str, covered - set(figures)))}"
    )


@pytest.mark.parametrize("statement", STATEMENTS, ids=lambda s: s.pattern[:40])
def test_figure_is_the_number_the_seed_states(
    statement: Statement, seed_text: str, figures: dict
) -> None:
    match = re.search(statement.pattern, seed_text)
    assert match is not None, f"the seed no longer says: {statement.pattern}"
    numbers = [_number(group) for group in match.groups()]
    for index, key in enumerate(statement.keys):
        figure = figures[key]
        if statement.months:
            assert (figure.months_low, figure.months_high) == (numbers[0], numbers[-1]), key
            assert figure.requests is None, key
        else:
            number = numbers[index] if len(numbers) == len(statement.keys) else numbers[0]
            assert figure.requests == number, f"{key}: graph {figure.requests}, seed {number}"
            assert figure.months_low is None and figure.months_high is None, key
        assert figure.approximate is statement.approximate, key
        if statement.approximate:
            assert "approximate" in figure.note.lower(), f"{key}: say in the note it is approximate"


@pytest.mark.parametrize("statement", STATEMENTS, ids=lambda s: s.pattern[:40])
def test_pinpoint_names_section_and_footnote_of_the_sentence(
    statement: Statement, seed_text: str, figures: dict
) -> None:
    match = re.search(statement.pattern, seed_text)
    assert match is not None, f"the seed no longer says: {statement.pattern}"
    for key in statement.keys:
        pinpoint = figures[key].pinpoint
        prefix = next((p for p in SECTIONS if pinpoint.startswith(p)), None)
        assert prefix is not None, f"{key}: pinpoint {pinpoint!r} names no known section"
        start, end = (seed_text.index(heading) for heading in SECTIONS[prefix])
        assert start < match.start() < end, f"{key}: the sentence is not in {prefix}"
        footnote = re.search(r"fn (\d+)$", pinpoint)
        assert footnote is not None, f"{key}: pinpoint {pinpoint!r} names no footnote"
        # The footnote mark follows the sentence, glued to a word or punctuation ("Japan.40").
        after = seed_text[match.end() : match.end() + 600]
        assert re.search(rf"[A-Za-z.,;)]\s?{footnote.group(1)}(?!\d)", after), (
            f"{key}: footnote {footnote.group(1)} does not follow the sentence"
        )


def test_every_figure_cites_the_seed_as_scholarly(figures: dict) -> None:
    for key, figure in figures.items():
        assert figure.source == SEED_IRI, key
        assert figure.verification == "scholarly", key
        assert figure.pinpoint, key


def test_backends_agree(kg: KnowledgeGraph, rdflib_kg: KnowledgeGraph) -> None:
    assert cooperation_statistics(kg) == cooperation_statistics(rdflib_kg)


def test_one_data_set_at_a_time(kg: KnowledgeGraph) -> None:
    dataset = "https://w3id.org/mla-kg/id/statistics/execution-time"
    chosen = cooperation_statistics(kg, dataset=dataset)
    assert chosen and {figure.dataset for figure in chosen} == {dataset}
    assert chosen == [f for f in cooperation_statistics(kg) if f.dataset == dataset]


def test_cli_table_shows_every_figure(
    run_cli: Callable[..., subprocess.CompletedProcess[str]], figures: dict
) -> None:
    done = run_cli("stats", "--cooperation")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for (period, requesting, requested), figure in figures.items():
        value = str(figure.requests) if figure.requests is not None else figure.months
        cells = [period, *(code for code in (requesting, requested) if code), value]
        pattern = r"[│|]\s*" + r"\s*[│|]\s*".join(map(re.escape, cells)) + r"\s*[│|]"
        assert any(re.search(pattern, line) for line in lines), (
            f"no table row {cells}:\n{done.stdout}"
        )
    assert "5-6" in done.stdout and "yes" in done.stdout  # the approximate range, marked


def test_cli_json_lists_the_observations(kg: KnowledgeGraph) -> None:
    result = CliRunner().invoke(app, ["stats", "--cooperation", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expected = cooperation_statistics(kg)
    assert [o["observation"] for o in data["observations"]] == [f.observation for f in expected]
    by_key = {(o["period"], o["requesting"], o["requested"]): o for o in data["observations"]}
    assert by_key[("1999-2009", "EU", "JP")]["requests"] == next(
        f.requests for f in expected if f.key == ("1999-2009", "EU", "JP")
    )
