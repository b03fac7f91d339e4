"""Query answers as bytes in the SPARQL 1.1 result formats and RDF syntaxes, with a row cap.

The endpoint caps every answer at ``max_rows`` rows (or triples). A capped answer says so in
its body wherever the format has room for it: a ``"truncated"`` member in JSON results, a
``<link>`` and a comment in XML results, a comment in Turtle, N-Triples and RDF/XML. The HTTP
header ``MLA-KG-Truncated`` carries the same marker for every format (CSV, TSV, JSON-LD).

>>> import pyoxigraph as ox
>>> row = [ox.NamedNode("https://w3id.org/mla-kg/id/state/JP"), ox.Literal("Japan", language="en")]
>>> print(select_body(["state", "label"], [row], "text/csv", None).decode())
state,label
https://w3id.org/mla-kg/id/state/JP,Japan
<BLANKLINE>
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from mla_kg.namespaces import PREFIXES
from mla_kg.server import protocol

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TRUNCATED_HEADER = "MLA-KG-Truncated"
_RDF_FORMATS = {
    protocol.TURTLE: ox.RdfFormat.TURTLE,
    protocol.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    protocol.JSON_LD: ox.RdfFormat.JSON_LD,
    protocol.RDF_XML: ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Term:
    """An RDF term as plain data, for answers that cross from a worker to the web pages.

    :ivar kind: ``uri``, ``bnode``, ``literal`` or ``triple``.
    :ivar value: the IRI, blank node id, lexical form, or the triple in N-Triples syntax.
    :ivar datatype: a literal's datatype IRI (``None`` for language-tagged strings).
    :ivar lang: a literal's language tag.
    """

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @classmethod
    def from_oxigraph(cls, term: Any) -> Term:
        """Convert a pyoxigraph term."""
        if isinstance(term, ox.NamedNode):
            return cls("uri", term.value)
        if isinstance(term, ox.BlankNode):
            return cls("bnode", term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return cls("literal", term.value, None, term.language)
            return cls("literal", term.value, term.datatype.value)
        return cls("triple", str(term))

    @classmethod
    def from_rdflib(cls, term: Any) -> Term:
        """Convert an rdflib ``URIRef`` or ``Literal`` (what callers bind to variables).

        :raises TypeError: for anything else, a plain ``str`` included: an IRI and a piece of
            user text must never be confused, so the caller says which it is.
        """
        from rdflib import Literal, URIRef

        if isinstance(term, Term):
            return term
        if isinstance(term, URIRef):
            return cls("uri", str(term))
        if isinstance(term, Literal):
            if term.language:
                return cls("literal", str(term), None, term.language)
            return cls("literal", str(term), str(term.datatype) if term.datatype else XSD_STRING)
        raise TypeError(f"cannot bind {term!r}: give rdflib.URIRef(iri) or rdflib.Literal(text)")

    def to_oxigraph(self) -> Any:
        """Return the pyoxigraph term (IRIs and literals only: what bindings allow).

        :raises ValueError: for an IRI pyoxigraph rejects, or a term of another kind.
        """
        if self.kind == "uri":
            return ox.NamedNode(self.value)
        if self.kind == "literal":
            if self.lang:
                return ox.Literal(self.value, language=self.lang)
            return ox.Literal(self.value, datatype=ox.NamedNode(self.datatype or XSD_STRING))
        raise ValueError(f"only IRIs and literals can be bound, not a {self.kind}")


def truncation_note(max_rows: int) -> str:
    """Return the sentence that tells a reader an answer was cut at ``max_rows``."""
    return (
        f"truncated: only the first {max_rows} results are included (the server's row cap); "
        "add LIMIT/OFFSET or narrow the query to see the rest"
    )


def _json_term(term: Any) -> dict[str, Any]:
    """Render a pyoxigraph term in SPARQL JSON results."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _xml_term(term: Any) -> str:
    """Render a pyoxigraph term in SPARQL XML results."""
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            datatype = quoteattr(term.datatype.value)
            return f"<literal datatype={datatype}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    parts = (("subject", term.subject), ("predicate", term.predicate), ("object", term.object))
    inner = "".join(f"<{name}>{_xml_term(part)}</{name}>" for name, part in parts)
    return f"<triple>{inner}</triple>"


