"""Differences between two instruments: features only one has, or both have differently."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mla_kg.compare.cells import REPORT_LEGEND, Cell, FeatureRow
from mla_kg.compare.matrix import compare
from mla_kg.compare.render import md_escape
from mla_kg.compare.sources import Source, legend_entries

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore


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
    :ivar sources: the cited sources by IRI, with the short names the renderings show.
    """

    a: str
    b: str
    entries: list[DiffEntry]
    sources: dict[str, Source] = field(default_factory=dict)

    def source_lines(self) -> list[str]:
        """Return the legend's sources: each document the cells name, with its key and address."""
        return [entry.text() for entry in legend_entries(self.sources)]

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
            "sources": {iri: source.to_dict() for iri, source in self.sources.items()},
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Return the differences as JSON."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def _cells(self, entry: DiffEntry) -> tuple[str, str, str]:
        """Return the texts of the three columns of an entry: label, a, b."""
        names = {iri: source.name for iri, source in self.sources.items()}
        a = entry.a.text(0, names) if entry.a.status != "unknown" else "— not annotated"
        b = entry.b.text(0, names) if entry.b.status != "unknown" else "— not annotated"
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
                lines.append("| " + " | ".join(md_escape(t) for t in self._cells(entry)) + " |")
            lines.append("")
        lines += ["**Legend**", ""] + [f"- {md_escape(entry)}" for entry in REPORT_LEGEND]
        if self.sources:
            lines += ["", "**Sources**", ""] + [f"- {md_escape(e)}" for e in self.source_lines()]
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
        if self.sources:
            parts.append(Text("Sources:", style="bold"))
            parts += [Text(f"  {entry}") for entry in self.source_lines()]
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
    return InstrumentDiff(first, second, entries, sources=comparison.cited("text"))
