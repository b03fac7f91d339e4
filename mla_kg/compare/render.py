"""Renderings of the comparison matrix: CSV, Markdown, HTML, LaTeX and a rich table."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from mla_kg.compare.cells import (
    LEGEND,
    Cell,
    FeatureRow,
    evidence_text,
    note_mark,
    provisions_text,
)
from mla_kg.compare.sources import LegendEntry, Source, distinct, legend_entries, unknown_source
from mla_kg.verification import RECALLED_LEGEND, RECALLED_MARK


class MatrixRendering:
    """The renderings of a comparison matrix (CSV, Markdown, HTML, LaTeX, rich), as a mixin.

    :class:`~mla_kg.compare.matrix.Comparison` inherits them; they read only its instruments,
    rows, groups and notes.
    """

    instruments: list[str]
    features: list[FeatureRow]
    sources: dict[str, Source]

    def cited(self, scope: str = "all") -> dict[str, Source]:
        """Return the sources the rows' cells name, by IRI, in the order of their names.

        Computed from the rows shown, so a comparison cut to some groups lists only their
        sources. Names are told apart over every source of the rows (``all``), so that each
        source has one name in every format; ``scope`` (see :meth:`Cell.cited_sources`)
        picks the sources one rendering names.
        """
        cells = [row.cells[instrument] for row in self.features for instrument in self.instruments]
        named = distinct(
            {
                iri: self.sources.get(iri) or unknown_source(iri)
                for cell in cells
                for iri in cell.cited_sources("all")
            }
        )
        if scope == "all":
            return named
        used = {iri for cell in cells for iri in cell.cited_sources(scope)}
        return {iri: source for iri, source in named.items() if iri in used}

    @property
    def source_names(self) -> dict[str, str]:
        """Return the name a cell shows for each source, by IRI."""
        return {iri: source.name for iri, source in self.cited().items()}

    def source_legend(self, scope: str = "notes") -> list[LegendEntry]:
        """Return the legend's sources: each document a rendering names, once, with its keys.

        :param scope: which sources the rendering names (see :meth:`Cell.cited_sources`).
        """
        return legend_entries(self.cited(scope))

    def groups(self) -> list[tuple[str, str, list[FeatureRow]]]:
        """Return the rows by group (Comparison defines it)."""
        raise NotImplementedError

    def notes(self) -> list[tuple[int, FeatureRow, Cell, str]]:
        """Return the notes on conflicting cells (Comparison defines it)."""
        raise NotImplementedError

    def _note_numbers(self) -> dict[tuple[str, str], int]:
        """Return note numbers by (feature, instrument)."""
        return {(row.id, cell.instrument): n for n, row, cell, _ in self.notes()}

    def to_csv(self) -> str:
        """Return one CSV row per feature and instrument, citations marked ``†`` when recalled.

        The ``legend`` column explains the mark on every row that shows it; ``sources`` gives
        each source the row names (in ``evidence``) with its key in the research and address.
        """
        sources = self.cited()
        names = {iri: source.name for iri, source in sources.items()}
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
                "sources",
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
                    provisions_text(cell.pinpoints()),
                    "; ".join(f"{p.citation}: {p.verification}" for p in cell.pinpoints()),
                    "; ".join(evidence_text(a, instrument, names) for a in cell.attestations),
                    "yes" if cell.recalled else "no",
                    "yes" if cell.conflict else "no",
                    " ".join(cell.limited_to),
                ]
                # A CSV has no place for a legend below the table that every reader keeps, so
                # each row that shows the mark explains it itself.
                marked = any(RECALLED_MARK in value for value in values)
                cited = [sources[s] for s in sorted(cell.cited_sources())]
                named = "; ".join(f"{s.name} = {s.lookup} <{s.url}>" for s in cited)
                writer.writerow([*values, RECALLED_LEGEND if marked else "", named])
        return buffer.getvalue()

    def to_markdown(self) -> str:
        """Return the comparison as Markdown: one table per group, then legend and notes."""
        numbers, names = self._note_numbers(), self.source_names
        lines: list[str] = []
        for _, group_label, rows in self.groups():
            lines += [f"### {group_label}", ""]
            lines.append("| feature | " + " | ".join(self.instruments) + " |")
            lines.append("|---" * (len(self.instruments) + 1) + "|")
            for row in rows:
                cells = [
                    md_escape(row.cells[i].text(numbers.get((row.id, i)), names))
                    for i in self.instruments
                ]
                lines.append(f"| {md_escape(row.label)} | " + " | ".join(cells) + " |")
            lines.append("")
        lines += ["**Legend**", ""] + [f"- {md_escape(entry)}" for entry in LEGEND]
        sources = self.source_legend()
        if sources:
            lines += ["", "**Sources**", ""] + [f"- {md_escape(e.text())}" for e in sources]
        notes = self.notes()
        if notes:
            lines += ["", "**Notes**", ""]
            lines += [f"- {md_escape(note_mark(n))} {md_escape(text)}" for n, _, _, text in notes]
        return "\n".join(lines) + "\n"

    def _html_context(self) -> dict[str, Any]:
        """Return what the HTML templates show: the table (``table.html``), legend and notes."""
        return {
            "table": self._table(),
            "legend": LEGEND,
            "sources": self.source_legend("evidence"),
            "notes": [(note_mark(n), text) for n, _, _, text in self.notes()],
        }

    def _table(
        self,
        link: Callable[[str], str | None] = str,
        row_link: Callable[[str], str] | None = None,
        columns: Mapping[str, tuple[str, str, str]] | None = None,
        inline: bool = True,
    ) -> dict[str, Any]:
        """Return the context of ``table.html``: the cells' classes, colours, tooltips, texts.

        :param link: where a provision's IRI links to (``None``: no link).
        :param row_link: where a feature id links to (default: no link).
        :param columns: per instrument id, its ``(name, tooltip, link)`` (default: the id).
        :param inline: inline styles (for a file without a stylesheet) or classes only.
        """
        numbers, names = self._note_numbers(), self.source_names
        texts = getattr(self, "official_texts", {}) if columns is None else {}
        groups = []
        for _, group_label, rows in self.groups():
            shown = []
            for row in rows:
                cells = []
                for instrument in self.instruments:
                    cell = row.cells[instrument]
                    text = cell.text(numbers.get((row.id, instrument)), names)
                    classes = [cell.status] + ["is-recalled"] * cell.recalled
                    pieces = [(part, link(to) if to else None) for part, to in linked(cell, text)]
                    cells.append(
                        {
                            "classes": " ".join(classes + ["conflict"] * cell.conflict),
                            "colour": _HTML_COLOURS[cell.status],
                            "title": _html_title(cell, names),
                            "pieces": pieces,
                        }
                    )
                href = row_link(row.id) if row_link else None
                shown.append({"id": row.id, "label": row.label, "href": href, "cells": cells})
            groups.append((group_label, shown))
        heads = columns or {}
        return {
            "inline": inline,
            "columns": [
                dict(zip(("name", "title", "href"), heads.get(i, (i, i, "")), strict=True))
                | {"texts": texts.get(i, [])}
                for i in self.instruments
            ],
            "groups": groups,
            "mark": RECALLED_MARK,
            "legend": RECALLED_LEGEND,
        }

    def html_matrix(
        self,
        link: Callable[[str], str | None],
        row_link: Callable[[str], str],
        columns: Mapping[str, tuple[str, str, str]],
    ) -> str:
        """Return the bare matrix (``table.html``) for a page with a stylesheet (the server's).

        :param link: where a provision's IRI links to (``None``: no link).
        :param row_link: where a feature id links to.
        :param columns: per instrument id, its ``(name, tooltip, link)``.
        """
        return _template("table.html").render(table=self._table(link, row_link, columns, False))

    def to_html_table(self) -> str:
        """Return the matrix as an HTML table with inline styles (for pages and notebooks)."""
        return _template("matrix.html").render(self._html_context())

    def to_html(self, title: str | None = None) -> str:
        """Return a standalone HTML page (inline CSS, no external resources)."""
        heading = title or "Comparison of " + ", ".join(self.instruments)
        return _template("page.html").render(self._html_context(), heading=heading)

    def _repr_html_(self) -> str:
        """Return the HTML table for Jupyter notebooks."""
        return self.to_html_table()

    def to_latex(self) -> str:
        r"""Return the matrix as a LaTeX ``longtable`` (needs ``\usepackage{longtable}``)."""
        numbers, names = self._note_numbers(), self.source_names
        columns = "p{5cm}" + "p{3.2cm}" * len(self.instruments)
        lines = [
            "% Requires \\usepackage{longtable}",
            f"\\begin{{longtable}}{{{columns}}}",
            "\\hline",
            "Feature & " + " & ".join(tex_escape(i) for i in self.instruments) + " \\\\",
            "\\hline",
            "\\endhead",
        ]
        span = len(self.instruments) + 1
        for _, group_label, rows in self.groups():
            lines.append(
                f"\\multicolumn{{{span}}}{{l}}{{\\textbf{{{tex_escape(group_label)}}}}} \\\\"
            )
            for row in rows:
                cells = [
                    tex_escape(row.cells[i].text(numbers.get((row.id, i)), names))
                    for i in self.instruments
                ]
                lines.append(tex_escape(row.label) + " & " + " & ".join(cells) + " \\\\")
            lines.append("\\hline")
        lines.append("\\end{longtable}")
        lines.append("\\begin{itemize}")
        lines += [f"\\item {tex_escape(entry)}" for entry in LEGEND]
        lines.append("\\end{itemize}")
        sources = self.source_legend()
        if sources:
            lines.append("\\paragraph{Sources}")
            lines.append("\\begin{itemize}")
            lines += [f"\\item {tex_escape(entry.text())}" for entry in sources]
            lines.append("\\end{itemize}")
        notes = self.notes()
        if notes:
            lines.append("\\begin{itemize}")
            lines += [
                f"\\item[{tex_escape(note_mark(n))}] {tex_escape(text)}" for n, _, _, text in notes
            ]
            lines.append("\\end{itemize}")
        return "\n".join(lines) + "\n"

    def to_rich(self, width: int | None = None) -> Any:
        """Return a rich renderable: the table grouped by dimension, the legend and the notes.

        :param width: the characters the table may take (default: the terminal's); the
            columns are laid out so that no citation is broken across lines.
        """
        import shutil

        from rich.console import Group
        from rich.text import Text

        from mla_kg.compare.render_rich import matrix_table

        numbers, names = self._note_numbers(), self.source_names
        groups = [
            (
                group_label,
                [
                    (
                        row.label,
                        [
                            (cell.status, cell.text(numbers.get((row.id, instrument)), names))
                            for instrument in self.instruments
                            for cell in (row.cells[instrument],)
                        ],
                    )
                    for row in rows
                ],
            )
            for _, group_label, rows in self.groups()
        ]
        available = width or shutil.get_terminal_size().columns
        parts: list[Any] = [matrix_table(self.instruments, groups, available)]
        parts.append(Text("Legend:", style="bold"))
        parts += [Text(f"  {entry}") for entry in LEGEND]
        sources = self.source_legend()
        if sources:
            parts.append(Text("Sources:", style="bold"))
            parts += [Text(f"  {entry.text()}") for entry in sources]
        notes = self.notes()
        if notes:
            parts.append(Text("Notes:", style="bold"))
            parts += [Text(f"  {note_mark(n)} {text}") for n, _, _, text in notes]
        return Group(*parts)


#: Output formats of a comparison download: media type and file extension.
DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "latex": ("application/x-latex; charset=utf-8", "tex"),
}


def comparison_download(comparison: Any, format: str) -> tuple[bytes, str, str]:
    """Return a comparison as a file: its bytes, media type and a file name.

    The one rendering of ``mla-kg compare -f FORMAT`` and of the server's
    ``/compare?...&format=FORMAT``: both send these bytes, so the two are identical.

    :param comparison: a :class:`~mla_kg.compare.matrix.Comparison`.
    :param format: ``csv``, ``json``, ``md``, ``html`` or ``latex``.
    :raises ValueError: for another format.
    """
    renderers = {
        "csv": comparison.to_csv,
        "json": comparison.to_json,
        "md": comparison.to_markdown,
        "html": comparison.to_html,
        "latex": comparison.to_latex,
    }
    if format not in renderers:
        raise ValueError(f"unknown comparison format {format!r}; use one of {', '.join(DOWNLOADS)}")
    text = renderers[format]()
    body = (text if text.endswith("\n") else text + "\n").encode("utf-8")
    media_type, extension = DOWNLOADS[format]
    name = "comparison-" + "-".join(comparison.instruments) + "." + extension
    return body, media_type, name


def linked(cell: Cell, text: str) -> list[tuple[str, str | None]]:
    """Split a cell's text into ``(text, link)`` pieces: each citation links to its provision.

    The provision's IRI is absolute, so the link works in a file saved anywhere. The recalled
    mark is a piece of its own (``(RECALLED_MARK, None)``), for the page to colour it.
    """
    targets: dict[str, str] = {}
    for provision in [*cell.pinpoints(), *cell.candidates]:
        targets.setdefault(provision.citation, provision.iri)
        suffix = f" ({provision.state})"
        if provision.state and provision.citation.endswith(suffix):
            # Annex entries folded into one citation (``Annex IV (AT, HU only)``) link to the first.
            targets.setdefault(provision.citation[: -len(suffix)], provision.iri)
    pieces: list[tuple[str, str | None]] = []
    position = 0
    while position < len(text):
        found = [(text.find(citation, position), -len(citation), citation) for citation in targets]
        found = [f for f in found if f[0] >= 0 and _whole(text, f[0], -f[1])]
        if not found:
            break
        start, _, citation = min(found)
        pieces.append((text[position:start], None))
        pieces.append((citation, targets[citation]))
        position = start + len(citation)
    pieces.append((text[position:], None))
    marked: list[tuple[str, str | None]] = []
    for piece, link in pieces:
        if link is not None:
            marked.append((piece, link))
            continue
        for index, part in enumerate(piece.split(RECALLED_MARK)):
            if index:
                marked.append((RECALLED_MARK, None))
            if part:
                marked.append((part, None))
    return marked


def _whole(text: str, start: int, length: int) -> bool:
    """Return whether ``text[start:start+length]`` is a whole citation, not the head of one.

    ``Art 1`` is not a citation inside ``Art 11``, nor ``Art 11(1)`` inside ``Art 11(1)(b)``.
    """
    after = text[start + length : start + length + 1]
    return not (after.isalnum() or after == "(")


_HTML_COLOURS = {"present": "#e6f4ea", "absent": "#fdecea", "unknown": "#f5f5f5"}


@cache
def _template(name: str) -> Any:
    """Return one of the package's HTML templates (``compare/templates``), autoescaped."""
    # Jinja loads only when HTML is asked for: the table, CSV and JSON outputs start faster.
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("mla_kg.compare", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template(name)


def _html_title(cell: Cell, names: dict[str, str]) -> str:
    """Return the tooltip of an HTML cell: each fact with its verification status."""
    facts = [f"{p.citation}: {p.verification}" for p in cell.provisions]
    facts += [evidence_text(a, cell.instrument, names) for a in cell.attestations]
    return "\n".join(facts) or "not annotated"


def md_escape(text: str) -> str:
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


def tex_escape(text: str) -> str:
    """Escape text for LaTeX."""
    return "".join(_TEX_ESCAPES.get(ch, ch) for ch in text)
