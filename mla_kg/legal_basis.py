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
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.term import Node

from mla_kg.errors import InvalidParameter

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore

#: Verification statuses from strongest to weakest; a conclusion is as sure as its weakest fact.
STATUSES = ("official", "scholarly", "recalled")
#: The mark put next to a recalled fact wherever it is shown.
RECALLED_MARK = "†"
#: Kinds of legal basis, in the order the finder lists them.
KINDS = ("bilateral", "eu", "multilateral", "reciprocity")

_MODE_LABELS = {
    "asParty": "as a contracting party",
    "throughMembership": "through EU membership",
    "optIn": "by opting in",
    "optOut": "by opting out",
    "accession": "from accession to the EU",
}
# Modes under which a State's position follows from its membership of a contracting organisation.
_MEMBERSHIP_MODES = {"throughMembership", "optIn", "optOut", "accession"}


def weakest(statuses: Iterable[str]) -> str:
    """Return the weakest of verification statuses (``official`` if none is given).

    >>> weakest(["official", "recalled", "scholarly"])
    'recalled'
    """
    ranks = [STATUSES.index(status) for status in statuses]
    return STATUSES[max(ranks)] if ranks else STATUSES[0]


def status_name(term: Node | None) -> str:
    """Return ``official``, ``scholarly`` or ``recalled`` for a status IRI (unknown: recalled)."""
    if term is None:
        return "recalled"
    name = str(term).rsplit("#", 1)[-1]
    return name if name in STATUSES else "recalled"


def mark(status: str) -> str:
    """Return the status as shown to readers: recalled facts carry the dagger."""
    return f"{status}{RECALLED_MARK}" if status == "recalled" else status


def parse_date(value: str | datetime.date, parameter: str = "on") -> datetime.date:
    """Return a date given as ``YYYY-MM-DD`` (or a date).

    :raises InvalidParameter: naming the parameter and the expected form.
    """
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidParameter(parameter, value, "a date YYYY-MM-DD, e.g. 2024-06-01")


def _date(term: Node | None) -> datetime.date | None:
    """Return an xsd:date literal as a date, or ``None``."""
    if isinstance(term, Literal):
        try:
            return datetime.date.fromisoformat(str(term)[:10])
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Reason:
    """A fact behind a conclusion, in own words, with its verification status.

    ``decisive`` is false for context that does not decide the outcome on the date asked (e.g.
    EU membership since 1958 when a participation record already covers the date); such a fact
    is shown with its status but does not weaken the conclusion.
    """

    text: str
    verification: str
    decisive: bool = True

    def __str__(self) -> str:
        context = "" if self.decisive else "context, "
        return f"{self.text} ({context}{mark(self.verification)})"


@dataclass
class Instrument:
    """What the finder needs to know of an instrument."""

    iri: URIRef
    id: str
    kind_class: str
    title: str
    entry_into_force: datetime.date | None
    entry_into_force_status: str
    date_signed: datetime.date | None
    verification: str = "recalled"
    parties: dict[str, bool] = field(default_factory=dict)  # party code -> is an organisation

    @property
    def organisations(self) -> list[str]:
        """Return the codes of the contracting organisations (e.g. ``EU``)."""
        return sorted(code for code, is_org in self.parties.items() if is_org)

    @property
    def kind(self) -> str | None:
        """Return the kind of basis this instrument can be, or ``None`` (model laws)."""
        if self.kind_class == "DomesticLaw":
            return "reciprocity"
        if self.kind_class == "BilateralTreaty":
            return "bilateral"
        if self.kind_class == "BilateralAgreement":
            return "eu" if self.organisations else "bilateral"
        if self.kind_class == "EUAct":
            return "eu"
        if self.kind_class in ("MultilateralConvention", "Protocol"):
            return "multilateral"
        return None

    def label(self) -> str:
        """Return the id and title, as a reader sees it."""
        return f"{self.id} ({self.title})" if self.title else self.id


@dataclass
class Participation:
    """One participation record (its sources and notes gathered)."""

    iri: URIRef
    instrument: str
    participant: str
    bound: bool
    mode: str | None
    start: datetime.date | None
    end: datetime.date | None
    verification: str
    sources: list[str] = field(default_factory=list)
    pinpoint: str | None = None


