"""The outline of one instrument: its subdivisions as a tree, in printed order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mla_kg.compare.cells import sort_number, term_text
from mla_kg.compare.matrix import resolve_instruments
from mla_kg.compare.render import md_escape
from mla_kg.iris import mla_name, sibling_key
from mla_kg.verification import RECALLED_LEGEND, RECALLED_MARK

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore


@dataclass
class OutlineNode:
    """A subdivision in an outline, with its parts.

    :ivar iri: the subdivision.
    :ivar type: ``Article``, ``Paragraph``, ``Point``, ``Annex``, ``AnnexEntry`` or
        ``UnplacedProvision``.
    :ivar citation: its citation (``Art 11(1)(b)``).
    :ivar heading: the heading as in the text, where the research gives one.
    :ivar subject: an own-words label where there is no heading.
    :ivar verification: the subdivision's verification status.
    :ivar heading_verification: the heading's status where it differs.
    :ivar number_confidence: how sure the research is of the number, where stated.
    :ivar state: the State an annex entry is about.
    :ivar children: the parts, in order.
    """

    iri: str
    type: str
    citation: str
    order: float = float("inf")
    number: str = ""
    heading: str = ""
    subject: str = ""
    verification: str = ""
    heading_verification: str = ""
    number_confidence: str = ""
    state: str = ""
    summary: str = ""
    citation_recalled: bool = False
    children: list[OutlineNode] = field(default_factory=list)

    @property
    def recalled(self) -> bool:
        """Return whether the citation is not verified (this part or a part above is recalled)."""
        return self.verification == "recalled" or self.citation_recalled

    def line(self) -> str:
        """Return the one-line description of the subdivision, with recalled marks."""
        text = self.citation + (RECALLED_MARK if self.recalled else "")
        if self.heading:
            recalled_heading = (self.heading_verification or self.verification) == "recalled"
            text += f"  “{self.heading}”" + (RECALLED_MARK if recalled_heading else "")
        elif self.subject:
            text += f"  [{self.subject}]"
        details = [self.verification or "no status"]
        if self.number_confidence:
            details.append(f"number confidence {self.number_confidence}")
        return f"{text}  ({', '.join(details)})"

    def to_dict(self) -> dict[str, Any]:
        """Return the node and its parts as JSON-ready data."""
        return {
            "iri": self.iri,
            "type": self.type,
            "citation": self.citation,
            "number": self.number,
            "heading": self.heading or None,
            "heading_verification": self.heading_verification or None,
            "subject": self.subject or None,
            "verification": self.verification,
            "recalled": self.recalled,
            "number_confidence": self.number_confidence or None,
            "state": self.state or None,
            "summary": self.summary or None,
            "children": [child.to_dict() for child in self.children],
        }


@dataclass
class Outline:
    """The structure of one instrument: articles in order, then annexes, then unplaced provisions.

    :ivar instrument: the instrument id.
    :ivar parts: its top-level subdivisions, with their parts.
    """

    instrument: str
    parts: list[OutlineNode]

    def walk(self) -> Iterator[tuple[int, OutlineNode]]:
        """Iterate depth-first over ``(depth, node)``, in order."""
        stack = [(0, node) for node in reversed(self.parts)]
        while stack:
            depth, node = stack.pop()
            yield depth, node
            stack += [(depth + 1, child) for child in reversed(node.children)]

    def find(self, citation: str) -> OutlineNode:
        """Return the subdivision with this citation.

        :raises KeyError: if there is none.
        """
        for _, node in self.walk():
            if node.citation == citation:
                return node
        raise KeyError(f"{self.instrument} has no subdivision cited {citation!r}")

    def to_text(self) -> str:
        """Return the outline as indented lines, with the legend of the recalled mark."""
        lines = [f"Outline of {self.instrument}"]
        lines += ["  " * depth + node.line() for depth, node in self.walk()]
        lines.append(RECALLED_LEGEND)
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        """Return the outline as a nested Markdown list."""
        lines = [f"### Outline of {self.instrument}", ""]
        lines += ["  " * depth + "- " + md_escape(node.line()) for depth, node in self.walk()]
        lines += ["", f"_{RECALLED_LEGEND}_"]
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """Return the outline as JSON-ready data."""
        return {
            "instrument": self.instrument,
            "parts": [part.to_dict() for part in self.parts],
            "legend": [RECALLED_LEGEND],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Return the outline as JSON."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def outline(kg: GraphStore, instrument: str) -> Outline:
    """Return the articles of an instrument in order, with headings, subjects and statuses.

    :param kg: the knowledge graph.
    :param instrument: the instrument id.
    :raises UnknownInstrument: listing the known ids.

    >>> from mla_kg import KnowledgeGraph
    >>> o = KnowledgeGraph().outline("eu-jp-mla")
    >>> o.find("Art 11").heading
    'Grounds for refusal of assistance'
    """
    (instrument_id,) = resolve_instruments(kg, [instrument])
    iri = str(kg.instrument_iri(instrument_id))
    nodes: dict[str, OutlineNode] = {}
    parents: dict[str, str] = {}
    for r in kg.run("instrument_outline", instrument=instrument_id).rows:
        key = term_text(r.get("subdivision"))
        node = nodes.get(key)
        if node is None:
            node = nodes[key] = OutlineNode(
                iri=key,
                type=mla_name(r.get("type")),
                citation=term_text(r.get("citation")) or key,
                order=sort_number(r.get("order")),
                number=term_text(r.get("number")),
                heading=term_text(r.get("heading")),
                subject=term_text(r.get("subject")),
                verification=mla_name(r.get("verification")),
                heading_verification=mla_name(r.get("headingVerification")),
                number_confidence=term_text(r.get("numberConfidence")),
                state=term_text(r.get("state")),
                summary=term_text(r.get("summary")),
            )
            parents[key] = term_text(r.get("parent"))
    top: list[OutlineNode] = []
    for key, node in nodes.items():
        parent = nodes.get(parents[key])
        (parent.children if parent is not None else top).append(node)

    def finish(siblings: list[OutlineNode], recalled_above: bool) -> None:
        siblings.sort(key=lambda node: sibling_key(node.iri, parents[node.iri], node.order))
        for node in siblings:
            node.citation_recalled = recalled_above
            finish(node.children, recalled_above or node.verification == "recalled")

    finish(top, False)
    del iri
    return Outline(instrument_id, top)
