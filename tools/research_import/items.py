"""Reading fact sheets with key accounting (every key must be handled) and the run report."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Literal
from rdflib.namespace import XSD

from .text import ISO_DATE, as_text, norm_space

if TYPE_CHECKING:
    from .base import SheetBase


class ResearchError(Exception):
    """A fact-sheet item the converter cannot map; the message names the file and the key."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


class Item:
    """A mapping from a fact sheet whose every key must be consumed.

    Converters read keys through :meth:`get`; :meth:`finish` raises on keys nobody read, so a new
    kind of fact in a fact sheet stops the converter instead of being dropped.
    """

    def __init__(self, sheet: SheetBase, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise ResearchError(
                sheet.file, path, f"expected a mapping, found {type(data).__name__}"
            )
        self.sheet = sheet
        self.data = data
        self.path = path
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        """Return the dotted path of one of this item's keys, for messages."""
        return f"{self.path}.{name}" if self.path else name

    def get(self, name: str, default: Any = None) -> Any:
        """Return the value of a key (marking it as handled), or ``default``."""
        self.used.add(name)
        value = self.data.get(name, default)
        return default if value is None else value

    def has(self, name: str) -> bool:
        """Tell whether the key is present with a non-null value (without consuming it)."""
        return self.data.get(name) is not None

    def require(self, name: str) -> Any:
        """Return the value of a key that must be present and non-null."""
        value = self.get(name)
        if value is None or value == "":
            raise self.error(name, "required value is missing")
        return value

    def text(self, name: str) -> str | None:
        """Return a key's value as normalised text, or None."""
        value = self.get(name)
        return None if value is None else norm_space(as_text(value))

    def items(self, name: str) -> list[tuple[Item | Any, str]]:
        """Return the list under a key with each element's path (mappings wrapped as Item)."""
        value = self.get(name) or []
        if not isinstance(value, list):
            raise self.error(name, f"expected a list, found {type(value).__name__}")
        out: list[tuple[Item | Any, str]] = []
        for index, element in enumerate(value):
            path = f"{self.key(name)}[{index}]"
            out.append(
                (Item(self.sheet, element, path) if isinstance(element, dict) else element, path)
            )
        return out

    def sub(self, name: str) -> Item | None:
        """Return the mapping under a key as an Item, or None."""
        value = self.get(name)
        return None if value is None else Item(self.sheet, value, self.key(name))

    def error(self, name: str, problem: str) -> ResearchError:
        """Return a ResearchError about one of this item's keys."""
        return ResearchError(self.sheet.file, self.key(name), problem)

    def finish(self) -> None:
        """Raise if a key of this mapping was not handled by any converter."""
        left = sorted(set(self.data) - self.used)
        if left:
            raise ResearchError(
                self.sheet.file,
                self.key(left[0]),
                f"key not handled by the converter (all unhandled: {', '.join(left)}); "
                "map it in tools/research_import/ or mark it as deliberately skipped",
            )


@dataclass
class Report:
    """Counts per section of what was converted and what was skipped (printed to stderr)."""

    converted: Counter[str] = field(default_factory=Counter)
    skipped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    remarks: list[str] = field(default_factory=list)

    def add(self, section: str, count: int = 1) -> None:
        """Count converted items of a section."""
        self.converted[section] += count

    def skip(self, section: str, where: str, reason: str) -> None:
        """Record a deliberately skipped item with its reason."""
        self.skipped[section].append(f"{where}: {reason}")

    def remark(self, text: str) -> None:
        """Record a conversion decision worth a reader's attention."""
        self.remarks.append(text)

    def print(self, instrument: str, stream: Any = sys.stderr) -> None:
        """Print the summary of one fact sheet."""
        print(f"== {instrument}", file=stream)
        sections = sorted(set(self.converted) | set(self.skipped))
        for section in sections:
            skipped = self.skipped.get(section, [])
            print(
                f"  {section}: {self.converted[section]} converted, {len(skipped)} skipped",
                file=stream,
            )
            for line in skipped:
                print(f"    skipped {line}", file=stream)
        for line in self.remarks:
            print(f"  note: {line}", file=stream)


def date_literal(value: Any, item: Item, key: str) -> Literal:
    """Return an xsd:date literal from a YAML date or ISO string."""
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, str) and ISO_DATE.match(value):
        return Literal(value, datatype=XSD.date)
    raise item.error(key, f"expected a date YYYY-MM-DD, found {value!r}")
