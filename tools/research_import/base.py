"""The core of one fact sheet's conversion: graph helpers, statuses, provenance, features."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF

from .items import Item, Report, ResearchError
from .states import EU_CODES, STATES
from .text import as_text, norm_space
from .vocabulary import ELI, FEAT, INSTRUMENT, MLA, ORG, SOURCE, STATE, STATUSES, new_graph

#: fact_note keys whose value reads on its own (no 'key:' prefix).
_PLAIN_KEYS = {"fact", "step", "instrument", "what", "summary", "value", "text"}


class SheetBase:
    """One fact sheet being converted into one instrument graph (the shared core)."""

    def __init__(
        self,
        path: Path,
        features: set[str],
        curation: dict[str, Any],
        sources_graph: Graph,
    ) -> None:
        self.file = path.name
        with path.open(encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
        self.root = Item(self, raw, "")
        self.id = str(self.root.require("id"))
        if self.id != path.stem:
            raise ResearchError(self.file, "id", f"id {self.id!r} differs from the file name")
        self.iri = INSTRUMENT[self.id]
        self.ns = Namespace(str(self.iri) + "/")
        self.features = features
        self.curation = Item(self, curation.get(self.id) or {}, f"curation[{self.id}]")
        self.graph = new_graph()
        self.graph.bind(self.id.replace("-", ""), self.ns)
        self.sources_graph = sources_graph
        self.report = Report()
        self.source_keys: dict[str, URIRef] = {}
        self.copies: dict[URIRef, URIRef] = {}
        self.new_feature_ids: set[str] = set()
        self.research_record = SOURCE[f"research-{self.id}"]
        self.claim_count = 0
        self.authority_slugs: set[str] = set()
        self.curated_points: dict[str, Item] = {}
        self.used_curated_points: set[str] = set()
        self.used_authority_keys: set[str] = set()
        self.used_source_classes: set[str] = set()
        self.used_identifier_sources: set[str] = set()

    def add(self, s: URIRef, p: URIRef, o: Any) -> None:
        """Add one triple to the instrument graph."""
        self.graph.add((s, p, o))

    def note(self, node: URIRef, text: str | None) -> None:
        """Attach an own-words research note."""
        if text:
            self.add(node, MLA.note, Literal(norm_space(text), lang="en"))

    def status(self, item: Item, name: str = "status", default: str | None = None) -> str:
        """Return a status value from the closed list (or the default; fail when neither)."""
        value = item.get(name)
        if value is None:
            if default is None:
                raise item.error(name, "a verification status is required")
            return default
        if value not in STATUSES:
            raise item.error(name, f"unknown status {value!r}; expected one of {sorted(STATUSES)}")
        return str(value)

    def source_list(self, item: Item, name: str = "source") -> list[URIRef]:
        """Return the source IRIs under a key ('a; b' strings and lists both accepted)."""
        return self.resolve_sources(item.get(name), item, name)

    def resolve_sources(self, value: Any, item: Item, name: str) -> list[URIRef]:
        """Resolve fact-sheet source keys to source IRIs, failing on unknown keys."""
        if value is None:
            return []
        keys: list[str] = []
        for part in value if isinstance(value, list) else [value]:
            keys.extend(k for k in re.split(r"[;,]", str(part)) if k.strip())
        out = []
        for key in (k.strip() for k in keys):
            if key not in self.source_keys:
                raise item.error(name, f"unknown source key {key!r}; add it to the sheet's sources")
            out.append(self.source_keys[key])
        return out

    def source_names(self, value: Any) -> str:
        """Render source keys for a note ('s1, s2')."""
        if value is None:
            return ""
        parts = value if isinstance(value, list) else [value]
        return ", ".join(k.strip() for p in parts for k in re.split(r"[;,]", str(p)) if k.strip())

    def source_clause(self, value: Any) -> str:
        """Render source keys as the clause notes append after a status (', source s1, s2')."""
        where = self.source_names(value)
        return f", source {where}" if where else ""

    def provenance(
        self,
        node: URIRef,
        item: Item,
        *,
        default_status: str | None = None,
        default_sources: list[URIRef] | None = None,
        notes: bool = True,
    ) -> tuple[str, list[URIRef]]:
        """Attach verification, sources, pinpoint and notes of an item; return status and sources.

        A fact without a source cites the research record (the fact sheet itself).
        """
        status = self.status(item, default=default_status)
        sources = self.source_list(item) or list(default_sources or [])
        if not sources:
            sources = [self.research_record]
        self.add(node, MLA.verification, STATUSES[status])
        for source in sources:
            self.add(node, MLA.source, source)
            if source in self.copies:
                self.add(node, PROV.wasDerivedFrom, self.copies[source])
        pinpoint = item.text("pinpoint")
        if pinpoint:
            self.add(node, MLA.pinpoint, Literal(pinpoint))
        if notes:
            for key in ("notes", "note"):
                self.note(node, item.text(key))
            corroboration = item.text("corroboration")
            if corroboration:
                self.note(node, f"Corroboration: {corroboration}")
            support = item.text("content_support")
            if support:
                self.note(node, f"Support for the content: {support}")
            if item.has("detail_status"):
                detail = self.status(item, "detail_status")
                self.resolve_sources(item.get("detail_source"), item, "detail_source")
                where = self.source_names(item.data.get("detail_source"))
                self.note(
                    node,
                    f"The core claim is {status}; finer detail of the summary is {detail}"
                    + (f" (source: {where})." if where else "."),
                )
        return status, sources

    def fact_note(self, node: URIRef, label: str, value: Any, path: str) -> None:
        """Render an instrument-level fact with its status and sources as a note.

        Used for sections the ontology has no dedicated terms for (negotiation history, domestic
        approval steps, related instruments, open questions, ...): they stay in the graph as
        readable notes that keep the fact sheet's status and source keys.
        """
        if value is None:
            return
        if isinstance(value, list):
            for index, element in enumerate(value):
                self.fact_note(node, label, element, f"{path}[{index}]")
            return
        if not isinstance(value, dict):
            self.note(node, f"{label}: {as_text(value)}")
            return
        item = Item(self, value, path)
        body: list[str] = []
        for key in list(value):
            if key in ("status", "source", "pinpoint", "notes", "note"):
                continue
            if (
                re.search(r"_(status|source|notes?)$", key)
                and re.sub(r"_(status|source|notes?)$", "", key) in value
            ):
                continue  # rendered with its base key below
            sub = item.get(key)
            if isinstance(sub, dict | list):
                self.fact_note(node, f"{label} - {key.replace('_', ' ')}", sub, item.key(key))
                continue
            text = "not known" if sub is None else norm_space(as_text(sub))
            extra = []
            if f"{key}_status" in value:
                extra.append(self.status(item, f"{key}_status"))
            if f"{key}_source" in value:
                self.resolve_sources(item.get(f"{key}_source"), item, f"{key}_source")
                extra.append("source: " + self.source_names(value[f"{key}_source"]))
            for suffix in ("_notes", "_note"):
                if f"{key}{suffix}" in value:
                    extra.append(norm_space(as_text(item.get(f"{key}{suffix}"))))
            rendered = text + (f" [{'; '.join(extra)}]" if extra else "")
            body.append(rendered if key in _PLAIN_KEYS else f"{key.replace('_', ' ')}: {rendered}")
        prov = []
        if item.has("status"):
            prov.append(self.status(item))
        if item.has("source"):
            self.source_list(item)
            prov.append("source: " + self.source_names(value["source"]))
        if item.has("pinpoint"):
            prov.append("pinpoint: " + norm_space(as_text(item.get("pinpoint"))))
        if body:
            text = f"{label}: " + "; ".join(body) + (f" [{'; '.join(prov)}]" if prov else "")
        elif prov:
            text = f"{label}: " + "; ".join(prov)
        else:
            text = ""  # only nested sections, each rendered as its own note
        for key in ("notes", "note"):
            extra_note = item.text(key)
            if extra_note:
                text += f" Note: {extra_note}"
        for key in value:  # suffix keys consumed above through item.get
            item.used.add(key)
        item.finish()
        self.note(node, text.strip())

    def state_iri(self, code: Any, item: Item, name: str) -> URIRef:
        """Return the IRI of a State, the EU, or fail naming the unknown code."""
        text = str(code).strip()
        if text == "EU":
            return ORG.EU
        iso = EU_CODES.get(text, text)
        if iso not in STATES:
            raise item.error(
                name, f"unknown State code {text!r}; add it to STATES in the converter"
            )
        return STATE[iso]

    def iso(self, code: Any, item: Item, name: str) -> str:
        """Return the ISO 3166 code of a State code as written in a fact sheet."""
        iri = self.state_iri(code, item, name)
        if iri == ORG.EU:
            raise item.error(name, "expected a State, found the EU")
        return str(iri).rsplit("/", 1)[1]

    def feature(self, fid: Any, item: Item, name: str) -> URIRef:
        """Return the IRI of a feature of the scheme, failing on unknown ids."""
        if fid not in self.features:
            raise item.error(name, f"feature {fid!r} is not in features.yaml")
        return FEAT[str(fid)]

    def add_features(self, node: URIRef, item: Item) -> None:
        """Attach features, candidate features and proposed features of a provision."""
        for fid in item.get("features") or []:
            if fid in self.features:
                self.add(node, MLA.hasFeature, FEAT[fid])
            elif fid in self.new_feature_ids:
                self.add(node, MLA.proposedFeature, Literal(fid))
            else:
                raise item.error(
                    "features", f"feature {fid!r} is neither in features.yaml nor in new_features"
                )
        for key in ("candidate_features", "features_uncertain"):
            for fid in item.get(key) or []:
                self.add(node, MLA.candidateFeature, self.feature(fid, item, key))
        for fid in item.get("new_features") or []:
            if fid not in self.new_feature_ids:
                raise item.error("new_features", f"{fid!r} is not declared under new_features")
            self.add(node, MLA.proposedFeature, Literal(fid))

    def subdivision(
        self,
        node: URIRef,
        cls: URIRef,
        parent: URIRef,
        number: str,
        order: int,
        citation: str,
    ) -> None:
        """Add the structural triples every subdivision carries."""
        self.add(node, RDF.type, cls)
        self.add(node, RDF.type, MLA.Subdivision)
        self.add(node, ELI.is_part_of, parent)
        self.add(parent, ELI.has_part, node)
        self.add(node, MLA.inInstrument, self.iri)
        self.add(node, MLA.number, Literal(number))
        self.add(node, MLA.order, Literal(order))
        self.add(node, MLA.citation, Literal(citation))

    def node(self, relative: str) -> URIRef:
        """Return the IRI of a node of this instrument from its relative path."""
        return URIRef(f"{self.iri}/{relative}")
