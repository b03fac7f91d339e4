"""Annexes, their entries and the central authorities they designate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .base import SheetBase
from .items import Item, ResearchError
from .states import EU_CODES, NON_STATE_SUBJECTS, STATES
from .text import annex_segment, as_text, label_slug, norm_space, parse_authorities, version_short
from .vocabulary import AUTHORITY, MLA, STATE, STATUSES


class AnnexesMixin(SheetBase):
    """Annexes, their entries and the central authorities they designate."""

    def convert_annexes(self, root: Item) -> None:
        """Convert annexes, their versions and entries (with authorities and features)."""
        citations = self.curation.get("annex_citations") or {}
        known = {str(a.data.get("number")) for a, _ in root.items("annexes") if isinstance(a, Item)}
        for key in ("annex_citations", "annex_notes"):
            for number in self.curation.data.get(key) or {}:
                if number not in known:
                    raise self.curation.error(f"{key}.{number}", "no such annex in the fact sheet")
        entry_curation = self.curation.get("annex_entries") or {}
        used_entries: set[str] = set()
        for order, (annex, path) in enumerate(root.items("annexes"), start=1):
            if not isinstance(annex, Item):
                raise ResearchError(self.file, path, "an annex must be a mapping")
            number = norm_space(as_text(annex.require("number")))
            node = self.node(f"annex/{annex_segment(number)}")
            citation = citations.get(number) or f"Annex {number}"
            self.subdivision(node, MLA.Annex, self.iri, number, order, citation)
            status, sources = self.provenance(node, annex)
            self.headings(node, annex, status)
            description = annex.text("description")
            if description:
                self.add(node, MLA.summary, Literal(description, lang="en"))
            self.note(node, (self.curation.get("annex_notes") or {}).get(number))
            self.report.add("annexes")
            heading = norm_space(str(annex.data.get("heading") or "")).lower()
            authority_class = (
                MLA.CentralAuthority if "central" in heading else MLA.CompetentAuthority
            )
            groups = self.annex_groups(annex, node, status, sources)
            expanded = self.expand_entries(groups)
            subjects = [(group[2], code) for group, _, code, _ in expanded]
            # Entries are named by State when each (version, State) occurs once; else numbered.
            per_state = bool(expanded) and None not in (c for _, c in subjects)
            per_state = per_state and len(set(subjects)) == len(subjects)
            for e_order, (group, entry, code, last) in enumerate(expanded, start=1):
                _, version_label, v_index, g_status, g_sources = group
                relative = self.convert_entry(
                    node,
                    citation,
                    entry,
                    code,
                    per_state,
                    e_order,
                    version_label,
                    v_index,
                    g_status,
                    g_sources,
                    authority_class,
                )
                if relative in entry_curation:
                    used_entries.add(relative)
                    self.curate_entry(relative, entry_curation[relative])
                if last:
                    entry.finish()
            for group in groups:
                group[0].finish()
            annex.finish()
        unused = sorted(set(entry_curation) - used_entries)
        if unused:
            raise self.curation.error(f"annex_entries.{unused[0]}", "no such annex entry")

    def annex_groups(
        self, annex: Item, node: URIRef, status: str, sources: list[URIRef]
    ) -> list[tuple[Item, str | None, int | None, str, list[URIRef]]]:
        """Return the groups of entries of an annex: one per version, or the annex itself."""
        groups: list[tuple[Item, str | None, int | None, str, list[URIRef]]] = []
        versions = annex.items("versions")
        for v_index, (version, v_path) in enumerate(versions, start=1):
            if not isinstance(version, Item):
                raise ResearchError(self.file, v_path, "an annex version must be a mapping")
            label = norm_space(version.require("version"))
            v_status = self.status(version, default=status)
            v_sources = self.source_list(version) or sources
            v_notes = version.text("notes")
            self.note(
                node,
                f"Version {v_index} '{label}': {v_status}"
                + self.source_clause(version.data.get("source"))
                + (f". {v_notes}" if v_notes else ""),
            )
            groups.append((version, label, v_index, v_status, v_sources))
        if annex.has("entries"):
            if versions:
                raise annex.error("entries", "entries given both per version and for the annex")
            groups.append((annex, None, None, status, sources))
        return groups

    def expand_entries(self, groups: list[tuple[Any, ...]]) -> list[tuple[Any, Item, Any, bool]]:
        """Return (group, entry, State code, last of its entry) with one row per State."""
        expanded = []
        for group in groups:
            for entry, e_path in group[0].items("entries"):
                if not isinstance(entry, Item):
                    raise ResearchError(self.file, e_path, "an annex entry must be a mapping")
                codes = self.entry_codes(entry)
                expanded.extend(
                    (group, entry, code, i == len(codes) - 1) for i, code in enumerate(codes)
                )
        return expanded

    def entry_codes(self, entry: Item) -> list[str | None]:
        """Return the State codes of an entry (a list of States gives one entry per State)."""
        state = entry.data.get("state")
        if state is None:
            return [None]
        if isinstance(state, list):
            self.report.remark(
                f"{entry.path}: one fact-sheet entry for {len(state)} States expanded"
            )
            return [str(s) for s in state]
        return [str(state)]

    def convert_entry(
        self,
        annex: URIRef,
        annex_citation: str,
        entry: Item,
        code: str | None,
        per_state: bool,
        order: int,
        version: str | None,
        v_index: int | None,
        status: str,
        sources: list[URIRef],
        authority_class: URIRef,
    ) -> str:
        """Convert one annex entry and return its path relative to the instrument."""
        entry.get("state")
        subject_iri = None
        printed = ""
        if code is not None:
            if code in NON_STATE_SUBJECTS:
                subject_iri = NON_STATE_SUBJECTS[code][0]
                printed = code
            else:
                printed = self.iso(code, entry, "state")
                subject_iri = STATE[printed]
        if per_state:
            segment = f"v{v_index}-{printed}" if v_index else printed
            number = printed
        else:
            segment = f"v{v_index}-{order}" if v_index else str(order)
            number = f"[{order}]"
        node = URIRef(f"{annex}/entry/{segment}")
        if (node, RDF.type, MLA.AnnexEntry) in self.graph:
            raise entry.error("state", f"annex entry {segment} appears twice")
        citation = f"{annex_citation} ({number})" if per_state else f"{annex_citation} {number}"
        if version:
            citation += f" [{version_short(version)}]"
        self.subdivision(node, MLA.AnnexEntry, annex, number, order, citation)
        if not per_state:
            self.add(node, MLA.editorialNumber, Literal(True))
        if subject_iri is not None:
            self.add(node, MLA.state, subject_iri)
        if version:
            self.add(node, MLA.version, Literal(version))
        e_status, e_sources = self.provenance(
            node, entry, default_status=status, default_sources=sources
        )
        authority = self.entry_facts(node, entry)
        relative = str(node)[len(str(self.iri)) + 1 :]
        if authority and subject_iri is not None:
            self.add_authorities(
                relative,
                authority,
                subject_iri,
                authority_class,
                e_status,
                e_sources,
                listed_in=node,
                version=v_index,
            )
        self.report.add("annex entries")
        return relative

    def entry_facts(self, node: URIRef, entry: Item) -> str | None:
        """Add an entry's own-words facts (summary, effect, signature); return its authority."""
        authority = entry.text("authority")
        if authority:
            self.add(node, MLA.summary, Literal(authority, lang="en"))
        summary = entry.text("summary")
        if summary:
            self.add(node, MLA.summary, Literal(summary, lang="en"))
        effect = entry.text("effect")
        if effect:
            self.add(node, MLA.effect, Literal(effect, lang="en"))
        limitation = entry.text("limitation")
        if limitation:
            self.add(node, MLA.effect, Literal(limitation, lang="en"))
        article = entry.text("article")
        if article:
            self.add(node, MLA.subject, Literal(f"Understanding on Art {article}", lang="en"))
        provision = entry.text("provision")
        if provision:
            self.note(node, f"Made under Art {provision}.")
        signed = entry.get("signed")
        if signed is not None:
            if isinstance(signed, dt.date):
                self.add(node, MLA.date, Literal(signed.isoformat(), datatype=XSD.date))
                self.note(node, f"Signed on {signed.isoformat()}.")
            else:
                self.note(node, f"Signature date: {signed}.")
        place = entry.text("place")
        if place:
            self.add(node, MLA.place, Literal(place))
        treaty_doc = entry.text("treaty_doc")
        if treaty_doc:
            self.note(node, f"US Senate Treaty Doc. {treaty_doc}.")
        return authority

    def curate_entry(self, relative: str, curated: Any) -> None:
        """Attach curated features to an annex entry."""
        item = Item(self, curated, f"curation[{self.id}].annex_entries.{relative}")
        node = self.node(relative)
        for fid in item.get("features") or []:
            self.add(node, MLA.hasFeature, self.feature(fid, item, "features"))
        self.note(node, f"Features derived from the fact sheet: {item.require('reason')}")
        item.finish()

    def add_authorities(
        self,
        key: str,
        text: str,
        state: URIRef,
        cls: URIRef,
        status: str,
        sources: list[URIRef],
        *,
        listed_in: URIRef | None = None,
        version: int | None = None,
        notes: Iterable[str] = (),
    ) -> None:
        """Add the authorities an entry designates (curated split, or parsed from the text)."""
        curated = (self.curation.get("authorities") or {}).get(key)
        if curated:
            self.used_authority_keys.add(key)
        bodies = (
            [Item(self, b, f"curation[{self.id}].authorities.{key}") for b in curated]
            if curated
            else [Item(self, b, key) for b in parse_authorities(text)]
        )
        code = str(state).rsplit("/", 1)[1].lower()
        for body in bodies:
            label = norm_space(body.require("label"))
            name = f"{self.id}-{code}-{label_slug(label)}" + (f"-v{version}" if version else "")
            if name in self.authority_slugs:
                raise ResearchError(self.file, key, f"authority {name} designated twice")
            self.authority_slugs.add(name)
            node = AUTHORITY[name]
            self.add(node, RDF.type, MLA.Authority)
            self.add(node, RDF.type, cls)
            self.add(node, RDFS.label, Literal(label, lang="en"))
            self.add(node, MLA.state, state)
            self.add(node, MLA.instrument, self.iri)
            phase = body.text("phase")
            if phase:
                self.add(node, MLA.phase, Literal(phase))
            raw_phase = body.text("phase_as_written")
            if raw_phase:
                self.note(node, f"Phase as the fact sheet words it: {raw_phase}")
            self.note(node, body.text("note"))
            if listed_in is not None:
                self.add(node, MLA.listedIn, listed_in)
            for note in notes:
                self.note(node, note)
            self.add(node, MLA.verification, STATUSES[status])
            for source in sources:
                self.add(node, MLA.source, source)
            body.finish()
            self.report.add("authorities")

    def convert_central_authorities(self, root: Item) -> None:
        """Convert central_authorities to mla:CentralAuthority nodes (a claim for non-States)."""
        for entry, path in root.items("central_authorities"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a central authority must be a mapping")
            who = entry.get("state") or entry.get("party")
            if who is None:
                raise entry.error("state", "a central authority needs a state or party")
            text = norm_space(entry.require("authority"))
            who = str(who)
            if who == "EU" or who in STATES or who in EU_CODES:
                state = self.state_iri(who, entry, "state")
                status = self.status(entry)
                sources = self.source_list(entry) or [self.research_record]
                notes = []
                functions = entry.text("functions")
                if functions:
                    notes.append(f"Functions: {functions}")
                for key in ("notes", "note"):
                    if entry.has(key):
                        notes.append(entry.text(key) or "")
                if entry.has("pinpoint"):
                    notes.append(f"Pinpoint: {entry.text('pinpoint')}")
                notes.append(f"As the fact sheet words the designation: {text}")
                self.add_authorities(
                    f"central-authorities/{who}",
                    text,
                    state,
                    MLA.CentralAuthority,
                    status,
                    sources,
                    notes=notes,
                )
            else:
                # Not a State (e.g. 'EU-side'): a sourced statement about the instrument.
                node = self.new_claim(f"Central authorities ({who}): {text}", entry)
                self.add(node, MLA.about, self.iri)
                self.report.remark(
                    f"{path}: central authorities of {who!r} kept as a commentary claim"
                )
            entry.finish()
            self.report.add("central_authorities")
