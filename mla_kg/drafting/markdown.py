"""The draft request as Markdown, for review in a repository.

>>> from mla_kg import KnowledgeGraph
>>> from mla_kg.drafting.check import EXAMPLE, check_request
>>> from mla_kg.drafting.description import RequestDescription
>>> from mla_kg.drafting.document import build_draft
>>> text = to_markdown(build_draft(check_request(KnowledgeGraph(),
...                                              RequestDescription.from_file(EXAMPLE))))
>>> text.splitlines()[0]
'# Request for mutual legal assistance in criminal matters'
"""

from __future__ import annotations

from mla_kg.drafting.document import DraftRequest, Section


def _escape_cell(text: str) -> str:
    """Return text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _section(section: Section, level: int) -> list[str]:
    lines = [f"{'#' * level} {section.heading}", ""]
    for paragraph in section.paragraphs:
        lines += [paragraph, ""]
    if section.bullets:
        lines += [f"- {bullet}" for bullet in section.bullets]
        lines.append("")
    return lines


def to_markdown(draft: DraftRequest) -> str:
    """Return the draft request as Markdown."""
    lines = [f"# {draft.title}", ""]
    lines += [
        f"**{line}**  " if line.startswith(("URGENT", "CONFIDENTIAL")) else f"{line}  "
        for line in draft.header
    ]
    lines.append("")
    lines += _section(draft.addressee, 2)
    lines += _section(draft.basis, 2)
    lines += ["## Contents of the request", ""]
    for section in draft.contents:
        lines += _section(section, 3)
    lines += ["## Measures sought", ""]
    lines += ["| measure | what is sought | covered by the basis | where |", "|---|---|---|---|"]
    for row in draft.measures:
        cells = [f"{row.measure} ({row.label})", row.details, row.covered, row.provisions]
        lines.append("| " + " | ".join(_escape_cell(c) for c in cells) + " |")
    lines.append("")
    if draft.assurances:
        lines += ["## Assurances", ""]
        for section in draft.assurances:
            lines += _section(section, 3)
    lines += _section(draft.formalities, 2)
    lines += _section(draft.transmission, 2)
    if draft.guidance is not None:
        lines += _section(draft.guidance, 2)
    if draft.open_points is not None:
        lines += _section(draft.open_points, 2)
    lines += _section(draft.closing, 2)
    return "\n".join(lines).rstrip("\n") + "\n"


__all__ = ["to_markdown"]
