"""The outline of one instrument: its subdivisions as a tree, in printed order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mla_kg.compare.cells import sort_number, term_text
from mla_kg.compare.matrix import resolve_instruments
from mla_kg.compare.render import md_escape
from mla_kg.iris import mla_name, sibling_key, slug, subdivision_anchor
from mla_kg.verification import RECALLED_LEGEND, RECALLED_MARK

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore


@dataclass(frozen=True)
class OutlineFeature:
    """A feature of the scheme that a subdivision carries.

    :ivar iri: the feature.
    :ivar id: its id (``bank-secrecy-excluded``).
    :ivar label: its English label (its id where there is none).
    :ivar candidate: whether the research marks it as uncertain (``mla:candidateFeature``):
        a candidate is shown as "cf." and never counted in a comparison.
    """

    iri: str
    id: str
    label: str
    candidate: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the feature as JSON-ready data."""
        return {"id": self.id, "iri": self.iri, "label": self.label, "candidate": self.candidate}


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
    :ivar features: the features it carries, annotated ones first, each kind by label.
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
    features: list[OutlineFeature] = field(default_factory=list)
    children: list[OutlineNode] = field(default_factory=list)

    @property
    def recalled(self) -> bool:
        """Return whether the citation is not verified (this part or a part above is recalled)."""
        return self.verification == "recalled" or self.citation_recalled

    @property
    def heading_recalled(self) -> bool:
        """Return whether the heading is only recalled (its own status, else the node's)."""
        return (self.heading_verification or self.verification) == "recalled"

    @property
    def anchor(self) -> str:
        """Return the subdivision's fragment id on its instrument's page (``art-11-para-1``)."""
        return subdivision_anchor(self.iri)

    def line(self) -> str:
        """Return the one-line description of the subdivision, with recalled marks."""
        text = self.citation + (RECALLED_MARK if self.recalled else "")
        if self.heading:
            text += f"  “{self.heading}”" + (RECALLED_MARK if self.heading_recalled else "")
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
            "features": [feature.to_dict() for feature in self.features],
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

    def locate(self, iri: str) -> tuple[list[OutlineNode], OutlineNode]:
        """Return the subdivision with this IRI and the parts above it, outermost first.

        :raises KeyError: if the outline has no such subdivision.
        """
        path: list[OutlineNode] = []

        def search(nodes: list[OutlineNode]) -> OutlineNode | None:
            for node in nodes:
                if node.iri == iri:
                    return node
                path.append(node)
                found = search(node.children)
                if found is not None:
                    return found
                path.pop()
            return None

        found = search(self.parts)
        if found is None:
            raise KeyError(f"{self.instrument} has no subdivision {iri}")
        return path, found

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
    _add_features(kg, instrument_id, nodes)
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
    return Outline(instrument_id, top)


def _add_features(kg: GraphStore, instrument_id: str, nodes: dict[str, OutlineNode]) -> None:
    """Give each subdivision the features it carries (named query ``subdivision_features``)."""
    for r in kg.run("subdivision_features", instrument=instrument_id).rows:
        node = nodes.get(term_text(r.get("subdivision")))
        if node is None:
            continue
        iri = term_text(r.get("feature"))
        feature_id = term_text(r.get("featureId")) or slug(iri)
        feature = OutlineFeature(
            iri=iri,
            id=feature_id,
            label=term_text(r.get("featureLabel")) or feature_id,
            candidate=mla_name(r.get("relation")) == "candidateFeature",
        )
        if feature not in node.features:
            node.features.append(feature)
    for node in nodes.values():
        node.features.sort(key=lambda f: (f.candidate, f.label))
