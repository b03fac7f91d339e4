"""Renderings of the comparison matrix: CSV, Markdown, HTML, LaTeX and a rich table."""

from __future__ import annotations

import csv
import io
from functools import cache
from typing import TYPE_CHECKING, Any

from mla_kg.compare.cells import LEGEND, Cell, FeatureRow, evidence_text, provisions_text
from mla_kg.verification import RECALLED_LEGEND, RECALLED_MARK

if TYPE_CHECKING:
    pass


class MatrixRendering:
    """The renderings of a comparison matrix (CSV, Markdown, HTML, LaTeX, rich), as a mixin.

    :class:`~mla_kg.compare.matrix.Comparison` inherits them; they read only its instruments,
    rows, groups and notes.
    """

    instruments: list[str]
    features: list[FeatureRow]

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
                    provisions_text(cell.pinpoints()),
                    "; ".join(f"{p.citation}: {p.verification}" for p in cell.pinpoints()),
                    "; ".join(evidence_text(a, instrument) for a in cell.attestations),
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
                cells = [
                    md_escape(row.cells[i].text(numbers.get((row.id, i)))) for i in self.instruments
                ]
                lines.append(f"| {md_escape(row.label)} | " + " | ".join(cells) + " |")
            lines.append("")
        lines += ["**Legend**", ""] + [f"- {md_escape(entry)}" for entry in LEGEND]
        notes = self.notes()
        if notes:
            lines += ["", "**Notes**", ""]
            lines += [f"{n}. {md_escape(text)}" for n, _, _, text in notes]
        return "\n".join(lines) + "\n"

    def _html_context(self) -> dict[str, Any]:
        """Return what the HTML templates show: the cells' colours, tooltips and texts."""
        numbers = self._note_numbers()
        groups = []
        for _, group_label, rows in self.groups():
            shown = []
            for row in rows:
                cells = []
                for instrument in self.instruments:
                    cell = row.cells[instrument]
                    text = cell.text(numbers.get((row.id, instrument)))
                    cells.append(
                        (_HTML_COLOURS[cell.status], _html_title(cell), text.split(RECALLED_MARK))
                    )
                shown.append((row.id, row.label, cells))
            groups.append((group_label, shown))
        return {
            "instruments": self.instruments,
            "groups": groups,
            "legend": LEGEND,
            "notes": [text for _, _, _, text in self.notes()],
            "mark": RECALLED_MARK,
        }

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
        numbers = self._note_numbers()
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
                    tex_escape(row.cells[i].text(numbers.get((row.id, i))))
                    for i in self.instruments
                ]
                lines.append(tex_escape(row.label) + " & " + " & ".join(cells) + " \\\\")
            lines.append("\\hline")
        lines.append("\\end{longtable}")
        lines.append("\\begin{itemize}")
        lines += [f"\\item {tex_escape(entry)}" for entry in LEGEND]
        lines.append("\\end{itemize}")
        notes = self.notes()
        if notes:
            lines.append("\\begin{enumerate}")
            lines += [f"\\item {tex_escape(text)}" for _, _, _, text in notes]
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


def _html_title(cell: Cell) -> str:
    """Return the tooltip of an HTML cell: each fact with its verification status."""
    facts = [f"{p.citation}: {p.verification}" for p in cell.provisions]
    facts += [evidence_text(a, cell.instrument) for a in cell.attestations]
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
