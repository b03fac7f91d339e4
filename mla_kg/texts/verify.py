"""Hold the curated structure of an instrument against an official text, subdivision by subdivision.

The graph side is the named query ``instrument_body`` (articles, paragraphs, points, headings
with their languages); the text side is a :class:`~mla_kg.texts.structure.TextStructure` from a
reader. Neither side knows the other's format. The rules:

- an article of the graph is looked up by its number; absent from the text: ``missing-in-text``;
- its heading is compared in the text's language only (the graph keeps headings as printed, per
  language), tolerant of typography (case, quotes, dashes, spaces, final stop): a different
  heading is ``heading-differs``; a heading the text prints and the graph lacks in that
  language is ``missing-in-graph``, as is a heading the graph records that the text does not
  print (``heading-differs``);
- where the graph records paragraphs of an article, each numbered paragraph must be in the text
  (``missing-in-text``) and each paragraph of the text in the graph (``missing-in-graph``);
  unnumbered paragraphs against numbered ones (or the reverse) are ``structure-differs``;
- where the graph records points of a paragraph, the points must be the text's (labels, in
  order), else ``structure-differs`` naming both lists;
- articles of the text the graph does not describe at all are listed as ``not_covered``: the
  curated data may cover part of an instrument; that is not a mismatch;
- paragraphs of an article the record does not print (an amending article, whose text the
  Dutch database shows in the amended instrument's record) are ``not_checked``, with the reason.

A difference the research has examined and explains (an ``mla:TextDifference``, from the fact
sheet's ``text_differences``: the record prints a consolidated text, the data models part of an
article, the copy read lacks a label) is reported under ``explained`` with why, not as a
mismatch; an explanation that matches no difference any more is a mismatch of its own
(``stale-explanation``), so that an explanation can never hide a later change.

Annexes are not compared (the readers list them; the graph's annexes include instruments that
are not annexes of the text, such as the EU-US bilateral instruments), nor are sub-points: the
readers find them, but the graph has no sub-point level (its IRIs stop at points; the sheets
describe sub-points in a point's summary).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from mla_kg.iris import slug
from mla_kg.verification import status_name

from .structure import Article, Paragraph, TextStructure

#: Mismatch kinds, as the JSON report writes them.
KINDS = ("missing-in-graph", "missing-in-text", "heading-differs", "structure-differs")
#: The kind of an explanation in the graph that matches no difference of the text.
STALE = "stale-explanation"
MLA = "https://w3id.org/mla-kg/ontology#"


class Graph(Protocol):
    """What verification needs of a knowledge graph: the named-query runner."""

    def run(self, name: str, **params: object) -> Any:
        """Run a named query."""


@dataclass(frozen=True)
class Mismatch:
    """One difference between the graph and the text."""

    citation: str
    kind: str
    detail: str


@dataclass
class GraphParagraph:
    """A paragraph as the graph records it."""

    number: str
    editorial: bool
    citation: str
    points: list[tuple[str, str]] = field(default_factory=list)  # (label, citation)


@dataclass
class GraphArticle:
    """An article as the graph records it, with its headings by language."""

    number: str
    citation: str
    headings: dict[str, str] = field(default_factory=dict)
    paragraphs: list[GraphParagraph] = field(default_factory=list)


@dataclass
class Report:
    """The outcome of one verification (``to_dict`` is the JSON contract)."""

    instrument: str
    text: TextStructure
    checked: int = 0
    confirmed: int = 0
    confirmed_citations: list[str] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    not_covered: list[str] = field(default_factory=list)
    not_checked: list[dict[str, str]] = field(default_factory=list)
    explained: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether everything the graph records matches the text."""
        return not self.mismatches

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON report."""
        text = self.text
        return {
            "instrument": self.instrument,
            "text": {
                "path": text.path,
                "format": text.format,
                "language": text.language,
                "articles": len(text.articles),
                "subdivisions": len(text.subdivisions()),
            },
            "checked": self.checked,
            "confirmed": self.confirmed,
            "mismatches": [
                {"citation": m.citation, "kind": m.kind, "detail": m.detail}
                for m in self.mismatches
            ],
            "explained": self.explained,
            "not_covered": self.not_covered,
            "not_checked": self.not_checked,
        }


def same_heading(a: str, b: str) -> bool:
    """Tell whether two headings are the same up to typography.

    >>> same_heading("Gemeenschappelijke  onderzoeksteams.", "gemeenschappelijke onderzoeksteams")
    True
    >>> same_heading("Officials\u2019 presence \u2013 costs", "officials' presence - costs")
    True
    >>> same_heading("Videoconferenties", "Videoconferentie")
    False
    """
    return _typography(a) == _typography(b)


def _typography(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\u2018\u2019\u201a\u201b\u2032\u00b4`]", "'", text)
    text = re.sub(r"[\u201c\u201d\u201e\u00ab\u00bb]", '"', text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[*_]", "", text)
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip().rstrip(".:;").strip()


def graph_body(kg: Graph, instrument: str) -> list[GraphArticle]:
    """Return the articles, paragraphs and points the graph records for an instrument."""
    rows = list(kg.run("instrument_body", instrument=instrument))
    nodes: dict[str, dict[str, Any]] = {}
    headings: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        node = str(row["subdivision"])
        nodes.setdefault(node, row)
        heading = row.get("heading")
        if heading is not None:
            headings[node][heading.language or ""] = str(heading)
    articles: dict[str, GraphArticle] = {}
    paragraphs: dict[str, GraphParagraph] = {}

    def order(node: str) -> int:
        value = nodes[node].get("order")
        return int(value) if value is not None else 0

    for kind in ("Article", "Paragraph", "Point"):
        for node in sorted(
            (n for n, r in nodes.items() if str(r["type"]) == MLA + kind), key=order
        ):
            row = nodes[node]
            number, citation = str(row.get("number", "")), str(row.get("citation", ""))
            parent = str(row["parent"])
            if kind == "Article":
                articles[node] = GraphArticle(number, citation, headings.get(node, {}))
            elif kind == "Paragraph" and parent in articles:
                editorial = row.get("editorialNumber") is not None and bool(
                    row["editorialNumber"].toPython()
                )
                paragraphs[node] = GraphParagraph(number, editorial, citation)
                articles[parent].paragraphs.append(paragraphs[node])
            elif kind == "Point" and parent in paragraphs:
                paragraphs[parent].points.append((number, citation))
    return list(articles.values())


class _Checker:
    """Compares one instrument's graph body with one text, filling a report."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.language = report.text.language or ""

    def flag(self, citation: str, kind: str, detail: str) -> None:
        self.report.mismatches.append(Mismatch(citation, kind, detail))

    def count(self, citation: str, ok: bool) -> None:
        self.report.checked += 1
        if ok:
            self.report.confirmed += 1
            self.report.confirmed_citations.append(citation)

    def article(self, mine: GraphArticle, theirs: Article | None) -> None:
        if theirs is None:
            self.flag(mine.citation, "missing-in-text", f"the text has no article {mine.number}")
            self.count(mine.citation, False)
            for para in mine.paragraphs:
                self.count(para.citation, False)
                for _, point in para.points:
                    self.count(point, False)
            return
        self.count(mine.citation, self.heading(mine, theirs))
        if theirs.printed_elsewhere and not theirs.paragraphs:
            reason = "the record prints no body for this article: it amends another instrument"
            for para in mine.paragraphs:
                citations = [para.citation] + [point for _, point in para.points]
                self.report.not_checked += [{"citation": c, "reason": reason} for c in citations]
        elif mine.paragraphs:
            self.paragraphs(mine, theirs)

    def heading(self, mine: GraphArticle, theirs: Article) -> bool:
        lang = self.language
        recorded = mine.headings.get(lang)
        if theirs.heading is None:
            if recorded is None:
                return True
            self.flag(
                mine.citation,
                "heading-differs",
                f"the text prints no heading; the graph has {recorded!r}@{lang}",
            )
            return False
        if recorded is None:
            self.flag(
                mine.citation,
                "missing-in-graph",
                f"heading {theirs.heading!r}@{lang} is not in the graph"
                + (f" (it has {sorted(mine.headings)})" if mine.headings else ""),
            )
            return False
        if not same_heading(recorded, theirs.heading):
            self.flag(
                mine.citation,
                "heading-differs",
                f"graph {recorded!r}@{lang}, text {theirs.heading!r}",
            )
            return False
        return True

    def paragraphs(self, mine: GraphArticle, theirs: Article) -> None:
        numbered = {p.number: p for p in theirs.paragraphs if p.number is not None}
        unnumbered = [p for p in theirs.paragraphs if p.number is None]
        editorial = [p for p in mine.paragraphs if p.editorial]
        if editorial and numbered:
            self.flag(
                mine.citation,
                "structure-differs",
                f"the graph has unnumbered paragraphs ({', '.join(p.number for p in editorial)}); "
                f"the text numbers them {', '.join(numbered)}",
            )
        elif editorial and len(editorial) > max(1, len(unnumbered)):
            self.flag(
                mine.citation,
                "structure-differs",
                f"the graph has {len(editorial)} unnumbered paragraphs; the text one block",
            )
        for para in mine.paragraphs:
            if para.editorial:
                text_para = None if numbered else (unnumbered[0] if unnumbered else Paragraph(None))
                ok = text_para is not None and len(editorial) <= max(1, len(unnumbered))
            else:
                text_para = numbered.get(para.number)
                ok = text_para is not None
                if text_para is None:
                    self.missing_paragraph(para, unnumbered)
            ok = self.points(para, text_para) and ok
            self.count(para.citation, ok)
        recorded = {p.number for p in mine.paragraphs if not p.editorial}
        for number in numbered:
            if number not in recorded and not editorial:
                self.flag(
                    f"{mine.citation}({number})",
                    "missing-in-graph",
                    "the text has this paragraph; the graph does not",
                )

    def missing_paragraph(self, para: GraphParagraph, unnumbered: list[Paragraph]) -> None:
        """Flag a paragraph of the graph the text lacks (a point of the text, if it is one)."""
        labels = {p.label for block in unnumbered for p in block.points}
        if para.number in labels:
            self.flag(
                para.citation,
                "structure-differs",
                f"the graph has paragraph {para.number}; the text has point ({para.number}) "
                "in an unnumbered paragraph",
            )
        else:
            self.flag(para.citation, "missing-in-text", "the text has no such paragraph")

    def points(self, mine: GraphParagraph, theirs: Paragraph | None) -> bool:
        labels = [label for label, _ in mine.points]
        if not labels:
            return True
        text_labels = [p.label for p in theirs.points] if theirs is not None else []
        if theirs is not None and labels != text_labels:
            self.flag(
                mine.citation,
                "structure-differs",
                f"points in the graph: {', '.join(labels)}; "
                f"in the text: {', '.join(text_labels) or 'none'}",
            )
        for label, citation in mine.points:
            self.count(citation, theirs is not None and label in text_labels)
        return theirs is not None and labels == text_labels


