"""The requested State's reservations and declarations under a basis, weighed against a request.

A reservation or declaration changes what a request can get from the State that made it: it can
make a measure depend on dual criminality, narrow a measure or the scope of the instrument, fix a
channel, an authority or a language. The request checklist lists, for each basis, those of the
requested State in force on the request's date, and flags the ones that restrict a measure the
request asks for: a restricting effect (dual criminality, a restricted measure or scope) on the
article the basis records for that measure. Every entry shows its verification status and
sources. The graph holds the declarations the research recorded, not necessarily all of them:
an empty list is "none recorded", never "none made".
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib.term import Node

from mla_kg.graph.results import add_source
from mla_kg.iris import local_name
from mla_kg.verification import mark, status_name

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore

#: Effects that narrow what a request can get (the others say where or how it travels).
RESTRICTING_EFFECTS = frozenset({"requiresDualCriminality", "restrictsMeasure", "restrictsScope"})

_EFFECT_WORDS = {
    "requiresDualCriminality": "requires dual criminality",
    "restrictsMeasure": "restricts a measure",
    "restrictsScope": "restricts the scope",
    "designatesAuthority": "designates an authority",
    "designatesChannel": "fixes a channel",
    "languageRequirement": "sets a language",
    "territorialApplication": "territorial application",
}

_ARTICLE = re.compile(r"^(.*?/art/[^/]+)")


@dataclass
class DeclarationCheck:
    """One reservation or declaration of the requested State, as it bears on a request."""

    iri: str
    state: str
    kind: str | None
    provision: str
    effects: list[str]
    summary: str
    verification: str
    start: datetime.date | None = None
    end: datetime.date | None = None
    sources: list[str] = field(default_factory=list)
    pinpoint: str | None = None
    #: The IRI of the subdivision (or instrument) the declaration concerns.
    concerns: str = ""
    #: The measures asked for that this declaration restricts (empty: it shapes, not restricts).
    restricts: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        where = ", ".join(self.sources)
        if self.pinpoint:
            where = f"{where}, {self.pinpoint}" if where else self.pinpoint
        period = ""
        if self.start or self.end:
            start = self.start.isoformat() if self.start else "?"
            period = f", {start} to {self.end.isoformat() if self.end else 'today'}"
        effects = ", ".join(_EFFECT_WORDS.get(e, e) for e in self.effects)
        flag = f"RESTRICTS {', '.join(self.restricts)}: " if self.restricts else ""
        return (
            f"{flag}{self.state} {self.kind or 'declaration'}, {self.provision} ({effects}) "
            f"[{mark(self.verification)}; {where}{period}]: {self.summary}"
        )

    def to_dict(self) -> dict[str, object]:
        """Return the declaration for JSON."""
        return {
            "declaration": self.iri,
            "state": self.state,
            "kind": self.kind,
            "provision": self.provision,
            "effects": self.effects,
            "summary": self.summary,
            "from": self.start.isoformat() if self.start else None,
            "until": self.end.isoformat() if self.end else None,
            "verification": self.verification,
            "sources": self.sources,
            "pinpoint": self.pinpoint,
            "concerns": self.concerns,
            "restricts": self.restricts,
        }


def declarations_for(
    kg: GraphStore,
    instrument: str,
    state: str,
    on: datetime.date,
    measure_provisions: Mapping[str, Sequence[str]],
) -> list[DeclarationCheck]:
    """Return the State's declarations under the instrument in force on a date, weighed.

    :param measure_provisions: per measure asked for, the IRIs of the basis's provisions that
        the graph records for it; a restricting declaration on the same article restricts it.
    """
    rows = kg.run("declarations", instrument=instrument, state=state).rows
    found = _fold(rows)
    in_force = [d for d in found if _in_force(d, on)]
    for declaration in in_force:
        if not RESTRICTING_EFFECTS.intersection(declaration.effects):
            continue
        article = _article(declaration.concerns)
        for measure, provisions in measure_provisions.items():
            if article and any(_article(p) == article for p in provisions):
                declaration.restricts.append(measure)
    return in_force


def _fold(rows: list[dict[str, Node]]) -> list[DeclarationCheck]:
    """Fold the query's rows (one per effect and source) into one record per declaration."""
    by_iri: dict[str, DeclarationCheck] = {}
    for row in rows:
        iri = str(row["declaration"])
        record = by_iri.get(iri)
        if record is None:
            record = by_iri[iri] = DeclarationCheck(
                iri=iri,
                state=str(row["stateCode"]),
                kind=str(row["kind"]) if "kind" in row else None,
                provision=str(row["provisionCited"]),
                effects=[],
                summary=str(row["summary"]),
                verification=status_name(row.get("verification")),
                start=_date(row.get("from")),
                end=_date(row.get("until")),
                pinpoint=str(row["pinpoint"]) if "pinpoint" in row else None,
                concerns=str(row["provision"]),
            )
        effect = local_name(row["effect"])
        if effect not in record.effects:
            record.effects.append(effect)
        add_source(record.sources, row)
    return list(by_iri.values())


def _date(value: Node | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:  # the shapes require xsd:date; a malformed one is read as not recorded
        return None


def _in_force(declaration: DeclarationCheck, on: datetime.date) -> bool:
    """Return whether a declaration holds on a date (an unrecorded start or end is open)."""
    if declaration.start and on < declaration.start:
        return False
    return not (declaration.end and on > declaration.end)


def _article(iri: str) -> str | None:
    """Return the IRI of the article a subdivision sits in (None for the instrument itself)."""
    match = _ARTICLE.match(iri)
    return match.group(1) if match else None
