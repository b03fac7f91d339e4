"""The remote backend: the knowledge graph held by any SPARQL 1.1 endpoint, read with SPARQLWrapper.

:meth:`KnowledgeGraph.remote <mla_kg.store.KnowledgeGraph.remote>` puts this backend behind the
same API as the embedded stores, so named queries, ids and :class:`~mla_kg.store.QueryResult`
work unchanged against Oxigraph server, Virtuoso, ``mla-kg serve`` or any other endpoint that
holds the data (push it there with ``mla-kg push``).

Two things the embedded engines do for free are done here in standard SPARQL text:

- the prefixes every mla-kg query may use undeclared (``mla:``, ``skos:`` ...) are sent as
  ``PREFIX`` lines in front of the query;
- single-valued bindings, which pyoxigraph and rdflib bind inside the engine, become one
  ``VALUES`` block at the start of the query's top-level group (:func:`bind_in_where`). Being
  the first member of the group, it is joined before every ``OPTIONAL``, ``FILTER``, ``BIND``
  and before grouping, so aggregates count only the bound values, as they do embedded.
  List values (the trailing ``VALUES`` clause the store appends) are moved there too.

What the backend cannot undo is fixed in the named queries, in standard SPARQL: Virtuoso
answers a computed boolean (``BIND(EXISTS {...} AS ?x)``) as ``1``/``0`` typed ``xsd:integer``,
which no answer-side rule can tell from a real integer, so queries project
``xsd:boolean(...)`` of it.

The endpoint's answers are converted to rdflib terms in one place, :func:`term_from_json`,
which also lists what servers are known to change in terms and how it is undone.
"""

from __future__ import annotations

import json
import re
import urllib.error
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from mla_kg.errors import QueryError, QueryTimeout, RemoteEndpointError
from mla_kg.graph import queries
from mla_kg.graph.results import QueryResult, normalise
from mla_kg.namespaces import PREFIXES

#: The header by which ``mla-kg serve`` marks an answer cut at its row cap.
TRUNCATED_HEADER = "MLA-KG-Truncated"
#: Seconds to wait for an endpoint's answer before giving up with QueryTimeout.
DEFAULT_TIMEOUT = 60.0

