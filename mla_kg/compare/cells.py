"""The cells of the comparison matrix: provisions, attestations and claims about one feature.

A cell (one feature in one instrument) is **present** when a provision carries the feature or an
instrument-level attestation says the instrument has it, **absent** when only an absence is
recorded, and **unknown** when the research says neither.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Literal
from rdflib.term import Node

from mla_kg.iris import provision_key
from mla_kg.namespaces import SOURCE
from mla_kg.verification import RECALLED_LEGEND, RECALLED_MARK, VERIFICATIONS

if TYPE_CHECKING:
    pass


STATUSES = ("present", "absent", "unknown")
LEGEND = (
    RECALLED_LEGEND,
    "— not annotated: the research records neither a provision nor an absence",
    "absent: the research records that the instrument has no such provision (source in brackets)",
    "present (source): attested for the instrument as a whole, article not placed",
    "(XX only): an annex entry limits the provision to the named State(s)",
    "cf.: a provision that may carry the feature (candidate, not counted)",
    "Art N [k] (a number in brackets after a citation): the k-th paragraph of the article, "
    "which the text does not number; the number is ours, counted from the top",
    "unplaced provision N: a provision the research records but has not yet placed in an "
    "article or annex (N numbers them)",
    "Art N para 2 (approx.): the research places the provision in about that paragraph; "
    "the paragraph number is not confirmed",
    "(Trb. 2002, 30), (Weyembergh & Wieczorek 2020), ...: the source, by its short name; "
    "Sources below gives each one's kind, address and key in the research (`mla-kg query "
    "sources` lists every source)",
    "[note n]: conflicting research or a contradicting commentary claim; see note n below",
)
#: The legend of reports without notes (differences, profiles): a conflict is flagged in place.
REPORT_LEGEND = (
    *LEGEND[:-1],
    "[conflict]: conflicting research or a contradicting commentary claim; "
    "`mla-kg compare` shows both sides in its notes",
)
DEFAULT_INSTRUMENTS = ("eu-jp-mla", "eu-us-mla", "jp-us-mlat")


def term_text(term: Node | None) -> str:
    """Return the lexical text of a term, or an empty string for an unbound variable."""
    return "" if term is None else str(term)


def is_yes(term: Node | None) -> bool:
    """Return whether a ``"yes"``/``"no"`` column says yes (no when unbound).

    The queries answer yes/no as strings: Virtuoso would turn a boolean into 1 or 0.
    """
    return isinstance(term, Literal) and str(term) == "yes"


def sort_number(term: Node | None) -> float:
    """Return a numeric literal as a sort key (unbound or non-numeric sorts last)."""
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return float("inf")


#: Short names of sources by IRI (:func:`mla_kg.compare.sources.load_sources` gives them).
SourceNames = Mapping[str, str]


def source_label(source: str, instrument_id: str = "", names: SourceNames | None = None) -> str:
    """Return the name a table shows for a source IRI.

    Its short name where ``names`` has it, else its slug without the instrument's own prefix.

    >>> source_label("https://w3id.org/mla-kg/id/source/eu-jp-mla-s12", "eu-jp-mla")
    's12'
    >>> source_label("https://w3id.org/mla-kg/id/source/seed", "eu-jp-mla")
    'seed'
    """
    if names and source in names:
        return names[source]
    slug = source[len(str(SOURCE)) :] if source.startswith(str(SOURCE)) else source
    if instrument_id and slug.startswith(f"{instrument_id}-"):
        return slug[len(instrument_id) + 1 :]
    return slug


@dataclass(frozen=True)
class Provision:
    """A subdivision of an instrument that carries (or may carry) a feature.

    :ivar iri: the subdivision's IRI.
    :ivar citation: the pinpoint citation as lawyers write it (``Art 11(1)(b)``).
    :ivar verification: ``official``, ``scholarly`` or ``recalled`` (the subdivision's own status).
    :ivar citation_recalled: true when the subdivision or a part it sits in is only recalled,
        so the citation itself is not verified.
    :ivar state: ISO code of the State an annex entry is limited to, else ``None``.
    :ivar sources: IRIs of the sources of the subdivision.
    """

    iri: str
    citation: str
    verification: str
    citation_recalled: bool = False
    state: str | None = None
    sources: tuple[str, ...] = ()

    @property
    def recalled(self) -> bool:
        """Return whether the citation must be marked as recalled."""
        return self.verification == "recalled" or self.citation_recalled

    @property
    def marked_citation(self) -> str:
        """Return the citation with the recalled mark where it applies."""
        return self.citation + (RECALLED_MARK if self.recalled else "")

    def to_dict(self) -> dict[str, Any]:
        """Return the provision in the JSON contract (``iri``, ``citation``, ``verification``)."""
        return {
            "iri": self.iri,
            "citation": self.citation,
            "verification": self.verification,
            "recalled": self.recalled,
            "state": self.state,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class Attestation:
    """An instrument-level statement that an instrument has (presence) or lacks (absence) a feature.

    :ivar iri: the presence or absence node.
    :ivar kind: ``presence`` or ``absence``.
    :ivar verification: its verification status.
    :ivar sources: IRIs of its sources.
    :ivar pinpoint: where in the source (empty when the research gives none).
    :ivar note: the research note, if any.
    """

    iri: str
    kind: str
    verification: str
    sources: tuple[str, ...] = ()
    pinpoint: str = ""
    note: str = ""

    @property
    def recalled(self) -> bool:
        """Return whether the attestation is only recalled."""
        return self.verification == "recalled"


@dataclass(frozen=True)
class Claim:
    """A commentary claim that contradicts a fact of a cell.

    :ivar iri: the claim node.
    :ivar statement: the claim in own words.
    :ivar verification: its verification status.
    :ivar sources: IRIs of its sources.
    :ivar pinpoint: where in the source.
    :ivar check: the research's check of the claim against the text.
    :ivar contradicts: IRIs of the facts it contradicts.
    """

    iri: str
    statement: str
    verification: str
    sources: tuple[str, ...] = ()
    pinpoint: str = ""
    check: str = ""
    contradicts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the claim as JSON-ready data."""
        return {
            "iri": self.iri,
            "statement": self.statement,
            "verification": self.verification,
            "sources": list(self.sources),
            "pinpoint": self.pinpoint,
            "check": self.check,
            "contradicts": list(self.contradicts),
        }


@dataclass
class Cell:
    """One feature in one instrument: its status and the facts behind it.

    :ivar feature: the feature id.
    :ivar instrument: the instrument id.
    :ivar provisions: subdivisions carrying the feature.
    :ivar attestations: instrument-level presences and absences.
    :ivar candidates: subdivisions that may carry it (not counted).
    :ivar claims: commentary claims contradicting one of these facts.
    """

    feature: str
    instrument: str
    provisions: list[Provision] = field(default_factory=list)
    attestations: list[Attestation] = field(default_factory=list)
    candidates: list[Provision] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    @property
    def presences(self) -> list[Attestation]:
        """Return the instrument-level presences."""
        return [a for a in self.attestations if a.kind == "presence"]

    @property
    def absences(self) -> list[Attestation]:
        """Return the absences."""
        return [a for a in self.attestations if a.kind == "absence"]

    @property
    def status(self) -> str:
        """Return ``present``, ``absent`` or ``unknown`` (not annotated)."""
        if self.provisions or self.presences:
            return "present"
        if self.absences:
            return "absent"
        return "unknown"

    @property
    def conflict(self) -> bool:
        """Return whether the research disagrees: present and absent, or a contradicting claim."""
        return bool(self.claims) or (self.status == "present" and bool(self.absences))

    @property
    def limited_to(self) -> list[str]:
        """Return the States to which annex entries limit the feature, sorted."""
        return sorted({p.state for p in self.provisions if p.state})

    @property
    def recalled(self) -> bool:
        """Return whether everything that decides the status is only recalled."""
        if self.status == "present":
            support = [p.recalled for p in self.provisions] + [a.recalled for a in self.presences]
        elif self.status == "absent":
            support = [a.recalled for a in self.absences]
        else:
            return False
        return all(support)

    @property
    def verification(self) -> str | None:
        """Return the strongest verification status among the facts that decide the status."""
        if self.status == "present":
            found = {p.verification for p in self.provisions if not p.citation_recalled}
            found |= {p.verification for p in self.provisions}
            found |= {a.verification for a in self.presences}
        elif self.status == "absent":
            found = {a.verification for a in self.absences}
        else:
            return None
        return next((status for status in VERIFICATIONS if status in found), None)

    def pinpoints(self) -> list[Provision]:
        """Return the most specific provisions, dropping a part whose sub-part carries the feature.

        A verified part stays when every sub-part carrying the feature is only recalled: the
        reader then sees the citation that is verified next to the one that is not
        (``Art 3(1); Art 3(1)(a)†``). Provisions are sorted by citation order of their IRIs
        (articles, then annexes).
        """

        def covered(provision: Provision) -> bool:
            parts = [o for o in self.provisions if o.iri.startswith(provision.iri + "/")]
            return bool(parts) and (provision.recalled or not all(o.recalled for o in parts))

        kept = [p for p in self.provisions if not covered(p)]
        return sorted(kept, key=lambda p: provision_key(p.iri))

    def cited_sources(self, scope: str = "all") -> set[str]:
        """Return the IRIs of the sources a rendering of the cell names.

        :param scope: ``text`` what :meth:`text` names; ``notes`` that and, for a conflicting
            cell, every source of its note; ``evidence`` every attestation's and claim's
            source (HTML tooltips, the CSV's evidence); ``all`` the provisions' sources too
            (the JSON).
        """
        if scope == "text":
            if self.status == "absent":
                shown = self.absences
            elif self.status == "present" and not self.provisions:
                shown = self.presences
            elif self.status == "present" and all(p.recalled for p in self.provisions):
                shown = [a for a in self.presences if not a.recalled]
            else:
                shown = []
            return {s for fact in shown for s in fact.sources}
        if scope == "notes" and not self.conflict:
            return self.cited_sources("text")
        found = {s for fact in [*self.attestations, *self.claims] for s in fact.sources}
        if scope == "all":
            found |= {s for p in [*self.provisions, *self.candidates] for s in p.sources}
        return found

    def evidence(self) -> list[dict[str, Any]]:
        """Return the attestations as evidence entries, one per source (JSON contract)."""
        entries = []
        for attestation in self.attestations:
            for source in attestation.sources or ("",):
                entries.append(
                    {
                        "source": source,
                        "pinpoint": attestation.pinpoint,
                        "kind": attestation.kind,
                        "verification": attestation.verification,
                        "recalled": attestation.recalled,
                        "attestation": attestation.iri,
                        "note": attestation.note,
                    }
                )
        return entries

    def to_dict(self) -> dict[str, Any]:
        """Return the cell in the JSON contract, with extra keys for conflicts and candidates."""
        return {
            "status": self.status,
            "provisions": [p.to_dict() for p in self.provisions],
            "evidence": self.evidence(),
            "recalled": self.recalled,
            "conflict": self.conflict,
            "limited_to": self.limited_to,
            "candidates": [p.to_dict() for p in self.candidates],
            "claims": [c.to_dict() for c in self.claims],
        }

    def text(self, note: int | None = None, names: SourceNames | None = None) -> str:
        """Return the cell as plain text, with recalled marks (the form every renderer uses).

        :param note: the number of the note that explains a conflict, if any; ``0`` flags a
            conflict as ``[conflict]`` where a report has no notes.
        :param names: the short names of the sources (by IRI); without them, source keys.
        """
        if self.status == "present":
            if self.provisions:
                text = provisions_text(self.pinpoints())
                # Where every citation is only recalled, name what verifies the feature itself.
                verified = [a for a in self.presences if not a.recalled]
                if verified and all(p.recalled for p in self.provisions):
                    text += "; present" + attested_text(verified, self.instrument, names)
            else:
                text = "present" + attested_text(self.presences, self.instrument, names)
        elif self.status == "absent":
            text = "absent" + attested_text(self.absences, self.instrument, names)
        else:
            text = "—"
            if self.candidates:
                cited = ", ".join(p.marked_citation for p in self.candidates)
                text += f" (cf. {cited})"
        if note:
            text += f" {note_mark(note)}"
        elif note == 0 and self.conflict:
            text += " [conflict]"
        return text


def note_mark(number: int) -> str:
    """Return the mark of a note, ``[note 2]``: distinct from an editorial paragraph ``[2]``."""
    return f"[note {number}]"


def provision_text(provision: Provision) -> str:
    """Return a provision's citation with its recalled mark and the State it is limited to."""
    text = provision.marked_citation
    if provision.state and f"({provision.state})" not in provision.citation:
        text += f" [{provision.state} only]"
    return text


def provisions_text(provisions: Sequence[Provision]) -> str:
    """Return citations joined by ``;``, annex entries of one annex folded into one citation.

    ``Annex IV (AT)`` and ``Annex IV (HU)`` become ``Annex IV (AT, HU only)``, so a reader sees
    the provision reaches only the named States.
    """
    parts: list[str] = []
    folded: dict[str, list[Provision]] = {}
    for provision in provisions:
        suffix = f" ({provision.state})"
        if provision.state and provision.citation.endswith(suffix):
            base = provision.citation[: -len(suffix)]
            if base not in folded:
                folded[base] = []
                parts.append(base)
            folded[base].append(provision)
        else:
            parts.append(provision_text(provision))
    texts = []
    for part in parts:
        if part in folded:
            entries = folded[part]
            states = ", ".join(p.state or "" for p in entries)
            mark = RECALLED_MARK if any(p.recalled for p in entries) else ""
            texts.append(f"{part} ({states} only){mark}")
        else:
            texts.append(part)
    return "; ".join(texts)


def attested_text(
    attestations: Sequence[Attestation], instrument_id: str, names: SourceNames | None = None
) -> str:
    """Return the recalled mark and the sources of attestations, e.g. ``† (seed, s12)``."""
    mark = RECALLED_MARK if attestations and all(a.recalled for a in attestations) else ""
    sources = sorted(
        {source_label(s, instrument_id, names) for a in attestations for s in a.sources}
    )
    return mark + (f" ({', '.join(sources)})" if sources else "")


@dataclass
class FeatureRow:
    """One row of the matrix: a feature and its cell in each instrument."""

    id: str
    iri: str
    label: str
    group: str
    group_label: str
    marks: str | None
    polarity: str | None
    cells: dict[str, Cell]

    def to_dict(self) -> dict[str, Any]:
        """Return the row in the JSON contract."""
        return {
            "id": self.id,
            "label": self.label,
            "group": self.group,
            "group_label": self.group_label,
            "marks": self.marks,
            "polarity": self.polarity,
            "iri": self.iri,
            "cells": {instrument: cell.to_dict() for instrument, cell in self.cells.items()},
        }


def evidence_text(
    attestation: Attestation, instrument_id: str, names: SourceNames | None = None
) -> str:
    """Return an attestation as ``absence: seed §II.A.iii (scholarly)``."""
    sources = ", ".join(source_label(s, instrument_id, names) for s in attestation.sources)
    where = f" {attestation.pinpoint}" if attestation.pinpoint else ""
    mark = RECALLED_MARK if attestation.recalled else ""
    return f"{attestation.kind}: {sources}{where} ({attestation.verification}){mark}"


def note_text(cell: Cell, names: SourceNames | None = None) -> str:
    """Return the note that shows both sides of a conflicting cell."""
    parts = [f"{cell.feature} in {cell.instrument}: {cell.status}"]
    if cell.provisions:
        parts.append("provisions " + ", ".join(p.marked_citation for p in cell.pinpoints()))
    parts += [evidence_text(a, cell.instrument, names) for a in cell.attestations]
    for claim in cell.claims:
        sources = ", ".join(source_label(s, cell.instrument, names) for s in claim.sources)
        where = f" {claim.pinpoint}" if claim.pinpoint else ""
        mark = RECALLED_MARK if claim.verification == "recalled" else ""
        text = f"contradicted by claim ({sources}{where}, {claim.verification}{mark}): "
        text += f"“{claim.statement}”"
        if claim.check:
            text += f" Research check: “{claim.check}”"
        parts.append(text)
    return "; ".join(parts)