@dataclass
class Membership:
    """A State's membership of an organisation over an interval."""

    member: str
    organisation: str
    start: datetime.date | None
    end: datetime.date | None
    bound_until: datetime.date | None
    verification: str
    sources: list[str] = field(default_factory=list)

    @property
    def last_bound_day(self) -> datetime.date | None:
        """Return the last day the member is bound through the organisation (``None``: ongoing)."""
        return self.bound_until or self.end

    def covers(self, on: datetime.date) -> bool:
        """Return whether the State is a member (or still bound in transition) on the date."""
        last = self.last_bound_day
        return (self.start is None or self.start <= on) and (last is None or on <= last)

    def describe(self) -> str:
        """Return the membership interval in words."""
        text = f"{self.member} member of the {self.organisation} from {_day(self.start)}"
        if self.end is not None:
            text += f", withdrew {self.end.isoformat()}"
        if self.bound_until is not None and self.bound_until != self.end:
            text += f", bound until {self.bound_until.isoformat()} (end of transition)"
        return text


def _day(value: datetime.date | None) -> str:
    return value.isoformat() if value else "(date not recorded)"


@dataclass
class Binding:
    """Whether a State is bound by an instrument on a date, and on what facts."""

    bound: bool
    reasons: list[Reason]
    side: str | None = None  # the party whose side the State is on (itself, or its organisation)
    why_not: str = ""


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
        lines.append(
            f"{RECALLED_MARK} recalled: believed but not confirmed; check before relying on it."
        )
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
            f"{RECALLED_MARK} recalled: believed but not confirmed; check before relying on it.",
        ]
        return "\n".join(lines) + "\n"


class _Facts:
    """The instruments, participations and memberships of a graph, read once."""

    def __init__(self, kg: GraphStore) -> None:
        self.instruments: dict[str, Instrument] = {}
        for row in kg.run("legal_bases").rows:
            instrument_id = str(row["instrumentId"])
            instrument = self.instruments.get(instrument_id)
            if instrument is None:
                title = row.get("shortTitle") or row.get("title") or ""
                instrument = Instrument(
                    iri=row["instrument"],  # type: ignore[arg-type]
                    id=instrument_id,
                    kind_class=str(row["kind"]).rsplit("#", 1)[-1],
                    title=str(title),
                    entry_into_force=_date(row.get("entryIntoForce")),
                    entry_into_force_status=status_name(
                        row.get("entryIntoForceStatus") or row.get("verification")
                    ),
                    date_signed=_date(row.get("dateSigned")),
                    verification=status_name(row.get("verification")),
                )
                self.instruments[instrument_id] = instrument
            if "partyCode" in row and str(row["partyCode"]):
                instrument.parties[str(row["partyCode"])] = str(row.get("partyIsOrganisation")) in (
                    "true",
                    "1",
                )
        records: dict[URIRef, Participation] = {}
        for row in kg.run("participation").rows:
            iri = row["participation"]
            record = records.get(iri)  # type: ignore[arg-type]
            if record is None:
                mode = row.get("mode")
                record = Participation(
                    iri=iri,  # type: ignore[arg-type]
                    instrument=str(row["instrumentId"]),
                    participant=str(row["participantCode"]),
                    bound=str(row["bound"]) in ("true", "1"),
                    mode=str(mode).rsplit("#", 1)[-1] if mode is not None else None,
                    start=_date(row.get("from")),
                    end=_date(row.get("until")),
                    verification=status_name(row.get("verification")),
                    pinpoint=str(row["pinpoint"]) if "pinpoint" in row else None,
                )
                records[iri] = record  # type: ignore[index]
            source = row.get("source")
            if source is not None and _source_key(source) not in record.sources:
                record.sources.append(_source_key(source))
        self.participations: dict[tuple[str, str], list[Participation]] = defaultdict(list)
        for record in records.values():
            self.participations[(record.instrument, record.participant)].append(record)
        for records_of_pair in self.participations.values():
            records_of_pair.sort(key=lambda p: p.start or datetime.date.min)
        grouped: dict[Node, Membership] = {}
        for row in kg.run("memberships").rows:
            node = row["membership"]
            membership = grouped.get(node)
            if membership is None:
                membership = Membership(
                    member=str(row["memberCode"]),
                    organisation=str(row["organisationCode"]),
                    start=_date(row.get("from")),
                    end=_date(row.get("until")),
                    bound_until=_date(row.get("boundUntil")),
                    verification=status_name(row.get("verification")),
                )
                grouped[node] = membership
            source = row.get("source")
            if source is not None and _source_key(source) not in membership.sources:
                membership.sources.append(_source_key(source))
        self.memberships: dict[str, list[Membership]] = defaultdict(list)
        for membership in grouped.values():
            self.memberships[membership.member].append(membership)

    def membership(self, state: str, organisation: str) -> list[Membership]:
        """Return the State's membership records of the organisation."""
        return [m for m in self.memberships.get(state, []) if m.organisation == organisation]

    def touches(self, instrument: Instrument, state: str) -> bool:
        """Return whether the State, or an organisation it belonged to, is linked to it."""
        if state in instrument.parties or (instrument.id, state) in self.participations:
            return True
        return any(m.organisation in instrument.parties for m in self.memberships.get(state, []))


