"""The knowledge graph: ontology and data loaded into a SPARQL engine, queried by name.

Two engines hold the graph: pyoxigraph (embedded, the default and fast) and rdflib (pure
Python, the fallback and the agreement check). Both answer with the same :class:`QueryResult`
of rdflib terms, so callers never see which one ran.

>>> kg = KnowledgeGraph()
>>> {"eu-jp-mla", "eu-us-mla", "jp-us-mlat"} <= set(kg.instruments())
True
>>> kg.instrument_iri("eu-jp-mla")
rdflib.term.URIRef('https://w3id.org/mla-kg/id/instrument/eu-jp-mla')
>>> kg.query("ASK { ?i a mla:Instrument }").ask
True
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax import SAXParseException

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node, Variable

from mla_kg import paths, queries
from mla_kg.errors import (
    LoadError,
    QueryError,
    UnknownFeature,
    UnknownInstrument,
    UnknownState,
    UnsupportedFormat,
)
from mla_kg.namespaces import FEATURE_SCHEME, ORG, PREFIXES

if TYPE_CHECKING:
    from mla_kg.checklist import Offence, RequestChecklist
    from mla_kg.compare import Comparison, InstrumentDiff, ModelProfile, Outline
    from mla_kg.drafting import RequestCheck, RequestDescription
    from mla_kg.drafting.document import DraftRequest
    from mla_kg.legal_basis import LegalBases

BACKENDS = ("oxigraph", "rdflib")

# File types that can be loaded: rdflib parser name and pyoxigraph format.
_INPUT_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    ".ttl": ("turtle", ox.RdfFormat.TURTLE),
    ".nt": ("nt", ox.RdfFormat.N_TRIPLES),
    ".rdf": ("xml", ox.RdfFormat.RDF_XML),
    ".owl": ("xml", ox.RdfFormat.RDF_XML),
    ".xml": ("xml", ox.RdfFormat.RDF_XML),
    ".jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
}
# Output formats: rdflib serializer name and pyoxigraph format, by the names users type.
_OUTPUT_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    "ttl": ("turtle", ox.RdfFormat.TURTLE),
    "nt": ("nt", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
    "trig": ("trig", ox.RdfFormat.TRIG),
}
OUTPUT_FORMATS = tuple(_OUTPUT_FORMATS)

# Every query sees these prefixes, so short queries (and doctests) need no PREFIX lines.
_PROLOGUE_PREFIXES = dict(PREFIXES)
# Ids that parameters and methods resolve to IRIs: ?iri and ?id for each kind of thing.
_INDEX_QUERIES = {
    "instrument": "SELECT ?iri ?id WHERE { ?iri a mla:Instrument ; mla:instrumentId ?id }",
    "feature": (
        f"SELECT ?iri ?id WHERE {{ ?iri skos:inScheme <{FEATURE_SCHEME}> ; skos:notation ?id }}"
    ),
    "state": (
        "SELECT ?iri ?id WHERE { { ?iri a mla:State ; mla:isoCode ?id } "
        "UNION { ?iri a mla:State ; mla:euCode ?id } "
        "UNION { ?iri a mla:InternationalOrganisation "
        f'BIND(STRAFTER(STR(?iri), "{ORG}") AS ?id) FILTER(?id != "") }} }}'
    ),
}
_LINE = re.compile(r"\bline (\d+)")
_OXIGRAPH_POSITION = re.compile(
    r"^Parser error at line \d+ (?:between )?columns? \d+(?: and \d+)?: "
)
_COLUMN = re.compile(r"\bcolumns? (\d+)")
# pyoxigraph's refusal to substitute a variable the query does not return.
_UNSELECTED = re.compile(r"does not contains? variable \?(\w+)")


def _language(tag: str | None) -> str | None:
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
        return Literal(str(term), lang=_language(term.language))
    if term.datatype is None or term.datatype == XSD.string:
        return Literal(str(term))
    return Literal(str(term), datatype=term.datatype, normalize=True)


def _from_oxigraph(term: Any) -> Node:
    """Convert a pyoxigraph term to the normalised rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=_language(term.language))
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=True)
    raise QueryError(f"RDF-star triple terms are not supported: {term}")


