"""Instruments side by side: the comparison matrix, differences, outlines and model profiles.

A cell of the matrix (one feature in one instrument) is **present** when a provision of the
instrument carries the feature or an instrument-level attestation (``mla:Presence``) says the
instrument has it, **absent** when only an absence (``mla:Absence``) is recorded, and
**unknown** when the research says neither. A cell that is both present and absent, or whose
facts a commentary claim contradicts, is flagged so that both sides stay visible.

Every rendering marks recalled facts with a dagger (``†``) and explains it in a legend: a
recalled article number has not been checked against the official text.

>>> from mla_kg import KnowledgeGraph
>>> kg = KnowledgeGraph()
>>> comparison = kg.compare(["eu-jp-mla", "jp-us-mlat"], features=["videoconference-hearing"])
>>> [comparison.cell("videoconference-hearing", i).status for i in comparison.instruments]
['present', 'absent']
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Literal
from rdflib.term import Node

from mla_kg.errors import InvalidParameter
from mla_kg.graph import queries
from mla_kg.namespaces import MLA, SOURCE

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore

STATUSES = ("present", "absent", "unknown")
VERIFICATIONS = ("official", "scholarly", "recalled")
#: The mark put after every recalled fact in every rendering.
RECALLED_MARK = "†"
RECALLED_LEGEND = f"{RECALLED_MARK} recalled: not verified against the official text"
LEGEND = (
    RECALLED_LEGEND,
    "— not annotated: the research records neither a provision nor an absence",
    "absent: the research records that the instrument has no such provision (source in brackets)",
    "present (source): attested for the instrument as a whole, article not placed",
    "(XX only): an annex entry limits the provision to the named State(s)",
    "cf.: a provision that may carry the feature (candidate, not counted)",
    "[n]: conflicting research or a contradicting commentary claim; see the notes",
)
#: The legend of reports without notes (differences, profiles): a conflict is flagged in place.
REPORT_LEGEND = (
    *LEGEND[:-1],
    "[conflict]: conflicting research or a contradicting commentary claim; "
    "`mla-kg compare` shows both sides in its notes",
)
DEFAULT_INSTRUMENTS = ("eu-jp-mla", "eu-us-mla", "jp-us-mlat")


def _text(term: Node | None) -> str:
    """Return the lexical text of a term, or an empty string for an unbound variable."""
    return "" if term is None else str(term)


def _local(term: Node | None) -> str:
    """Return the local name of an ontology term (``mla:recalled`` -> ``recalled``)."""
    text = _text(term)
    return text[len(str(MLA)) :] if text.startswith(str(MLA)) else text


def _flag(term: Node | None) -> bool:
    """Return whether a ``"yes"``/``"no"`` column says yes (no when unbound).

    The queries answer yes/no as strings: Virtuoso would turn a boolean into 1 or 0.
    """
    return isinstance(term, Literal) and str(term) == "yes"


def _number(term: Node | None) -> float:
    """Return a numeric literal as a sort key (unbound or non-numeric sorts last)."""
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return float("inf")


def source_label(source: str, instrument_id: str = "") -> str:
    """Return a short label for a source IRI: its slug, without the instrument's own prefix.

    >>> source_label("https://w3id.org/mla-kg/id/source/eu-jp-mla-s12", "eu-jp-mla")
    's12'
    >>> source_label("https://w3id.org/mla-kg/id/source/seed", "eu-jp-mla")
    'seed'
    """
    slug = source[len(str(SOURCE)) :] if source.startswith(str(SOURCE)) else source
    if instrument_id and slug.startswith(f"{instrument_id}-"):
        return slug[len(instrument_id) + 1 :]
    return slug


@dataclass(frozen=True)
class Provision:
    """A subdivision of an instrument that carries (or may carry) a feature.

    :ivar iri: the subdivision's IRI.
    :ivar citation: the pinpoint citation as lawyers write it (``Art 11(1)(b)``).
    :ivar verification: ``official``, ``scholarly`` or ``recalled`` (the subdivision's own status).
    :ivar citation_recalled: true when the subdivision or a part it sits in is only recalled,
        so the citation itself is not verified.
    :ivar state: ISO code of the State an annex entry is limited to, else ``None``.
    :ivar sources: IRIs of the sources of the subdivision.
    """

    iri: str
    citation: str
    verification: str
    citation_recalled: bool = False
    state: str | None = None
    sources: tuple[str, ...] = ()

    @property
    def recalled(self) -> bool:
        """Return whether the citation must be marked as recalled."""
        return self.verification == "recalled" or self.citation_recalled

    @property
    def marked_citation(self) -> str:
        """Return the citation with the recalled mark where it applies."""
        return self.citation + (RECALLED_MARK if self.recalled else "")

    def to_dict(self) -> dict[str, Any]:
        """Return the provision in the JSON contract (``iri``, ``citation``, ``verification``)."""
        return {
            "iri": self.iri,
            "citation": self.citation,
            "verification": self.verification,
            "recalled": self.recalled,
            "state": self.state,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class Attestation:
    """An instrument-level statement that an instrument has (presence) or lacks (absence) a feature.

    :ivar iri: the presence or absence node.
    :ivar kind: ``presence`` or ``absence``.
    :ivar verification: its verification status.
    :ivar sources: IRIs of its sources.
    :ivar pinpoint: where in the source (empty when the research gives none).
    :ivar note: the research note, if any.
    """

    iri: str
    kind: str
    verification: str
    sources: tuple[str, ...] = ()
    pinpoint: str = ""
    note: str = ""

    @property
    def recalled(self) -> bool:
        """Return whether the attestation is only recalled."""
        return self.verification == "recalled"


@dataclass(frozen=True)
class Claim:
    """A commentary claim that contradicts a fact of a cell.

    :ivar iri: the claim node.
    :ivar statement: the claim in own words.
    :ivar verification: its verification status.
    :ivar sources: IRIs of its sources.
    :ivar pinpoint: where in the source.
    :ivar check: the research's check of the claim against the text.
    :ivar contradicts: IRIs of the facts it contradicts.
    """

    iri: str
    statement: str
    verification: str
    sources: tuple[str, ...] = ()
    pinpoint: str = ""
    check: str = ""
    contradicts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the claim as JSON-ready data."""
        return {
            "iri": self.iri,
            "statement": self.statement,
            "verification": self.verification,
            "sources": list(self.sources),
            "pinpoint": self.pinpoint,
            "check": self.check,
            "contradicts": list(self.contradicts),
        }


@dataclass
class Cell:
    """One feature in one instrument: its status and the facts behind it.

    :ivar feature: the feature id.
    :ivar instrument: the instrument id.
    :ivar provisions: subdivisions carrying the feature.
    :ivar attestations: instrument-level presences and absences.
    :ivar candidates: subdivisions that may carry it (not counted).
    :ivar claims: commentary claims contradicting one of these facts.
    """

    feature: str
    instrument: str
    provisions: list[Provision] = field(default_factory=list)
    attestations: list[Attestation] = field(default_factory=list)
    candidates: list[Provision] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    @property
    def presences(self) -> list[Attestation]:
        """Return the instrument-level presences."""
        return [a for a in self.attestations if a.kind == "presence"]

    @property
    def absences(self) -> list[Attestation]:
        """Return the absences."""
        return [a for a in self.attestations if a.kind == "absence"]

    @property
    def status(self) -> str:
        """Return ``present``, ``absent`` or ``unknown`` (not annotated)."""
        if self.provisions or self.presences:
            return "present"
        if self.absences:
            return "absent"
        return "unknown"

    @property
    def conflict(self) -> bool:
        """Return whether the research disagrees: present and absent, or a contradicting claim."""
        return bool(self.claims) or (self.status == "present" and bool(self.absences))

    @property
    def limited_to(self) -> list[str]:
        """Return the States to which annex entries limit the feature, sorted."""
        return sorted({p.state for p in self.provisions if p.state})

    @property
    def recalled(self) -> bool:
        """Return whether everything that decides the status is only recalled."""
        if self.status == "present":
            support = [p.recalled for p in self.provisions] + [a.recalled for a in self.presences]
        elif self.status == "absent":
            support = [a.recalled for a in self.absences]
        else:
            return False
        return all(support)

    @property
    def verification(self) -> str | None:
        """Return the strongest verification status among the facts that decide the status."""
        if self.status == "present":
            found = {p.verification for p in self.provisions if not p.citation_recalled}
            found |= {p.verification for p in self.provisions}
            found |= {a.verification for a in self.presences}
        elif self.status == "absent":
            found = {a.verification for a in self.absences}
        else:
            return None
        return next((status for status in VERIFICATIONS if status in found), None)

    def pinpoints(self) -> list[Provision]:
        """Return the most specific provisions, dropping a part whose sub-part carries the feature.

        A verified part stays when every sub-part carrying the feature is only recalled: the
        reader then sees the citation that is verified next to the one that is not
        (``Art 3(1); Art 3(1)(a)†``). Provisions are sorted by citation order of their IRIs
        (articles, then annexes).
        """

        def covered(provision: Provision) -> bool:
            parts = [o for o in self.provisions if o.iri.startswith(provision.iri + "/")]
            return bool(parts) and (provision.recalled or not all(o.recalled for o in parts))

        kept = [p for p in self.provisions if not covered(p)]
        return sorted(kept, key=lambda p: _provision_key(p.iri))

    def evidence(self) -> list[dict[str, Any]]:
        """Return the attestations as evidence entries, one per source (JSON contract)."""
        entries = []
        for attestation in self.attestations:
            for source in attestation.sources or ("",):
                entries.append(
                    {
                        "source": source,
                        "pinpoint": attestation.pinpoint,
                        "kind": attestation.kind,
                        "verification": attestation.verification,
                        "recalled": attestation.recalled,
                        "attestation": attestation.iri,
                        "note": attestation.note,
                    }
                )
        return entries

    def to_dict(self) -> dict[str, Any]:
        """Return the cell in the JSON contract, with extra keys for conflicts and candidates."""
        return {
            "status": self.status,
            "provisions": [p.to_dict() for p in self.provisions],
            "evidence": self.evidence(),
            "recalled": self.recalled,
            "conflict": self.conflict,
            "limited_to": self.limited_to,
            "candidates": [p.to_dict() for p in self.candidates],
            "claims": [c.to_dict() for c in self.claims],
        }

    def text(self, note: int | None = None) -> str:
        """Return the cell as plain text, with recalled marks (the form every renderer uses).

        :param note: the number of the note that explains a conflict, if any; ``0`` flags a
            conflict as ``[conflict]`` where a report has no notes.
        """
        if self.status == "present":
            if self.provisions:
                text = _provisions_text(self.pinpoints())
                # Where every citation is only recalled, name what verifies the feature itself.
                verified = [a for a in self.presences if not a.recalled]
                if verified and all(p.recalled for p in self.provisions):
                    text += "; present" + _attested_text(verified, self.instrument)
            else:
                text = "present" + _attested_text(self.presences, self.instrument)
        elif self.status == "absent":
            text = "absent" + _attested_text(self.absences, self.instrument)
        else:
            text = "—"
            if self.candidates:
                cited = ", ".join(p.marked_citation for p in self.candidates)
                text += f" (cf. {cited})"
        if note:
            text += f" [{note}]"
        elif note == 0 and self.conflict:
            text += " [conflict]"
        return text


_SEGMENT_RANK = {"art": 0, "annex": 1, "unplaced": 2}


def _provision_key(iri: str) -> tuple[Any, ...]:
    """Return a sort key that orders subdivision IRIs as an instrument prints them.

    Articles come before annexes and unplaced provisions; numbers sort as numbers.

    >>> base = "https://w3id.org/mla-kg/id/instrument/eu-jp-mla/"
    >>> iris = [base + "annex/IV/entry/PT", base + "art/11/para/1", base + "art/2"]
    >>> [iri[len(base):] for iri in sorted(iris, key=_provision_key)]
    ['art/2', 'art/11/para/1', 'annex/IV/entry/PT']
    """
    parts: list[tuple[int, int, str]] = []
    for segment in iri.split("/"):
        if segment in _SEGMENT_RANK:
            parts.append((0, _SEGMENT_RANK[segment], segment))
        elif segment.isdigit():
            parts.append((1, int(segment), segment))
        else:
            parts.append((2, 0, segment))
    return tuple(parts)


def _provision_text(provision: Provision) -> str:
    """Return a provision's citation with its recalled mark and the State it is limited to."""
    text = provision.marked_citation
    if provision.state and f"({provision.state})" not in provision.citation:
        text += f" [{provision.state} only]"
    return text


def _provisions_text(provisions: Sequence[Provision]) -> str:
    """Return citations joined by ``;``, annex entries of one annex folded into one citation.

    ``Annex IV (AT)`` and ``Annex IV (HU)`` become ``Annex IV (AT, HU only)``, so a reader sees
    the provision reaches only the named States.
    """
    parts: list[str] = []
    folded: dict[str, list[Provision]] = {}
    for provision in provisions:
        suffix = f" ({provision.state})"
        if provision.state and provision.citation.endswith(suffix):
            base = provision.citation[: -len(suffix)]
            if base not in folded:
                folded[base] = []
                parts.append(base)
            folded[base].append(provision)
        else:
            parts.append(_provision_text(provision))
    texts = []
    for part in parts:
        if part in folded:
            entries = folded[part]
            states = ", ".join(p.state or "" for p in entries)
            mark = RECALLED_MARK if any(p.recalled for p in entries) else ""
            texts.append(f"{part} ({states} only){mark}")
        else:
            texts.append(part)
    return "; ".join(texts)


def _attested_text(attestations: Sequence[Attestation], instrument_id: str) -> str:
    """Return the recalled mark and the sources of attestations, e.g. ``† (seed, s12)``."""
    mark = RECALLED_MARK if attestations and all(a.recalled for a in attestations) else ""
    sources = sorted({source_label(s, instrument_id) for a in attestations for s in a.sources})
    return mark + (f" ({', '.join(sources)})" if sources else "")


@dataclass
class FeatureRow:
    """One row of the matrix: a feature and its cell in each instrument."""

    id: str
    iri: str
    label: str
    group: str
    group_label: str
    marks: str | None
    polarity: str | None
    cells: dict[str, Cell]

    def to_dict(self) -> dict[str, Any]:
        """Return the row in the JSON contract."""
        return {
            "id": self.id,
            "label": self.label,
            "group": self.group,
            "group_label": self.group_label,
            "marks": self.marks,
            "polarity": self.polarity,
            "iri": self.iri,
            "cells": {instrument: cell.to_dict() for instrument, cell in self.cells.items()},
        }


@dataclass
class Comparison:
    """Features by instruments: one row per feature, grouped by dimension in scheme order.

    :ivar instruments: the instrument ids, in the order asked for (the columns).
    :ivar features: the rows.
    """

    instruments: list[str]
    features: list[FeatureRow]

    def __iter__(self) -> Iterator[FeatureRow]:
        """Iterate over the rows."""
        return iter(self.features)

    def __len__(self) -> int:
        """Return the number of rows (features)."""
        return len(self.features)

    def row(self, feature: str) -> FeatureRow:
        """Return the row of a feature id.

        :raises KeyError: if the feature is not in the comparison.
        """
        for row in self.features:
            if row.id == feature:
                return row
        raise KeyError(f"feature {feature!r} is not in this comparison")

    def cell(self, feature: str, instrument: str) -> Cell:
        """Return the cell of a feature id in an instrument id."""
        return self.row(feature).cells[instrument]

    def groups(self) -> list[tuple[str, str, list[FeatureRow]]]:
        """Return the rows by group, in order: ``(group id, group label, rows)``."""
        grouped: list[tuple[str, str, list[FeatureRow]]] = []
        for row in self.features:
            if not grouped or grouped[-1][0] != row.group:
                grouped.append((row.group, row.group_label, []))
            grouped[-1][2].append(row)
        return grouped

    def notes(self) -> list[tuple[int, FeatureRow, Cell, str]]:
        """Return the notes on conflicting cells: ``(number, row, cell, text)``, numbered from 1."""
        found: list[tuple[int, FeatureRow, Cell, str]] = []
        for row in self.features:
            for instrument in self.instruments:
                cell = row.cells[instrument]
                if cell.conflict:
                    found.append((len(found) + 1, row, cell, _note_text(cell)))
        return found

    def _note_numbers(self) -> dict[tuple[str, str], int]:
        """Return note numbers by (feature, instrument)."""
        return {(row.id, cell.instrument): n for n, row, cell, _ in self.notes()}

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as JSON-ready data (the JSON contract plus a legend)."""
        return {
            "instruments": list(self.instruments),
            "features": [row.to_dict() for row in self.features],
            "legend": list(LEGEND),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Return the comparison as JSON.

        The contract: ``{"instruments": [ids], "features": [{"id", "label", "group", "cells":
        {"<instrument id>": {"status", "provisions": [{"iri", "citation", "verification"}],
        "evidence": [{"source", "pinpoint"}]}}}]}``. A reader may rely on these keys; the others
        add detail and never change their meaning:

        - top level: ``legend`` (what the marks mean);
        - feature: ``group_label``, ``marks`` (cooperation model), ``polarity``, ``iri``;
        - cell: ``recalled`` (the status rests only on recalled facts), ``conflict``,
          ``limited_to`` (ISO codes of annex-entry States), ``candidates`` (provisions, not
          counted), ``claims`` (contradicting commentary);
        - provision: ``recalled`` (the citation is not verified: the provision or a part it sits
          in is only recalled), ``state``, ``sources``;
        - evidence: ``kind`` (``absence`` or ``presence``), ``verification``, ``recalled``,
          ``attestation`` (its IRI), ``note``.
        """
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_csv(self) -> str:
        """Return one CSV row per feature and instrument, citations marked ``†`` when recalled.

        The ``legend`` column explains the mark on every row that shows it.
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            [
                "group",
                "feature",
                "label",
                "instrument",
                "status",
                "citations",
                "provision_verification",
                "evidence",
                "recalled",
                "conflict",
                "limited_to",
                "legend",
            ]
        )
        for row in self.features:
            for instrument in self.instruments:
                cell = row.cells[instrument]
                values = [
                    row.group,
                    row.id,
                    row.label,
                    instrument,
                    cell.status,
                    _provisions_text(cell.pinpoints()),
                    "; ".join(f"{p.citation}: {p.verification}" for p in cell.pinpoints()),
                    "; ".join(_evidence_text(a, instrument) for a in cell.attestations),
                    "yes" if cell.recalled else "no",
                    "yes" if cell.conflict else "no",
                    " ".join(cell.limited_to),
                ]
                # A CSV has no place for a legend below the table that every reader keeps, so
                # each row that shows the mark explains it itself.
                marked = any(RECALLED_MARK in value for value in values)
                writer.writerow([*values, RECALLED_LEGEND if marked else ""])
        return buffer.getvalue()

    def to_markdown(self) -> str:
        """Return the comparison as Markdown: one table per group, then legend and notes."""
        numbers = self._note_numbers()
        lines: list[str] = []
        for _, group_label, rows in self.groups():
            lines += [f"### {group_label}", ""]
            lines.append("| feature | " + " | ".join(self.instruments) + " |")
            lines.append("|---" * (len(self.instruments) + 1) + "|")
            for row in rows:
                cells = [_md(row.cells[i].text(numbers.get((row.id, i)))) for i in self.instruments]
                lines.append(f"| {_md(row.label)} | " + " | ".join(cells) + " |")
            lines.append("")
        lines += ["**Legend**", ""] + [f"- {_md(entry)}" for entry in LEGEND]
        notes = self.notes()
        if notes:
            lines += ["", "**Notes**", ""]
            lines += [f"{n}. {_md(text)}" for n, _, _, text in notes]
        return "\n".join(lines) + "\n"

    def _html_table(self) -> str:
        """Return the matrix as an HTML table with inline styles (for pages and notebooks)."""
        numbers = self._note_numbers()
        cell_style = "border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left"
        colours = {"present": "#e6f4ea", "absent": "#fdecea", "unknown": "#f5f5f5"}
        out = ['<table style="border-collapse:collapse;font-size:0.9em">', "<thead><tr>"]
        out.append(f'<th style="{cell_style}">feature</th>')
        out += [f'<th style="{cell_style}">{html.escape(i)}</th>' for i in self.instruments]
        out.append("</tr></thead><tbody>")
        for _, group_label, rows in self.groups():
            span = len(self.instruments) + 1
            out.append(
                f'<tr><th colspan="{span}" style="{cell_style};background:#dde">'
                f"{html.escape(group_label)}</th></tr>"
            )
            for row in rows:
                out.append(
                    f'<tr><td style="{cell_style}" title="{html.escape(row.id)}">'
                    f"{html.escape(row.label)}</td>"
                )
                for instrument in self.instruments:
                    cell = row.cells[instrument]
                    title = _html_title(cell)
                    text = html.escape(cell.text(numbers.get((row.id, instrument))))
                    text = text.replace(
                        RECALLED_MARK, f'<span style="color:#b00">{RECALLED_MARK}</span>'
                    )
                    out.append(
                        f'<td style="{cell_style};background:{colours[cell.status]}" '
                        f'title="{html.escape(title)}">{text}</td>'
                    )
                out.append("</tr>")
        out.append("</tbody></table>")
        out.append("<ul>" + "".join(f"<li>{html.escape(e)}</li>" for e in LEGEND) + "</ul>")
        notes = self.notes()
        if notes:
            out.append(
                "<ol>"
                + "".join(f"<li>{html.escape(text)}</li>" for _, _, _, text in notes)
                + "</ol>"
            )
        return "\n".join(out)

    def to_html(self, title: str | None = None) -> str:
        """Return a standalone HTML page (inline CSS, no external resources)."""
        heading = title or "Comparison of " + ", ".join(self.instruments)
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(heading)}</title>\n"
            "<style>body{font-family:sans-serif;margin:1.5em;color:#222}"
            "h1{font-size:1.3em}</style>\n</head>\n<body>\n"
            f"<h1>{html.escape(heading)}</h1>\n{self._html_table()}\n"
            "<p>Generated by mla-kg from its knowledge graph of mutual legal assistance "
            "instruments.</p>\n</body>\n</html>\n"
        )

    def _repr_html_(self) -> str:
        """Return the HTML table for Jupyter notebooks."""
        return self._html_table()

    def to_latex(self) -> str:
        r"""Return the matrix as a LaTeX ``longtable`` (needs ``\usepackage{longtable}``)."""
        numbers = self._note_numbers()
        columns = "p{5cm}" + "p{3.2cm}" * len(self.instruments)
        lines = [
            "% Requires \\usepackage{longtable}",
            f"\\begin{{longtable}}{{{columns}}}",
            "\\hline",
            "Feature & " + " & ".join(_tex(i) for i in self.instruments) + " \\\\",
            "\\hline",
            "\\endhead",
        ]
        span = len(self.instruments) + 1
        for _, group_label, rows in self.groups():
            lines.append(f"\\multicolumn{{{span}}}{{l}}{{\\textbf{{{_tex(group_label)}}}}} \\\\")
            for row in rows:
                cells = [
                    _tex(row.cells[i].text(numbers.get((row.id, i)))) for i in self.instruments
                ]
                lines.append(_tex(row.label) + " & " + " & ".join(cells) + " \\\\")
            lines.append("\\hline")
        lines.append("\\end{longtable}")
        lines.append("\\begin{itemize}")
        lines += [f"\\item {_tex(entry)}" for entry in LEGEND]
        lines.append("\\end{itemize}")
        notes = self.notes()
        if notes:
            lines.append("\\begin{enumerate}")
            lines += [f"\\item {_tex(text)}" for _, _, _, text in notes]
            lines.append("\\end{enumerate}")
        return "\n".join(lines) + "\n"

    def to_rich(self) -> Any:
        """Return a rich renderable: the table grouped by dimension, the legend and the notes."""
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        numbers = self._note_numbers()
        table = Table(show_lines=False, title="Comparison by feature")
        table.add_column("feature", ratio=2)
        for instrument in self.instruments:
            table.add_column(instrument, ratio=1)
        styles = {"present": "green", "absent": "red", "unknown": "dim"}
        for _, group_label, rows in self.groups():
            blanks = [Text("")] * len(self.instruments)
            table.add_row(Text(group_label.upper(), style="bold"), *blanks)
            for index, row in enumerate(rows):
                cells = []
                for instrument in self.instruments:
                    cell = row.cells[instrument]
                    text = cell.text(numbers.get((row.id, instrument)))
                    cells.append(Text(text, style=styles[cell.status]))
                table.add_row(Text(row.label), *cells, end_section=index == len(rows) - 1)
        parts: list[Any] = [table, Text("Legend:", style="bold")]
        parts += [Text(f"  {entry}") for entry in LEGEND]
        notes = self.notes()
        if notes:
            parts.append(Text("Notes:", style="bold"))
            parts += [Text(f"  [{n}] {text}") for n, _, _, text in notes]
        return Group(*parts)


def _evidence_text(attestation: Attestation, instrument_id: str) -> str:
    """Return an attestation as ``absence: seed §II.A.iii (scholarly)``."""
    sources = ", ".join(source_label(s, instrument_id) for s in attestation.sources)
    where = f" {attestation.pinpoint}" if attestation.pinpoint else ""
    mark = RECALLED_MARK if attestation.recalled else ""
    return f"{attestation.kind}: {sources}{where} ({attestation.verification}){mark}"


def _note_text(cell: Cell) -> str:
    """Return the note that shows both sides of a conflicting cell."""
    parts = [f"{cell.feature} in {cell.instrument}: {cell.status}"]
    if cell.provisions:
        parts.append("provisions " + ", ".join(p.marked_citation for p in cell.pinpoints()))
    parts += [_evidence_text(a, cell.instrument) for a in cell.attestations]
    for claim in cell.claims:
        sources = ", ".join(source_label(s, cell.instrument) for s in claim.sources)
        where = f" {claim.pinpoint}" if claim.pinpoint else ""
        mark = RECALLED_MARK if claim.verification == "recalled" else ""
        text = f"contradicted by claim ({sources}{where}, {claim.verification}{mark}): "
        text += f"“{claim.statement}”"
        if claim.check:
            text += f" Research check: “{claim.check}”"
        parts.append(text)
    return "; ".join(parts)


def _html_title(cell: Cell) -> str:
    """Return the tooltip of an HTML cell: each fact with its verification status."""
    facts = [f"{p.citation}: {p.verification}" for p in cell.provisions]
    facts += [_evidence_text(a, cell.instrument) for a in cell.attestations]
    return "\n".join(facts) or "not annotated"


def _md(text: str) -> str:
    """Escape text for a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


_TEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    RECALLED_MARK: r"\textdagger{}",
    "—": "---",
    "§": r"\S{}",
}


