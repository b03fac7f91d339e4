"""The facts the legal-basis finder reasons on: instruments, participations, memberships."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.term import Node

from mla_kg.errors import InvalidParameter
from mla_kg.graph.results import add_source
from mla_kg.iris import local_name
from mla_kg.verification import (
    mark,
    status_name,
)

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore


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
        text = f"{self.member} member of the {self.organisation} from {day_text(self.start)}"
        if self.end is not None:
            text += f", withdrew {self.end.isoformat()}"
        if self.bound_until is not None and self.bound_until != self.end:
            text += f", bound until {self.bound_until.isoformat()} (end of transition)"
        return text


def day_text(value: datetime.date | None) -> str:
    """Return a date as ``YYYY-MM-DD``, or say that it is not recorded."""
    return value.isoformat() if value else "(date not recorded)"


class Facts:
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
                    kind_class=local_name(row["kind"]),
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
                    mode=local_name(mode) if mode is not None else None,
                    start=_date(row.get("from")),
                    end=_date(row.get("until")),
                    verification=status_name(row.get("verification")),
                    pinpoint=str(row["pinpoint"]) if "pinpoint" in row else None,
                )
                records[iri] = record  # type: ignore[index]
            add_source(record.sources, row)
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
            add_source(membership.sources, row)
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
