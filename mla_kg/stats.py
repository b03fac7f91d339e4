"""Figures about the graph, and the cooperation statistics it records.

:func:`statistics` counts triples, instruments with their subdivisions by verification status and
features used; :func:`cooperation_statistics` reads the seed article's figures on requests between
Japan and the EU Member States (RDF Data Cube observations in ``data/cooperation-statistics.ttl``).

>>> from mla_kg import KnowledgeGraph
>>> figures = statistics(KnowledgeGraph())
>>> figures.triples > 1000
True
>>> eu_jp = figures.instrument("eu-jp-mla")
>>> eu_jp.subdivisions["official"] + eu_jp.subdivisions["scholarly"] > 0
True
>>> figures = cooperation_statistics(KnowledgeGraph())
>>> [f.requests for f in figures if f.key == ("1999-2009", "EU", "JP")]
[130]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from mla_kg.graph.store import GraphStore
from mla_kg.namespaces import MLA
from mla_kg.verification import VERIFICATIONS

#: Verification statuses in the order they are shown; "none" counts subdivisions without one.
STATUSES = (*VERIFICATIONS, "none")


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


def statistics(kg: GraphStore) -> GraphStatistics:
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


@dataclass
class CooperationFigure:
    """One figure of the cooperation statistics: an RDF Data Cube observation.

    :ivar observation: the observation's IRI.
    :ivar dataset: the IRI of its ``qb:DataSet``.
    :ivar period: the period as the source names it (e.g. ``"1999-2009"``).
    :ivar requesting: the requesting State's code (``"EU"`` for the Member States taken
        together), where the figure has one.
    :ivar requested: the requested State's code, likewise.
    :ivar requests: the number of requests, for a request count.
    :ivar months_low: the average execution time in months (lower end of a range).
    :ivar months_high: the average execution time in months (upper end of a range).
    :ivar approximate: whether the source gives the figure as approximate.
    :ivar source: the IRI of the source.
    :ivar pinpoint: where in the source the figure is.
    :ivar verification: ``official``, ``scholarly`` or ``recalled``.
    :ivar note: an own-words note on the figure.
    """

    observation: str
    dataset: str
    period: str
    requesting: str | None = None
    requested: str | None = None
    requests: int | None = None
    months_low: int | None = None
    months_high: int | None = None
    approximate: bool = False
    source: str = ""
    pinpoint: str = ""
    verification: str = ""
    note: str = ""

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        """Return (period, requesting, requested): what the figure is about."""
        return (self.period, self.requesting, self.requested)

    @property
    def months(self) -> str:
        """Return the average execution time as text: ``"8"``, ``"5-6"``, or ``""`` if none."""
        if self.months_low is None or self.months_high is None:
            return ""
        if self.months_low == self.months_high:
            return str(self.months_low)
        return f"{self.months_low}-{self.months_high}"


def _integer(term: Node | None) -> int | None:
    """Return an integer literal's value, or None where the row has none."""
    return int(term) if isinstance(term, Literal) else None  # type: ignore[call-overload]


def cooperation_statistics(
    kg: GraphStore, dataset: str | URIRef | None = None
) -> list[CooperationFigure]:
    """Return the cooperation statistics, one figure per observation.

    :param kg: the graph.
    :param dataset: only the observations of this ``qb:DataSet`` (an IRI); all by default.
    :returns: figures in the order of the named query ``cooperation_statistics``: by data set,
        period and decreasing request count.
    """
    rows = kg.run("cooperation_statistics", dataset=str(dataset) if dataset else None)
    figures = []
    for row in rows:
        status = str(row.get("verification", ""))
        approximate = row.get("approximate")
        figures.append(
            CooperationFigure(
                observation=str(row["observation"]),
                dataset=str(row["dataset"]),
                period=str(row["period"]),
                requesting=str(row["requestingCode"]) if "requestingCode" in row else None,
                requested=str(row["requestedCode"]) if "requestedCode" in row else None,
                requests=_integer(row.get("requests")),
                months_low=_integer(row.get("monthsLow")),
                months_high=_integer(row.get("monthsHigh")),
                approximate=bool(approximate.toPython()) if approximate is not None else False,
                source=str(row.get("source", "")),
                pinpoint=str(row.get("pinpoint", "")),
                verification=status[len(MLA) :] if status.startswith(MLA) else status,
                note=str(row.get("note", "")),
            )
        )
    return figures
