"""membership.yaml: EU membership over time, opt-in positions, the Japanese act."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from .items import Item, ResearchError, date_literal
from .sheet import Sheet
from .text import ROMAN_SMALL, as_text, norm_space
from .vocabulary import INSTRUMENT, MLA, ORG, STATE, STATUS_RANK, STATUSES, new_graph

#: The instrument the membership sheet's ``japan_domestic_basis`` describes.
JP_ACT_ID = "jp-act-assistance-1980"


#: The sheet of EU membership and special positions (not an instrument).
MEMBERSHIP_ID = "membership"


#: Instruments the membership sheet adds facts to; it is converted only when they are.
MEMBERSHIP_TARGETS = ("eu-jp-mla", "eio-directive-2014", "eu-mla-conv-2000")


#: Keys of special_positions entries -> the instrument their participation facts belong to.
POSITION_INSTRUMENTS = {
    "eu_japan_agreement": "eu-jp-mla",
    "eio_directive": "eio-directive-2014",
    "eu_mla_convention_2000": "eu-mla-conv-2000",
}


#: special_positions keys -> ISO code.
POSITION_STATES = {"denmark": "DK", "ireland": "IE", "united_kingdom": "GB"}


class MembershipSheet(Sheet):
    """The membership sheet: EU membership over time, special positions, Japan's 1980 Act.

    It writes three things: mla:Membership nodes (``membership.ttl``); the Act on International
    Assistance in Investigation as a mla:DomesticLaw instrument (``jp-act-assistance-1980.ttl``);
    and facts about other instruments (the EU-Japan agreement's context, Denmark's, Ireland's and
    the UK's positions), added to those instruments' graphs as confirming sources and notes on
    the participation nodes their own sheets created, and as commentary claims.
    """

    def __init__(
        self,
        path: Path,
        features: set[str],
        curation: dict[str, Any],
        sources_graph: Graph,
        instrument_graphs: dict[str, Graph],
        claim_counts: dict[str, int],
    ) -> None:
        super().__init__(path, features, curation, sources_graph)
        self.instrument_graphs = instrument_graphs
        self.claim_counts = claim_counts
        self.membership_graph = new_graph()
        self.act_graph = new_graph()
        self.iri = INSTRUMENT[JP_ACT_ID]
        self.ns = Namespace(str(self.iri) + "/")
        self.graph = self.act_graph
        self.graph.bind("jpact", self.ns)

    def convert(self) -> None:
        """Convert the whole membership sheet."""
        root = self.root
        root.get("title")
        self.convert_sources(root)
        self.new_feature_ids = {
            str(nf.data.get("id")) for nf, _ in root.items("new_features") if isinstance(nf, Item)
        }
        self.convert_context(root)
        self.convert_memberships(root)
        self.convert_positions(root)
        self.convert_act(root)
        self.convert_new_features(root)
        self.convert_membership_claims(root)
        for question, path in root.items("open_questions"):
            if not isinstance(question, str):
                raise ResearchError(self.file, path, "an open question must be a string")
            self.sources_graph.add(
                (self.research_record, MLA.note, Literal(f"Open question: {question}", lang="en"))
            )
            self.report.add("open_questions")
        root.finish()
        self.check_curation_used()

    def target(self, instrument: str) -> tuple[Graph, URIRef]:
        """Return the graph and IRI of another converted instrument."""
        return self.instrument_graphs[instrument], INSTRUMENT[instrument]

    def convert_context(self, root: Item) -> None:
        """Keep the EU-Japan agreement context as notes on that instrument (it restates it)."""
        context = root.sub("eu_japan_agreement_context")
        if context is None:
            return
        own_graph, own_iri = self.graph, self.iri
        self.graph, self.iri = self.target("eu-jp-mla")
        try:
            for key in list(context.data):
                label = "Membership sheet: " + key.replace("_", " ")
                self.fact_note(self.iri, label, context.get(key), context.key(key))
                self.report.add("eu_japan_agreement_context")
        finally:
            self.graph, self.iri = own_graph, own_iri
        context.finish()

    def membership_node(self, iso: str) -> URIRef:
        """Return the IRI of a State's membership of the EU."""
        return URIRef(f"{ORG.EU}/membership/{iso}")

    def add_membership(self, iso: str, accession: Item, notes: list[str]) -> URIRef:
        """Add a Membership node with its accession date and the day-level status."""
        g = self.membership_graph
        node = self.membership_node(iso)
        if (node, RDF.type, MLA.Membership) in g:
            raise accession.error("state", f"membership of {iso} given twice")
        g.add((node, RDF.type, MLA.Membership))
        g.add((node, MLA.member, STATE[iso]))
        g.add((node, MLA.organisation, ORG.EU))
        date_key = "accession" if "accession" in accession.data else "date"
        g.add((node, MLA["from"], date_literal(accession.require(date_key), accession, date_key)))
        year = self.status(accession, "year_status")
        day = self.status(accession, "date_status")
        sources = self.source_list(accession) or [self.research_record]
        # One verification per node: the accession day's, which is the weaker of the two.
        status = min((year, day), key=STATUS_RANK.__getitem__)
        g.add((node, MLA.verification, STATUSES[status]))
        for source in sources:
            g.add((node, MLA.source, source))
        where = self.source_names(accession.data.get("source"))
        g.add(
            (
                node,
                MLA.note,
                Literal(f"Accession year {year}, exact day {day} (source {where}).", lang="en"),
            )
        )
        for text in notes:
            g.add((node, MLA.note, Literal(norm_space(text), lang="en")))
        return node

    def convert_memberships(self, root: Item) -> None:
        """Convert member_states and former_member_states to mla:Membership nodes."""
        for entry, path in root.items("member_states"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a member State needs state/accession")
            iso = self.iso(entry.require("state"), entry, "state")
            notes = [entry.text("notes") or ""] if entry.has("notes") else []
            self.add_membership(iso, entry, notes)
            entry.finish()
            self.report.add("member_states")
        for entry, path in root.items("former_member_states"):
            if not isinstance(entry, Item):
                raise ResearchError(self.file, path, "a former member needs state/accession")
            iso = self.iso(entry.require("state"), entry, "state")
            accession = entry.sub("accession")
            if accession is None:
                raise entry.error("accession", "a former member needs its accession")
            node = self.add_membership(iso, accession, [])
            accession.finish()
            g = self.membership_graph
            for key, prop, label in (
                ("withdrawal", MLA.until, "Withdrawal"),
                ("transition_period_end", MLA.boundUntil, "End of the transition period"),
            ):
                step = entry.sub(key)
                if step is None:
                    continue
                g.add((node, prop, date_literal(step.require("date"), step, "date")))
                status = self.status(step)
                for source in self.source_list(step):
                    g.add((node, MLA.source, source))
                where = self.source_names(step.data.get("source"))
                text = f"{label}: {as_text(step.data['date'])} ({status}, source {where})."
                for extra in ("time", "notes"):
                    if step.has(extra):
                        text += f" {step.text(extra)}"
                g.add((node, MLA.note, Literal(norm_space(text), lang="en")))
                step.finish()
            self.apply_positions(entry, iso, ("eu_japan_agreement", "eio_directive"))
            entry.finish()
            self.report.add("former_member_states")

    def convert_positions(self, root: Item) -> None:
        """Convert special_positions onto the participations of the instruments they concern."""
        positions = root.sub("special_positions")
        if positions is None:
            return
        for key in list(positions.data):
            if key not in POSITION_STATES:
                raise positions.error(key, "unknown State; add it to POSITION_STATES")
            entry = positions.sub(key)
            assert entry is not None
            iso = POSITION_STATES[key]
            basis = entry.sub("treaty_basis")
            if basis is not None:
                status = self.status(basis)
                self.source_list(basis)
                where = self.source_names(basis.data.get("source"))
                self.membership_graph.add(
                    (
                        self.membership_node(iso),
                        MLA.note,
                        Literal(
                            f"Treaty basis of its position: {norm_space(basis.require('text'))} "
                            f"({status}, source {where})",
                            lang="en",
                        ),
                    )
                )
                basis.finish()
            self.apply_positions(entry, iso, tuple(k for k in entry.data if k != "treaty_basis"))
            entry.finish()
            self.report.add("special_positions")

    def apply_positions(self, entry: Item, iso: str, keys: tuple[str, ...]) -> None:
        """Add a position (bound / opt-in / application) to the instrument's participation node.

        The instrument's own sheet created the node; a disagreement on whether the State is bound
        stops the converter. The position's sources are added and its wording kept as a note; the
        node's verification stays as the instrument's sheet gives it (never upgraded).
        """
        for key in keys:
            position = entry.sub(key)
            if position is None:
                continue
            if key not in POSITION_INSTRUMENTS:
                raise entry.error(key, "unknown instrument; add it to POSITION_INSTRUMENTS")
            graph, iri = self.target(POSITION_INSTRUMENTS[key])
            node = URIRef(f"{iri}/participation/{iso}")
            if (node, RDF.type, MLA.Participation) not in graph:
                raise position.error("", f"{node} does not exist; its instrument sheet must add it")
            parts = []
            for sub_key in list(position.data):
                if sub_key in ("status", "source", "notes"):
                    continue
                sub = position.sub(sub_key) if isinstance(position.data[sub_key], dict) else None
                if sub is None:
                    value = position.get(sub_key)
                    if sub_key in ("bound", "opt_in"):
                        said = bool(value)
                        recorded = graph.value(node, MLA.bound)
                        if recorded is None or bool(recorded.toPython()) != said:
                            raise position.error(
                                sub_key, f"{node} records bound {recorded}, this sheet {said}"
                            )
                    parts.append(f"{sub_key.replace('_', ' ')}: {as_text(value)}")
                    continue
                status = self.status(sub)
                for source in self.source_list(sub):
                    graph.add((node, MLA.source, source))
                where = self.source_names(sub.data.get("source"))
                if sub.has("value") and sub_key in ("opt_in",):
                    recorded = graph.value(node, MLA.bound)
                    if recorded is None or not recorded.toPython():
                        raise sub.error("value", f"{node} is not recorded as bound")
                detail = sub.text("text") or as_text(sub.data.get("value"))
                sub.get("value")
                note = sub.text("notes")
                graph.add(
                    (
                        node,
                        MLA.note,
                        Literal(
                            f"Membership sheet, {sub_key.replace('_', ' ')}: {detail} ({status}, "
                            f"source {where}).{' ' + note if note else ''}",
                            lang="en",
                        ),
                    )
                )
                sub.finish()
            if parts:
                status = self.status(position)
                for source in self.source_list(position):
                    graph.add((node, MLA.source, source))
                where = self.source_names(position.data.get("source"))
                note = position.text("notes")
                graph.add(
                    (
                        node,
                        MLA.note,
                        Literal(
                            f"Membership sheet: {'; '.join(parts)} ({status}, source {where})."
                            f"{' ' + note if note else ''}",
                            lang="en",
                        ),
                    )
                )
            position.finish()
            self.report.add("positions applied to participations")

    def convert_act(self, root: Item) -> None:
        """Convert japan_domestic_basis into the DomesticLaw instrument and its provisions."""
        basis = root.sub("japan_domestic_basis")
        if basis is None:
            raise root.error("japan_domestic_basis", "the sheet must describe Japan's Act")
        act = basis.sub("act")
        assert act is not None
        iri = self.iri
        self.add(iri, RDF.type, MLA.Instrument)
        self.add(iri, RDF.type, MLA.DomesticLaw)
        self.add(iri, MLA.instrumentId, Literal(JP_ACT_ID))
        self.add(iri, DCTERMS.title, Literal(norm_space(act.require("title")), lang="en"))
        self.add(iri, DCTERMS.title, Literal(norm_space(act.require("title_ja")), lang="ja"))
        self.add(iri, MLA.party, STATE.JP)
        self.add(iri, MLA.shortTitle, Literal("Act No. 69 of 1980", lang="en"))
        status, sources = self.provenance(iri, act)
        number = self.node("identifier/jp-act-number")
        self.add(iri, MLA.identifier, number)
        self.add(number, RDF.type, MLA.Identifier)
        self.add(number, MLA.scheme, Literal("jp-act-number"))
        self.add(number, RDF.value, Literal(norm_space(act.require("number"))))
        self.add(number, MLA.verification, STATUSES[status])
        for source in sources:
            self.add(number, MLA.source, source)
        promulgated = date_literal(act.require("promulgated"), act, "promulgated")
        # A statute has no signature: its promulgation is the date it exists from, and the
        # legal-basis finder treats nothing as binding before an instrument's mla:dateSigned.
        self.add(iri, MLA.dateSigned, promulgated)
        self.note(
            iri,
            f"Promulgated on {promulgated} ({status}); entry into force not in the research.",
        )
        # The research gives no entry-into-force date: say so (recalled, the research record).
        self.add(iri, MLA.entryIntoForceStatus, MLA.recalled)
        self.add(iri, MLA.entryIntoForceSource, self.research_record)
        act.finish()
        self.report.add("japan_domestic_basis.act")
        # Japan is the one State the Act binds; the date it took effect is not in the research.
        node = self.participation_node("JP", basis, "act")
        self.add(node, MLA.bound, Literal(True))
        self.add(node, MLA.mode, MLA.asParty)
        self.add(node, MLA.verification, STATUSES[status])
        for source in sources:
            self.add(node, MLA.source, source)
        self.note(
            node,
            "Japan's own statute: it applies to requests Japan receives without a treaty, on "
            "condition of reciprocity (Art 4). No mla:from: the Act's entry into force is not "
            "in the research.",
        )
        for key in (
            "availability_without_treaty",
            "treaty_based_central_authorities",
            "multilateral_bases_named_by_moj",
        ):
            value = basis.get(key)
            if value is not None:
                self.fact_note(iri, key.replace("_", " ").capitalize(), value, basis.key(key))
                self.report.add(f"japan_domestic_basis.{key}")
        for key in ("channel_and_procedure", "grounds_for_refusal"):
            for entry, path in basis.items(key):
                if not isinstance(entry, Item):
                    raise ResearchError(self.file, path, "a provision needs provision/summary")
                self.convert_act_provision(entry)
                entry.finish()
                self.report.add(f"japan_domestic_basis.{key}")
        basis.finish()

    def convert_act_provision(self, entry: Item) -> None:
        """Convert one provision of the Act ('Art 3(1)', 'Art 2(i)', 'Art 5 (discretion)')."""
        text = norm_space(entry.require("provision"))
        match = re.fullmatch(r"Art (\d+)(?:\(([0-9]+|[ivx]+)\))?(?: \(([a-z ]+)\))?", text)
        if not match:
            raise entry.error("provision", f"cannot read the provision {text!r}")
        art, sub, aspect = match.groups()
        article = self.node(f"art/{art}")
        status = self.status(entry)
        sources = self.source_list(entry) or [self.research_record]
        if (article, RDF.type, MLA.Article) not in self.graph:
            self.subdivision(article, MLA.Article, self.iri, art, int(art), f"Art {art}")
            self.add(article, MLA.verification, STATUSES[status])
            for source in sources:
                self.add(article, MLA.source, source)
            self.note(
                article,
                "Article node from the first item the sheet places in it; its status is that "
                "item's.",
            )
        node = article
        if sub is not None:
            node = self.node(f"art/{art}/para/{sub}")
            order = int(sub) if sub.isdigit() else ROMAN_SMALL.index(sub) + 1
            self.subdivision(node, MLA.Paragraph, article, sub, order, f"Art {art}({sub})")
            if not sub.isdigit():
                self.note(
                    node,
                    f"Item ({sub}) of Art {art} (a numbered item directly under the article in "
                    "Japanese statutes); recorded as a paragraph, the model having no item level.",
                )
            self.add(node, MLA.verification, STATUSES[status])
            for source in sources:
                self.add(node, MLA.source, source)
        elif aspect is not None:
            recorded = self.graph.value(node, MLA.verification)
            if recorded != STATUSES[status]:
                raise entry.error("status", f"Art {art} already has another status")
            self.note(node, f"Aspect '{aspect}' given separately by the fact sheet.")
        else:
            recorded = self.graph.value(node, MLA.verification)
            if recorded != STATUSES[status]:
                raise entry.error("status", f"Art {art} already has another status")
            for source in sources:
                self.add(node, MLA.source, source)
        self.add(node, MLA.summary, Literal(norm_space(entry.require("summary")), lang="en"))
        self.add_features(node, entry)
        notes = entry.text("notes")
        self.note(node, notes)
        for fid in re.findall(r"new_features: ([a-z0-9-]+)", notes or ""):
            if fid not in self.new_feature_ids:
                raise entry.error("notes", f"{fid!r} is not declared under new_features")
            self.add(node, MLA.proposedFeature, Literal(fid))
        entry.get("status")
        entry.get("source")

    def convert_membership_claims(self, root: Item) -> None:
        """Convert the claims (about the EU-Japan agreement) into that instrument's graph."""
        own = (self.graph, self.iri, self.claim_count, self.curation)
        self.graph, self.iri = self.target("eu-jp-mla")
        self.claim_count = self.claim_counts["eu-jp-mla"]
        try:
            self.convert_claims(root)
        finally:
            self.claim_counts["eu-jp-mla"] = self.claim_count
            self.graph, self.iri, self.claim_count, self.curation = own
