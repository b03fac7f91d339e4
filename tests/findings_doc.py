"""The seed article's findings: read ``tests/findings.yaml``, run each command, render the list.

Every finding of Weyembergh & Wieczorek (the seed) is one entry of ``tests/findings.yaml``: its
pinpoint in the article, our own-words statement, the ``mla-kg`` command that shows it and the
fragments its output must contain. ``tests/test_findings_doc.py`` runs every command and checks
the fragments; ``docs/findings.md`` is rendered from the same file and must equal a fresh
rendering. Regenerate it after editing the list::

    python tests/findings_doc.py

A command runs through the Python API, exactly as the command line runs it: ``mla-kg compare
IDS... [--feature F]... [-g G]... -f csv`` is ``KnowledgeGraph.compare(...).to_csv()`` and
``mla-kg query NAME [--param k=v]... -f csv`` is ``KnowledgeGraph.run(NAME, ...).to_csv()``
(a parameter given twice is a list, as on the command line). Only these two forms, always as
CSV, are used, so that an expected fragment never depends on a table's line wrapping.
"""

from __future__ import annotations

import shlex
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mla_kg import KnowledgeGraph

HERE = Path(__file__).resolve().parent
FINDINGS = HERE / "findings.yaml"
DOC = HERE.parent / "docs" / "findings.md"
#: Separates the parts of an expected fragment that must stand, in order, on one output line.
ON_ONE_LINE = " … "
KINDS = ("cell", "edge", "claim", "statistic", "query")
BEFORE = ("full", "partial", "none")


class FindingsError(ValueError):
    """A finding of ``tests/findings.yaml`` is malformed (names the finding and the key)."""


@dataclass(frozen=True)
class Finding:
    """One finding of the seed article and the command that shows it in the graph."""

    id: str
    section: str
    pinpoint: str
    statement: str
    kind: str
    command: str
    expect: tuple[str, ...]
    before: str
    note: str = ""

    @property
    def argv(self) -> list[str]:
        """Return the command's arguments after ``mla-kg``."""
        words = shlex.split(self.command)
        if words[:1] != ["mla-kg"]:
            raise FindingsError(f"{self.id}: command must start with 'mla-kg': {self.command}")
        return words[1:]


def _finding(raw: dict[str, Any], where: str) -> Finding:
    """Build a finding from its YAML mapping, naming the key that is wrong."""
    required = ("id", "section", "pinpoint", "statement", "kind", "command", "expect", "before")
    missing = [key for key in required if key not in raw]
    unknown = set(raw) - {*required, "note"}
    if missing or unknown:
        raise FindingsError(f"{where}: missing keys {missing}, unknown keys {sorted(unknown)}")
    if raw["kind"] not in KINDS:
        raise FindingsError(f"{where}: kind must be one of {KINDS}, not {raw['kind']!r}")
    if raw["before"] not in BEFORE:
        raise FindingsError(f"{where}: before must be one of {BEFORE}, not {raw['before']!r}")
    expect = raw["expect"]
    if not isinstance(expect, list) or not expect or not all(isinstance(e, str) for e in expect):
        raise FindingsError(f"{where}: expect must be a non-empty list of strings")
    return Finding(
        id=str(raw["id"]),
        section=str(raw["section"]),
        pinpoint=str(raw["pinpoint"]),
        statement=" ".join(str(raw["statement"]).split()),
        kind=str(raw["kind"]),
        command=str(raw["command"]),
        expect=tuple(expect),
        before=str(raw["before"]),
        note=" ".join(str(raw.get("note", "")).split()),
    )


def load_findings(path: Path = FINDINGS) -> list[Finding]:
    """Return the findings of ``path`` in their order; ids must be unique."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    findings = [_finding(raw, f"{path.name}[{i}]") for i, raw in enumerate(data["findings"])]
    twice = [fid for fid, n in Counter(f.id for f in findings).items() if n > 1]
    if twice:
        raise FindingsError(f"{path.name}: finding ids used twice: {twice}")
    return findings


def _options(argv: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Split arguments into positionals and repeated options (``--feature``, ``--param``...)."""
    aliases = {"-g": "--group", "-f": "--format", "-p": "--param"}
    positional: list[str] = []
    options: dict[str, list[str]] = {}
    words = iter(argv)
    for word in words:
        if word.startswith("-"):
            options.setdefault(aliases.get(word, word), []).append(next(words))
        else:
            positional.append(word)
    if options.pop("--format", None) != ["csv"]:
        raise FindingsError(f"write '-f csv' once in every command: {shlex.join(argv)}")
    return positional, options