def _to_oxigraph(term: Node) -> Any:
    """Convert an rdflib IRI, blank node or literal to pyoxigraph."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"cannot bind {term!r}; give an IRI or a literal")


def _tsv_term(term: Node) -> str:
    """Render a term for SPARQL TSV results (Turtle syntax, no raw tab or newline)."""
    if isinstance(term, BNode):
        return f"_:{term}"
    return queries.render_term(term).replace("\t", "\\t")


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


def _input_format(path: Path) -> tuple[str, ox.RdfFormat]:
    """Return the parser formats for a file, by its extension, once it is known to exist.

    :raises LoadError: if the file is missing or of an unknown type.
    """
    if not path.is_file():
        raise LoadError(path, None, "no such file; check the path")
    try:
        return _INPUT_FORMATS[path.suffix.lower()]
    except KeyError:
        raise LoadError(
            path,
            None,
            f"unknown file type {path.suffix or '(none)'!r}; "
            f"give RDF as {', '.join(_INPUT_FORMATS)}",
        ) from None


def _position(error: BaseException) -> tuple[int | None, int | None]:
    """Return the 1-based line and column a parser reports for an error, where it does."""
    if isinstance(error, SAXParseException):
        return error.getLineNumber(), error.getColumnNumber()
    lines = getattr(error, "lines", None)  # rdflib's Turtle parser: newlines before the error
    if isinstance(lines, int):
        return lines + 1, None
    line = getattr(error, "lineno", None)  # SyntaxError (pyoxigraph), JSONDecodeError
    if isinstance(line, int):
        column = getattr(error, "offset", None) or getattr(error, "colno", None)
        return line, column if isinstance(column, int) else None
    match = _LINE.search(str(error))
    if match:
        column = _COLUMN.search(str(error))
        return int(match.group(1)), int(column.group(1)) if column else None
    return None, None


def _cause(error: BaseException) -> str:
    """Return the parser's own explanation of an error, without the file excerpt."""
    if isinstance(error, SAXParseException):
        return error.getMessage()
    why = getattr(error, "_why", None)  # rdflib's Turtle parser keeps the bare reason here
    if isinstance(why, str):
        return why
    message = str(getattr(error, "msg", None) or error).strip()
    if not message:
        return type(error).__name__
    # pyoxigraph repeats the position in the message; LoadError states it once.
    return _OXIGRAPH_POSITION.sub("", message.splitlines()[0])


def _load_error(path: Path, error: BaseException) -> LoadError:
    """Describe a failure to read ``path`` as a LoadError with its position."""
    if isinstance(error, OSError) and not isinstance(error, SyntaxError):
        return LoadError(path, None, error.strerror or str(error))
    line, column = _position(error)
    return LoadError(path, line, _cause(error), column)


def read_graph(path: str | Path) -> Graph:
    """Parse one RDF file with rdflib into a graph of its own.

    :raises LoadError: naming the file, line and cause.
    """
    path = Path(path)
    format, _ = _input_format(path)
    graph = Graph()
    try:
        graph.parse(path, format=format, publicID=path.resolve().as_uri())
    except Exception as error:  # rdflib's parsers raise many unrelated types
        raise _load_error(path, error) from error
    return graph