def _tex(text: str) -> str:
    """Escape text for LaTeX."""
    return "".join(_TEX_ESCAPES.get(ch, ch) for ch in text)


def _resolve_instruments(kg: GraphStore, instruments: Iterable[str]) -> list[str]:
    """Return instrument ids for ids or IRIs (raise UnknownInstrument listing the known ids)."""
    ids = []
    by_iri = {str(kg.instrument_iri(i)): i for i in kg.instruments()}
    for instrument in instruments:
        ids.append(by_iri[str(kg.instrument_iri(str(instrument)))])
    if not ids:
        raise InvalidParameter("instruments", [], "at least one instrument id")
    return list(dict.fromkeys(ids))


def _resolve_features(kg: GraphStore, features: Iterable[str]) -> list[str]:
    """Return feature ids for ids or IRIs (raise UnknownFeature listing the feature ids)."""
    prefix = "https://w3id.org/mla-kg/feature/"
    return [str(kg.feature_iri(str(f)))[len(prefix) :] for f in features]


class _Facts:
    """Collects query rows (one per fact and source) into cells.

    Rows come from ``compare_features.rq`` or ``model_profile.rq``: each has ``?featureId``,
    ``?instrumentId``, ``?kind``, ``?node`` and, by kind, the fact's details.
    """

    def __init__(self) -> None:
        self.cells: dict[tuple[str, str], Cell] = {}
        self._facts: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(self, row: dict[str, Node]) -> Cell:
        """Add one row; return the cell it belongs to."""
        feature_id, instrument_id = _text(row.get("featureId")), _text(row.get("instrumentId"))
        cell = self.cells.setdefault((feature_id, instrument_id), Cell(feature_id, instrument_id))
        kind = _text(row.get("kind"))
        if kind:
            key = (feature_id, instrument_id, _text(row.get("node")))
            fact = self._facts.setdefault(
                key,
                {"kind": kind, "row": row, "sources": set(), "contradicts": set(), "notes": set()},
            )
            if row.get("note") is not None:
                fact["notes"].add(_text(row.get("note")))
            if row.get("source") is not None:
                fact["sources"].add(_text(row.get("source")))
            if row.get("contradicts") is not None:
                fact["contradicts"].add(_text(row.get("contradicts")))
        return cell

    def build(self) -> dict[tuple[str, str], Cell]:
        """Put every fact into its cell, in a stable order, and return the cells."""
        for (feature_id, instrument_id, node), fact in self._facts.items():
            cell = self.cells[(feature_id, instrument_id)]
            r, kind = fact["row"], fact["kind"]
            sources = tuple(sorted(fact["sources"]))
            verification = _local(r.get("verification"))
            if kind in ("provision", "candidate"):
                provision = Provision(
                    iri=node,
                    citation=_text(r.get("citation")) or node,
                    verification=verification,
                    citation_recalled=_flag(r.get("citationRecalled")),
                    state=_text(r.get("state")) or None,
                    sources=sources,
                )
                (cell.provisions if kind == "provision" else cell.candidates).append(provision)
            elif kind in ("presence", "absence"):
                cell.attestations.append(
                    Attestation(
                        iri=node,
                        kind=kind,
                        verification=verification,
                        sources=sources,
                        pinpoint=_text(r.get("pinpoint")),
                        note=" / ".join(sorted(fact["notes"])),
                    )
                )
            elif kind == "claim":
                cell.claims.append(
                    Claim(
                        iri=node,
                        statement=_text(r.get("statement")),
                        verification=verification,
                        sources=sources,
                        pinpoint=_text(r.get("pinpoint")),
                        check=_text(r.get("check")),
                        contradicts=tuple(sorted(fact["contradicts"])),
                    )
                )
        for cell in self.cells.values():
            cell.provisions.sort(key=lambda p: _provision_key(p.iri))
            cell.candidates.sort(key=lambda p: _provision_key(p.iri))
            cell.attestations.sort(key=lambda a: (a.kind, a.iri))
            cell.claims.sort(key=lambda c: c.iri)
        self._facts.clear()
        return self.cells


