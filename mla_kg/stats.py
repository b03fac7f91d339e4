"""Figures about the graph: triples, instruments with their subdivisions by verification status.

>>> from mla_kg import KnowledgeGraph
>>> figures = statistics(KnowledgeGraph())
>>> figures.triples > 1000
True
>>> eu_jp = figures.instrument("eu-jp-mla")
>>> eu_jp.subdivisions["official"] + eu_jp.subdivisions["scholarly"] > 0
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from mla_kg.namespaces import MLA
from mla_kg.store import KnowledgeGraph

#: Verification statuses in the order they are shown; "none" counts subdivisions without one.
STATUSES = ("official", "scholarly", "recalled", "none")


@dataclass
class InstrumentStatistics:
    """Figures for one instrument."""

    id: str
    iri: str
    title: str = ""
    short_title: str = ""
    kind: str = ""
    subdivisions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    features: int = 0

    @property
    def total_subdivisions(self) -> int:
        """Return the number of subdivisions, whatever their status."""
        return sum(self.subdivisions.values())


@dataclass
class GraphStatistics:
    """Figures for the whole graph."""

    backend: str
    triples: int
    instruments: list[InstrumentStatistics]
    features_used: int
    features_in_scheme: int

    def instrument(self, instrument_id: str) -> InstrumentStatistics:
        """Return the figures of one instrument.

        :raises KeyError: if the graph has no such instrument.
        """
        for instrument in self.instruments:
            if instrument.id == instrument_id:
                return instrument
        raise KeyError(instrument_id)

    def to_dict(self) -> dict[str, object]:
        """Return the figures as plain data, for JSON."""
        data = asdict(self)
        for entry, instrument in zip(data["instruments"], self.instruments, strict=True):
            entry["total_subdivisions"] = instrument.total_subdivisions
        return data


def statistics(kg: KnowledgeGraph) -> GraphStatistics:
    """Count triples, subdivisions per instrument and status, and features used.

    :param kg: the graph.
    :returns: one entry per instrument, sorted by id, including instruments with no
        subdivisions recorded.
    """
    instruments = {}
    for row in kg.run("list_instruments"):
        instrument_id = str(row["instrumentId"])
        instruments[instrument_id] = InstrumentStatistics(
            id=instrument_id,
            iri=str(row["instrument"]),
            title=str(row.get("title", "")),
            short_title=str(row.get("shortTitle", "")),
            kind=str(row.get("kind", "")),
        )
    for row in kg.run("count_subdivisions_by_status"):
        status = str(row.get("status", ""))
        key = status[len(MLA) :] if status.startswith(MLA) else "none"
        instruments[str(row["instrumentId"])].subdivisions[key if key in STATUSES else "none"] += (
            int(row["subdivisions"])
        )  # type: ignore[call-overload]
    used = set()
    for row in kg.run("features_used"):
        instruments[str(row["instrumentId"])].features += 1
        used.add(str(row["feature"]))
    return GraphStatistics(
        backend=kg.backend,
        triples=len(kg),
        instruments=[instruments[key] for key in sorted(instruments)],
        features_used=len(used),
        features_in_scheme=len(kg.features()),
    )
