"""Every finding of the seed article is shown by a command; docs/findings.md lists them.

``tests/findings.yaml`` holds the findings (pinpoint, own-words statement, command, expected
output fragments); ``tests/findings_doc.py`` runs the commands through the Python API and renders
``docs/findings.md``. Here each command runs on the bundled graph and must print its fragments,
the rendered page must equal the committed one, and a few commands also run as real command
lines, to show the API run prints exactly what ``mla-kg`` prints.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import pytest
from findings_doc import (
    DOC,
    Finding,
    FindingsError,
    load_findings,
    missing_fragments,
    render,
    run_command,
)

from mla_kg import KnowledgeGraph

FINDINGS = load_findings()


@pytest.fixture(scope="module")
def outputs(kg: KnowledgeGraph) -> dict[str, str]:
    """Return each distinct command's output, run once."""
    return {f.command: run_command(kg, f) for f in {f.command: f for f in FINDINGS}.values()}


@pytest.mark.parametrize("finding", FINDINGS, ids=[f.id for f in FINDINGS])
def test_finding_is_shown_by_its_command(finding: Finding, outputs: dict[str, str]) -> None:
    missing = missing_fragments(outputs[finding.command], finding)
    assert not missing, (
        f"{finding.id} ({finding.pinpoint}): `{finding.command}` no longer prints {missing}; "
        "fix the data or, if the answer legitimately changed, tests/findings.yaml"
    )


def test_the_list_covers_the_article_and_the_formerly_missing_findings() -> None:
    # Every section of the article, about seventy findings or more (this list splits some that
    # an audit counted as one), and the ones formerly missing each carried by something the
    # graph can be asked for.
    assert len(FINDINGS) >= 70
    sections = {f.pinpoint.split(",")[0].split(" ")[-1] for f in FINDINGS}
    assert {"I", "II", "II.A", "II.A.i", "II.A.ii", "II.A.iii", "II.B.i", "III.A"} <= sections
    missing_before = {f.id for f in FINDINGS if f.before == "none"}
    statements = " ".join(f.statement for f in FINDINGS if f.id in missing_before)
    for topic in ("2013/48", "2018 amendment", "credit-card", "Switzerland"):
        assert topic in statements, topic
    assert Counter(f.kind for f in FINDINGS)["claim"] < len(FINDINGS), "not all mere claims"


def test_docs_findings_equals_a_fresh_rendering() -> None:
    assert DOC.read_text(encoding="utf-8") == render(FINDINGS), (
        "docs/findings.md is stale: run `python tests/findings_doc.py`"
    )


def test_a_fragment_that_is_not_printed_is_reported(kg: KnowledgeGraph) -> None:
    finding = next(f for f in FINDINGS if f.id == "IIAiii-06")
    wrong = replace(finding, expect=("videoconference-hearing … jp-us-mlat,present",))
    assert missing_fragments(run_command(kg, wrong), wrong) == list(wrong.expect)


def test_a_command_other_than_compare_or_query_is_refused(kg: KnowledgeGraph) -> None:
    finding = replace(FINDINGS[0], command="mla-kg stats -f csv")
    with pytest.raises(FindingsError, match="only 'compare' and 'query'"):
        run_command(kg, finding)


@pytest.mark.parametrize("finding_id", ["IIAiii-08", "I-13"])
def test_the_command_line_prints_what_the_api_run_prints(
    finding_id: str,
    kg: KnowledgeGraph,
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    finding = next(f for f in FINDINGS if f.id == finding_id)
    done = run_cli(*finding.argv)
    assert done.returncode == 0, done.stderr
    # The API's CSV ends lines with CRLF (RFC 4180); the subprocess reads text with universal
    # newlines, so compare line by line.
    assert done.stdout.splitlines() == run_command(kg, finding).splitlines()
