"""The cooperation-model profile of one instrument: improved against traditional markers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mla_kg.compare.cells import REPORT_LEGEND, Cell
from mla_kg.compare.matrix import compare
from mla_kg.compare.sources import Source, legend_entries

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore


@dataclass
class Marker:
    """A present feature that marks a cooperation model, with the provisions that make it.

    :ivar feature: the feature id.
    :ivar label: its label.
    :ivar model: ``improved``, ``traditional`` or ``mutual-recognition``.
    :ivar polarity: ``+`` (widens cooperation), ``-`` (narrows it) or ``None``.
    :ivar cell: the feature's cell in the instrument (provisions and attestations).
    """

    feature: str
    label: str
    model: str
    polarity: str | None
    cell: Cell

    @property
    def recalled(self) -> bool:
        """Return whether the marker rests only on recalled facts."""
        return self.cell.recalled

    def to_dict(self) -> dict[str, Any]:
        """Return the marker as JSON-ready data."""
        return {
            "feature": self.feature,
            "label": self.label,
            "model": self.model,
            "polarity": self.polarity,
            "status": self.cell.status,
            "recalled": self.recalled,
            "provisions": [p.to_dict() for p in self.cell.provisions],
            "evidence": self.cell.evidence(),
        }


def _share(markers: Sequence[Marker]) -> float | None:
    """Return the share of improved markers among improved and traditional ones."""
    improved = sum(1 for m in markers if m.model == "improved")
    traditional = sum(1 for m in markers if m.model == "traditional")
    return improved / (improved + traditional) if improved + traditional else None


@dataclass
class ModelProfile:
    """How far an instrument follows the improved rather than the traditional cooperation model.

    :ivar instrument: the instrument id.
    :ivar markers: present features that mark a model.
    :ivar absent_markers: marked features the instrument verifiably lacks (context, not scored).
    :ivar sources: the sources the markers' cells cite, by IRI, with the names the text shows.
    """

    instrument: str
    markers: list[Marker]
    absent_markers: list[Marker]
    sources: dict[str, Source] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        """Return improved / (improved + traditional) markers present, or ``None`` if none."""
        return _share(self.markers)

    @property
    def verified_score(self) -> float | None:
        """Return the score counting only markers that rest on more than recalled facts."""
        return _share([m for m in self.markers if not m.recalled])

    def counts(self) -> dict[str, int]:
        """Return the number of present markers per model."""
        counts = {"improved": 0, "traditional": 0, "mutual-recognition": 0}
        for marker in self.markers:
            counts[marker.model] = counts.get(marker.model, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """Return the profile as JSON-ready data."""
        return {
            "instrument": self.instrument,
            "score": self.score,
            "verified_score": self.verified_score,
            "counts": self.counts(),
            "markers": [m.to_dict() for m in self.markers],
            "absent_markers": [m.to_dict() for m in self.absent_markers],
            "legend": list(REPORT_LEGEND),
            "sources": {iri: source.to_dict() for iri, source in self.sources.items()},
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Return the profile as JSON."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def summary(self) -> str:
        """Return the score in words."""
        counts = self.counts()
        if self.score is None:
            return f"{self.instrument}: no improved or traditional marker is present"
        verified = self.verified_score
        verified_text = "n/a" if verified is None else f"{verified:.2f}"
        return (
            f"{self.instrument}: improved-cooperation score {self.score:.2f} "
            f"({counts['improved']} improved vs {counts['traditional']} traditional markers; "
            f"{verified_text} counting only markers not resting on recalled facts)"
        )

    def to_text(self) -> str:
        """Return the profile as lines: the score, then each marker with its provisions."""
        names = {iri: source.name for iri, source in self.sources.items()}
        lines = [self.summary(), ""]
        for model in ("improved", "traditional", "mutual-recognition"):
            markers = [m for m in self.markers if m.model == model]
            if markers:
                lines.append(f"{model} markers present:")
                lines += [f"  {m.label}: {m.cell.text(0, names)}" for m in markers]
        if self.absent_markers:
            lines.append("marked features recorded as absent (not scored):")
            lines += [
                f"  {m.label} ({m.model}): {m.cell.text(0, names)}" for m in self.absent_markers
            ]
        lines += ["", *REPORT_LEGEND]
        entries = legend_entries(self.sources)
        if entries:
            lines += ["", "Sources:", *(f"  {entry.text()}" for entry in entries)]
        return "\n".join(lines) + "\n"


def model_profile(kg: GraphStore, instrument: str) -> ModelProfile:
    """Score an instrument on the improved vs traditional cooperation model (``model_profile``).

    The score is the share of improved markers among the improved and traditional markers the
    instrument has (present features whose ``mla:marks`` is the model).

    :param kg: the knowledge graph.
    :param instrument: the instrument id.
    :raises UnknownInstrument: listing the known ids.

    >>> from mla_kg import KnowledgeGraph
    >>> profile = KnowledgeGraph().model_profile("eu-jp-mla")
    >>> 0 < profile.score < 1
    True
    """
    # The cells come from the comparison, so a profile shows the same facts, candidates and
    # contradicting claims as ``compare`` does (named query ``model_profile`` lists the same
    # markers row by row).
    comparison = compare(kg, [instrument])
    (instrument_id,) = comparison.instruments
    markers, absent = [], []
    for row in comparison:
        if not row.marks:
            continue
        cell = row.cells[instrument_id]
        marker = Marker(row.id, row.label, row.marks, row.polarity, cell)
        if cell.status == "present":
            markers.append(marker)
        elif cell.status == "absent":
            absent.append(marker)
    named = comparison.cited()
    shown = {s for marker in [*markers, *absent] for s in marker.cell.cited_sources("text")}
    sources = {iri: source for iri, source in named.items() if iri in shown}
    return ModelProfile(instrument_id, markers, absent, sources=sources)
