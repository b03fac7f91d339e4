"""Explained differences between the curated structure and an official text (``text_differences``).

`mla-kg verify` holds an instrument's articles, paragraphs and points against an official text.
Where the research has examined a difference and it is not an error of the data (the record
prints a consolidated text, an article as substituted by a later protocol; the data models only
part of an article; the copy read lacks a point's label), the fact sheet explains it under
``text_differences``: the citation and kind exactly as `verify` reports them, why, and the
record compared. Each becomes an ``mla:TextDifference`` that `verify` reports as explained.
"""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import RDF

from .base import SheetBase
from .items import Item, ResearchError
from .text import slug
from .vocabulary import MLA

#: The kinds `mla-kg verify` reports (mla_kg/texts/verify.py, KINDS).
DIFFERENCE_KINDS = ("missing-in-graph", "missing-in-text", "heading-differs", "structure-differs")


class TextDifferencesMixin(SheetBase):
    """The ``text_differences`` section of a fact sheet."""

    def convert_text_differences(self, root: Item) -> None:
        """One ``mla:TextDifference`` per explained difference, with its record and status."""
        for item, path in root.items("text_differences"):
            if not isinstance(item, Item):
                raise ResearchError(self.file, path, "a text difference needs citation/kind/why")
            citation = item.require("citation")
            kind = item.require("kind")
            if kind not in DIFFERENCE_KINDS:
                expected = ", ".join(DIFFERENCE_KINDS)
                raise item.error("kind", f"unknown kind {kind!r}; expected one of {expected}")
            node = self.node(f"text-difference/{slug(str(citation))}-{kind}")
            self.add(node, RDF.type, MLA.TextDifference)
            self.add(node, MLA.instrument, self.iri)
            self.add(node, MLA.citation, Literal(str(citation)))
            self.add(node, MLA.differenceKind, Literal(kind))
            self.note(node, item.require("why"))
            self.provenance(node, item)
            item.finish()
            self.report.add("text_differences")
