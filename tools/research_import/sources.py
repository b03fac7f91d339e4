"""The sources section of a fact sheet: source records, copies read, the seed records."""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from .base import SheetBase
from .items import Item
from .text import slug, source_short_name
from .vocabulary import MLA, SOURCE

SEED_PATH = "shared/seeds/weyembergh-wieczorek-eu-japan-mla.txt"


SEED_MOJ_PATH = "shared/seeds/japan-moj-mla-page.txt"


RESEARCH_RECORD_URL = "data/README.md"


#: Source classes the curation file may assign where the description alone does not settle it.
SOURCE_CLASSES = {
    "official": MLA.OfficialSource,
    "scholarly": MLA.ScholarlySource,
    "non-official": MLA.NonOfficialSource,
}


NON_OFFICIAL_MARKS = (
    "not official",
    "not reliable",
    "mirror",
    "commercial",
    "corroboration only",
    "not on reliable list",
    "unofficial",
    "not an official",
)


SCHOLARLY_MARKS = (
    "(scholarly)",
    "eucrim",
    "zjapanr",
    "zeitschrift",
    "journal",
    "chapter comparing",
)


OFFICIAL_HOSTS = (
    "europa.eu",
    "riigiteataja.ee",
    "senat.fr",
    "regjeringen.no",
    "gov.cn",
    "eu.dk",
    "cnmv.es",
    "go.jp",
    ".gov",
    "parliament.uk",
    "parliament.the-stationery-office.co.uk",
    "oireachtas.ie",
    "overheid.nl",
    "officielebekendmakingen.nl",
    "coe.int",
    "usembassy.gov",
    "un.org",
    "unodc.org",
    "legislation.gov.uk",
)


def is_official_host(host: str) -> bool:
    """Tell whether a host name belongs to a public authority on the project's list."""
    return any(host == h.lstrip(".") or host.endswith("." + h.lstrip(".")) for h in OFFICIAL_HOSTS)


def classify_source(key: str, what: str, reliability: str, url: str | None, entry: Item) -> URIRef:
    """Classify a source as official, scholarly or non-official from the fact sheet's description.

    Marks of a non-official copy win over everything (a mirror of an official database is not
    official); an explicit scholarly mark comes next; news is non-official unless published by a
    public authority; the remaining sources must sit on a known official host.
    """
    text = f"{what} {reliability}".lower()
    host = re.sub(r"^[a-z]+://", "", (url or "").lower()).split("/", 1)[0].split(":", 1)[0]
    if any(mark in text for mark in NON_OFFICIAL_MARKS):
        return MLA.NonOfficialSource
    if any(mark in text for mark in SCHOLARLY_MARKS):
        return MLA.ScholarlySource
    if "news" in text and not is_official_host(host):
        return MLA.NonOfficialSource
    if is_official_host(host):
        return MLA.OfficialSource
    if url is None and "recollection" in text:
        return MLA.NonOfficialSource
    raise entry.error(
        "url", f"cannot classify source {key!r} ({host or 'no URL'}); extend classify_source"
    )


SEED_TITLE = (
    "Norm diffusion as a tool to uphold and promote EU values & interests: "
    "a case study on the EU Japan Mutual Legal Assistance Agreement"
)


SEED_MOJ_TITLE = "Ministry of Justice of Japan: Mutual Legal Assistance in Criminal Matters"


# Checked against the first lines of shared/seeds/weyembergh-wieczorek-eu-japan-mla.txt.
SEED_CREATORS = ("Anne Weyembergh", "Irene Wieczorek")
#: How tables name the seed article: its authors and year, as lawyers cite an article.
SEED_SHORT_NAME = "Weyembergh & Wieczorek 2020"
# Not in the project copy: the Durham Research Online record of the article gives the journal,
# volume (issue), year and pages; the vLex record gives the DOI.
SEED_PUBLISHED_IN = "https://dro.dur.ac.uk/31382/"
SEED_JOURNAL = "New Journal of European Criminal Law"
SEED_CITATION = "New Journal of European Criminal Law 11(4) (2020) 439-466"
SEED_DOI = "doi:10.1177/2032284420938140"