def verify(kg: Graph, instrument: str, text: TextStructure) -> Report:
    """Hold the graph's body of ``instrument`` against ``text``; return the report.

    :param kg: the knowledge graph (anything with ``run(name, **params)``).
    :param instrument: the instrument id.
    :param text: the official text's structure.
    :raises UnknownInstrument: if the graph has no such instrument.
    """
    report = Report(instrument, text)
    checker = _Checker(report)
    body = graph_body(kg, instrument)
    for article in body:
        checker.article(article, text.article(article.number))
    covered = {a.number for a in body}
    report.not_covered = [a.citation for a in text.articles if a.number not in covered]
    _explain(kg, instrument, report)
    return report


def _explain(kg: Graph, instrument: str, report: Report) -> None:
    """Move the differences the research explains out of the mismatches; flag stale ones."""
    explanations: dict[tuple[str, str], dict[str, str]] = {}
    for row in kg.run("text_differences", instrument=instrument).rows:
        key = (str(row["citation"]), str(row["kind"]))
        entry = explanations.setdefault(
            key,
            {
                "citation": key[0],
                "kind": key[1],
                "why": str(row["why"]),
                "verification": status_name(row["verification"]),
                "sources": "",
            },
        )
        if "source" in row:
            source = slug(row["source"])
            entry["sources"] = ", ".join(filter(None, [entry["sources"], source]))
    kept = []
    for mismatch in report.mismatches:
        explanation = explanations.pop((mismatch.citation, mismatch.kind), None)
        if explanation is None:
            kept.append(mismatch)
        else:
            report.explained.append({**explanation, "detail": mismatch.detail})
    for (citation, kind), explanation in explanations.items():
        kept.append(
            Mismatch(
                citation,
                STALE,
                f"the research explains a {kind} difference here ({explanation['why']}), "
                "but the text shows none: remove or correct the explanation",
            )
        )
    report.mismatches = kept
