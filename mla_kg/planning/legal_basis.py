"""The legal-basis finder: the instruments a requesting State can use towards a requested State.

A basis is usable when both States are bound on that date: a bilateral treaty both are parties to;
an EU agreement one State is bound by through EU membership (member on the date, or in a withdrawal
transition, and not opted out) while the other is a party; a multilateral convention both are
bound by; or the domestic law of the requested State that allows assistance without a treaty (on
reciprocity). Each basis carries the facts that made it apply, with their verification status;
each candidate that does not apply says why. A date the graph does not record is reported as
missing, and the basis resting on it is marked recalled.

>>> from mla_kg import KnowledgeGraph
>>> found = legal_bases(KnowledgeGraph(), "BE", "JP", on="2024-06-01")
>>> found.bases[0].instrument, found.bases[0].kind
('eu-jp-mla', 'eu')
>>> found.bases[-1].kind
'reciprocity'
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mla_kg.errors import InvalidParameter
from mla_kg.iris import slug
from mla_kg.planning.binding import binding as decide_binding
from mla_kg.planning.facts import (
    Facts,
    Instrument,
    Reason,
    parse_date,
)
from mla_kg.verification import (
    BASIS_RECALLED_NOTE,
    RECALLED_MARK,
    VERIFICATIONS,
    mark,
    status_name,
    weakest,
)

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore

#: Verification statuses from strongest to weakest (the vocabulary: mla_kg.verification).
STATUSES = VERIFICATIONS
#: Kinds of legal basis, in the order the finder lists them.
KINDS = ("bilateral", "eu", "multilateral", "reciprocity")


@dataclass
class Basis:
    """A usable legal basis: the instrument, its kind and the facts that make it apply."""

    instrument: str
    kind: str
    title: str
    reasons: list[Reason]

    @property
    def verification(self) -> str:
        """Return the weakest status of the facts the basis rests on (context excluded)."""
        return weakest(reason.verification for reason in self.reasons if reason.decisive)

    def to_dict(self) -> dict[str, object]:
        """Return the basis as the JSON contract gives it."""
        return {
            "instrument": self.instrument,
            "kind": self.kind,
            "reasons": [str(reason) for reason in self.reasons],
            "verification": self.verification,
        }


@dataclass
class Excluded:
    """A candidate instrument that is not a usable basis, and why."""

    instrument: str
    kind: str | None
    why: str

    def to_dict(self) -> dict[str, str]:
        """Return the exclusion as the JSON contract gives it."""
        return {"instrument": self.instrument, "why": self.why}


@dataclass
class LegalBases:
    """Every legal basis usable from a requesting to a requested State on a date."""

    requesting: str
    requested: str
    on: datetime.date
    bases: list[Basis]
    excluded: list[Excluded]
    labels: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """Return the result in the JSON contract."""
        return {
            "requesting": self.requesting,
            "requested": self.requested,
            "on": self.on.isoformat(),
            "bases": [basis.to_dict() for basis in self.bases],
            "excluded": [item.to_dict() for item in self.excluded],
        }

    def to_json(self) -> str:
        """Return the result as JSON (the contract of ``mla-kg basis --format json``)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def heading(self) -> str:
        """Return a one-line title naming both States and the date."""
        return (
            f"Legal bases for a request from {self.labels.get(self.requesting, self.requesting)} "
            f"to {self.labels.get(self.requested, self.requested)} on {self.on.isoformat()}"
        )

    def to_markdown(self) -> str:
        """Return the result as Markdown: the bases with their reasons, then the exclusions."""
        lines = [f"## {self.heading()}", ""]
        if not self.bases:
            lines += ["No usable legal basis is recorded for this pair on this date.", ""]
        for number, basis in enumerate(self.bases, 1):
            lines.append(
                f"{number}. **{basis.instrument}** ({basis.kind}; {mark(basis.verification)}) "
                f"{basis.title}"
            )
            lines += [f"   - {reason}" for reason in basis.reasons]
        lines.append("")
        if self.excluded:
            lines += ["### Excluded", ""]
            lines += [f"- **{item.instrument}**: {item.why}" for item in self.excluded]
            lines.append("")
        lines.append(BASIS_RECALLED_NOTE)
        return "\n".join(lines) + "\n"

    def to_text(self) -> str:
        """Return the result as plain text for a terminal."""
        lines = [self.heading(), ""]
        if not self.bases:
            lines += ["No usable legal basis is recorded for this pair on this date.", ""]
        for number, basis in enumerate(self.bases, 1):
            lines.append(
                f"{number}. {basis.instrument} [{basis.kind}, {mark(basis.verification)}] "
                f"{basis.title}"
            )
            lines += [f"     - {reason}" for reason in basis.reasons]
        if self.excluded:
            lines += ["", "Excluded:"]
            lines += [f"  - {item.instrument}: {item.why}" for item in self.excluded]
        lines += [
            "",
            BASIS_RECALLED_NOTE,
        ]
        return "\n".join(lines) + "\n"