def add_seed_record(g: Graph) -> None:
    """Add the seed article as a bibliographic record."""
    seed = SOURCE.seed
    g.add((seed, RDF.type, MLA.Source))
    g.add((seed, RDF.type, MLA.ScholarlySource))
    g.add((seed, RDF.type, DCTERMS.BibliographicResource))
    g.add((seed, DCTERMS.title, Literal(SEED_TITLE, lang="en")))
    for creator in SEED_CREATORS:
        g.add((seed, DCTERMS.creator, Literal(creator)))
    g.add((seed, MLA.url, Literal(SEED_PATH, datatype=XSD.anyURI)))
    g.add((seed, MLA.sourceKey, Literal("seed")))
    g.add((seed, MLA.shortName, Literal(SEED_SHORT_NAME)))
    # The project copy is the authors' manuscript and states no journal, volume or year; these
    # come from the Durham Research Online record (SEED_PUBLISHED_IN), the DOI from vLex.
    g.add((seed, DCTERMS.isPartOf, SOURCE["seed-journal"]))
    g.add((seed, DCTERMS.date, Literal("2020", datatype=XSD.gYear)))
    g.add((seed, DCTERMS.bibliographicCitation, Literal(SEED_CITATION)))
    g.add((seed, DCTERMS.identifier, Literal(SEED_DOI)))
    g.add((SOURCE["seed-journal"], RDF.type, DCTERMS.BibliographicResource))
    g.add((SOURCE["seed-journal"], DCTERMS.title, Literal(SEED_JOURNAL, lang="en")))
    g.add(
        (
            seed,
            MLA.note,
            Literal(
                "Journal article by a professor at the Université Libre de Bruxelles and an "
                "assistant professor at Durham University. The project copy is the authors' "
                "text without the journal's pagination (its latest access dates are April "
                "2020); journal, volume, issue, year and pages are from the Durham Research "
                f"Online record ({SEED_PUBLISHED_IN}), the DOI from the vLex record. Pinpoints "
                "in the data are to the copy's sections and footnotes.",
                lang="en",
            ),
        )
    )


def add_seed_moj_record(g: Graph) -> None:
    """Add the Japanese Ministry of Justice MLA page (a project research input)."""
    moj = SOURCE["seed-moj"]
    g.add((moj, RDF.type, MLA.Source))
    g.add((moj, RDF.type, MLA.OfficialSource))
    g.add((moj, DCTERMS.title, Literal(SEED_MOJ_TITLE, lang="en")))
    g.add((moj, MLA.url, Literal(SEED_MOJ_PATH, datatype=XSD.anyURI)))
    g.add((moj, MLA.sourceKey, Literal("seed_moj")))
    g.add((moj, MLA.shortName, Literal("MOJ Japan MLA page")))
    g.add(
        (
            moj,
            MLA.note,
            Literal("Copy of the English page of the Ministry of Justice of Japan.", lang="en"),
        )
    )


