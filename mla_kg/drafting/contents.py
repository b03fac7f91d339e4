"""Content requirements as data: what each instrument's prescribed-contents provision asks for.

The mapping lives in ``research/drafting/request-contents.yaml`` (shipped in the wheel): per
instrument, the items a request must state, the provision that asks for each (a subdivision path
such as ``art/8/para/4/point/f``) and the description keys that provide it. The provision's
citation and verification status are read from the graph, never from this file.

>>> contents = load_contents()
>>> [item.id for item in contents.items("eu-jp-mla")][:3]
['particulars', 'purpose', 'assistance-sought']
>>> contents.items("eu-jp-mla")[1].provision
'art/8/para/4/point/f'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from mla_kg.paths import ROOT

#: The mapping file, in a checkout (research/) or in the wheel (mla_kg/_bundled/research/).
CONTENTS_FILE = ROOT / "research" / "drafting" / "request-contents.yaml"


@dataclass(frozen=True)
class ContentItem:
    """An item a provision asks a request to state, and the description keys that provide it."""

    instrument: str
    id: str
    provision: str
    keys: tuple[str, ...]
    label: str
    when_measures: tuple[str, ...] = ()
    optional: bool = False
    note: str | None = None

    def applies(self, measures: list[str]) -> bool:
        """Return whether the item applies to a request for these measures."""
        return not self.when_measures or any(m in self.when_measures for m in measures)


@dataclass(frozen=True)
class RiskAnswer:
    """The description keys that answer a ground for refusal, and the assurance it calls for."""

    ground: str
    keys: tuple[str, ...]
    assurance: str


@dataclass(frozen=True)
class GuidanceAnswer:
    """How a description answers one point of a State's published drafting guidance."""

    state: str
    number: str
    keys: tuple[str, ...]
    label: str
    accept: tuple[str, ...] = ()


@dataclass
class Contents:
    """The whole mapping: content items per instrument, risk answers, guidance answers."""

    by_instrument: dict[str, list[ContentItem]] = field(default_factory=dict)
    risks: dict[str, RiskAnswer] = field(default_factory=dict)
    guidance: dict[tuple[str, str], GuidanceAnswer] = field(default_factory=dict)

    def items(self, instrument: str) -> list[ContentItem]:
        """Return an instrument's content items in its order (none if unmapped)."""
        return list(self.by_instrument.get(instrument, []))


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or ()))


def parse_contents(document: dict[str, Any]) -> Contents:
    """Build the mapping from the parsed YAML document."""
    contents = Contents()
    for instrument, entries in (document.get("instruments") or {}).items():
        contents.by_instrument[instrument] = [
            ContentItem(
                instrument=instrument,
                id=str(entry["id"]),
                provision=str(entry["provision"]),
                keys=_tuple(entry["keys"]),
                label=str(entry["label"]),
                when_measures=_tuple((entry.get("when") or {}).get("measures")),
                optional=bool(entry.get("optional", False)),
                note=entry.get("note"),
            )
            for entry in entries
        ]
    for ground, entry in (document.get("risks") or {}).items():
        contents.risks[ground] = RiskAnswer(ground, _tuple(entry["keys"]), str(entry["assurance"]))
    for state, points in (document.get("guidance") or {}).items():
        for number, entry in points.items():
            contents.guidance[(state, str(number))] = GuidanceAnswer(
                state,
                str(number),
                _tuple(entry["keys"]),
                str(entry["label"]),
                _tuple(entry.get("accept")),
            )
    return contents


@cache
def load_contents(path: Path = CONTENTS_FILE) -> Contents:
    """Return the mapping read from ``research/drafting/request-contents.yaml``."""
    with path.open(encoding="utf-8") as handle:
        return parse_contents(yaml.safe_load(handle))


__all__ = [
    "CONTENTS_FILE",
    "ContentItem",
    "Contents",
    "GuidanceAnswer",
    "RiskAnswer",
    "load_contents",
]