def _csv_value(term: Any) -> str:
    """Render a pyoxigraph term in SPARQL CSV results: bare IRIs and lexical forms."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _tsv_value(term: Any) -> str:
    """Render a pyoxigraph term in SPARQL TSV results: Turtle syntax, no raw tab or newline."""
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def select_body(
    variables: Sequence[str],
    rows: Sequence[Sequence[Any]],
    media_type: str,
    truncated_at: int | None,
) -> bytes:
    """Serialize SELECT results.

    :param variables: the projected variable names, in order.
    :param rows: one list of pyoxigraph terms (``None`` when unbound) per solution.
    :param media_type: one of :data:`~mla_kg.server.protocol.SELECT_TYPES`.
    :param truncated_at: the row cap when the answer was cut there, else ``None``.
    """
    if media_type == protocol.JSON_RESULTS:
        # Answers repeat the same IRIs and labels row after row: render each term once.
        rendered: dict[Any, dict[str, Any]] = {}

        def json_term(term: Any) -> dict[str, Any]:
            if term not in rendered:
                rendered[term] = _json_term(term)
            return rendered[term]

        bindings = [
            {
                var: json_term(term)
                for var, term in zip(variables, row, strict=True)
                if term is not None
            }
            for row in rows
        ]
        document: dict[str, Any] = {
            "head": {"vars": list(variables)},
            "results": {"bindings": bindings},
        }
        if truncated_at is not None:
            document["truncated"] = {
                "max_rows": truncated_at,
                "message": truncation_note(truncated_at),
            }
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if media_type == protocol.XML_RESULTS:
        head = "".join(f"<variable name={quoteattr(var)}/>" for var in variables)
        if truncated_at is not None:
            head += f'<link href="urn:x-mla-kg:truncated?max-rows={truncated_at}"/>'
        out = ['<?xml version="1.0" encoding="UTF-8"?>']
        if truncated_at is not None:
            out.append(f"<!-- {truncation_note(truncated_at)} -->")
        out.append(f'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head>')
        out.append("<results>")
        for row in rows:
            bindings = "".join(
                f"<binding name={quoteattr(var)}>{_xml_term(term)}</binding>"
                for var, term in zip(variables, row, strict=True)
                if term is not None
            )
            out.append(f"<result>{bindings}</result>")
        out.append("</results></sparql>")
        return "\n".join(out).encode("utf-8")
    if media_type == protocol.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(term) for term in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    if media_type == protocol.TSV:
        lines = ["\t".join(f"?{var}" for var in variables)]
        lines += ["\t".join(_tsv_value(term) for term in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"no SELECT serializer for {media_type}")


def boolean_body(answer: bool, media_type: str) -> bytes:
    """Serialize an ASK answer as SPARQL JSON or XML results."""
    if media_type == protocol.JSON_RESULTS:
        return json.dumps({"head": {}, "boolean": answer}).encode("utf-8")
    if media_type == protocol.XML_RESULTS:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{'true' if answer else 'false'}</boolean></sparql>"
        ).encode()
    raise ValueError(f"no ASK serializer for {media_type}")


def graph_body(triples: Sequence[Any], media_type: str, truncated_at: int | None) -> bytes:
    """Serialize the triples of a CONSTRUCT or DESCRIBE answer.

    :param triples: pyoxigraph triples.
    :param media_type: one of :data:`~mla_kg.server.protocol.GRAPH_TYPES`.
    :param truncated_at: the triple cap when the answer was cut there, else ``None``.
    """
    rdf_format = _RDF_FORMATS[media_type]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    body: bytes = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    if truncated_at is None or media_type == protocol.JSON_LD:
        return body
    note = truncation_note(truncated_at).replace("--", "-")
    if media_type == protocol.RDF_XML:
        declaration, newline, rest = body.partition(b"\n")
        if declaration.startswith(b"<?xml"):
            return declaration + newline + f"<!-- {note} -->\n".encode() + rest
        return f"<!-- {note} -->\n".encode() + body
    return f"# {note}\n".encode() + body
