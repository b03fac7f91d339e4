"""Tables shown to a person: short names for IRIs, ids and citations never broken, a fit to width.

A table that does not fit the terminal first loses its columns that are empty or that repeat
another column (an IRI beside its id), then, if it still does not fit, is shown as one block
of ``name: value`` lines per row. Only the table view does this; ``-f csv`` and ``-f json``
keep every column and the full IRIs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from mla_kg.namespaces import (
    AUTHORITY,
    FEATURE_GROUP,
    INSTRUMENT,
    ORG,
    PREFIXES,
    SOURCE,
    STATE,
    compact,
)

#: Prefixes for the data's own IRIs, used only to show them (queries do not declare them).
DISPLAY_PREFIXES = {
    "instrument": str(INSTRUMENT),
    "state": str(STATE),
    "intl": str(ORG),  # ``org:`` is the W3C Organization Ontology
    "source": str(SOURCE),
    "authority": str(AUTHORITY),
    "group": str(FEATURE_GROUP),
}
# A prose column is never narrower than this, so that words stay words.
_PROSE_MIN = 18


def display_name(iri: str) -> str:
    """Return an IRI as a prefixed name a person can read, e.g. ``instrument:eu-jp-mla/art/11``.

    >>> display_name("https://w3id.org/mla-kg/id/instrument/eu-jp-mla/art/11")
    'instrument:eu-jp-mla/art/11'
    >>> display_name("https://w3id.org/mla-kg/ontology#recalled")
    'mla:recalled'
    """
    short = compact(iri)
    if short != iri:
        return short
    for prefix, namespace in DISPLAY_PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


@dataclass
class Column:
    """A column of a table shown to a person.

    :ivar header: the heading.
    :ivar prose: whether the cells are sentences, which may wrap; other cells (ids,
        citations, dates, numbers) are never broken.
    :ivar optional: whether the column may be left out when the table does not fit.
    """

    header: str
    prose: bool = False
    optional: bool = False


def _needed(columns: Sequence[Column], rows: Sequence[Sequence[str]], keep: Sequence[int]) -> int:
    """Return the width a table of the kept columns needs with no id broken."""
    total = 1
    for index in keep:
        column = columns[index]
        longest = max((len(row[index]) for row in rows), default=0)
        if column.prose:
            width = max(min(longest, _PROSE_MIN), max(map(len, column.header.split()), default=0))
        else:
            width = max(longest, len(column.header))
        total += width + 3
    return total


def fit_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    width: int,
    title: str | None = None,
) -> Any:
    """Return a rich renderable showing ``rows`` within ``width`` characters.

    Empty columns are left out; optional columns go next (from the right); a table that
    still does not fit becomes one block of ``header: value`` lines per row. A line below
    names the columns left out.
    """
    keep = [i for i in range(len(columns)) if any(row[i] for row in rows)] if rows else []
    keep = keep or list(range(len(columns)))
    left_out = [columns[i].header for i in range(len(columns)) if i not in keep]
    for index in reversed(list(keep)):
        if _needed(columns, rows, keep) <= width:
            break
        if columns[index].optional:
            keep.remove(index)
            left_out.append(columns[index].header)
    parts: list[Any] = []
    if _needed(columns, rows, keep) <= width:
        table = Table(title=title)
        for index in keep:
            column = columns[index]
            table.add_column(column.header, no_wrap=not column.prose, overflow="fold")
        for row in rows:
            table.add_row(*(Text(row[i]) for i in keep))
        parts.append(table)
    else:
        if title:
            parts.append(Text(title, style="bold"))
        for number, row in enumerate(rows, 1):
            parts.append(Text(f"— {number} —", style="bold"))
            for index in keep:
                if row[index]:
                    parts.append(Text(f"{columns[index].header}: {row[index]}", overflow="fold"))
    if left_out:
        parts.append(Text(f"not shown: {', '.join(left_out)} (empty or repeated; -f csv has all)"))
    return Group(*parts)