_FEATURE_GROUPS = """
SELECT DISTINCT ?group WHERE {
  ?feature <http://www.w3.org/2004/02/skos/core#inScheme> <https://w3id.org/mla-kg/feature/scheme> ;
           <http://www.w3.org/2004/02/skos/core#broader> ?group .
}
"""


def _feature_groups(kg: GraphStore) -> set[str]:
    """Return the ids of the feature groups of the scheme (``refusal``, ``measures`` ...)."""
    prefix = "https://w3id.org/mla-kg/feature/group/"
    return {
        str(r["group"])[len(prefix) :]
        for r in kg.query(_FEATURE_GROUPS).rows
        if str(r.get("group", "")).startswith(prefix)
    }


def _feature_row(row: dict[str, Node]) -> FeatureRow:
    """Return the feature a query row is about (its cells still empty)."""
    feature_id = _text(row.get("featureId"))
    return FeatureRow(
        id=feature_id,
        iri=_text(row.get("feature")),
        label=_text(row.get("featureLabel")) or feature_id,
        group=_text(row.get("groupId")),
        group_label=_text(row.get("groupLabel")) or _text(row.get("groupId")),
        marks=_local(row.get("marks")) or None,
        polarity=_text(row.get("polarity")) or None,
        cells={},
    )


@dataclass
class _InstrumentFacts:
    """One instrument's part of every comparison: its cells and the rows naming each feature.

    :ivar features: per feature id, its place in the scheme and the row naming it.
    :ivar cells: per feature id, the instrument's cell.
    """

    features: dict[str, tuple[tuple[float, float, str], dict[str, Node]]]
    cells: dict[str, Cell]