class _OxigraphBackend:
    """The graph in an in-memory pyoxigraph store."""

    name = "oxigraph"

    def __init__(self) -> None:
        self.store = ox.Store()

    def parse(self, path: Path) -> list[Any]:
        """Parse a whole file into quads of the default graph."""
        _, format = _input_format(path)
        try:
            return list(
                ox.parse(
                    path=path,
                    format=format,
                    base_iri=path.resolve().as_uri(),
                    without_named_graphs=True,
                    rename_blank_nodes=True,
                )
            )
        except (SyntaxError, ValueError, OSError) as error:
            raise _load_error(path, error) from error

    def add(self, parsed: Sequence[list[Any]]) -> None:
        """Add parsed files in one transaction."""
        self.store.extend(quad for chunk in parsed for quad in chunk)

    def load_new(self, files: Sequence[Path]) -> None:
        """Load files into this still-empty store, the fastest way each file allows.

        A file that cannot hold named graphs or blank-node labels (N-Triples or Turtle
        without ``_:``) goes straight into the store in Rust, without a Python object per
        triple; any other file is parsed as by :meth:`parse`. A failure raises before the
        graph is returned to anyone, so nothing half-loaded is ever seen.
        """
        for path in files:
            _, format = _input_format(path)
            if format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE) and (
                b"_:" not in path.read_bytes()
            ):
                try:
                    self.store.load(path=path, format=format, base_iri=path.resolve().as_uri())
                except (SyntaxError, ValueError, OSError) as error:
                    raise _load_error(path, error) from error
            else:
                self.add([self.parse(path)])

    def __len__(self) -> int:
        return len(self.store)

    def query(self, sparql: str, bindings: Mapping[str, Node]) -> QueryResult:
        """Run a query with engine-native substitution of the single-valued bindings."""
        substitutions = {ox.Variable(name): _to_oxigraph(term) for name, term in bindings.items()}
        try:
            answer = self.store.query(
                sparql, prefixes=_PROLOGUE_PREFIXES, substitutions=substitutions or None
            )
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult(ask=bool(answer))
            if isinstance(answer, ox.QueryTriples):
                graph = _new_graph()
                for triple in answer:
                    graph.add(
                        (
                            _from_oxigraph(triple.subject),
                            _from_oxigraph(triple.predicate),
                            _from_oxigraph(triple.object),
                        )
                    )
                return QueryResult(graph=graph)
            names = [variable.value for variable in answer.variables]
            # Answers repeat the same IRIs and literals many times, and building an rdflib
            # term costs far more than a lookup: convert each distinct term once per answer.
            converted: dict[Any, Node] = {}
            rows = []
            for solution in answer:
                row = {}
                for name in names:
                    term = solution[name]
                    if term is not None:
                        node = converted.get(term)
                        if node is None:
                            node = converted[term] = _from_oxigraph(term)
                        row[name] = node
                rows.append(row)
            return QueryResult(vars=names, rows=rows)
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {error.msg}") from error
        except RuntimeError as error:
            unselected = _UNSELECTED.search(str(error))
            if unselected:
                raise _not_selected(unselected.group(1)) from error
            raise QueryError(f"the query failed: {error}") from error
        except (OSError, ValueError) as error:
            raise QueryError(f"the query failed: {error}") from error

    def serialize(self, format: str) -> bytes:
        """Serialize the default graph with pyoxigraph's writers."""
        _, ox_format = _OUTPUT_FORMATS[format]
        return self.store.dump(
            format=ox_format, from_graph=ox.DefaultGraph(), prefixes=_PROLOGUE_PREFIXES
        )

    def to_rdflib(self) -> Graph:
        """Copy the graph into a new rdflib Graph."""
        graph = _new_graph()
        for quad in self.store:
            graph.add(
                (
                    _from_oxigraph(quad.subject),
                    _from_oxigraph(quad.predicate),
                    _from_oxigraph(quad.object),
                )
            )
        return graph


class _RdflibBackend:
    """The graph in an rdflib Graph, queried with rdflib's own SPARQL engine."""

    name = "rdflib"

    def __init__(self) -> None:
        self.graph = _new_graph()

    def parse(self, path: Path) -> Graph:
        """Parse a whole file into a graph of its own."""
        return read_graph(path)

    def add(self, parsed: Sequence[Graph]) -> None:
        """Add parsed files."""
        for graph in parsed:
            self.graph += graph

    def __len__(self) -> int:
        return len(self.graph)

    def query(self, sparql: str, bindings: Mapping[str, Node]) -> QueryResult:
        """Run a query with rdflib's ``initBindings`` for the single-valued bindings."""
        try:
            # rdflib's SPARQL parser takes a fifth of a second to import; oxigraph never needs it.
            from rdflib.plugins.sparql import prepareQuery

            prepared = prepareQuery(sparql, initNs=_PROLOGUE_PREFIXES)
        except Exception as error:  # pyparsing errors have no common base with ours
            raise QueryError(f"SPARQL syntax error: {error}") from error
        # rdflib would bind any variable; pyoxigraph only those the query returns. Refuse
        # the same queries here, so a query never works on one engine and fails on the other.
        if bindings:
            algebra = prepared.algebra
            if algebra.name == "SelectQuery":
                usable = set(algebra["PV"])
            else:
                usable = getattr(algebra.get("p"), "_vars", None) or set()
            for name in bindings:
                if Variable(name) not in usable:
                    raise _not_selected(name)
        try:
            answer = self.graph.query(prepared, initBindings=dict(bindings))
            if answer.type == "ASK":
                return QueryResult(ask=bool(answer.askAnswer))
            if answer.type in ("CONSTRUCT", "DESCRIBE"):
                graph = _new_graph()
                for s, p, o in answer.graph or ():
                    graph.add((s, p, normalise(o)))
                return QueryResult(graph=graph)
            names = [str(var) for var in answer.vars or ()]
            rows = []
            for solution in answer:
                row = {}
                for name, term in zip(names, solution, strict=True):  # type: ignore[call-overload]
                    if term is not None:
                        row[name] = normalise(term)
                rows.append(row)
            return QueryResult(vars=names, rows=rows)
        except Exception as error:  # pyparsing and evaluation errors have no common base
            raise QueryError(f"the query failed: {error}") from error

    def serialize(self, format: str) -> bytes:
        """Serialize with rdflib's writers."""
        rdflib_format, _ = _OUTPUT_FORMATS[format]
        if format == "trig":
            # TriG writes a Graph as a graph named by its (blank) identifier; the triples
            # belong in the default graph, as pyoxigraph writes them.
            dataset = Dataset()
            for prefix, namespace in PREFIXES.items():
                dataset.bind(prefix, namespace, override=True)
            dataset.default_graph += self.graph
            return dataset.serialize(format=rdflib_format, encoding="utf-8")
        return self.graph.serialize(format=rdflib_format, encoding="utf-8")

    def to_rdflib(self) -> Graph:
        """Copy the graph into a new rdflib Graph."""
        graph = _new_graph()
        graph += self.graph
        return graph


