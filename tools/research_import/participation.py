"""Parties and participation over time, the Japan section, channels, clause checks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from .base import SheetBase
from .items import Item, ResearchError, date_literal
from .states import EU_MEMBER_STATES, PROTOCOL_21_STATES, PROTOCOL_22_STATES
from .text import MONTHS, as_text, norm_space
from .vocabulary import MLA, ORG, STATE, STATUS_RANK, STATUSES

#: clause_check keys -> the feature a yes/no answer attests (None: no single feature fits).
CLAUSE_CHECK_FEATURES = {
    "death_penalty": "refusal-death-penalty-abstract",
    "videoconference": "videoconference-hearing",
    # 'bank secrecy' could mean a refusal ground or its exclusion; only 'unknown' answers exist.
    "bank_secrecy": None,
}


def participation_codes(entry: Item) -> tuple[list[str], bool]:
    """Return the State codes of a participation entry and whether it was a grouped entry."""
    state = norm_space(str(entry.require("state")))
    if re.fullmatch(r"[A-Z]{2}", state):
        return [state], False
    group = re.search(r"\(([A-Z]{2}(?:\s+[A-Z]{2})+)\)", state)
    if not group:
        raise entry.error("state", f"cannot read State codes from {state!r}")
    return group.group(1).split(), True


def parse_bound(entry: Item) -> tuple[bool, str | None, str | None, str | None]:
    """Read 'bound' (true/false or a dated text) into (bound, from, until, note)."""
    value = entry.require("bound")
    if isinstance(value, bool):
        return value, None, None, None
    text = norm_space(str(value))
    span = re.fullmatch(r"(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})(?: \((.*)\))?", text)
    if span:
        return True, span.group(1), span.group(2), text
    since = re.fullmatch(r"since .*?\((\d{1,2}) (\w+) (\d{4})\)", text)
    if since and since.group(2).lower() in MONTHS:
        day, month, year = int(since.group(1)), MONTHS[since.group(2).lower()], int(since.group(3))
        return True, dt.date(year, month, day).isoformat(), None, text
    raise entry.error(
        "bound", f"cannot read {text!r}; write true/false or 'YYYY-MM-DD to YYYY-MM-DD'"
    )


class ParticipationMixin(SheetBase):
    """Parties and participation over time, the Japan section, channels, clause checks."""

    def convert_participation(self, root: Item) -> None:
        """Convert application_to_states to one mla:Participation per State."""
        app = root.sub("application_to_states")
        if app is None:
            return
        self.note(
            self.iri,
            f"Application to States: {app.text('summary')}" if app.has("summary") else None,
        )
        for key in ("territories", "new_member_states_clause"):
            value = app.get(key)
            if value is not None:
                self.fact_note(self.iri, key.replace("_", " ").capitalize(), value, app.key(key))
                self.report.add(f"application_to_states.{key}")
        parties = {str(p) for p in root.data.get("parties") or []}
        for entry, path in app.items("states"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a participation needs state/bound/status")
            codes, grouped = participation_codes(entry)
            for code in codes:
                self.add_participation(entry, code, grouped, parties)
            entry.finish()
        app.finish()

    def add_participation(self, entry: Item, code: str, grouped: bool, parties: set[str]) -> None:
        """Add one participation node for one State."""
        iso = self.iso(code, entry, "state")
        node = self.node(f"participation/{iso}")
        if (node, RDF.type, MLA.Participation) in self.graph:
            raise entry.error("state", f"second participation entry for {iso}")
        self.add(node, RDF.type, MLA.Participation)
        self.add(node, MLA.instrument, self.iri)
        self.add(node, MLA.participant, STATE[iso])
        bound, start, until, bound_note = parse_bound(entry)
        self.add(node, MLA.bound, Literal(bound))
        if start:
            self.add(node, MLA["from"], Literal(start, datatype=XSD.date))
        if until:
            self.add(node, MLA.until, Literal(until, datatype=XSD.date))
        explicit = entry.get("mode")
        if explicit:
            mode = MLA[str(explicit)]
        elif iso in parties:
            mode = MLA.asParty
        elif "EU" in parties and iso in PROTOCOL_22_STATES and not bound:
            mode = MLA.optOut
        elif "EU" in parties and iso in PROTOCOL_21_STATES and bound:
            mode = MLA.optIn
        elif bound and "accession" in str(entry.data.get("bound")):
            mode = MLA.accession
        elif "EU" in parties and bound and grouped:
            mode = MLA.throughMembership
        else:
            raise entry.error("state", f"cannot tell how {iso} participates; add an explicit mode")
        self.add(node, MLA.mode, mode)
        if bound_note:
            self.note(node, f"Bound as the fact sheet puts it: {bound_note}")
        if grouped:
            self.note(
                node, f"From the fact sheet's grouped entry: {norm_space(str(entry.data['state']))}"
            )
        self.provenance(node, entry)
        self.report.add("application_to_states.states")

    def convert_japan(self, root: Item) -> None:
        """Convert a multilateral sheet's ``japan`` section to Japan's mla:Participation.

        ``entry_into_force_for_japan`` gives mla:from with its own status and sources; the other
        steps (signature, Diet approval, deposit, publication) become notes on the participation,
        each with its status and source keys; ``reservations_declarations`` become
        mla:reservation summaries plus a note carrying their status and sources.
        """
        japan = root.sub("japan")
        if japan is None:
            return
        node = self.node("participation/JP")
        if (node, RDF.type, MLA.Participation) in self.graph:
            raise japan.error("", "Japan's participation is given twice")
        self.add(node, RDF.type, MLA.Participation)
        self.add(node, MLA.instrument, self.iri)
        self.add(node, MLA.participant, STATE.JP)
        self.add(node, MLA.bound, Literal(True))
        self.add(node, MLA.mode, MLA.asParty)
        eif = japan.sub("entry_into_force_for_japan")
        if eif is None:
            raise japan.error("entry_into_force_for_japan", "the date Japan is bound is required")
        self.add(node, MLA["from"], date_literal(eif.require("date"), eif, "date"))
        self.provenance(node, eif)
        eif.finish()
        self.note(node, japan.text("notes"))
        for entry, path in japan.items("reservations_declarations"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a reservation needs provision/summary/status")
            provision = norm_space(as_text(entry.require("provision")))
            summary = norm_space(entry.require("summary"))
            self.add(node, MLA.reservation, Literal(f"{provision}: {summary}", lang="en"))
            status = self.status(entry)
            self.source_list(entry)
            clause = self.source_clause(entry.data.get("source"))
            self.note(
                node, f"Reservation or declaration on {provision} ({status}{clause}): {summary}"
            )
            entry.finish()
            self.report.add("japan.reservations_declarations")
        labels = {
            "acceptance_deposited": "Instrument of acceptance deposited",
            "instrument_deposited": "Instrument deposited",
            "diet_approval": "Diet approval",
            "domestic_publication": "Japanese publication",
            "ratification_year": "Ratification year",
        }
        for key in list(japan.data):
            if key in ("entry_into_force_for_japan", "notes", "reservations_declarations"):
                continue
            if key not in labels:
                raise japan.error(key, "unknown step of Japan's participation; add it to labels")
            self.fact_note(node, labels[key], japan.get(key), japan.key(key))
        japan.finish()
        self.report.add("japan")

    def convert_channels(self, root: Item) -> None:
        """Convert ``channels`` (how requests travel) to one mla:Presence per feature it names.

        The summary becomes the presence's note; a feature already attested under
        present_features keeps that attestation and gets the channel summary as a note.
        """
        channels = root.sub("channels")
        if channels is None:
            return
        summary = channels.require("summary")
        features = channels.get("features") or []
        if not features:
            raise channels.error("features", "a channels section needs the features it attests")
        for fid in features:
            node = self.node(f"presence/{fid}")
            if (node, RDF.type, MLA.Presence) not in self.graph:
                self.add(node, RDF.type, MLA.Presence)
                self.add(node, MLA.instrument, self.iri)
                self.add(node, MLA.feature, self.feature(fid, channels, "features"))
                self.provenance(node, channels, notes=False)
            self.note(node, f"From the fact sheet's channels section: {norm_space(summary)}")
            self.report.add("channels (presences)")
        self.note(self.iri, f"Channels: {norm_space(summary)}")
        channels.finish()

    def participation_node(self, code: str, item: Item, name: str) -> URIRef:
        """Create the participation node of a State (or the EU) and return it."""
        participant = self.state_iri(code, item, name)
        key = "EU" if participant == ORG.EU else str(participant).rsplit("/", 1)[1]
        node = self.node(f"participation/{key}")
        if (node, RDF.type, MLA.Participation) in self.graph:
            raise item.error(name, f"second participation for {key}")
        self.add(node, RDF.type, MLA.Participation)
        self.add(node, MLA.instrument, self.iri)
        self.add(node, MLA.participant, participant)
        return node

    def convert_party_participation(self, root: Item) -> None:
        """Give each party of a bilateral instrument a participation from the entry into force.

        Only where the sheet has no application_to_states: a bilateral treaty or agreement binds
        its two parties from its entry into force, with the status and sources of that date.
        """
        kind = root.data.get("kind")
        if kind not in ("bilateral-treaty", "bilateral-agreement"):
            return
        if root.data.get("application_to_states") is not None:
            return
        eif = root.data.get("entry_into_force")
        if eif is None:
            self.report.skip(
                "participation", "parties", "no entry_into_force: the parties' dates are unknown"
            )
            return
        item = Item(self, eif, "entry_into_force")
        status = self.status(item)
        sources = self.source_list(item) or [self.research_record]
        for code in root.data.get("parties") or []:
            node = self.participation_node(str(code), root, "parties")
            self.add(node, MLA.bound, Literal(True))
            self.add(node, MLA.mode, MLA.asParty)
            if eif.get("date") is not None:
                self.add(node, MLA["from"], date_literal(eif["date"], item, "date"))
            self.add(node, MLA.verification, STATUSES[status])
            for source in sources:
                self.add(node, MLA.source, source)
            self.note(
                node,
                "Bound as a contracting party from the instrument's entry into force "
                f"(entry_into_force, {status}).",
            )
            self.report.add("participation (parties, from entry into force)")

    def sheet_value(self, path: str, item: Item, name: str) -> Any:
        """Return the value at a dotted path of the raw fact sheet ('japan.notes', 'signed[1]')."""
        value: Any = self.root.data
        for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
            try:
                value = value[int(part[1:-1])] if part.startswith("[") else value[part]
            except (KeyError, IndexError, TypeError):
                raise item.error(name, f"{path!r} is not in the fact sheet") from None
        return value

    def convert_curated_participation(self) -> None:
        """Add the participations the curation file reads from the sheet's own statements.

        Each entry names the fact-sheet item it rests on (``fact``); the participation takes that
        item's status and sources. ``status`` may only weaken it: a weaker status means the
        participation is an inference from the item (e.g. 'near-universal'), so it cites the
        research record only and a note names the item. Dates come from sheet paths, never from
        the curation file.
        """
        for index, entry in enumerate(self.curation.get("participation") or []):
            item = Item(self, entry, f"curation[{self.id}].participation[{index}]")
            fact_path = item.require("fact")
            fact = self.sheet_value(fact_path, item, "fact")
            if not isinstance(fact, dict):
                raise item.error("fact", f"{fact_path} is not a fact-sheet item with a status")
            fact_item = Item(self, fact, fact_path)
            fact_status = self.status(fact_item)
            fact_sources = self.source_list(fact_item) or [self.research_record]
            status = self.status(item, default=fact_status)
            if STATUS_RANK[status] > STATUS_RANK[fact_status]:
                raise item.error("status", f"{status} is stronger than {fact_path}'s {fact_status}")
            inferred = status != fact_status or bool(item.get("inferred"))
            sources = [self.research_record] if inferred else fact_sources
            codes = []
            for code in (str(c) for c in item.require("states")):
                codes.extend(sorted(EU_MEMBER_STATES) if code == "EU-MEMBER-STATES" else [code])
            codes = [c for c in codes if c not in (item.get("except") or [])]
            reason = norm_space(item.require("reason"))
            bound = item.require("bound")
            mode = item.get("mode")
            start = item.get("from")
            until = item.get("until")
            for code in codes:
                node = self.participation_node(code, item, "states")
                self.add(node, MLA.bound, Literal(bool(bound)))
                if mode:
                    if mode not in ("asParty", "throughMembership", "optIn", "optOut", "accession"):
                        raise item.error("mode", f"unknown mode {mode!r}")
                    self.add(node, MLA.mode, MLA[mode])
                for prop, path in ((MLA["from"], start), (MLA.until, until)):
                    if path:
                        value = self.sheet_value(path, item, path)
                        self.add(node, prop, date_literal(value, item, path))
                for prop, key in ((MLA["from"], "from_in_text"), (MLA.until, "until_in_text")):
                    if item.has(key):
                        self.add(node, prop, self.date_in_text(item, key, fact))
                self.add(node, MLA.verification, STATUSES[status])
                for source in sources:
                    self.add(node, MLA.source, source)
                self.note(
                    node,
                    f"Read from the fact sheet's {fact_path} ({fact_status}"
                    + self.source_clause(fact.get("source"))
                    + f"): {reason}"
                    + (
                        f" Recorded as {status}: the item does not name this participant."
                        if inferred
                        else ""
                    ),
                )
                self.report.add("participation (curated from the sheet)")
            item.finish()

    def date_in_text(self, item: Item, key: str, fact: dict[str, Any]) -> Literal:
        """Return a date written as '1 Dec 2007' that must occur in the fact item's text."""
        written = norm_space(str(item.require(key)))
        if written not in norm_space(str(fact.get("text") or "")):
            raise item.error(key, f"{written!r} does not occur in the fact's text")
        match = re.fullmatch(r"(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})", written)
        months = {m[:3]: n for m, n in MONTHS.items()}
        if not match or match.group(2).lower() not in months:
            raise item.error(key, f"cannot read the date {written!r}; write e.g. '1 Dec 2007'")
        day, month, year = int(match.group(1)), months[match.group(2).lower()], int(match.group(3))
        return Literal(dt.date(year, month, day).isoformat(), datatype=XSD.date)

    def convert_clause_check(self, root: Item) -> None:
        """Convert ``clause_check`` (does the treaty have clause X?) onto presences and absences.

        ``present: true`` / ``false`` become mla:Presence / mla:Absence of the matching feature
        with the check's status and sources; ``present: unknown`` cannot be either, so it stays
        a note on the instrument naming the feature, the status and the source keys.
        """
        checks = root.sub("clause_check")
        if checks is None:
            return
        for key in list(checks.data):
            check = checks.sub(key)
            assert check is not None
            if key not in CLAUSE_CHECK_FEATURES:
                raise checks.error(key, "unknown clause; add it to CLAUSE_CHECK_FEATURES")
            fid = CLAUSE_CHECK_FEATURES[key]
            present = check.require("present")
            label = key.replace("_", " ")
            if present in (True, False):
                if fid is None:
                    raise check.error("present", f"no feature id for the clause {key!r}")
                cls, segment = (MLA.Presence, "presence") if present else (MLA.Absence, "absence")
                node = self.node(f"{segment}/{fid}")
                if (node, RDF.type, cls) in self.graph:
                    raise check.error("present", f"{fid} already listed under {segment}s")
                self.add(node, RDF.type, cls)
                self.add(node, MLA.instrument, self.iri)
                self.add(node, MLA.feature, self.feature(fid, check, "present"))
                self.provenance(node, check)
                self.note(node, f"From the fact sheet's clause check ({label}).")
                self.report.add(f"clause_check ({segment})")
            elif present == "unknown":
                status = self.status(check)
                self.source_list(check)
                about = f" (feature {fid})" if fid else ""
                self.note(
                    self.iri,
                    f"Clause check, {label}{about}: not known whether the instrument has it "
                    f"({status}"
                    + self.source_clause(check.data.get("source"))
                    + ")."
                    + (f" {check.text('note')}" if check.has("note") else ""),
                )
                check.get("note")
                self.report.add("clause_check (unknown, kept as a note)")
            else:
                raise check.error("present", f"expected true, false or unknown, found {present!r}")
            check.finish()