def _digest(rows: Iterable[dict[str, Node]]) -> _InstrumentFacts:
    """Build one instrument's cells from its ``compare_features`` rows."""
    features: dict[str, tuple[tuple[float, float, str], dict[str, Node]]] = {}
    facts = _Facts()
    for r in rows:
        feature_id = _text(r.get("featureId"))
        if r.get("kind") is None and feature_id not in features:  # the row naming the feature
            place = (_number(r.get("groupOrder")), _number(r.get("featureOrder")), feature_id)
            features[feature_id] = (place, r)
        facts.add(r)
    return _InstrumentFacts(features, {f: cell for (f, _), cell in facts.build().items()})


def _instrument_facts(
    kg: GraphStore, ids: Sequence[str], feature_ids: Sequence[str] | None
) -> dict[str, _InstrumentFacts]:
    """Return the cells of these instruments, built once per state of the graph.

    An embedded graph changes only through ``load``, which empties the cache: comparing again,
    or comparing an instrument with others, reuses its cells instead of querying and building
    them anew. A remote graph is always queried afresh, in one query for all instruments.
    """
    cache = kg.derived("compare_features")
    if cache is None:
        by_instrument: dict[str, list[dict[str, Node]]] = {i: [] for i in ids}
        for row in kg.run("compare_features", instrument=list(ids), feature=feature_ids).rows:
            by_instrument.setdefault(_text(row.get("instrumentId")), []).append(row)
        return {i: _digest(by_instrument[i]) for i in ids}
    query = None
    for instrument_id in ids:
        if instrument_id not in cache:
            # One instrument at a time, bound by the engine rather than by a trailing VALUES
            # clause: the engine then reads that instrument's provisions only (at 1M triples
            # 20 ms an instrument instead of 1.4 s for three).
            query = query or queries.get("compare_features")
            iri = kg.instrument_iri(instrument_id)
            cache[instrument_id] = _digest(kg.query(query.text, {"instrument": iri}).rows)
    return {i: cache[i] for i in ids}


