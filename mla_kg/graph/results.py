"""The answer to a query, the same whichever engine gave it, and the one form terms are compared in.

Both embedded engines and the remote backend answer with a :class:`QueryResult` of rdflib terms,
normalised by :func:`normalise`, so callers never see which engine ran.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from mla_kg.graph.queries import render_term
from mla_kg.iris import slug
from mla_kg.namespaces import PREFIXES


def language_tag(tag: str | None) -> str | None:
    """Return a language tag in lower case: engines disagree on case, RDF ignores it."""
    return tag.lower() if tag else None


def normalise(term: Node) -> Node:
    """Return ``term`` in the one form both engines' answers are compared in.

    A string literal has no datatype (``xsd:string`` is dropped), a language tag is lower case,
    and a typed literal gets rdflib's canonical lexical form.

    >>> normalise(Literal("x", datatype=XSD.string)) == Literal("x")
    True
    >>> normalise(Literal("01", datatype=XSD.integer))
    rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    if not isinstance(term, Literal):
        return term
    if term.language:
        return Literal(str(term), lang=language_tag(term.language))
    if term.datatype is None or term.datatype == XSD.string:
        return Literal(str(term))
    return Literal(str(term), datatype=term.datatype, normalize=True)


def new_graph() -> Graph:
    """Return an empty rdflib Graph with the mla-kg prefixes bound."""
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def _tsv_term(term: Node) -> str:
    """Render a term for SPARQL TSV results (Turtle syntax, no raw tab or newline)."""
    if isinstance(term, BNode):
        return f"_:{term}"
    return render_term(term).replace("\t", "\\t")


def _json_term(term: Node) -> dict[str, str]:
    """Render a term for SPARQL JSON results."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


@dataclass
class QueryResult:
    """The answer to a query, the same whichever engine gave it.

    :ivar vars: the projected variables, in order (SELECT); empty otherwise.
    :ivar rows: one dict per solution, variable name to rdflib term; unbound variables absent.
    :ivar ask: the answer of an ASK query, else ``None``.
    :ivar graph: the triples of a CONSTRUCT or DESCRIBE query, else ``None``.
    """

    vars: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    ask: bool | None = None
    graph: Graph | None = None

    def __iter__(self) -> Iterator[Any]:
        """Iterate over the rows, or over the triples of a CONSTRUCT or DESCRIBE result."""
        if self.graph is not None:
            return iter(self.graph)
        return iter(self.rows)

    def __len__(self) -> int:
        """Return the number of rows (or triples); 0 for ASK, whose answer is ``ask``."""
        if self.graph is not None:
            return len(self.graph)
        return len(self.rows)

    def __bool__(self) -> bool:
        """Return whether there is an answer: rows, triples, or ASK true."""
        if self.ask is not None:
            return self.ask
        return len(self) > 0

    def column(self, var: str) -> list[Node | None]:
        """Return the values of one variable, row by row (``None`` where unbound)."""
        return [row.get(var) for row in self.rows]

    def to_json(self) -> str:
        """Serialize as SPARQL 1.1 Query Results JSON (SELECT and ASK)."""
        if self.ask is not None:
            return json.dumps({"head": {}, "boolean": self.ask})
        bindings = [{var: _json_term(term) for var, term in row.items()} for row in self.rows]
        return json.dumps(
            {"head": {"vars": self.vars}, "results": {"bindings": bindings}},
            ensure_ascii=False,
            indent=2,
        )

    def to_csv(self) -> str:
        """Serialize as SPARQL 1.1 Query Results CSV (SELECT)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.vars)
        for row in self.rows:
            writer.writerow(
                [
                    f"_:{row[v]}" if isinstance(row.get(v), BNode) else str(row.get(v, ""))
                    for v in self.vars
                ]
            )
        return buffer.getvalue()

    def to_tsv(self) -> str:
        """Serialize as SPARQL 1.1 Query Results TSV (SELECT)."""
        lines = ["\t".join(f"?{var}" for var in self.vars)]
        for row in self.rows:
            lines.append("\t".join(_tsv_term(row[v]) if v in row else "" for v in self.vars))
        return "\n".join(lines) + "\n"


def add_source(sources: list[str], row: Mapping[str, Node | str]) -> None:
    """Add the slug of a row's ``?source`` to a record's sources, once (rows repeat per source)."""
    if "source" in row and slug(row["source"]) not in sources:
        sources.append(slug(row["source"]))


def fold_sourced(
    rows: Iterable[Mapping[str, Node]],
    by: str,
    first: Callable[[Mapping[str, Node]], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Fold rows that repeat one record per source into the records, each with its ``sources``.

    :param by: the variable naming the record (e.g. ``participation``); rows sharing it fold.
    :param first: builds the record from its first row.
    :returns: the records in the order they first appear.
    """
    records: dict[Node, dict[str, Any]] = {}
    for row in rows:
        record = records.get(row[by])
        if record is None:
            record = records[row[by]] = {**first(row), "sources": []}
        add_source(record["sources"], row)
    return list(records.values())


__all__ = ["QueryResult", "add_source", "fold_sourced", "language_tag", "new_graph", "normalise"]