# SPARQL tokens that can hold a brace or a keyword without being one: comments, strings, IRIs.
_TOKEN = re.compile(
    r"""
      (?P<skip>\#[^\n]*
        | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        | '''(?:[^'\\]|\\.|'(?!''))*'''
        | "(?:[^"\\\n]|\\.)*"
        | '(?:[^'\\\n]|\\.)*'
        | <[^<>"{}|^`\\\x00-\x20]*>
        | [?$][A-Za-z0-9_]+
        | [A-Za-z_][A-Za-z0-9_.\-]*:[^\s{}()<>,;]*
        | :[^\s{}()<>,;]*)
    | (?P<word>[A-Za-z]+)
    | (?P<open>[{(])
    | (?P<close>[})])
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# Where the RDF of CONSTRUCT and DESCRIBE answers comes from: content type to rdflib parser.
_RDF_PARSERS = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
_RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


# SPARQLWrapper's errors for HTTP statuses: what the status means and what the user can do.
_STATUS = {
    "EndPointNotFound": (
        "HTTP 404 (no such endpoint)",
        "check the query URL (Oxigraph: /query; Virtuoso and mla-kg serve: /sparql)",
    ),
    "Unauthorized": ("HTTP 401 (unauthorised)", "use an endpoint that answers queries openly"),
    "URITooLong": ("HTTP 414 (request too long)", "narrow the query or its parameters"),
    "EndPointInternalError": (
        "HTTP 500 (server error)",
        "the server failed on the query: see its message, or its log",
    ),
}


def query_form(sparql: str) -> str:
    r"""Return the form of a query: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``.

    >>> query_form('# SELECT in a comment\nPREFIX a: <urn:x#SELECT> ASK { ?s ?p "SELECT" }')
    'ASK'

    :raises QueryError: if the text has none of the four (an update, or not SPARQL).
    """
    for match in _TOKEN.finditer(sparql):
        word = match.group("word")
        if word and word.upper() in _FORMS:
            return word.upper()
    raise QueryError(
        "not a SPARQL query (no SELECT, ASK, CONSTRUCT or DESCRIBE); the remote backend "
        "only reads, it never sends updates"
    )


def _where_group(sparql: str) -> tuple[int, int]:
    """Return the offsets of the ``{`` and ``}`` of the top-level group of the WHERE clause."""
    form = None
    depth = 0
    skip_template = False
    opened = None
    for match in _TOKEN.finditer(sparql):
        word, opener, closer = match.group("word"), match.group("open"), match.group("close")
        if word and depth == 0 and form is None and word.upper() in _FORMS:
            form = word.upper()
            skip_template = form == "CONSTRUCT"
        elif word and depth == 0 and word.upper() == "WHERE":
            skip_template = False  # CONSTRUCT WHERE { ... }: the group is also the template
        elif opener:
            if opener == "{" and depth == 0 and form is not None and opened is None:
                if not skip_template:
                    opened = match.start()
                skip_template = False
            depth += 1
        elif closer:
            depth -= 1
            if closer == "}" and depth == 0 and opened is not None:
                return opened, match.start()
    raise QueryError("cannot find the WHERE clause of the query to bind its parameters")


def _trailing_values(sparql: str, after: int) -> list[tuple[int, int]]:
    """Return the spans of the ``VALUES`` blocks after the WHERE group (which ends at ``after``)."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start: int | None = None
    for match in _TOKEN.finditer(sparql, after + 1):
        word, opener, closer = match.group("word"), match.group("open"), match.group("close")
        if word and depth == 0 and word.upper() == "VALUES":
            start = match.start()
        elif opener:
            depth += 1
        elif closer:
            depth -= 1
            if closer == "}" and depth == 0 and start is not None:
                spans.append((start, match.end()))
                start = None
    return spans


def bind_in_where(sparql: str, bindings: Mapping[str, Node]) -> str:
    """Return ``sparql`` with its bindings as ``VALUES`` blocks opening its WHERE group.

    ``bindings`` (single values) are rendered by :func:`mla_kg.queries.render_term` from
    validated rdflib terms, never from user text. A trailing ``VALUES`` clause (list values,
    rendered by :func:`mla_kg.queries.render_values`) is moved to the same place: Virtuoso 7.2
    joins a trailing ``VALUES`` wrongly with a query whose WHERE group holds a ``UNION`` of
    sub-selects (``compare_features`` with a feature list gave rows pairing one feature with
    another's id). Joined first in the group, the values restrict every row the same way; the
    named queries bind each parameter in a triple pattern, so the answer is the same.

    >>> iri = URIRef("https://w3id.org/mla-kg/id/instrument/eu-jp-mla")
    >>> print(bind_in_where("SELECT ?id WHERE { ?i mla:instrumentId ?id }", {"i": iri}))
    SELECT ?id WHERE { VALUES (?i) { (<https://w3id.org/mla-kg/id/instrument/eu-jp-mla>) }
     ?i mla:instrumentId ?id }
    >>> trailing = "SELECT ?i WHERE { ?i a ?c } ORDER BY ?i VALUES (?c) { (<urn:c>) }"
    >>> print(bind_in_where(trailing, {}))
    SELECT ?i WHERE { VALUES (?c) { (<urn:c>) }
     ?i a ?c } ORDER BY ?i
    """
    opened, closed = _where_group(sparql)
    moved = _trailing_values(sparql, closed)
    if not bindings and not moved:
        return sparql
    blocks = [sparql[start:end] for start, end in moved]
    if bindings:
        names = [queries.check_variable(name) for name in bindings]
        head = " ".join(f"?{name}" for name in names)
        row = " ".join(queries.render_term(bindings[name]) for name in names)
        blocks.insert(0, f"VALUES ({head}) {{ ({row}) }}")
    rest = sparql[opened + 1 :]
    for start, end in reversed(moved):  # cut from the end, so earlier offsets stay valid
        rest = rest[: start - opened - 1] + rest[end - opened - 1 :]
    return f"{sparql[: opened + 1]} {' '.join(blocks)}\n{rest.rstrip()}"


def term_from_json(binding: Mapping[str, str]) -> Node:
    """Convert one term of a SPARQL JSON result to the rdflib term the embedded store gives.

    The one place where servers' renderings are brought into line, as far as RDF and the
    SPARQL spec make them the same term (:func:`mla_kg.store.normalise` does the work):

    - Virtuoso marks typed literals ``"type": "typed-literal"`` (SPARQL 1.0 JSON);
    - Virtuoso keeps ``xsd:string`` on literals typed so in the data, while pyoxigraph drops
      it (RDF 1.1: a simple literal *is* an ``xsd:string``): the datatype is dropped;
    - Virtuoso lower-cases language tags (``en-gb``); BCP 47 tags are case-insensitive and
      both sides are compared in lower case;
    - Virtuoso answers canonical lexical forms (``"1"`` for an ``xsd:boolean`` true,
      ``7`` for ``"007"^^xsd:integer``); typed literals get rdflib's canonical form;
    - blank-node labels are the server's own (``nodeID://b10000`` on Virtuoso); they are
      kept as labels, as no two servers agree on them.

    >>> term_from_json({"type": "typed-literal", "value": "1",
    ...                 "datatype": "http://www.w3.org/2001/XMLSchema#boolean"})
    rdflib.term.Literal('true', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#boolean'))
    """
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        language = binding.get("xml:lang")
        datatype = binding.get("datatype")
        if language:
            return normalise(Literal(value, lang=language))
        return normalise(Literal(value, datatype=URIRef(datatype) if datatype else None))
    raise QueryError(f"the endpoint answered a term of unknown type {kind!r}: {binding}")


def _prologue() -> str:
    """Return the PREFIX lines of the prefixes mla-kg queries may use without declaring."""
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())