def _params(pairs: list[str]) -> dict[str, str | list[str]]:
    """Turn ``k=v`` pairs into parameters as the command line does: a repeated name is a list."""
    params: dict[str, str | list[str]] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        previous = params.get(name)
        if previous is None:
            params[name] = value
        else:
            params[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
    return params


def run_command(kg: KnowledgeGraph, finding: Finding) -> str:
    """Run the finding's command through the Python API and return its CSV output."""
    command, *rest = finding.argv
    positional, options = _options(rest)
    if command == "compare":
        allowed = {"--feature", "--group"}
        if set(options) - allowed:
            raise FindingsError(f"{finding.id}: compare takes only {sorted(allowed)}")
        comparison = kg.compare(
            positional, features=options.get("--feature"), groups=options.get("--group")
        )
        return comparison.to_csv()
    if command == "query":
        if len(positional) != 1 or set(options) - {"--param"}:
            raise FindingsError(f"{finding.id}: write 'query NAME [--param k=v]... -f csv'")
        return kg.run(positional[0], **_params(options.get("--param", []))).to_csv()
    raise FindingsError(f"{finding.id}: only 'compare' and 'query' commands are run")


def missing_fragments(output: str, finding: Finding) -> list[str]:
    """Return the expected fragments the output lacks (parts of one fragment on one line)."""
    lines = output.splitlines()

    def on_one_line(line: str, parts: list[str]) -> bool:
        at = 0
        for part in parts:
            at = line.find(part, at)
            if at < 0:
                return False
            at += len(part)
        return True

    return [
        fragment
        for fragment in finding.expect
        if not any(on_one_line(line, fragment.split(ON_ONE_LINE)) for line in lines)
    ]


def _cell(text: str) -> str:
    """Escape text for a Markdown table cell."""
    return text.replace("|", "\\|")


def render(findings: list[Finding]) -> str:
    """Return ``docs/findings.md``: every finding with its pinpoint, command and expected output."""
    before = Counter(f.before for f in findings)
    kinds = Counter(f.kind for f in findings)
    out = [
        "# The seed article's findings, and where the graph shows them",
        "",
        "Generated from `tests/findings.yaml` by `python tests/findings_doc.py`; "
        "`tests/test_findings_doc.py` runs every command below and checks that its output "
        "contains the expected fragments, and that this page equals a fresh rendering. "
        "Do not edit it by hand.",
        "",
        'The seed is A. Weyembergh and I. Wieczorek, "Norm diffusion as a tool to uphold and '
        "promote EU values & interests: a case study on the EU Japan Mutual Legal Assistance "
        'Agreement", New Journal of European Criminal Law 11(4) (2020) 439-466 '
        "(`source/seed`). Pinpoints are the project copy's sections and footnotes (the copy "
        "does not carry the journal's pages). Each finding is stated in our own words.",
        "",
        f"{len(findings)} findings. Shown by: "
        + ", ".join(f"{kinds[k]} {k}" for k in KINDS if kinds[k])
        + ". Reproducible before this list was made (each finding checked against the data "
        "of commit fdf5a01): " + ", ".join(f"{before[b]} {b}" for b in BEFORE) + ".",
        "",
        "A fragment `a … b` means: `a` and then `b` on the same output line. Every command is "
        "also a command line: `mla-kg compare ... -f csv` and `mla-kg query ... -f csv` print "
        "exactly the text the fragments are looked for in.",
        "",
    ]
    section = None
    for finding in findings:
        if finding.section != section:
            section = finding.section
            out += [f"## {section}", ""]
        out += [
            f"### {finding.id} ({finding.pinpoint})",
            "",
            finding.statement,
            "",
            f"- shown by: {finding.kind}; before: {finding.before}"
            + (f"; note: {finding.note}" if finding.note else ""),
            f"- command: `{finding.command}`",
            "- expected: " + "; ".join(f"`{_cell(e)}`" for e in finding.expect),
            "",
        ]
    return "\n".join(out).rstrip("\n") + "\n"


def main() -> int:
    """Write ``docs/findings.md`` from ``tests/findings.yaml``."""
    DOC.write_text(render(load_findings()), encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