class SourcesMixin(SheetBase):
    """The sources section of a fact sheet: source records, copies read, the seed records."""

    def convert_sources(self, root: Item) -> None:
        """Map the sheet's source keys to source nodes (written to sources.ttl)."""
        sources = root.sub("sources")
        if sources is None:
            raise root.error("sources", "a fact sheet needs a sources section")
        g = self.sources_graph
        record = self.research_record
        g.add((record, RDF.type, MLA.Source))
        g.add((record, RDF.type, MLA.ResearchRecord))
        g.add((record, DCTERMS.title, Literal(f"mla-kg research fact sheet: {self.id}", lang="en")))
        g.add((record, MLA.url, Literal(RESEARCH_RECORD_URL, datatype=XSD.anyURI)))
        g.add((record, MLA.sourceKey, Literal(f"research-{self.id}")))
        g.add((record, MLA.shortName, Literal(f"fact sheet {self.id}")))
        for key in list(sources.data):
            entry = sources.sub(key)
            assert entry is not None
            url = entry.text("url")
            if key == "seed" or url == SEED_PATH:
                iri = SOURCE.seed
                add_seed_record(g)
            elif key == "seed_moj" or url == SEED_MOJ_PATH:
                iri = SOURCE["seed-moj"]
                add_seed_moj_record(g)
            elif url is None and "recollection" in (entry.text("what") or ""):
                # The compiler's own recollection is the fact sheet itself, not a source of its
                # own: cite the research record (which keeps the sheet's wording as a note).
                iri = record
                what = entry.text("what")
                g.add((record, MLA.note, Literal(f"Source key {key!r}: {what}", lang="en")))
            else:
                iri = SOURCE[f"{self.id}-{slug(key)}"]
                self.add_source_node(iri, key, entry, url)
            entry.get("what")  # the seed records carry fixed titles
            entry.finish()
            self.source_keys[key] = iri
            self.report.add("sources")

    def add_source_node(self, iri: URIRef, key: str, entry: Item, url: str | None) -> None:
        """Add one source, classified as official, scholarly or non-official."""
        g = self.sources_graph
        what = entry.text("what") or ""
        reliability = entry.text("reliability") or ""
        seen_via = entry.text("seen_via")
        curated = (self.curation.get("source_classes") or {}).get(key)
        if curated is not None:
            c_item = Item(self, curated, f"curation[{self.id}].source_classes.{key}")
            name = c_item.require("class")
            if name not in SOURCE_CLASSES:
                raise c_item.error("class", f"expected one of {sorted(SOURCE_CLASSES)}")
            cls = SOURCE_CLASSES[name]
            reason = f"Classified by curation: {c_item.require('reason')}"
            g.add((iri, MLA.note, Literal(reason, lang="en")))
            c_item.finish()
            self.used_source_classes.add(key)
        else:
            cls = classify_source(key, what, reliability, url, entry)
        g.add((iri, RDF.type, MLA.Source))
        g.add((iri, RDF.type, cls))
        g.add((iri, DCTERMS.title, Literal(what, lang="en")))
        g.add((iri, MLA.sourceKey, Literal(key)))
        first_url = (url or "").split(" ; ", 1)[0].strip()
        short = entry.text("short_name") or source_short_name(what, first_url)
        g.add((iri, MLA.shortName, Literal(short)))
        if url:
            for one in (u.strip() for u in url.split(" ; ")):
                g.add((iri, MLA.url, Literal(one, datatype=XSD.anyURI)))
        if reliability:
            g.add((iri, MLA.note, Literal(f"Reliability: {reliability}", lang="en")))
        if seen_via:
            g.add((iri, MLA.note, Literal(f"Seen via: {seen_via}", lang="en")))
        g.add((iri, MLA.note, Literal(f"Cited by the fact sheet {self.id}", lang="en")))
        copy = entry.sub("derived_from")
        if copy is not None:
            self.copies[iri] = self.add_copy_node(iri, copy, short)

    def add_copy_node(self, record: URIRef, copy: Item, name: str) -> URIRef:
        """Add the copy of an official record that was actually read (PROV).

        A fact citing ``record`` is then ``prov:wasDerivedFrom`` this copy: the record is the
        source, the copy is what the reader had in hand.
        """
        g = self.sources_graph
        repository = copy.require("repository")
        commit = copy.require("commit")
        path = copy.require("path")
        copy.finish()
        node = URIRef(f"{record}/copy-read")
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, RDF.type, MLA.Source))
        g.add((node, RDF.type, MLA.NonOfficialSource))
        title = f"Copy read of {record.rsplit('/', 1)[-1]}: {repository} at {commit}, {path}"
        g.add((node, DCTERMS.title, Literal(title, lang="en")))
        g.add((node, MLA.shortName, Literal(f"copy read of {name}")))
        g.add(
            (
                node,
                MLA.url,
                Literal(
                    f"https://github.com/{repository}/blob/{commit}/{path}", datatype=XSD.anyURI
                ),
            )
        )
        g.add((node, PROV.wasDerivedFrom, record))
        return node
