"""Query answers as bytes in the SPARQL 1.1 result formats and RDF syntaxes, with row and byte caps.

The endpoint caps every answer at ``max_rows`` rows (or triples) and ``max_bytes`` bytes. A capped
answer says so in its body wherever the format has room for it: a ``"truncated"`` member in JSON
results, a ``<link>`` and a comment in XML results, a comment in Turtle, N-Triples and RDF/XML.
The HTTP header ``MLA-KG-Truncated`` carries the same marker for every format (CSV, TSV, JSON-LD).

Graphs (CONSTRUCT, DESCRIBE) are written by pyoxigraph's own serializer (Rust). SELECT results
are written here, row by row, and not by ``QuerySolutions.serialize``: that method consumes the
whole iterator and offers no way to stop after a number of rows or bytes, so it would produce an
unbounded answer in full (the 268 MB ``CONCAT`` answer of the security review) before any cap
could apply — the caps are the reason this module exists. Measured on 10,000 rows of three
terms (a loaded two-core machine): JSON 79 ms in pyoxigraph against 378 ms here, XML 147 / 565,
CSV 29 / 392, TSV 47 / 226. Answers of the size pages and lookups send (up to a few hundred
rows) cost well under a millisecond either way. The row-by-row writer also lets the byte cap cut
at a row boundary without serializing twice.

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


@dataclass(frozen=True)
class Truncation:
    """Why an answer was cut: at the row cap or at the byte cap.

    :ivar cap: ``rows`` or ``bytes``.
    :ivar limit: the cap (rows, or bytes).
    :ivar kept: the rows (or triples) the answer still holds.
    """

    cap: str
    limit: int
    kept: int

    def note(self) -> str:
        """Return the sentence that tells a reader the answer was cut, and how to see the rest."""
        if self.cap == "rows":
            return truncation_note(self.limit)
        return (
            f"truncated: only the first {self.kept} results are included, as the answer would "
            f"exceed the server's cap of {self.limit} bytes; select fewer or shorter values, "
            "or add LIMIT/OFFSET"
        )

    def member(self) -> dict[str, Any]:
        """Return the ``truncated`` member of a JSON answer."""
        return {f"max_{self.cap}": self.limit, "message": self.note()}

    def link(self) -> str:
        """Return the ``<link>`` href of an XML answer."""
        return f"urn:x-mla-kg:truncated?max-{self.cap}={self.limit}"


@dataclass(frozen=True)
class Written:
    """A serialized answer: its bytes, how many rows (or triples) it holds, and any cut."""

    body: bytes
    count: int
    truncation: Truncation | None


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


_COMPACT = (",", ":")
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=_COMPACT)
_STRING: Any = json.encoder.encode_basestring  # type: ignore[attr-defined]


def json_term_text(term: Any) -> str:
    """Return a term as compact SPARQL JSON text: ``json.dumps(_json_term(term))`` to the byte.

    Written out for the common terms: ``json.dumps`` with options builds an encoder on every
    call, about half the time of a one-resource lookup's answer.
    """
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _STRING(term.value) + "}"
    if isinstance(term, ox.Literal):
        text = '{"type":"literal","value":' + _STRING(term.value)
        if term.language:
            return text + ',"xml:lang":' + _STRING(term.language) + "}"
        datatype = term.datatype.value
        if datatype != XSD_STRING:
            return text + ',"datatype":' + _STRING(datatype) + "}"
        return text + "}"
    return str(_ENCODER.encode(_json_term(term)))


#: Room kept free under the byte cap for the end of an answer and its truncation marker.
_MARKER_ROOM = 1_024


def _row_writer(variables: Sequence[str], media_type: str) -> Any:
    """Return a function rendering one solution (terms in variable order) as text."""
    if media_type == protocol.JSON_RESULTS:
        # Answers repeat the same IRIs and labels row after row: render each term once.
        rendered: dict[Any, str] = {}

        def json_term(term: Any) -> str:
            if term not in rendered:
                rendered[term] = json_term_text(term)
            return rendered[term]

        names = [json.dumps(var, ensure_ascii=False) for var in variables]
        return lambda row: (
            "{"
            + ",".join(
                f"{name}:{json_term(term)}"
                for name, term in zip(names, row, strict=True)
                if term is not None
            )
            + "}"
        )
    if media_type == protocol.XML_RESULTS:
        attributes = [quoteattr(var) for var in variables]
        return lambda row: (
            "<result>"
            + "".join(
                f"<binding name={name}>{_xml_term(term)}</binding>"
                for name, term in zip(attributes, row, strict=True)
                if term is not None
            )
            + "</result>"
        )
    if media_type == protocol.CSV:

        def csv_row(row: Sequence[Any]) -> str:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\r\n").writerow([_csv_value(t) for t in row])
            return buffer.getvalue()

        return csv_row
    if media_type == protocol.TSV:
        return lambda row: "\t".join(_tsv_value(term) for term in row) + "\n"
    raise ValueError(f"no SELECT serializer for {media_type}")


def _select_frame(
    variables: Sequence[str], media_type: str, truncation: Truncation | None
) -> tuple[str, str, str]:
    """Return (head, separator between rows, tail) of a SELECT answer."""
    if media_type == protocol.JSON_RESULTS:
        head = '{"head":' + json.dumps(
            {"vars": list(variables)}, ensure_ascii=False, separators=_COMPACT
        )
        tail = "]}"
        if truncation is not None:
            tail += ',"truncated":' + json.dumps(
                truncation.member(), ensure_ascii=False, separators=_COMPACT
            )
        return head + ',"results":{"bindings":[', ",", tail + "}"
    if media_type == protocol.XML_RESULTS:
        variables_xml = "".join(f"<variable name={quoteattr(var)}/>" for var in variables)
        out = '<?xml version="1.0" encoding="UTF-8"?>\n'
        if truncation is not None:
            variables_xml += f'<link href="{truncation.link()}"/>'
            out += f"<!-- {truncation.note().replace('--', '-')} -->\n"
        out += f'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{variables_xml}'
        return out + "</head>\n<results>\n", "\n", "\n</results></sparql>"
    if media_type == protocol.CSV:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow(variables)
        return buffer.getvalue(), "", ""
    return "\t".join(f"?{var}" for var in variables) + "\n", "", ""


def write_select(
    variables: Sequence[str],
    rows: Sequence[Sequence[Any]],
    media_type: str,
    truncated_at: int | None,
    max_bytes: int | None = None,
) -> Written:
    """Serialize SELECT results within the row cap (already applied) and the byte cap.

    :param variables: the projected variable names, in order.
    :param rows: one list of pyoxigraph terms (``None`` when unbound) per solution.
    :param media_type: one of :data:`~mla_kg.server.protocol.SELECT_TYPES`.
    :param truncated_at: the row cap when the rows were cut there, else ``None``.
    :param max_bytes: the most bytes the answer may have; rows that would pass it are left out.
    """
    render = _row_writer(variables, media_type)
    head, separator, _ = _select_frame(variables, media_type, None)
    budget = None if max_bytes is None else max_bytes - _MARKER_ROOM - len(head.encode())
    parts: list[bytes] = []
    size = 0
    truncation = Truncation("rows", truncated_at, len(rows)) if truncated_at else None
    for row in rows:
        part = ((separator if parts else "") + render(row)).encode("utf-8")
        size += len(part)
        if budget is not None and size > budget:
            truncation = Truncation("bytes", max_bytes or 0, len(parts))
            break
        parts.append(part)
    head, _, tail = _select_frame(variables, media_type, truncation)
    body = head.encode("utf-8") + b"".join(parts) + tail.encode("utf-8")
    return Written(body, len(parts), truncation)


def select_body(
    variables: Sequence[str],
    rows: Sequence[Sequence[Any]],
    media_type: str,
    truncated_at: int | None,
) -> bytes:
    """Serialize SELECT results (no byte cap); see :func:`write_select`."""
    return write_select(variables, rows, media_type, truncated_at).body


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


def _graph_bytes(triples: Sequence[Any], media_type: str, truncation: Truncation | None) -> bytes:
    """Serialize triples with pyoxigraph's writer, with the truncation comment when cut."""
    rdf_format = _RDF_FORMATS[media_type]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    body: bytes = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    if truncation is None or media_type == protocol.JSON_LD:
        return body
    note = truncation.note().replace("--", "-")
    if media_type == protocol.RDF_XML:
        declaration, newline, rest = body.partition(b"\n")
        if declaration.startswith(b"<?xml"):
            return declaration + newline + f"<!-- {note} -->\n".encode() + rest
        return f"<!-- {note} -->\n".encode() + body
    return f"# {note}\n".encode() + body