def _own_copy(cell: Cell) -> Cell:
    """Return a cell whose lists the caller may change without touching the kept one."""
    return Cell(
        cell.feature,
        cell.instrument,
        list(cell.provisions),
        list(cell.attestations),
        list(cell.candidates),
        list(cell.claims),
    )


def compare(
    kg: GraphStore,
    instruments: Sequence[str] = DEFAULT_INSTRUMENTS,
    features: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
) -> Comparison:
    """Compare instruments feature by feature (named query ``compare_features``).

    :param kg: the knowledge graph.
    :param instruments: instrument ids (or IRIs), in column order.
    :param features: only these feature ids (default: every feature of the scheme).
    :param groups: only features of these groups (``scope``, ``channels``, ``request``,
        ``refusal``, ``measures``, ``protection``, ``final``).
    :returns: the comparison, one row per feature in scheme order.
    :raises UnknownInstrument: for an instrument id not in the graph (listing the known ones).
    :raises UnknownFeature: for a feature id not in the scheme.
    :raises InvalidParameter: for an unknown group.

    >>> from mla_kg import KnowledgeGraph
    >>> c = KnowledgeGraph().compare(["eu-jp-mla", "eu-us-mla"], groups=["refusal"])
    >>> c.cell("bank-secrecy-excluded", "eu-jp-mla").pinpoints()[0].citation
    'Art 11(3)'
    """
    ids = _resolve_instruments(kg, instruments)
    feature_ids = _resolve_features(kg, features) if features else None
    facts = _instrument_facts(kg, ids, feature_ids)
    wanted = set(feature_ids) if feature_ids else None
    naming: dict[str, tuple[tuple[float, float, str], dict[str, Node]]] = {}
    for instrument_id in ids:
        for feature_id, entry in facts[instrument_id].features.items():
            if wanted is None or feature_id in wanted:
                naming.setdefault(feature_id, entry)
    rows = {feature_id: _feature_row(r) for feature_id, (_, r) in naming.items()}
    if groups:
        # With a feature filter the rows hold only those features' groups; ask the scheme.
        known = _feature_groups(kg) if feature_ids else {row.group for row in rows.values()}
        unknown = [g for g in groups if g not in known]
        if unknown:
            raise InvalidParameter(
                "groups", unknown[0], f"a feature group: {', '.join(sorted(known))}"
            )
    selected = [
        rows[f]
        for f in sorted(rows, key=lambda f: naming[f][0])
        if not groups or rows[f].group in groups
    ]
    for row in selected:
        row.cells = {}
        for i in ids:
            kept = facts[i].cells.get(row.id)
            row.cells[i] = _own_copy(kept) if kept else Cell(row.id, i)
    return Comparison(instruments=ids, features=selected)


