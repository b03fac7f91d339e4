"""Articles, paragraphs, sentences and points (the subdivisions of the body)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from .base import SheetBase
from .items import Item, ResearchError
from .text import as_text, norm_space, slug
from .vocabulary import MLA, STATUS_RANK, STATUSES


@dataclass
class Paragraph:
    """What the converter remembers about a paragraph while converting its points."""

    node: URIRef
    citation: str
    status: str  # the paragraph's own (core) status: no point may claim more
    point_status: str  # default for points: the status of the summary's finer detail, if given
    sources: list[URIRef]


class ArticlesMixin(SheetBase):
    """Articles, paragraphs, sentences and points (the subdivisions of the body)."""

    def convert_articles(self, root: Item) -> None:
        """Convert articles, their paragraphs and points."""
        self.curated_points = {}
        points_curation = self.curation.sub("points")
        if points_curation is not None:
            for key in points_curation.data:
                sub = points_curation.sub(key)
                assert sub is not None
                self.curated_points[key] = sub
        seen: set[str] = set()
        for order, (art, path) in enumerate(root.items("articles"), start=1):
            if not isinstance(art, Item):
                raise ResearchError(self.file, path, "an article must be a mapping")
            number = norm_space(as_text(art.require("number")))
            if number in seen:
                raise art.error("number", f"article {number} appears twice")
            seen.add(number)
            node = self.node(f"art/{slug(number)}")
            self.subdivision(node, MLA.Article, self.iri, number, order, f"Art {number}")
            status, _ = self.provenance(node, art)
            self.headings(node, art, status)
            subject = art.text("subject")
            if subject:
                self.add(node, MLA.subject, Literal(subject, lang="en"))
            confidence = art.text("number_confidence")
            if confidence:
                self.add(node, MLA.numberConfidence, Literal(confidence))
            self.report.add("articles")
            paragraphs = art.items("paragraphs")
            for p_order, (para, p_path) in enumerate(paragraphs, start=1):
                if not isinstance(para, Item):
                    raise ResearchError(self.file, p_path, "a paragraph must be a mapping")
                self.convert_paragraph(node, number, para, p_order)
            art.finish()

    def headings(self, node: URIRef, item: Item, status: str) -> None:
        """Add headings per language, as given; a differing status becomes headingVerification."""
        en_status_key = "heading_status" if item.has("heading_status") else "heading_en_status"
        statuses = []
        for lang, key, status_key in (
            ("en", "heading", en_status_key),
            ("nl", "heading_nl", "heading_nl_status"),
            ("fr", "heading_fr", "heading_fr_status"),
        ):
            text = item.text(key)
            h_status = self.status(item, status_key, default=status)
            if not text:
                continue
            if lang == "en":
                label = re.match(r"^(.*?)\s*\(descriptive label\)$", text)
                if label:
                    self.add(node, MLA.subject, Literal(label.group(1), lang="en"))
                    self.note(
                        node, "The fact sheet's label is descriptive, not a heading of the text."
                    )
                    continue
                chapter = re.match(r"^(Chapter .*?)\s*\((chapter heading[^)]*)\)$", text)
                if chapter:
                    self.note(node, f"Chapter heading ({chapter.group(2)}): {chapter.group(1)}")
                    continue
            self.add(node, MLA.heading, Literal(text, lang=lang))
            statuses.append((lang, h_status))
        item.get("heading_status")
        item.get("heading_en_status")
        if statuses:
            weakest = min((s for _, s in statuses), key=STATUS_RANK.__getitem__)
            if weakest != status:
                self.add(node, MLA.headingVerification, STATUSES[weakest])
            if len({s for _, s in statuses}) > 1:
                self.note(
                    node, "Heading statuses: " + "; ".join(f"{lang} {s}" for lang, s in statuses)
                )
        if item.has("heading_source"):
            self.source_list(item, "heading_source")
            self.note(node, f"Heading source: {self.source_names(item.data['heading_source'])}")
        for key in ("heading_note", "heading_notes"):
            text = item.text(key)
            if text:
                self.note(node, f"Heading: {text}")

    def convert_paragraph(self, article: URIRef, art_number: str, para: Item, order: int) -> None:
        """Convert one paragraph (numbered, unnumbered, or of unknown number) and its points."""
        raw = para.get("number")
        unnumbered = bool(para.get("unnumbered"))
        if raw is None or unnumbered:
            editorial = norm_space(as_text(raw)) if unnumbered and raw is not None else str(order)
            number = f"[{editorial}]"
            node = URIRef(f"{article}/para/u{slug(editorial)}")
            citation = f"Art {art_number} [{editorial}]"
        else:
            number = norm_space(as_text(raw))
            node = URIRef(f"{article}/para/{slug(number)}")
            simple = re.fullmatch(r"[0-9]+[a-z]?|[a-z]", number)
            citation = (
                f"Art {art_number}({number})" if simple else f"Art {art_number} para {number}"
            )
        if (node, RDF.type, MLA.Paragraph) in self.graph:
            raise para.error("number", f"paragraph {number} of Art {art_number} appears twice")
        self.subdivision(node, MLA.Paragraph, article, number, order, citation)
        if raw is None or unnumbered:
            self.add(node, MLA.editorialNumber, Literal(True))
            if raw is None:
                self.note(
                    node,
                    f"The fact sheet gives no paragraph number; [{editorial}] is the paragraph's "
                    "position in the fact sheet's list, not a number printed in the text.",
                )
        if "approx" in number:
            self.add(node, MLA.numberConfidence, Literal("low"))
        summary = para.text("summary")
        if summary:
            self.add(node, MLA.summary, Literal(summary, lang="en"))
        status, sources = self.provenance(node, para)
        self.add_features(node, para)
        self.convert_sentences(node, para)
        self.report.add("paragraphs")
        detail_status = para.data.get("detail_status")
        detail_sources = self.resolve_sources(para.data.get("detail_source"), para, "detail_source")
        self.convert_points(
            para,
            Paragraph(
                node, citation, status, str(detail_status or status), detail_sources or sources
            ),
        )
        para.finish()

    def convert_sentences(self, node: URIRef, para: Item) -> None:
        """Keep a paragraph's sentence-level summaries as notes with their own status and sources.

        The model has no sentence subdivision (the IRI scheme stops at points); each sentence
        becomes an mla:note on the paragraph that names the sentence number, its status and its
        source keys, so the finer grain the fact sheet gives is not lost.
        """
        for sentence, path in para.items("sentences"):
            if not isinstance(sentence, Item):
                raise ResearchError(self.file, path, "a sentence needs n/summary/status/source")
            number = norm_space(as_text(sentence.require("n")))
            s_status = self.status(sentence)
            self.source_list(sentence)
            self.note(
                node,
                f"Sentence {number} ({s_status}"
                + self.source_clause(sentence.data.get("source"))
                + f"): {norm_space(sentence.require('summary'))}",
            )
            sentence.finish()
            self.report.add("sentences")

    def convert_points(self, para: Item, parent: Paragraph) -> None:
        """Convert the points of a paragraph, from points / points_detail / point_features."""
        letters = para.get("points") or []
        details = {}
        for detail, path in para.items("points_detail"):
            if not isinstance(detail, Item):
                raise ResearchError(self.file, path, "a point detail must be a mapping")
            details[str(detail.require("point"))] = detail
        point_features = para.get("point_features") or {}
        for letter in list(details) + list(point_features):
            if letter not in [str(x) for x in letters]:
                raise para.error(
                    "points", f"point {letter!r} is described but not listed in points"
                )
        notes = norm_space(str(para.data.get("notes") or ""))
        letters_recalled = bool(
            re.search(r"\b(point|letter)s?\b[^.]*\b(inferred|recalled)\b", notes, re.IGNORECASE)
        )
        order = 0
        for letter in letters:
            text = str(letter).strip()
            if not re.fullmatch(r"[a-z]{1,2}|[ivx]+|[0-9]+", text):
                self.report.skip(
                    "points", para.key("points"), f"{text!r} is not a point label; kept as a note"
                )
                self.note(parent.node, f"Points as listed by the fact sheet: {text}")
                continue
            order += 1
            node = URIRef(f"{parent.node}/point/{slug(text)}")
            citation = (
                f"{parent.citation}({text})"
                if parent.citation.endswith(")")
                else f"{parent.citation}, point ({text})"
            )
            self.subdivision(node, MLA.Point, parent.node, text, order, citation)
            relative = str(node)[len(str(self.iri)) + 1 :]
            curated = self.curated_points.get(relative)
            detail = details.get(text)
            if detail is not None:
                summary = detail.text("summary")
                if summary:
                    self.add(node, MLA.summary, Literal(summary, lang="en"))
                self.provenance(node, detail, default_sources=parent.sources)
                self.add_features(node, detail)
                detail.finish()
            else:
                status = "recalled" if letters_recalled else parent.point_status
                if letters_recalled and curated is None:
                    self.note(
                        node,
                        "The paragraph's notes say its point letters are inferred or recalled.",
                    )
                sources = parent.sources
                pinpoint = None
                if curated is not None:
                    status, sources, pinpoint = self.curate_point(
                        curated, relative, parent, sources
                    )
                self.add(node, MLA.verification, STATUSES[status])
                for source in sources:
                    self.add(node, MLA.source, source)
                if pinpoint:
                    self.add(node, MLA.pinpoint, Literal(pinpoint))
                for fid in point_features.get(text, []):
                    self.add(node, MLA.hasFeature, self.feature(fid, para, "point_features"))
            if curated is not None and detail is not None:
                raise self.curation.error(
                    f"points.{relative}", "point has points_detail; curate there"
                )
            self.report.add("points")

    def curate_point(
        self, curated: Item, relative: str, parent: Paragraph, sources: list[URIRef]
    ) -> tuple[str, list[URIRef], str | None]:
        """Apply a curated status / features / source to a point, never above its paragraph."""
        self.used_curated_points.add(relative)
        status = self.status(curated, default=parent.point_status)
        if STATUS_RANK[status] > STATUS_RANK[parent.status]:
            # Never upgrade: a point can claim at most what the fact sheet says of its paragraph.
            raise curated.error(
                "status", f"{status} is stronger than the paragraph's {parent.status}"
            )
        curated_sources = self.source_list(curated) or sources
        node = self.node(relative)
        for fid in curated.get("features") or []:
            self.add(node, MLA.hasFeature, self.feature(fid, curated, "features"))
        reason = curated.require("reason")
        self.note(node, f"Point-level status and features derived from the fact sheet: {reason}")
        pinpoint = curated.text("pinpoint")
        curated.finish()
        self.report.remark(f"curated point {relative}: {status}")
        return status, curated_sources, pinpoint

    def check_curation_used(self) -> None:
        """Fail when a curated point names a node the fact sheet does not have."""
        unused = sorted(set(self.curated_points) - self.used_curated_points)
        if unused:
            raise self.curation.error(f"points.{unused[0]}", "no such point in the fact sheet")
        unused = sorted(
            set(self.curation.data.get("source_classes") or {}) - self.used_source_classes
        )
        if unused:
            raise self.curation.error(f"source_classes.{unused[0]}", "no such source key")
        unused = sorted(
            set(self.curation.data.get("identifier_sources") or {}) - self.used_identifier_sources
        )
        if unused:
            raise self.curation.error(
                f"identifier_sources.{unused[0]}", "no such identifier without a source"
            )
        unused = sorted(set(self.curation.data.get("authorities") or {}) - self.used_authority_keys)
        if unused:
            raise self.curation.error(
                f"authorities.{unused[0]}", "no such entry designates authorities"
            )
        for key in (
            "points",
            "official_text",
            "annex_entries",
            "annex_citations",
            "annex_notes",
            "authorities",
            "claims",
            "source_classes",
            "identifier_sources",
            "participation",
        ):
            self.curation.used.add(key)
        self.curation.finish()

    def convert_unplaced(self, root: Item) -> None:
        """Convert provisions_unplaced to mla:UnplacedProvision attached to the instrument."""
        for index, (prov, path) in enumerate(root.items("provisions_unplaced"), start=1):
            if not isinstance(prov, Item):
                raise ResearchError(self.file, path, "an unplaced provision must be a mapping")
            node = self.node(f"unplaced/{index}")
            self.subdivision(
                node,
                MLA.UnplacedProvision,
                self.iri,
                f"[{index}]",
                index,
                f"unplaced provision {index}",
            )
            self.add(node, MLA.editorialNumber, Literal(True))
            summary = prov.text("provision") or prov.text("summary")
            if prov.has("provision") and prov.has("summary"):
                raise prov.error("summary", "both provision and summary given; keep one")
            if summary:
                self.add(node, MLA.summary, Literal(summary, lang="en"))
            topic = prov.text("topic")
            if topic:
                self.add(node, MLA.subject, Literal(topic, lang="en"))
            probable = prov.text("probable_article")
            if probable:
                self.add(node, MLA.probableArticle, Literal(probable))
            self.provenance(node, prov)
            self.add_features(node, prov)
            prov.finish()
            self.report.add("provisions_unplaced")