def _not_selected(name: str) -> QueryError:
    """Describe a binding for a variable the query does not return."""
    return QueryError(
        f"cannot bind ?{name}: the query does not select it; add ?{name} to the SELECT "
        "clause (a bound value replaces a variable of the result)"
    )


def _new_graph() -> Graph:
    """Return an empty rdflib Graph with the mla-kg prefixes bound."""
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


class KnowledgeGraph:
    """The mla-kg knowledge graph: bundled ontology and data, plus any files of your own.

    :param backend: ``"oxigraph"`` (embedded, default) or ``"rdflib"`` (pure Python).
    :param extra_files: RDF files to load as well (Turtle, N-Triples, RDF/XML, JSON-LD).
    :param include_bundled: whether to load the bundled ``ontology/`` (with the shapes) and
        ``data/``.
    :raises LoadError: naming the file, line and cause when a file cannot be read; nothing
        is loaded then.

    >>> kg = KnowledgeGraph()
    >>> len(kg) > 1000
    True
    """

    def __init__(
        self,
        backend: str = "oxigraph",
        extra_files: Iterable[str | Path] = (),
        include_bundled: bool = True,
    ) -> None:
        if backend == "oxigraph":
            self._backend: _OxigraphBackend | _RdflibBackend = _OxigraphBackend()
        elif backend == "rdflib":
            self._backend = _RdflibBackend()
        else:
            raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
        self.files: list[Path] = []
        self._indexes: dict[str, dict[str, URIRef]] = {}
        self._derived: dict[str, Any] = {}
        files: list[Path] = []
        if include_bundled:
            if not paths.ONTOLOGY_DIR.is_dir():
                raise LoadError(paths.ONTOLOGY_DIR, None, "the bundled ontology folder is missing")
            files += paths.ontology_files() + paths.data_files()
        files += [Path(file) for file in extra_files]
        if isinstance(self._backend, _OxigraphBackend):
            self._backend.load_new(files)
            self.files += files
        else:
            self.load(files)

    @classmethod
    def remote(
        cls, endpoint_url: str, graph: str | None = None, timeout: float = 60.0
    ) -> KnowledgeGraph:
        """Return the knowledge graph held by a SPARQL 1.1 endpoint (read-only).

        :param endpoint_url: the query URL, e.g. ``http://127.0.0.1:7878/query``.
        :param graph: the named graph holding the data (``mla-kg push --graph``), sent as
            ``default-graph-uri``; ``None`` queries the endpoint's default dataset.
        :param timeout: seconds to wait for each answer before :class:`QueryTimeout`.
        """
        from mla_kg.remote import RemoteBackend  # mla_kg.remote imports this module

        kg = cls.__new__(cls)
        kg._backend = RemoteBackend(endpoint_url, graph, timeout)  # type: ignore[assignment]
        kg.files = []
        kg._indexes = {}
        kg._derived = {}
        return kg

    @property
    def backend(self) -> str:
        """Return the name of the engine holding the graph."""
        return self._backend.name

    def derived(self, name: str) -> dict[str, Any] | None:
        """Return a cache for results derived from this graph, emptied whenever it changes.

        ``None`` for a remote graph: its server's data may change under us, so nothing is kept.
        """
        if self._backend.name == "remote":
            return None
        return self._derived.setdefault(name, {})

    def load(self, files: Iterable[str | Path]) -> None:
        """Add RDF files to the graph: each is parsed fully before any triple is added.

        :raises LoadError: naming the file, line and cause; the graph is then unchanged.
        """
        files = [Path(file) for file in files]
        parsed = [self._backend.parse(path) for path in files]
        self._backend.add(parsed)  # type: ignore[arg-type]
        self.files += files
        self._indexes.clear()
        self._derived.clear()

    def __len__(self) -> int:
        """Return the number of triples."""
        return len(self._backend)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.backend}: {len(self)} triples from {len(self.files)} files>"

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node | str | Sequence[Node]] | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE).

        The usual prefixes (``mla:``, ``feat:``, ``skos:``, ``dct:``, ``rdfs:`` ...) are
        predeclared.

        :param sparql: the query text.
        :param bindings: values for variables. A term (or a ``str``, bound as a string
            literal) is bound by the engine; a list of terms restricts the variable to those
            values through a trailing ``VALUES`` clause. Either way a SELECT query must
            project the variable (an ASK, CONSTRUCT or DESCRIBE query must use it), as
            SPARQL substitution (SEP-0007) requires; the engines agree on this.
        :returns: the rows, the ASK answer or the constructed graph, as rdflib terms.
        :raises QueryError: if the query is malformed or fails.

        >>> kg = KnowledgeGraph()
        >>> eu_jp = kg.instrument_iri("eu-jp-mla")
        >>> result = kg.query("SELECT ?i ?id WHERE { ?i mla:instrumentId ?id }", {"i": eu_jp})
        >>> [str(row["id"]) for row in result]
        ['eu-jp-mla']
        """
        single, lists = queries.split_bindings(bindings)
        if lists:
            sparql = sparql.rstrip() + queries.render_values(lists)
        return self._backend.query(sparql, single)

    def run(self, name: str | queries.NamedQuery, **params: object) -> QueryResult:
        """Run a named query of ``queries/`` with parameters typed by its header.

        :param name: the query name (file stem), or a :class:`~mla_kg.queries.NamedQuery`.
        :param params: parameter values; ids are resolved to IRIs where the header says
            ``(instrument)``, ``(feature)`` or ``(state)``.
        :raises UnknownQuery: listing the known query names.
        :raises MissingParameter: naming a required parameter that was not given.
        :raises UnknownInstrument: listing the known instrument ids.

        >>> kg = KnowledgeGraph()
        >>> rows = kg.run("count_subdivisions_by_status", instrument="eu-jp-mla").rows
        >>> {str(row["instrumentId"]) for row in rows}
        {'eu-jp-mla'}
        """
        query = name if isinstance(name, queries.NamedQuery) else queries.get(name)
        bindings = queries.bind_parameters(query, params, self)
        try:
            return self.query(query.text, bindings)
        except QueryError as error:
            if error.query is None:
                raise QueryError(str(error), query.name) from error
            raise

    def _index(self, kind: str) -> dict[str, URIRef]:
        """Return instrument, feature or State IRIs by id, read once per loaded state."""
        if kind not in self._indexes:
            rows = self.query(_INDEX_QUERIES[kind])
            self._indexes[kind] = {
                str(row["id"]): row["iri"]  # type: ignore[misc]
                for row in rows
            }
        return self._indexes[kind]

    def _resolve(self, kind: str, key: str, error: type[Exception]) -> URIRef:
        """Return the IRI for an id (or the IRI itself, if known), else raise ``error``."""
        index = self._index(kind)
        if key in index:
            return index[key]
        if key in {str(iri) for iri in index.values()}:
            return URIRef(key)
        raise error(key, index)

    def instruments(self) -> list[str]:
        """Return the ids of the instruments in the graph, sorted."""
        return sorted(self._index("instrument"))

    def features(self) -> list[str]:
        """Return the ids of the features of the feature scheme, sorted."""
        return sorted(self._index("feature"))

    def instrument_iri(self, instrument_id: str) -> URIRef:
        """Return the IRI of an instrument given its id (``eu-jp-mla``) or its IRI.

        :raises UnknownInstrument: listing the known ids.
        """
        return self._resolve("instrument", instrument_id, UnknownInstrument)

    def feature_iri(self, feature_id: str) -> URIRef:
        """Return the IRI of a feature of the scheme given its id (``videoconference-hearing``).

        :raises UnknownFeature: listing the feature ids.
        """
        return self._resolve("feature", feature_id, UnknownFeature)

    def state_iri(self, code: str) -> URIRef:
        """Return the IRI of a State given its ISO 3166-1 alpha-2 code (or EU code, or ``EU``).

        :raises UnknownState: listing the known codes.
        """
        return self._resolve("state", code if ":" in code else code.upper(), UnknownState)

    def serialize(self, format: str = "ttl") -> bytes:
        """Serialize the whole graph.

        :param format: ``ttl``, ``nt``, ``jsonld`` or ``trig``.
        :raises UnsupportedFormat: for any other format.
        """
        if format not in _OUTPUT_FORMATS:
            raise UnsupportedFormat(format, _OUTPUT_FORMATS)
        return self._backend.serialize(format)

    def to_rdflib(self) -> Graph:
        """Return a copy of the graph as an rdflib Graph (for networkx views and the like)."""
        return self._backend.to_rdflib()

    @property
    def store(self) -> ox.Store | Graph:
        """Return the engine's own graph: a ``pyoxigraph.Store`` or an ``rdflib.Graph``.

        For tools that take one of these directly (pyshacl takes both); do not modify it.
        """
        backend = self._backend
        return backend.store if isinstance(backend, _OxigraphBackend) else backend.graph

    # Comparison views (mla_kg.compare), imported when used: compare imports this module.

    def compare(
        self,
        instruments: Sequence[str] = ("eu-jp-mla", "eu-us-mla", "jp-us-mlat"),
        features: Sequence[str] | None = None,
        groups: Sequence[str] | None = None,
    ) -> Comparison:
        """Compare instruments feature by feature; see :func:`mla_kg.compare.compare`."""
        from mla_kg.compare import compare

        return compare(self, instruments, features=features, groups=groups)

    def diff(self, a: str, b: str) -> InstrumentDiff:
        """Return the features only one of two instruments has; see :func:`mla_kg.compare.diff`."""
        from mla_kg.compare import diff

        return diff(self, a, b)

    def outline(self, instrument: str) -> Outline:
        """Return an instrument's subdivisions in order; see :func:`mla_kg.compare.outline`."""
        from mla_kg.compare import outline

        return outline(self, instrument)

    def model_profile(self, instrument: str) -> ModelProfile:
        """Score improved vs traditional cooperation; see :func:`mla_kg.compare.model_profile`."""
        from mla_kg.compare import model_profile

        return model_profile(self, instrument)

    # Planning views (mla_kg.legal_basis, mla_kg.checklist), imported when used.

    def legal_bases(self, requesting: str, requested: str, on: str | None = None) -> LegalBases:
        """Return the legal bases usable on a date; see :func:`mla_kg.legal_basis.legal_bases`."""
        from mla_kg.legal_basis import legal_bases

        return legal_bases(self, requesting, requested, on=on)

    def request_checklist(
        self,
        requesting: str,
        requested: str,
        measures: Sequence[str] = (),
        offence: Offence | None = None,
        on: str | None = None,
    ) -> RequestChecklist:
        """Return a request checklist per basis; see :func:`mla_kg.checklist.request_checklist`."""
        from mla_kg.checklist import request_checklist

        return request_checklist(self, requesting, requested, measures, offence, on=on)

    # Drafting (mla_kg.drafting), imported when used.

    def check_request(
        self, description: RequestDescription | str | Path, basis: str | None = None
    ) -> RequestCheck:
        """Check a request description (or a YAML file) against its legal basis.

        See :func:`mla_kg.drafting.check.check_request`.
        """
        from mla_kg.drafting import RequestDescription, check_request

        if not isinstance(description, RequestDescription):
            description = RequestDescription.from_file(description)
        return check_request(self, description, basis=basis)

    def draft_request(
        self, description: RequestDescription | str | Path, basis: str | None = None
    ) -> DraftRequest:
        """Return the draft request for a description (or a YAML file).

        Render it with :func:`mla_kg.drafting.to_markdown` or :func:`mla_kg.drafting.to_docx`;
        see :func:`mla_kg.drafting.document.build_draft`.
        """
        from mla_kg.drafting.document import build_draft

        return build_draft(self.check_request(description, basis=basis))


__all__ = ["BACKENDS", "OUTPUT_FORMATS", "KnowledgeGraph", "QueryResult", "normalise"]