def _check_state(kg: GraphStore, code: str) -> str:
    """Return the ISO code of a State of the graph (raising UnknownState listing the codes)."""
    iri = kg.state_iri(code)
    return slug(iri)


def state_labels(kg: GraphStore) -> dict[str, str]:
    """Return the English name of every State (and the EU) by code."""
    rows = kg.run("state_labels").rows
    return {str(row["code"]): str(row["label"]) for row in rows}


def legal_bases(
    kg: GraphStore,
    requesting: str,
    requested: str,
    on: str | datetime.date | None = None,
) -> LegalBases:
    """Return every legal basis usable for a request from ``requesting`` to ``requested`` on a date.

    Bases come bilateral first, then EU, multilateral and reciprocity (domestic law of the
    requested State); each carries the facts that made it apply. Instruments that touch either
    State but do not apply are listed as excluded, with why.

    :param kg: the knowledge graph.
    :param requesting: ISO 3166-1 alpha-2 code of the requesting State (``GB``).
    :param requested: code of the requested State (``JP``).
    :param on: the date (``YYYY-MM-DD``); today by default.
    :raises UnknownState: for a code the graph does not know, listing the codes.
    :raises InvalidParameter: for a malformed date, or the same State twice.
    """
    date = parse_date(on) if on is not None else datetime.date.today()
    requesting = _check_state(kg, requesting)
    requested = _check_state(kg, requested)
    if requesting == requested:
        raise InvalidParameter("requested", requested, "a State other than the requesting State")
    facts = Facts(kg)
    bases: list[Basis] = []
    excluded: list[Excluded] = []
    for instrument in sorted(facts.instruments.values(), key=lambda i: i.id):
        kind = instrument.kind
        relevant = facts.touches(instrument, requesting) or facts.touches(instrument, requested)
        if not relevant:
            continue
        if kind is None:
            excluded.append(
                Excluded(instrument.id, None, "a model law is not binding: no legal basis")
            )
            continue
        if kind == "reciprocity":
            outcome = _domestic(facts, instrument, requesting, requested, date)
        else:
            outcome = _treaty(facts, instrument, kind, requesting, requested, date)
        if isinstance(outcome, Basis):
            bases.append(outcome)
        else:
            excluded.append(Excluded(instrument.id, kind, outcome))
    order = {kind: number for number, kind in enumerate(KINDS)}
    bases.sort(key=lambda b: (order[b.kind], b.instrument))
    excluded.sort(key=lambda e: (order.get(e.kind or "", len(KINDS)), e.instrument))
    return LegalBases(requesting, requested, date, bases, excluded, state_labels(kg))


def _treaty(
    facts: Facts,
    instrument: Instrument,
    kind: str,
    requesting: str,
    requested: str,
    on: datetime.date,
) -> Basis | str:
    """Return the basis an instrument binding both States gives, or why it does not."""
    sides = {}
    reasons: list[Reason] = []
    problems = []
    for state in (requesting, requested):
        binding = decide_binding(facts, instrument, state, on)
        if not binding.bound:
            # An instrument not yet signed fails for both States with the same words: say it once.
            if binding.why_not not in problems:
                problems.append(binding.why_not)
            continue
        sides[state] = binding.side
        reasons += [reason for reason in binding.reasons if reason not in reasons]
    if problems:
        return "; ".join(problems)
    if kind in ("bilateral", "eu") and instrument.kind_class != "EUAct":
        if sides[requesting] == sides[requested]:
            return (
                f"{requesting} and {requested} are on the same side of {instrument.id} "
                f"(both bound through the {sides[requested]}): it governs assistance with the "
                "other contracting party only"
            )
    return Basis(instrument.id, kind, instrument.title, reasons)


def _domestic(
    facts: Facts,
    instrument: Instrument,
    requesting: str,
    requested: str,
    on: datetime.date,
) -> Basis | str:
    """Return the domestic-law basis of the requested State, or why it does not apply."""
    owners = set(instrument.parties) | {
        participant
        for (instrument_id, participant), records in facts.participations.items()
        if instrument_id == instrument.id and any(r.bound for r in records)
    }
    if requested not in owners:
        owner = ", ".join(sorted(owners)) or "another State"
        return (
            f"domestic law of {owner}: it governs requests made to {owner}, not requests to "
            f"{requested}"
        )
    binding = decide_binding(facts, instrument, requested, on)
    if not binding.bound:
        return binding.why_not
    reasons = [
        Reason(
            f"domestic law of {requested}, the requested State: assistance without a treaty, "
            f"on reciprocity; {requesting} need not be bound by any instrument",
            instrument.verification,
        )
    ]
    reasons += binding.reasons
    return Basis(instrument.id, "reciprocity", instrument.title, reasons)


__all__ = [
    "KINDS",
    "RECALLED_MARK",
    "Basis",
    "Excluded",
    "LegalBases",
    "Reason",
    "legal_bases",
    "mark",
    "parse_date",
    "status_name",
    "weakest",
]