def write_graph(
    triples: Sequence[Any],
    media_type: str,
    truncated_at: int | None,
    max_bytes: int | None = None,
) -> Written:
    """Serialize the triples of a CONSTRUCT or DESCRIBE answer within the byte cap.

    :param triples: pyoxigraph triples (already cut at the row cap).
    :param media_type: one of :data:`~mla_kg.server.protocol.GRAPH_TYPES`.
    :param truncated_at: the triple cap when the answer was cut there, else ``None``.
    :param max_bytes: the most bytes the answer may have; triples past it are left out.
    """
    truncation = Truncation("rows", truncated_at, len(triples)) if truncated_at else None
    body = _graph_bytes(triples, media_type, truncation)
    if max_bytes is None or len(body) <= max_bytes:
        return Written(body, len(triples), truncation)
    low, high = 0, len(triples)  # the most triples that fit: a binary search on the prefix
    while low < high:
        middle = (low + high + 1) // 2
        cut = Truncation("bytes", max_bytes, middle)
        if len(_graph_bytes(triples[:middle], media_type, cut)) <= max_bytes:
            low = middle
        else:
            high = middle - 1
    truncation = Truncation("bytes", max_bytes, low)
    return Written(_graph_bytes(triples[:low], media_type, truncation), low, truncation)


def graph_body(triples: Sequence[Any], media_type: str, truncated_at: int | None) -> bytes:
    """Serialize the triples of a CONSTRUCT or DESCRIBE answer (no byte cap)."""
    return write_graph(triples, media_type, truncated_at).body