class RemoteBackend:
    """The graph at a SPARQL 1.1 query endpoint; read-only.

    :param endpoint: the query URL (``http://host:7878/query``, ``http://host:8890/sparql``).
    :param graph: the named graph holding the data, sent as ``default-graph-uri`` (where
        ``mla-kg push --graph`` put it); ``None`` queries the endpoint's default dataset.
    :param timeout: seconds to wait for each answer.
    """

    name = "remote"

    def __init__(
        self, endpoint: str, graph: str | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        if not re.match(r"https?://", endpoint):
            raise RemoteEndpointError(
                endpoint,
                "not an http(s) URL",
                "give the endpoint's query URL, e.g. http://127.0.0.1:7878/query",
            )
        self.endpoint = endpoint
        self.graph = str(queries.check_iri(graph, "graph")) if graph is not None else None
        self.timeout = timeout

    def _wrapper(self, sparql: str, form: str) -> SPARQLWrapper:
        """Return a SPARQLWrapper set up to POST ``sparql`` (form-encoded) to the endpoint."""
        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setTimeout(int(max(1, round(self.timeout))))
        if self.graph is not None:
            wrapper.addDefaultGraph(self.graph)
        wrapper.setQuery(sparql)
        # SPARQLWrapper guesses the form by a regex that also reads comments: a header saying
        # "a cell adds rows" made it send the query as an update (ADD). The lexer knows better.
        wrapper.queryType = form
        return wrapper

    def _send(self, wrapper: SPARQLWrapper) -> tuple[bytes, str]:
        """Send a request and return the body and content type, or raise a typed error."""
        try:
            response = wrapper.query().response
            body = response.read()
            truncated = response.headers.get(TRUNCATED_HEADER)
            content_type = response.headers.get("Content-Type", "")
        except SPARQLWrapperException as error:
            # QueryBadFormed (400) and kin carry the server's message after their own text.
            message = str(error).split("Response:", 1)[-1].strip()
            if message.startswith(("b'", 'b"')):  # SPARQLWrapper shows the body as bytes
                message = message[2:-1].encode("latin-1", "replace").decode("unicode_escape")
            message = " ".join(message.split())
            if "QueryBadFormed" in type(error).__name__:
                raise QueryError(f"the endpoint refused the query: {message}") from error
            status, fix = _STATUS.get(
                type(error).__name__,
                ("an error", "check the URL is the endpoint's query URL and the server is healthy"),
            )
            raise RemoteEndpointError(
                self.endpoint, f"it answered {status}: {message[:500]}", fix
            ) from error
        except urllib.error.HTTPError as error:
            raise RemoteEndpointError(
                self.endpoint,
                f"HTTP {error.code} {error.reason}",
                "check the URL is the endpoint's query URL",
            ) from error
        except TimeoutError as error:
            raise QueryTimeout(self.timeout) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise QueryTimeout(self.timeout) from error
            raise RemoteEndpointError(
                self.endpoint,
                f"cannot connect ({error.reason})",
                "check that the server is running and the host and port are right",
            ) from error
        except OSError as error:
            raise RemoteEndpointError(
                self.endpoint, f"connection failed ({error})", "check that the server is running"
            ) from error
        if truncated:
            # A partial answer would pass for the whole one (a comparison with cells missing).
            raise RemoteEndpointError(
                self.endpoint,
                f"it cut the answer at its row cap ({truncated})",
                "narrow the query, or have the server started with a higher cap "
                "(`mla-kg serve --max-rows N`)",
            )
        return body, content_type

    def query(self, sparql: str, bindings: Mapping[str, Node]) -> QueryResult:
        """Run a query at the endpoint, single-valued bindings joined at the start of WHERE."""
        form = query_form(sparql)
        text = _prologue() + bind_in_where(sparql, bindings)
        wrapper = self._wrapper(text, form)
        if form in ("CONSTRUCT", "DESCRIBE"):
            wrapper.addCustomHttpHeader("Accept", _RDF_ACCEPT)
            body, content_type = self._send(wrapper)
            return QueryResult(graph=self._graph(body, content_type))
        wrapper.setReturnFormat(JSON)
        body, _ = self._send(wrapper)
        try:
            answer: dict[str, Any] = json.loads(body)
        except ValueError as error:
            raise RemoteEndpointError(
                self.endpoint,
                f"the answer is not SPARQL JSON results ({error})",
                "check the URL is a SPARQL query endpoint",
            ) from error
        if form == "ASK":
            return QueryResult(ask=bool(answer.get("boolean")))
        names = list(answer.get("head", {}).get("vars", []))
        rows = [
            {name: term_from_json(term) for name, term in solution.items()}
            for solution in answer.get("results", {}).get("bindings", [])
        ]
        return QueryResult(vars=names, rows=rows)

    def _graph(self, body: bytes, content_type: str) -> Graph:
        """Parse the RDF of a CONSTRUCT or DESCRIBE answer into normalised rdflib terms."""
        media = content_type.split(";")[0].strip().lower()
        parser = _RDF_PARSERS.get(media)
        if parser is None:
            raise RemoteEndpointError(
                self.endpoint,
                f"it answered RDF as {media or 'no content type'}",
                "use an endpoint that answers N-Triples, Turtle or RDF/XML",
            )
        parsed = Graph()
        try:
            parsed.parse(data=body, format=parser)
        except Exception as error:  # rdflib's parsers raise many unrelated types
            raise RemoteEndpointError(
                self.endpoint,
                f"its {media} answer cannot be parsed ({error})",
                "check the server's RDF output",
            ) from error
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True)
        for s, p, o in parsed:
            graph.add((s, p, normalise(o)))
        return graph

    def __len__(self) -> int:
        """Return the number of triples in the queried graph."""
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}).rows
        return int(rows[0]["n"]) if rows else 0  # type: ignore[call-overload]

    def parse(self, path: Path) -> None:
        """Refuse to load a file: the remote graph is changed only by ``mla-kg push``."""
        raise RemoteEndpointError(
            self.endpoint,
            f"cannot load {path} into a remote graph",
            "upload data with `mla-kg push --gsp URL`, or load it into a local KnowledgeGraph",
        )

    def add(self, parsed: Sequence[object]) -> None:
        """Refuse to add triples (see :meth:`parse`)."""
        self.parse(Path("(triples)"))

    def to_rdflib(self) -> Graph:
        """Return every triple of the remote graph as an rdflib Graph."""
        graph = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {}).graph
        assert graph is not None
        return graph

    def serialize(self, format: str) -> bytes:
        """Serialize the remote graph (``ttl``, ``nt``, ``jsonld`` or ``trig``) with rdflib."""
        rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}[format]
        return self.to_rdflib().serialize(format=rdflib_format, encoding="utf-8")


__all__ = ["DEFAULT_TIMEOUT", "RemoteBackend", "bind_in_where", "query_form", "term_from_json"]
