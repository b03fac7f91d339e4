"""The draft request as a Word document (python-docx): real headings, numbered sections, a table.

The title is a ``Title`` paragraph; the parts are ``Heading 1``; the content requirements are
``Heading 2`` sections numbered in the basis's order; the measures are a table; the
``[TO COMPLETE: ...]`` markers are bold and highlighted so that none is overlooked.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt

from mla_kg.drafting.document import TO_COMPLETE, DraftRequest, Section

_MARK = TO_COMPLETE.split("{")[0]


def _runs(paragraph: object, text: str) -> None:
    """Add text to a paragraph, with every ``[TO COMPLETE: ...]`` marker bold and highlighted."""
    rest = text
    while _MARK in rest:
        before, _, after = rest.partition(_MARK)
        end = _closing_bracket(after)
        if before:
            paragraph.add_run(before)  # type: ignore[attr-defined]
        run = paragraph.add_run(f"{_MARK}{after[: end + 1]}")  # type: ignore[attr-defined]
        run.bold = True
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        rest = after[end + 1 :]
    if rest:
        paragraph.add_run(rest)  # type: ignore[attr-defined]


def _closing_bracket(text: str) -> int:
    """Return the index of the ``]`` that closes a marker (keys inside may hold ``[...]``)."""
    depth = 0
    for index, char in enumerate(text):
        if char == "[":
            depth += 1
        elif char == "]":
            if depth == 0:
                return index
            depth -= 1
    return len(text) - 1


def _section(document: object, section: Section, level: int) -> None:
    document.add_heading(section.heading, level=level)  # type: ignore[attr-defined]
    for text in section.paragraphs:
        _runs(document.add_paragraph(), text)  # type: ignore[attr-defined]
    for text in section.bullets:
        _runs(document.add_paragraph(style="List Bullet"), text)  # type: ignore[attr-defined]


def to_docx(draft: DraftRequest) -> bytes:
    """Return the draft request as the bytes of a .docx file."""
    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    document.core_properties.title = draft.title
    document.add_heading(draft.title, level=0)
    for line in draft.header:
        run = document.add_paragraph().add_run(line)
        run.bold = line.startswith(("URGENT", "CONFIDENTIAL"))
    _section(document, draft.addressee, 1)
    _section(document, draft.basis, 1)
    document.add_heading("Contents of the request", level=1)
    for section in draft.contents:
        _section(document, section, 2)
    document.add_heading("Measures sought", level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, title in zip(
        table.rows[0].cells, ("Measure", "What is sought", "Covered", "Where"), strict=True
    ):
        cell.text = ""
        cell.paragraphs[0].add_run(title).bold = True
    for row in draft.measures:
        cells = table.add_row().cells
        for cell, text in zip(
            cells,
            (f"{row.measure} ({row.label})", row.details, row.covered, row.provisions),
            strict=True,
        ):
            cell.text = ""
            _runs(cell.paragraphs[0], text)
    if draft.assurances:
        document.add_heading("Assurances", level=1)
        for section in draft.assurances:
            _section(document, section, 2)
    _section(document, draft.formalities, 1)
    _section(document, draft.transmission, 1)
    if draft.guidance is not None:
        _section(document, draft.guidance, 1)
    if draft.open_points is not None:
        _section(document, draft.open_points, 1)
    _section(document, draft.closing, 1)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_docx(draft: DraftRequest, path: str | Path) -> None:
    """Write the draft request to a .docx file."""
    Path(path).write_bytes(to_docx(draft))


__all__ = ["to_docx", "write_docx"]