def _source_key(source: Node) -> str:
    """Return the short name of a source IRI (its last segment)."""
    return str(source).rstrip("/").rsplit("/", 1)[-1]


def _with_sources(text: str, sources: list[str], pinpoint: str | None = None) -> str:
    """Append the sources (and pinpoint) to a fact's text."""
    where = ", ".join(sources)
    if pinpoint:
        where = f"{where}, {pinpoint}" if where else pinpoint
    return f"{text} [source: {where}]" if where else text


def _binding(facts: _Facts, instrument: Instrument, state: str, on: datetime.date) -> Binding:
    """Decide whether ``state`` is bound by ``instrument`` on ``on``, from the recorded facts."""
    if instrument.date_signed is not None and on < instrument.date_signed:
        # Nothing binds before the text exists (signature, or adoption of a statute).
        return Binding(
            False,
            [],
            why_not=f"{instrument.id} did not exist yet on {on.isoformat()}: first signed or "
            f"adopted {instrument.date_signed.isoformat()}",
        )
    records = facts.participations.get((instrument.id, state), [])
    # The organisation whose side the State is on: the one it is (or was) a member of, else the
    # instrument's only contracting organisation (membership records may be missing).
    organisation = next(
        (org for org in instrument.organisations if facts.membership(state, org)),
        instrument.organisations[0] if len(instrument.organisations) == 1 else None,
    )
    in_force = instrument.entry_into_force
    if records:
        refusals: list[str] = []
        for record in records:
            mode = _MODE_LABELS.get(record.mode or "", "")
            if instrument.kind_class == "DomesticLaw":
                mode = "as its own law"
            record_text = _with_sources(
                f"{state} {'bound' if record.bound else 'not bound'} by {instrument.id}"
                + (f" {mode}" if mode else ""),
                record.sources,
                record.pinpoint,
            )
            if not record.bound:
                return Binding(
                    False,
                    [],
                    why_not=f"{record_text} ({mark(record.verification)})",
                )
            reasons = [Reason(record_text, record.verification)]
            memberships = facts.membership(state, organisation) if organisation else []
            through_membership = record.mode in _MEMBERSHIP_MODES and organisation is not None
            start, start_reason = record.start, None
            if start is None:
                candidates = []
                if in_force is not None:
                    # A contracting party is bound from entry into force; anyone else may have
                    # joined later, and the research did not say when.
                    own = (
                        ""
                        if through_membership or state in instrument.parties
                        else f"{state}'s own first day not recorded; "
                    )
                    candidates.append(
                        (
                            in_force,
                            Reason(
                                f"{own}{instrument.id} in force from {in_force.isoformat()}",
                                instrument.entry_into_force_status,
                            ),
                        )
                    )
                if through_membership:
                    for membership in memberships:
                        if membership.start is not None:
                            candidates.append(
                                (
                                    membership.start,
                                    Reason(
                                        _with_sources(membership.describe(), membership.sources),
                                        membership.verification,
                                    ),
                                )
                            )
                if candidates:
                    start, start_reason = max(candidates, key=lambda c: c[0])
            end, end_reason = record.end, None
            if end is None and through_membership:
                ends = [m for m in memberships if m.last_bound_day is not None]
                if ends and not any(m.last_bound_day is None for m in memberships):
                    last = max(ends, key=lambda m: m.last_bound_day)  # type: ignore[arg-type,return-value]
                    end = last.last_bound_day
                    end_reason = Reason(
                        _with_sources(last.describe(), last.sources), last.verification
                    )
            if start is not None and on < start:
                statuses = [record.verification] + (
                    [start_reason.verification] if start_reason else []
                )
                refusals.append(
                    f"{state} not yet bound on {on.isoformat()}: bound from {start.isoformat()} "
                    f"({mark(weakest(statuses))})"
                )
                continue
            if end is not None and on > end:
                statuses = [record.verification] + ([end_reason.verification] if end_reason else [])
                status = weakest(statuses)
                extra = f"; {end_reason.text}" if end_reason else ""
                refusals.append(
                    f"{state} no longer bound on {on.isoformat()}: bound until {end.isoformat()}"
                    f"{extra} ({mark(status)})"
                )
                continue
            if record.start is not None or record.end is not None:
                span = f"from {_day(record.start)}" + (
                    f" until {record.end.isoformat()}" if record.end else ""
                )
                reasons[0] = Reason(f"{reasons[0].text}, {span}", record.verification)
            elif start_reason is None:
                reasons.append(
                    Reason(f"{state}: start date of being bound not recorded", "recalled")
                )
            if start_reason is not None:
                reasons.append(start_reason)
            if through_membership:
                covering = [m for m in memberships if m.covers(on)]
                if memberships and not covering:
                    refusals.append(
                        f"{state} not an EU member (nor in transition) on {on.isoformat()}: "
                        + "; ".join(m.describe() for m in memberships)
                    )
                    continue
                for membership in covering:
                    text = _with_sources(membership.describe(), membership.sources)
                    if any(r.text == text for r in reasons):
                        continue  # already given as the fact that fixes the first or last day
                    # The participation record covers the date; membership is context unless
                    # the record leaves the first or last day to it.
                    reasons.append(Reason(text, membership.verification, decisive=False))
                if end_reason is not None and end_reason not in reasons:
                    reasons.append(end_reason)
            side = organisation if through_membership else state
            return Binding(True, reasons, side=side)
        return Binding(False, [], why_not="; ".join(refusals))
    if state in instrument.parties:
        if in_force is None:
            return Binding(
                True,
                [
                    Reason(
                        f"{state} is a contracting party of {instrument.id}",
                        instrument.verification,
                    ),
                    Reason(f"entry into force of {instrument.id} not recorded", "recalled"),
                ],
                side=state,
            )
        if on < in_force:
            return Binding(
                False,
                [],
                why_not=f"{instrument.id} not yet in force on {on.isoformat()}: in force from "
                f"{in_force.isoformat()} ({mark(instrument.entry_into_force_status)})",
            )
        reasons = [
            Reason(
                f"{state} is a contracting party; {instrument.id} in force from "
                f"{in_force.isoformat()}",
                instrument.entry_into_force_status,
            )
        ]
        if instrument.kind_class in ("MultilateralConvention", "Protocol", "EUAct"):
            # A party to a convention is bound from its own ratification, which may be later.
            reasons.append(
                Reason(f"{state}'s own first day bound by {instrument.id} not recorded", "recalled")
            )
        return Binding(True, reasons, side=state)
    if organisation is not None and facts.membership(state, organisation):
        # No record of the State's own position: membership alone is the evidence, and says so.
        memberships = facts.membership(state, organisation)
        covering = [m for m in memberships if m.covers(on)]
        if not covering:
            return Binding(
                False,
                [],
                why_not=f"{state} not an {organisation} member (nor in transition) on "
                f"{on.isoformat()}: " + "; ".join(m.describe() for m in memberships),
            )
        if in_force is not None and on < in_force:
            return Binding(
                False,
                [],
                why_not=f"{instrument.id} not yet in force on {on.isoformat()}: in force from "
                f"{in_force.isoformat()} ({mark(instrument.entry_into_force_status)})",
            )
        reasons = [
            Reason(
                f"the {organisation} is a contracting party; {instrument.id} in force from "
                f"{_day(in_force)}",
                instrument.entry_into_force_status if in_force else "recalled",
            )
        ]
        reasons += [
            Reason(_with_sources(m.describe(), m.sources), m.verification) for m in covering
        ]
        reasons.append(
            Reason(
                f"no participation record of {state} for {instrument.id}: bound only by "
                "inference from membership (opt-outs not checked)",
                "recalled",
            )
        )
        return Binding(True, reasons, side=organisation)
    return Binding(
        False, [], why_not=f"{state} is not a party and no participation of {state} is recorded"
    )


def _check_state(kg: GraphStore, code: str) -> str:
    """Return the ISO code of a State of the graph (raising UnknownState listing the codes)."""
    iri = kg.state_iri(code)
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


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
    facts = _Facts(kg)
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
    facts: _Facts,
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
        binding = _binding(facts, instrument, state, on)
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
    facts: _Facts,
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
    binding = _binding(facts, instrument, requested, on)
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
