"""The comparison matrix as a rich table laid out for a width: citations are never broken.

Rich wraps a cell at any space, which splits ``Art 8(1)†`` into ``Art`` / ``8(1)†``. Here each
cell is broken into lines beforehand, only between citations (after ``;``) and between the
words of prose, never inside a citation; the column widths are chosen so that the longest
citation of each column fits. A matrix too wide for the width even so is shown one feature
at a time (a block per feature, a line per instrument).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

# A pinpoint citation with its marks: ``Art 11(1)(b)†``, ``Art 13 [1]``, ``Annex IV (AT only)†``,
# ``unplaced provision 6†``, ``Preamble``. Kept whole on one line.
_CITATION = re.compile(
    r"(?:Art|Arts|Article|Annex|Appendix|Schedule|Rule|Section|Part|Chapter|Title)"
    r" [^\s;,]+(?: \[\d+\])?(?: \([A-Z]{2}(?:, [A-Z]{2})* only\))?†?"
    r"|unplaced provision \d+†?|Preamble†?"
)
# The feature column is never narrower than this.
_FEATURE_MIN = 18
_STYLES = {"present": "green", "absent": "red", "unknown": "dim"}


def atoms(text: str) -> list[str]:
    """Split a cell into the pieces a line may break between: citations whole, other words.

    >>> atoms("Art 3(1); Art 8(1)†")
    ['Art 3(1);', 'Art 8(1)†']
    >>> atoms("absent† (s-nl) [note 2]")
    ['absent†', '(s-nl)', '[note', '2]']
    """
    pieces: list[str] = []
    position = 0
    for match in _CITATION.finditer(text):
        pieces += text[position : match.start()].split()
        citation = match.group(0)
        rest = text[match.end() :]
        # Punctuation right after a citation stays on its line.
        trailing = re.match(r"[;,.]", rest)
        if trailing:
            citation += trailing.group(0)
        pieces.append(citation)
        position = match.end() + (1 if trailing else 0)
    pieces += text[position:].split()
    return pieces


def fill(text: str, width: int) -> str:
    """Return the cell's text in lines of at most ``width``, broken only between atoms."""
    lines: list[str] = []
    line = ""
    for atom in atoms(text):
        candidate = f"{line} {atom}" if line else atom
        if len(candidate) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = atom
    if line:
        lines.append(line)
    return "\n".join(lines)


def _widths(
    headers: Sequence[str], columns: Sequence[Sequence[str]], available: int
) -> list[int] | None:
    """Return the width of each instrument column, or ``None`` if they cannot fit."""
    least = [
        max([len(header), *(len(atom) for text in column for atom in atoms(text))])
        for header, column in zip(headers, columns, strict=True)
    ]
    natural = [
        max([width, *(len(text) for text in column)])
        for width, column in zip(least, columns, strict=True)
    ]
    if sum(least) > available:
        return None
    widths = list(least)
    spare = available - sum(least)
    # Give each column room up to its natural width, a character at a time, in turn.
    while spare > 0 and any(w < n for w, n in zip(widths, natural, strict=True)):
        for index, goal in enumerate(natural):
            if spare and widths[index] < goal:
                widths[index] += 1
                spare -= 1
    return widths


def matrix_table(
    instruments: Sequence[str],
    groups: Sequence[tuple[str, Sequence[tuple[str, Sequence[tuple[str, str]]]]]],
    width: int,
) -> Any:
    """Return the matrix as a rich renderable fitting ``width``.

    :param instruments: the column headings.
    :param groups: ``(group label, rows)``; a row is ``(feature label, cells)`` and a cell
        ``(status, text)``.
    :param width: the characters available.
    """
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    columns = [
        [cells[index][1] for _, rows in groups for _, cells in rows]
        for index in range(len(instruments))
    ]
    borders = 3 * (len(instruments) + 1) + 1
    # The feature column gets a third of the width (or what it needs), the instruments the rest;
    # where that is too little for their citations, the feature column gives way first.
    labels = [label for _, rows in groups for label, _ in rows] + [g for g, _ in groups]
    natural = max((len(label) for label in labels), default=_FEATURE_MIN)
    feature = min(natural, max(_FEATURE_MIN, (width - borders) // 3))
    widths = _widths(instruments, columns, width - borders - feature)
    if widths is None:
        widths = _widths(instruments, columns, width - borders - _FEATURE_MIN)
    if widths is None:
        return _blocks(instruments, groups, width)
    feature_width = width - borders - sum(widths)
    table = Table(show_lines=False, title="Comparison by feature")
    table.add_column("feature", width=feature_width, overflow="fold")
    for instrument, column_width in zip(instruments, widths, strict=True):
        table.add_column(instrument, width=column_width, no_wrap=True, overflow="fold")
    for group_label, rows in groups:
        blanks = [Text("")] * len(instruments)
        table.add_row(Text(group_label.upper(), style="bold"), *blanks)
        for index, (label, cells) in enumerate(rows):
            shown = [
                Text(fill(text, column_width), style=_STYLES[status])
                for (status, text), column_width in zip(cells, widths, strict=True)
            ]
            table.add_row(Text(label), *shown, end_section=index == len(rows) - 1)
    return Group(table)


def _blocks(
    instruments: Sequence[str],
    groups: Sequence[tuple[str, Sequence[tuple[str, Sequence[tuple[str, str]]]]]],
    width: int,
) -> Any:
    """Return the matrix one feature at a time, for widths too narrow for its columns."""
    from rich.console import Group
    from rich.text import Text

    parts: list[Any] = [Text("Comparison by feature", style="bold")]
    for group_label, rows in groups:
        parts.append(Text(group_label.upper(), style="bold"))
        for label, cells in rows:
            parts.append(Text(f"  {label}"))
            for instrument, (status, text) in zip(instruments, cells, strict=True):
                head = f"    {instrument}: "
                lines = fill(text, max(width - len(head), 20)).split("\n")
                shown = head + ("\n" + " " * len(head)).join(lines)
                parts.append(Text(shown, style=_STYLES[status], no_wrap=True, overflow="fold"))
    return Group(*parts)