# --------------------------------------------------------------------------------------------
# Differences between two instruments
# --------------------------------------------------------------------------------------------

DIFF_CATEGORIES = ("only_a", "only_b", "differing", "both")


@dataclass
class DiffEntry:
    """One feature in two instruments.

    :ivar row: the feature (its cells hold both instruments).
    :ivar a: the cell in the first instrument.
    :ivar b: the cell in the second instrument.
    """

    row: FeatureRow
    a: Cell
    b: Cell

    @property
    def category(self) -> str | None:
        """Return ``only_a``, ``only_b``, ``both``, ``differing``, or ``None`` if in neither."""
        present_a, present_b = self.a.status == "present", self.b.status == "present"
        if present_a and present_b:
            return "differing" if self.reasons() else "both"
        if present_a:
            return "only_a"
        if present_b:
            return "only_b"
        return None

    def reasons(self) -> list[str]:
        """Return how the provisions differ where both instruments have the feature.

        They differ in reach when an annex entry limits the feature to named States in one
        instrument only, and in certainty when one side rests only on recalled facts or on
        conflicting research.
        """
        reasons = []
        for cell in (self.a, self.b):
            other = self.b if cell is self.a else self.a
            if cell.limited_to and cell.limited_to != other.limited_to:
                reasons.append(f"{cell.instrument}: limited to {', '.join(cell.limited_to)}")
            if cell.recalled and not other.recalled:
                reasons.append(f"{cell.instrument}: only recalled")
            if cell.conflict:
                reasons.append(f"{cell.instrument}: conflicting research")
        return reasons

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as JSON-ready data."""
        return {
            "feature": self.row.id,
            "label": self.row.label,
            "group": self.row.group,
            "category": self.category,
            "reasons": self.reasons(),
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
        }


@dataclass
class InstrumentDiff:
    """Two instruments feature by feature.

    :ivar a: the first instrument id.
    :ivar b: the second instrument id.
    :ivar entries: one entry per feature of the scheme, in scheme order.
    """

    a: str
    b: str
    entries: list[DiffEntry]

    def _category(self, name: str) -> list[DiffEntry]:
        return [entry for entry in self.entries if entry.category == name]

    @property
    def only_a(self) -> list[DiffEntry]:
        """Return the features present in ``a`` but not in ``b`` (absent or not annotated)."""
        return self._category("only_a")

    @property
    def only_b(self) -> list[DiffEntry]:
        """Return the features present in ``b`` but not in ``a``."""
        return self._category("only_b")

    @property
    def both(self) -> list[DiffEntry]:
        """Return the features present in both, with provisions of like reach and certainty."""
        return self._category("both")

    @property
    def differing(self) -> list[DiffEntry]:
        """Return the features present in both whose provisions differ in reach or certainty."""
        return self._category("differing")

    def sections(self) -> list[tuple[str, list[DiffEntry]]]:
        """Return the titled sections: only in a, only in b, both but differing, both."""
        return [
            (f"Only in {self.a}", self.only_a),
            (f"Only in {self.b}", self.only_b),
            ("In both, with differing provisions", self.differing),
            ("In both", self.both),
        ]

    def to_dict(self) -> dict[str, Any]:
        """Return the differences as JSON-ready data."""
        return {
            "a": self.a,
            "b": self.b,
            **{name: [e.to_dict() for e in self._category(name)] for name in DIFF_CATEGORIES},
            "legend": list(REPORT_LEGEND),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Return the differences as JSON."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def _cells(self, entry: DiffEntry) -> tuple[str, str, str]:
        """Return the texts of the three columns of an entry: label, a, b."""
        a = entry.a.text(note=0) if entry.a.status != "unknown" else "— not annotated"
        b = entry.b.text(note=0) if entry.b.status != "unknown" else "— not annotated"
        label = entry.row.label
        if entry.category == "differing":
            label += " (" + "; ".join(entry.reasons()) + ")"
        return label, a, b

    def to_markdown(self) -> str:
        """Return the differences as Markdown tables, one per section, and the legend."""
        lines: list[str] = []
        for title, entries in self.sections():
            lines += [f"### {title} ({len(entries)})", ""]
            if not entries:
                lines += ["(none)", ""]
                continue
            lines += [f"| feature | {self.a} | {self.b} |", "|---|---|---|"]
            for entry in entries:
                lines.append("| " + " | ".join(_md(t) for t in self._cells(entry)) + " |")
            lines.append("")
        lines += ["**Legend**", ""] + [f"- {_md(entry)}" for entry in REPORT_LEGEND]
        return "\n".join(lines) + "\n"

    def to_rich(self) -> Any:
        """Return a rich renderable: one table per section, then the legend."""
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        parts: list[Any] = []
        for title, entries in self.sections():
            table = Table(title=f"{title} ({len(entries)})", title_justify="left")
            table.add_column("feature", ratio=2)
            table.add_column(self.a, ratio=1)
            table.add_column(self.b, ratio=1)
            for entry in entries:
                table.add_row(*(Text(t) for t in self._cells(entry)))
            parts.append(table)
        parts.append(Text("Legend:", style="bold"))
        parts += [Text(f"  {entry}") for entry in REPORT_LEGEND]
        return Group(*parts)


def diff(
    kg: GraphStore,
    a: str,
    b: str,
    features: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
) -> InstrumentDiff:
    """Return the features one instrument has and the other lacks, and those both have.

    :param kg: the knowledge graph.
    :param a: the first instrument id.
    :param b: the second instrument id.
    :param features: only these feature ids (default: every feature of the scheme).
    :param groups: only features of these groups (as for :func:`compare`).
    :raises UnknownInstrument: listing the known ids.

    >>> from mla_kg import KnowledgeGraph
    >>> d = KnowledgeGraph().diff("eu-us-mla", "eu-jp-mla")
    >>> "joint-investigation-teams" in [e.row.id for e in d.only_a]
    True
    """
    comparison = compare(kg, [a, b], features=features, groups=groups)
    first, second = comparison.instruments if len(comparison.instruments) == 2 else (a, a)
    entries = [DiffEntry(row, row.cells[first], row.cells[second]) for row in comparison]
    return InstrumentDiff(first, second, entries)


# --------------------------------------------------------------------------------------------
# Outline of one instrument
# --------------------------------------------------------------------------------------------

_TYPE_RANK = {
    "Article": 0,
    "Paragraph": 0,
    "Point": 0,
    "Annex": 1,
    "AnnexEntry": 1,
    "UnplacedProvision": 2,
}


@dataclass
class OutlineNode:
    """A subdivision in an outline, with its parts.

    :ivar iri: the subdivision.
    :ivar type: ``Article``, ``Paragraph``, ``Point``, ``Annex``, ``AnnexEntry`` or
        ``UnplacedProvision``.
    :ivar citation: its citation (``Art 11(1)(b)``).
    :ivar heading: the heading as in the text, where the research gives one.
    :ivar subject: an own-words label where there is no heading.
    :ivar verification: the subdivision's verification status.
    :ivar heading_verification: the heading's status where it differs.
    :ivar number_confidence: how sure the research is of the number, where stated.
    :ivar state: the State an annex entry is about.
    :ivar children: the parts, in order.
    """

    iri: str
    type: str
    citation: str
    order: float = float("inf")
    number: str = ""
    heading: str = ""
    subject: str = ""
    verification: str = ""
    heading_verification: str = ""
    number_confidence: str = ""
    state: str = ""
    summary: str = ""
    citation_recalled: bool = False
    children: list[OutlineNode] = field(default_factory=list)

    @property
    def recalled(self) -> bool:
        """Return whether the citation is not verified (this part or a part above is recalled)."""
        return self.verification == "recalled" or self.citation_recalled

    def line(self) -> str:
        """Return the one-line description of the subdivision, with recalled marks."""
        text = self.citation + (RECALLED_MARK if self.recalled else "")
        if self.heading:
            recalled_heading = (self.heading_verification or self.verification) == "recalled"
            text += f"  “{self.heading}”" + (RECALLED_MARK if recalled_heading else "")
        elif self.subject:
            text += f"  [{self.subject}]"
        details = [self.verification or "no status"]
        if self.number_confidence:
            details.append(f"number confidence {self.number_confidence}")
        return f"{text}  ({', '.join(details)})"

    def to_dict(self) -> dict[str, Any]:
        """Return the node and its parts as JSON-ready data."""
        return {
            "iri": self.iri,
            "type": self.type,
            "citation": self.citation,
            "number": self.number,
            "heading": self.heading or None,
            "heading_verification": self.heading_verification or None,
            "subject": self.subject or None,
            "verification": self.verification,
            "recalled": self.recalled,
            "number_confidence": self.number_confidence or None,
            "state": self.state or None,
            "summary": self.summary or None,
            "children": [child.to_dict() for child in self.children],
        }


@dataclass
class Outline:
    """The structure of one instrument: articles in order, then annexes, then unplaced provisions.

    :ivar instrument: the instrument id.
    :ivar parts: its top-level subdivisions, with their parts.
    """

    instrument: str
    parts: list[OutlineNode]

    def walk(self) -> Iterator[tuple[int, OutlineNode]]:
        """Iterate depth-first over ``(depth, node)``, in order."""
        stack = [(0, node) for node in reversed(self.parts)]
        while stack:
            depth, node = stack.pop()
            yield depth, node
            stack += [(depth + 1, child) for child in reversed(node.children)]

    def find(self, citation: str) -> OutlineNode:
        """Return the subdivision with this citation.

        :raises KeyError: if there is none.
        """
        for _, node in self.walk():
            if node.citation == citation:
                return node
        raise KeyError(f"{self.instrument} has no subdivision cited {citation!r}")

    def to_text(self) -> str:
        """Return the outline as indented lines, with the legend of the recalled mark."""
        lines = [f"Outline of {self.instrument}"]
        lines += ["  " * depth + node.line() for depth, node in self.walk()]
        lines.append(RECALLED_LEGEND)
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        """Return the outline as a nested Markdown list."""
        lines = [f"### Outline of {self.instrument}", ""]
        lines += ["  " * depth + "- " + _md(node.line()) for depth, node in self.walk()]
        lines += ["", f"_{RECALLED_LEGEND}_"]
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """Return the outline as JSON-ready data."""
        return {
            "instrument": self.instrument,
            "parts": [part.to_dict() for part in self.parts],
            "legend": [RECALLED_LEGEND],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Return the outline as JSON."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def outline(kg: GraphStore, instrument: str) -> Outline:
    """Return the articles of an instrument in order, with headings, subjects and statuses.

    :param kg: the knowledge graph.
    :param instrument: the instrument id.
    :raises UnknownInstrument: listing the known ids.

    >>> from mla_kg import KnowledgeGraph
    >>> o = KnowledgeGraph().outline("eu-jp-mla")
    >>> o.find("Art 11").heading
    'Grounds for refusal of assistance'
    """
    (instrument_id,) = _resolve_instruments(kg, [instrument])
    iri = str(kg.instrument_iri(instrument_id))
    nodes: dict[str, OutlineNode] = {}
    parents: dict[str, str] = {}
    for r in kg.run("instrument_outline", instrument=instrument_id).rows:
        key = _text(r.get("subdivision"))
        node = nodes.get(key)
        if node is None:
            node = nodes[key] = OutlineNode(
                iri=key,
                type=_local(r.get("type")),
                citation=_text(r.get("citation")) or key,
                order=_number(r.get("order")),
                number=_text(r.get("number")),
                heading=_text(r.get("heading")),
                subject=_text(r.get("subject")),
                verification=_local(r.get("verification")),
                heading_verification=_local(r.get("headingVerification")),
                number_confidence=_text(r.get("numberConfidence")),
                state=_text(r.get("state")),
                summary=_text(r.get("summary")),
            )
            parents[key] = _text(r.get("parent"))
    top: list[OutlineNode] = []
    for key, node in nodes.items():
        parent = nodes.get(parents[key])
        (parent.children if parent is not None else top).append(node)

    def sort_key(node: OutlineNode) -> tuple[Any, ...]:
        return (_TYPE_RANK.get(node.type, 3), node.order, _provision_key(node.iri))

    def finish(siblings: list[OutlineNode], recalled_above: bool) -> None:
        siblings.sort(key=sort_key)
        for node in siblings:
            node.citation_recalled = recalled_above
            finish(node.children, recalled_above or node.verification == "recalled")

    finish(top, False)
    del iri
    return Outline(instrument_id, top)


# --------------------------------------------------------------------------------------------
# Cooperation-model profile of one instrument
# --------------------------------------------------------------------------------------------


@dataclass
class Marker:
    """A present feature that marks a cooperation model, with the provisions that make it.

    :ivar feature: the feature id.
    :ivar label: its label.
    :ivar model: ``improved``, ``traditional`` or ``mutual-recognition``.
    :ivar polarity: ``+`` (widens cooperation), ``-`` (narrows it) or ``None``.
    :ivar cell: the feature's cell in the instrument (provisions and attestations).
    """

    feature: str
    label: str
    model: str
    polarity: str | None
    cell: Cell

    @property
    def recalled(self) -> bool:
        """Return whether the marker rests only on recalled facts."""
        return self.cell.recalled

    def to_dict(self) -> dict[str, Any]:
        """Return the marker as JSON-ready data."""
        return {
            "feature": self.feature,
            "label": self.label,
            "model": self.model,
            "polarity": self.polarity,
            "status": self.cell.status,
            "recalled": self.recalled,
            "provisions": [p.to_dict() for p in self.cell.provisions],
            "evidence": self.cell.evidence(),
        }


def _share(markers: Sequence[Marker]) -> float | None:
    """Return the share of improved markers among improved and traditional ones."""
    improved = sum(1 for m in markers if m.model == "improved")
    traditional = sum(1 for m in markers if m.model == "traditional")
    return improved / (improved + traditional) if improved + traditional else None


@dataclass
class ModelProfile:
    """How far an instrument follows the improved rather than the traditional cooperation model.

    :ivar instrument: the instrument id.
    :ivar markers: present features that mark a model.
    :ivar absent_markers: marked features the instrument verifiably lacks (context, not scored).
    """

    instrument: str
    markers: list[Marker]
    absent_markers: list[Marker]

    @property
    def score(self) -> float | None:
        """Return improved / (improved + traditional) markers present, or ``None`` if none."""
        return _share(self.markers)

    @property
    def verified_score(self) -> float | None:
        """Return the score counting only markers that rest on more than recalled facts."""
        return _share([m for m in self.markers if not m.recalled])

    def counts(self) -> dict[str, int]:
        """Return the number of present markers per model."""
        counts = {"improved": 0, "traditional": 0, "mutual-recognition": 0}
        for marker in self.markers:
            counts[marker.model] = counts.get(marker.model, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """Return the profile as JSON-ready data."""
        return {
            "instrument": self.instrument,
            "score": self.score,
            "verified_score": self.verified_score,
            "counts": self.counts(),
            "markers": [m.to_dict() for m in self.markers],
            "absent_markers": [m.to_dict() for m in self.absent_markers],
            "legend": list(REPORT_LEGEND),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Return the profile as JSON."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def summary(self) -> str:
        """Return the score in words."""
        counts = self.counts()
        if self.score is None:
            return f"{self.instrument}: no improved or traditional marker is present"
        verified = self.verified_score
        verified_text = "n/a" if verified is None else f"{verified:.2f}"
        return (
            f"{self.instrument}: improved-cooperation score {self.score:.2f} "
            f"({counts['improved']} improved vs {counts['traditional']} traditional markers; "
            f"{verified_text} counting only markers not resting on recalled facts)"
        )

    def to_text(self) -> str:
        """Return the profile as lines: the score, then each marker with its provisions."""
        lines = [self.summary(), ""]
        for model in ("improved", "traditional", "mutual-recognition"):
            markers = [m for m in self.markers if m.model == model]
            if markers:
                lines.append(f"{model} markers present:")
                lines += [f"  {m.label}: {m.cell.text(note=0)}" for m in markers]
        if self.absent_markers:
            lines.append("marked features recorded as absent (not scored):")
            lines += [
                f"  {m.label} ({m.model}): {m.cell.text(note=0)}" for m in self.absent_markers
            ]
        lines += ["", *REPORT_LEGEND]
        return "\n".join(lines) + "\n"


def model_profile(kg: GraphStore, instrument: str) -> ModelProfile:
    """Score an instrument on the improved vs traditional cooperation model (``model_profile``).

    The score is the share of improved markers among the improved and traditional markers the
    instrument has (present features whose ``mla:marks`` is the model).

    :param kg: the knowledge graph.
    :param instrument: the instrument id.
    :raises UnknownInstrument: listing the known ids.

    >>> from mla_kg import KnowledgeGraph
    >>> profile = KnowledgeGraph().model_profile("eu-jp-mla")
    >>> 0 < profile.score < 1
    True
    """
    # The cells come from the comparison, so a profile shows the same facts, candidates and
    # contradicting claims as ``compare`` does (named query ``model_profile`` lists the same
    # markers row by row).
    comparison = compare(kg, [instrument])
    (instrument_id,) = comparison.instruments
    markers, absent = [], []
    for row in comparison:
        if not row.marks:
            continue
        cell = row.cells[instrument_id]
        marker = Marker(row.id, row.label, row.marks, row.polarity, cell)
        if cell.status == "present":
            markers.append(marker)
        elif cell.status == "absent":
            absent.append(marker)
    return ModelProfile(instrument_id, markers, absent)


__all__ = [
    "DEFAULT_INSTRUMENTS",
    "DIFF_CATEGORIES",
    "LEGEND",
    "RECALLED_MARK",
    "REPORT_LEGEND",
    "STATUSES",
    "Attestation",
    "Cell",
    "Claim",
    "Comparison",
    "DiffEntry",
    "FeatureRow",
    "InstrumentDiff",
    "Marker",
    "ModelProfile",
    "Outline",
    "OutlineNode",
    "Provision",
    "compare",
    "diff",
    "model_profile",
    "outline",
    "source_label",
]
