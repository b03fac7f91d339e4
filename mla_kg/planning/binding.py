"""Whether a State is bound by an instrument on a date, decided from the recorded facts.

A participation record of the State decides; without one, being a contracting party (with the
instrument in force) does; without that, membership of a contracting organisation is taken as
evidence and the answer says it rests on that inference. Every step keeps its facts as reasons
with their verification status, so the finder can show what a conclusion rests on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mla_kg.verification import (
    mark,
    weakest,
)

if TYPE_CHECKING:
    pass

from mla_kg.planning.facts import Facts, Instrument, Membership, Participation, Reason, day_text

_MODE_LABELS = {
    "asParty": "as a contracting party",
    "throughMembership": "through EU membership",
    "optIn": "by opting in",
    "optOut": "by opting out",
    "accession": "from accession to the EU",
}
# Modes under which a State's position follows from its membership of a contracting organisation.
_MEMBERSHIP_MODES = {"throughMembership", "optIn", "optOut", "accession"}


@dataclass
class Binding:
    """Whether a State is bound by an instrument on a date, and on what facts."""

    bound: bool
    reasons: list[Reason]
    side: str | None = None  # the party whose side the State is on (itself, or its organisation)
    why_not: str = ""


def _with_sources(text: str, sources: list[str], pinpoint: str | None = None) -> str:
    """Append the sources (and pinpoint) to a fact's text."""
    where = ", ".join(sources)
    if pinpoint:
        where = f"{where}, {pinpoint}" if where else pinpoint
    return f"{text} [source: {where}]" if where else text


def binding(facts: Facts, instrument: Instrument, state: str, on: datetime.date) -> Binding:
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
    if records:
        refusals: list[str] = []
        for record in records:
            outcome = _by_record(facts, instrument, state, on, record, organisation)
            if isinstance(outcome, Binding):
                return outcome
            refusals.append(outcome)
        return Binding(False, [], why_not="; ".join(refusals))
    if state in instrument.parties:
        return _as_party(instrument, state, on)
    if organisation is not None and facts.membership(state, organisation):
        return _by_membership_alone(facts, instrument, state, on, organisation)
    return Binding(
        False, [], why_not=f"{state} is not a party and no participation of {state} is recorded"
    )


def _by_record(
    facts: Facts,
    instrument: Instrument,
    state: str,
    on: datetime.date,
    record: Participation,
    organisation: str | None,
) -> Binding | str:
    """Decide on one participation record: a binding, or why it does not bind on ``on``."""
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
        return Binding(False, [], why_not=f"{record_text} ({mark(record.verification)})")
    reasons = [Reason(record_text, record.verification)]
    memberships = facts.membership(state, organisation) if organisation else []
    through_membership = record.mode in _MEMBERSHIP_MODES and organisation is not None
    start, start_reason = record.start, None
    if start is None:
        start, start_reason = _first_day(instrument, state, through_membership, memberships)
    end, end_reason = record.end, None
    if end is None and through_membership:
        end, end_reason = _last_day(memberships)
    if start is not None and on < start:
        statuses = [record.verification] + ([start_reason.verification] if start_reason else [])
        return (
            f"{state} not yet bound on {on.isoformat()}: bound from {start.isoformat()} "
            f"({mark(weakest(statuses))})"
        )
    if end is not None and on > end:
        statuses = [record.verification] + ([end_reason.verification] if end_reason else [])
        extra = f"; {end_reason.text}" if end_reason else ""
        return (
            f"{state} no longer bound on {on.isoformat()}: bound until {end.isoformat()}"
            f"{extra} ({mark(weakest(statuses))})"
        )
    if record.start is not None or record.end is not None:
        span = f"from {day_text(record.start)}" + (
            f" until {record.end.isoformat()}" if record.end else ""
        )
        reasons[0] = Reason(f"{reasons[0].text}, {span}", record.verification)
    elif start_reason is None:
        reasons.append(Reason(f"{state}: start date of being bound not recorded", "recalled"))
    if start_reason is not None:
        reasons.append(start_reason)
    if through_membership:
        refusal = _membership_reasons(state, on, memberships, reasons, end_reason)
        if refusal:
            return refusal
    side = organisation if through_membership else state
    return Binding(True, reasons, side=side)


