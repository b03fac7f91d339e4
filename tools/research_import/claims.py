"""Presences, absences, commentary claims, norm lineage and proposed features."""

from __future__ import annotations

import re
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .base import SheetBase
from .items import Item, ResearchError
from .text import norm_space
from .vocabulary import INSTRUMENT, MLA

#: Links from curation to nodes of other instruments, checked after all sheets are converted.
CROSS_LINKS: list[tuple[str, str, URIRef]] = []


class ClaimsMixin(SheetBase):
    """Presences, absences, commentary claims, norm lineage and proposed features."""

    def convert_attestations(self, root: Item, key: str, cls: URIRef, segment: str) -> None:
        """Convert present_features / absent_features to mla:Presence / mla:Absence."""
        for entry, path in root.items(key):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a feature attestation must be a mapping")
            fid = str(entry.require("feature"))
            node = self.node(f"{segment}/{fid}")
            if (node, RDF.type, cls) in self.graph:
                raise entry.error("feature", f"{fid} listed twice under {key}")
            self.add(node, RDF.type, cls)
            self.add(node, MLA.instrument, self.iri)
            self.add(node, MLA.feature, self.feature(fid, entry, "feature"))
            self.provenance(node, entry)
            entry.finish()
            self.report.add(key)

    def new_claim(self, statement: str, entry: Item) -> URIRef:
        """Create a commentary claim node with statement and provenance (scholarly by default)."""
        self.claim_count += 1
        node = self.node(f"claim/{self.claim_count}")
        self.add(node, RDF.type, MLA.CommentaryClaim)
        self.add(node, MLA.statement, Literal(norm_space(statement), lang="en"))
        self.provenance(node, entry, default_status="scholarly")
        return node

    def convert_claims(self, root: Item) -> None:
        """Convert commentary_claims to mla:CommentaryClaim nodes (about instrument/provision)."""
        curated_claims = self.curation.get("claims") or {}
        used: set[int] = set()
        first = self.claim_count  # curation numbers claims 1-based within the sheet's list
        for entry, path in root.items("commentary_claims"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a commentary claim must be a mapping")
            statement = norm_space(entry.require("claim"))
            node = self.new_claim(statement, entry)
            index = self.claim_count - first
            for key in ("check", "assessment"):
                check = entry.text(key)
                if check:
                    self.add(node, MLA.check, Literal(check, lang="en"))
            if entry.has("check_status"):
                self.note(node, f"The check itself is {self.status(entry, 'check_status')}.")
            abouts = self.pinned_provisions(entry.data.get("pinpoint"), node)
            curated = curated_claims.get(index)
            if curated is not None:
                used.add(index)
                c_item = Item(self, curated, f"curation[{self.id}].claims.{index}")
                if c_item.require("match") not in statement:
                    raise c_item.error(
                        "match", f"claim {index} no longer reads {curated['match']!r}"
                    )
                if c_item.has("about"):
                    abouts = [self.curated_target(t, c_item, "about") for t in c_item.get("about")]
                for target in c_item.get("contradicts") or []:
                    self.add(
                        node, MLA.contradicts, self.curated_target(target, c_item, "contradicts")
                    )
                for l_index, link in enumerate(c_item.get("lineage") or []):
                    l_item = Item(self, link, f"{c_item.path}.lineage[{l_index}]")
                    later = self.curated_target(l_item.require("from"), l_item, "from")
                    earlier = self.curated_target(l_item.require("to"), l_item, "to")
                    # The claim carries the link: mla:modelledOn never stands without it.
                    self.add(node, MLA.lineageFrom, later)
                    self.add(node, MLA.lineageTo, earlier)
                    self.add(later, MLA.modelledOn, earlier)
                    l_item.finish()
                    self.report.add("lineage links")
                self.note(node, f"Linked by curation: {c_item.require('reason')}")
                c_item.finish()
            for about in abouts or [self.iri]:
                self.add(node, MLA.about, about)
            entry.finish()
            self.report.add("commentary_claims")
        unused = sorted(set(curated_claims) - used)
        if unused:
            raise self.curation.error(f"claims.{unused[0]}", "no such commentary claim")

    def pinned_provisions(self, pinpoint: Any, claim: URIRef) -> list[URIRef]:
        """Return provisions of this instrument a claim's pinpoint cites as '(cites Art. X)'."""
        if pinpoint is None:
            return []
        out = []
        pattern = r"\((?:cites |')?Art\.?\s*(\d+)((?:\(\d+\))?)((?:\([a-z]\))?)"
        for art, para, point in re.findall(pattern, str(pinpoint)):
            candidates = [f"art/{art}"]
            if para:
                candidates.append(f"{candidates[-1]}/para/{para.strip('()')}")
                if point:
                    candidates.append(f"{candidates[-1]}/point/{point.strip('()')}")
            found = [
                c for c in candidates if (self.node(c), RDF.type, MLA.Subdivision) in self.graph
            ]
            if not found:
                self.report.remark(f"claim {claim}: pinpoint cites Art {art}, not in the graph")
                continue
            best = found[-1]
            if best != candidates[-1]:
                cited = f"Art {art}{para}{point}"
                self.note(
                    claim,
                    f"The pinpoint cites {cited}, which the research has not placed; the claim is "
                    f"attached to {best.replace('art/', 'Art ').split('/')[0]}.",
                )
            out.append(self.node(best))
        return out

    def curated_target(self, target: str, item: Item, key: str) -> URIRef:
        """Resolve 'path' or 'instrument-id:path' from the curation file to a node IRI."""
        instrument, _, relative = target.rpartition(":")
        base = INSTRUMENT[instrument] if instrument else self.iri
        iri = URIRef(f"{base}/{relative}")
        if not instrument and not any(self.graph.triples((iri, RDF.type, None))):
            raise item.error(key, f"{target} is not a node of {self.id}")
        if instrument:
            self.report.remark(f"cross-instrument link to {instrument}:{relative}")
            CROSS_LINKS.append((self.file, item.key(key), iri))
        return iri

    def convert_new_features(self, root: Item) -> None:
        """Convert new_features to mla:ProposedFeature nodes (never used as mla:hasFeature)."""
        for entry, path in root.items("new_features"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a proposed feature must be a mapping")
            fid = str(entry.require("id"))
            if fid in self.features:
                raise entry.error("id", f"{fid} is already in features.yaml")
            node = self.node(f"proposed-feature/{fid}")
            self.add(node, RDF.type, MLA.ProposedFeature)
            self.add(node, SKOS.notation, Literal(fid))
            self.add(node, RDFS.label, Literal(norm_space(entry.require("label")), lang="en"))
            self.add(node, MLA.instrument, self.iri)
            self.add(node, MLA.source, self.research_record)
            for key in ("example", "where"):
                example = entry.text(key)
                if example:
                    self.add(node, SKOS.example, Literal(example, lang="en"))
            for key in ("group", "polarity", "marks", "rationale"):
                value = entry.text(key)
                if value:
                    self.note(node, f"{key.capitalize()}: {value}")
            entry.finish()
            self.report.add("new_features")
