"""The instrument itself: titles, signatures, entry into force, identifiers, languages."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from .base import SheetBase
from .items import Item, ResearchError, date_literal
from .text import as_text, has_japanese, norm_space, slug
from .vocabulary import KIND_CLASSES, MLA, STATUSES

#: Identifier keys -> scheme names used in IRIs and mla:scheme.
IDENTIFIER_SCHEMES = {
    "treaty_doc": "senate-treaty-doc",
    "senate_exec_report": "senate-exec-report",
    "exec_report": "senate-exec-report",
    "eu_treaties_office_id": "eu-treaties-office",
    "ec_treaties_office": "eu-treaties-office",
    "japan_treaty_number": "jp-treaty-number",
    "jp_treaty_number": "jp-treaty-number",
    "council_docs": "council-document",
}


#: Sections kept as notes on the instrument: key -> label.
BACKGROUND_SECTIONS = {
    "firsts": "First",
    "negotiation_history": "Negotiation",
    "council_decisions": "EU decision",
    "japan_domestic": "Japanese domestic procedure",
    "ratification": "Ratification",
    "related_instruments": "Related instrument",
    "self_executing": "Self-executing",
    "legal_basis_eu": "EU legal basis",
    "preamble": "Preamble",
    "legal_capacity_note": "Legal capacity",
    "adopted": "Adopted",
    "transposition_deadline": "Transposition deadline",
    "explanatory_note": "Explanatory note",
}


class InstrumentMixin(SheetBase):
    """The instrument itself: titles, signatures, entry into force, identifiers, languages."""

    def convert_instrument(self, root: Item) -> None:
        """Convert titles, short title, kind, parties and the instrument record's own status."""
        g_iri = self.iri
        self.add(g_iri, RDF.type, MLA.Instrument)
        kind = root.require("kind")
        if kind not in KIND_CLASSES:
            raise root.error(
                "kind", f"unknown kind {kind!r}; expected one of {sorted(KIND_CLASSES)}"
            )
        self.add(g_iri, RDF.type, KIND_CLASSES[kind])
        self.add(g_iri, MLA.instrumentId, Literal(self.id))
        self.add(g_iri, DCTERMS.title, Literal(norm_space(root.require("title")), lang="en"))
        title_ja = root.text("title_ja")
        variants = root.items("title_variants")
        for variant, path in variants:
            if not isinstance(variant, Item):
                raise ResearchError(self.file, path, "a title variant needs text/status/source")
            text = norm_space(variant.require("text"))
            lang = "ja" if has_japanese(text) else "en"
            if lang == "ja" and title_ja is None:
                title_ja = text
                self.report.remark(f"dct:title@ja taken from title variant {path}")
            else:
                self.add(g_iri, DCTERMS.alternative, Literal(text, lang=lang))
            status = self.status(variant)
            self.source_list(variant)
            self.note(
                g_iri,
                f"Title variant '{text}' ({variant.text('note') or 'no note'}): {status}"
                + self.source_clause(variant.get("source")),
            )
            variant.finish()
            self.report.add("title_variants")
        if title_ja:
            self.add(g_iri, DCTERMS.title, Literal(title_ja, lang="ja"))
        short = root.text("short_title")
        if short:
            match = re.match(r"^(.*?)\s*\(([^()]*)\)$", short)
            if match and has_japanese(match.group(2)) and not has_japanese(match.group(1)):
                self.add(g_iri, MLA.shortTitle, Literal(match.group(1), lang="en"))
                self.add(g_iri, MLA.shortTitle, Literal(match.group(2), lang="ja"))
            else:
                self.add(
                    g_iri,
                    MLA.shortTitle,
                    Literal(short, lang="ja" if has_japanese(short) else "en"),
                )
            if root.has("short_title_status"):
                status = self.status(root, "short_title_status")
                self.source_list(root, "short_title_source")
                clause = self.source_clause(root.data.get("short_title_source"))
                self.note(g_iri, f"Short title: {status}{clause}")
        status = root.get("title_status")
        if status is None:
            self.report.remark("no title_status: the instrument record is marked recalled")
            self.note(g_iri, "The fact sheet gives no status for the title; recorded as recalled.")
        self.provenance_named(
            g_iri, root, "title_status", "title_source", default_status="recalled"
        )
        for code in root.get("parties") or []:
            self.add(g_iri, MLA.party, self.state_iri(code, root, "parties"))
        parties_note = root.get("parties_note")
        if parties_note is not None:
            self.fact_note(g_iri, "Parties", parties_note, root.key("parties_note"))

    def provenance_named(
        self, node: URIRef, item: Item, status_key: str, source_key: str, default_status: str
    ) -> None:
        """Attach verification and sources stored under custom key names."""
        status = self.status(item, status_key, default=default_status)
        sources = self.source_list(item, source_key) or [self.research_record]
        self.add(node, MLA.verification, STATUSES[status])
        for source in sources:
            self.add(node, MLA.source, source)

    def convert_signatures(self, root: Item) -> None:
        """One mla:Signature per signature event; mla:dateSigned is the first date."""
        dates = []
        for index, (sig, path) in enumerate(root.items("signed"), start=1):
            if not isinstance(sig, Item):
                raise ResearchError(self.file, path, "a signature needs by/date/place/status")
            if sig.data.get("date") is None:
                # A signature node needs a date; an undated signing is a note on the instrument.
                self.fact_note(self.iri, "Signature (date not known)", sig.data, sig.path)
                sig.used.update(sig.data)
                sig.finish()
                self.report.skip("signed", sig.path, "no date: kept as a note on the instrument")
                continue
            node = self.node(f"signature/{index}")
            self.add(self.iri, MLA.signature, node)
            self.add(node, RDF.type, MLA.Signature)
            by = sig.require("by")
            for code in by if isinstance(by, list) else [by]:
                text = str(code)
                if re.fullmatch(r"[A-Z]{2}", text) or text == "EU":
                    self.add(node, MLA.signatory, self.state_iri(text, sig, "by"))
                else:
                    self.note(node, f"Signed by: {norm_space(text)}")
            date = sig.get("date")
            if date is not None:
                self.add(node, MLA.date, date_literal(date, sig, "date"))
                dates.append(date_literal(date, sig, "date"))
            place = sig.text("place")
            if place:
                self.add(node, MLA.place, Literal(place))
            signatory = sig.text("signatory")
            if signatory:
                self.add(node, MLA.signedBy, Literal(signatory))
            self.provenance(node, sig)
            sig.finish()
            self.report.add("signed")
        if dates:
            self.add(self.iri, MLA.dateSigned, min(dates, key=lambda lit: lit.toPython()))

    def convert_entry_into_force(self, root: Item) -> None:
        """Convert the entry-into-force date with its status and sources; the rest as notes."""
        eif = root.sub("entry_into_force")
        if eif is None:
            return
        date = eif.get("date")
        if date is not None:
            self.add(self.iri, MLA.entryIntoForce, date_literal(date, eif, "date"))
        self.add(self.iri, MLA.entryIntoForceStatus, STATUSES[self.status(eif)])
        for source in self.source_list(eif) or [self.research_record]:
            self.add(self.iri, MLA.entryIntoForceSource, source)
        notes = eif.text("notes")
        if notes:
            self.note(self.iri, f"Entry into force: {notes}")
        rest = {k: v for k, v in eif.data.items() if k not in ("date", "status", "source", "notes")}
        if rest:
            self.fact_note(self.iri, "Entry into force", rest, eif.path)
            eif.used.update(rest)
        eif.finish()
        self.report.add("entry_into_force")

    def convert_publication(self, root: Item) -> None:
        """Convert the publication citation; its status and sources become a note."""
        pub = root.sub("publication")
        if pub is None:
            return
        citation = pub.text("citation")
        if citation:
            self.add(self.iri, MLA.publicationCitation, Literal(citation))
        rest = {k: v for k, v in pub.data.items() if k != "citation"}
        self.fact_note(self.iri, "Publication citation", rest, pub.path)
        pub.used.update(rest)
        pub.finish()
        self.report.add("publication")

    def convert_identifiers(self, root: Item) -> None:
        """One mla:Identifier node per identifier, with scheme, value, status and sources."""
        ids = root.sub("identifiers")
        if ids is None:
            return
        for key in sorted(ids.data):
            if (
                re.search(r"_(status|source|note|notes)$", key)
                and re.sub(r"_(status|source|note|notes)$", "", key) in ids.data
            ):
                continue
            value = ids.get(key)
            if value is None:
                self.report.skip(
                    "identifiers", ids.key(key), "null in the fact sheet (no such identifier)"
                )
                continue
            scheme = IDENTIFIER_SCHEMES.get(key, slug(key))
            node = self.node(f"identifier/{scheme}")
            self.add(self.iri, MLA.identifier, node)
            self.add(node, RDF.type, MLA.Identifier)
            self.add(node, MLA.scheme, Literal(scheme))
            if isinstance(value, dict):
                sub = Item(self, value, ids.key(key))
                self.add(node, RDF.value, Literal(norm_space(as_text(sub.require("value")))))
                self.provenance(node, sub, default_status="recalled")
                if not sub.has("status"):
                    self.note(node, "The fact sheet gives no status; recorded as recalled.")
                sub.finish()
            else:
                text = norm_space(as_text(value))
                embedded = re.match(r"^(.*) - (official|scholarly|recalled) \(([^)]*)\)$", text)
                if embedded:
                    text, status, keys = embedded.groups()
                    sources = self.resolve_sources(keys, ids, key)
                else:
                    status = self.status(ids, f"{key}_status", default="recalled")
                    sources = self.source_list(ids, f"{key}_source")
                    if not ids.has(f"{key}_status"):
                        self.note(node, "The fact sheet gives no status; recorded as recalled.")
                    curated = (self.curation.get("identifier_sources") or {}).get(key)
                    if curated is not None and not sources:
                        c_item = Item(
                            self, curated, f"curation[{self.id}].identifier_sources.{key}"
                        )
                        sources = self.source_list(c_item)
                        self.note(node, f"Source linked by curation: {c_item.require('reason')}")
                        c_item.finish()
                        self.used_identifier_sources.add(key)
                self.add(node, RDF.value, Literal(text))
                self.add(node, MLA.verification, STATUSES[status])
                for source in sources or [self.research_record]:
                    self.add(node, MLA.source, source)
                for suffix in ("_note", "_notes"):
                    self.note(node, ids.text(f"{key}{suffix}"))
            self.report.add("identifiers")
        for key in ids.data:
            ids.used.add(key)
        ids.finish()
        for key in self.curation.get("official_text") or []:
            if key not in self.source_keys:
                raise self.curation.error("official_text", f"unknown source key {key!r}")
            urls = list(self.sources_graph.objects(self.source_keys[key], MLA.url))
            if not urls:
                raise self.curation.error("official_text", f"source {key!r} has no URL")
            for url in urls:
                self.add(self.iri, MLA.officialText, URIRef(str(url)))
            self.report.add("official_text")

    def convert_languages(self, root: Item) -> None:
        """Convert authentic languages (BCP 47 tags); their status and sources become a note."""
        langs = root.get("authentic_languages") or []
        if isinstance(langs, str):
            # A description instead of a list of tags (e.g. 'all 24 official EU languages'): kept
            # as a note rather than expanded into tags the fact sheet does not give.
            status = self.status(root, "authentic_languages_status", default="recalled")
            self.note(self.iri, f"Authentic languages: {norm_space(langs)} ({status}).")
            self.report.add("authentic_languages")
            return
        for lang in langs:
            if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", str(lang)):
                raise root.error("authentic_languages", f"{lang!r} is not a BCP 47 language tag")
            self.add(self.iri, MLA.authenticLanguage, Literal(str(lang)))
        if langs:
            rest = {
                k: root.data[k]
                for k in (
                    "authentic_languages_status",
                    "authentic_languages_source",
                    "authentic_languages_note",
                )
                if k in root.data
            }
            status = self.status(root, "authentic_languages_status", default="recalled")
            where = self.source_names(rest.get("authentic_languages_source"))
            self.source_list(root, "authentic_languages_source")
            text = f"Authentic languages ({', '.join(map(str, langs))}): {status}"
            text += f", source {where}." if where else "."
            note = root.text("authentic_languages_note")
            self.note(self.iri, text + (f" {note}" if note else ""))
            self.report.add("authentic_languages", len(langs))

    def convert_structure(self, root: Item) -> None:
        """Convert the structure summary to mla:structureNote; its provenance becomes a note."""
        structure = root.sub("structure")
        if structure is None:
            return
        summary = structure.text("summary")
        if summary:
            self.add(self.iri, MLA.structureNote, Literal(summary, lang="en"))
        rest = {k: v for k, v in structure.data.items() if k != "summary"}
        self.fact_note(self.iri, "Structure", rest, structure.path)
        structure.used.update(rest)
        structure.finish()
        self.report.add("structure")

    def convert_background(self, root: Item) -> None:
        """Keep sections without dedicated ontology terms as notes with status and sources."""
        for key, label in BACKGROUND_SECTIONS.items():
            value = root.get(key)
            if value is None:
                continue
            self.fact_note(self.iri, label, value, key)
            self.report.add(key, len(value) if isinstance(value, list) else 1)

    def convert_open_questions(self, root: Item) -> None:
        """Keep open research questions as notes on the instrument."""
        for question, path in root.items("open_questions"):
            if not isinstance(question, str):
                raise ResearchError(self.file, path, "an open question must be a string")
            self.note(self.iri, f"Open question: {question}")
            self.report.add("open_questions")