def _first_day(
    instrument: Instrument, state: str, through_membership: bool, memberships: list[Membership]
) -> tuple[datetime.date | None, Reason | None]:
    """Return the first day a record without one binds, and the fact fixing it (latest wins)."""
    candidates = []
    in_force = instrument.entry_into_force
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
    if not candidates:
        return None, None
    return max(candidates, key=lambda c: c[0])


def _last_day(memberships: list[Membership]) -> tuple[datetime.date | None, Reason | None]:
    """Return the last day membership binds, when every membership has ended, and its fact."""
    ends = [m for m in memberships if m.last_bound_day is not None]
    if not ends or any(m.last_bound_day is None for m in memberships):
        return None, None
    last = max(ends, key=lambda m: m.last_bound_day)  # type: ignore[arg-type,return-value]
    return last.last_bound_day, Reason(
        _with_sources(last.describe(), last.sources), last.verification
    )


def _membership_reasons(
    state: str,
    on: datetime.date,
    memberships: list[Membership],
    reasons: list[Reason],
    end_reason: Reason | None,
) -> str | None:
    """Add the memberships covering ``on`` to ``reasons``; return why not if none covers it."""
    covering = [m for m in memberships if m.covers(on)]
    if memberships and not covering:
        return f"{state} not an EU member (nor in transition) on {on.isoformat()}: " + "; ".join(
            m.describe() for m in memberships
        )
    for membership in covering:
        text = _with_sources(membership.describe(), membership.sources)
        if any(r.text == text for r in reasons):
            continue  # already given as the fact that fixes the first or last day
        # The participation record covers the date; membership is context unless
        # the record leaves the first or last day to it.
        reasons.append(Reason(text, membership.verification, decisive=False))
    if end_reason is not None and end_reason not in reasons:
        reasons.append(end_reason)
    return None


def _as_party(instrument: Instrument, state: str, on: datetime.date) -> Binding:
    """Decide for a contracting party without a participation record of its own."""
    in_force = instrument.entry_into_force
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
        return _not_yet_in_force(instrument, in_force, on)
    reasons = [
        Reason(
            f"{state} is a contracting party; {instrument.id} in force from {in_force.isoformat()}",
            instrument.entry_into_force_status,
        )
    ]
    if instrument.kind_class in ("MultilateralConvention", "Protocol", "EUAct"):
        # A party to a convention is bound from its own ratification, which may be later.
        reasons.append(
            Reason(f"{state}'s own first day bound by {instrument.id} not recorded", "recalled")
        )
    return Binding(True, reasons, side=state)


def _by_membership_alone(
    facts: Facts, instrument: Instrument, state: str, on: datetime.date, organisation: str
) -> Binding:
    """Decide from membership of a contracting organisation alone, and say it is inferred."""
    in_force = instrument.entry_into_force
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
        return _not_yet_in_force(instrument, in_force, on)
    reasons = [
        Reason(
            f"the {organisation} is a contracting party; {instrument.id} in force from "
            f"{day_text(in_force)}",
            instrument.entry_into_force_status if in_force else "recalled",
        )
    ]
    reasons += [Reason(_with_sources(m.describe(), m.sources), m.verification) for m in covering]
    reasons.append(
        Reason(
            f"no participation record of {state} for {instrument.id}: bound only by "
            "inference from membership (opt-outs not checked)",
            "recalled",
        )
    )
    return Binding(True, reasons, side=organisation)


def _not_yet_in_force(
    instrument: Instrument, in_force: datetime.date, on: datetime.date
) -> Binding:
    """Say that nothing binds on ``on``: the instrument enters into force later."""
    return Binding(
        False,
        [],
        why_not=f"{instrument.id} not yet in force on {on.isoformat()}: in force from "
        f"{in_force.isoformat()} ({mark(instrument.entry_into_force_status)})",
    )


__all__ = ["Binding", "binding"]
